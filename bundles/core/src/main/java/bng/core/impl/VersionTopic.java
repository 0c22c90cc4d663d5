package bng.core.impl;

import bng.core.api.ShowTopic;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** {@code show version}: bng, Java and framework versions. */
@Component(property = {ShowTopic.TOPIC + "=version", ShowTopic.DESCRIPTION + "=bng, Java and OSGi framework versions"})
public final class VersionTopic implements ShowTopic {
    private String framework;

    @Activate
    void activate(BundleContext ctx) {
        framework = ctx.getBundle(0).getSymbolicName() + " " + ctx.getBundle(0).getVersion();
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append("bng ").append(Version.VERSION).append(" (BalanceNG-compatible)\n");
        out.append("java ").append(Runtime.version()).append(' ').append(System.getProperty("java.vendor", "")).append('\n');
        out.append("framework ").append(framework).append('\n');
    }
}
