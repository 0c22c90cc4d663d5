package bng.core.impl;

import bng.core.api.RunningConfig;
import bng.core.api.ShowTopic;
import bng.core.config.ConfigWriter;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code show config}: the running configuration in the saved layout. */
@Component(property = {ShowTopic.TOPIC + "=config", ShowTopic.DESCRIPTION + "=the running configuration, as save writes it"})
public final class ConfigTopic implements ShowTopic {
    @Reference
    RunningConfig running;

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(ConfigWriter.save(running.current(), Version.VERSION));
    }
}
