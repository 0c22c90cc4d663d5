package bng.core.impl;

import bng.core.api.ModuleManager;
import bng.core.api.RunningConfig;
import bng.core.api.ShowTopic;
import java.util.List;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code show status} (and {@code bng status}): running, with which file and modules. */
@Component(property = {ShowTopic.TOPIC + "=status", ShowTopic.DESCRIPTION + "=instance, pid, configuration file and modules"})
public final class StatusTopic implements ShowTopic {
    @Reference
    RunningConfig running;

    @Reference
    ModuleManager modules;

    private String instance;

    @Activate
    void activate(BundleContext ctx) {
        String i = ctx.getProperty("bng.instance");
        instance = i == null || i.isBlank() ? "0" : i.trim();
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append("BalanceNG: running with PID ").append(NativeProcess.pid());
        if (!instance.equals("0")) {
            out.append(" (instance ").append(instance).append(')');
        }
        out.append('\n');
        out.append("config:  ").append(running.sourceFile() == null ? "-" : running.sourceFile()).append('\n');
        out.append("modules: ").append(modules.modules().stream()
            .filter(ModuleManager.ModuleInfo::configured)
            .map(m -> m.name() + (m.state().equals("running") ? "" : "(" + m.state() + ")"))
            .collect(Collectors.joining(","))).append('\n');
    }
}
