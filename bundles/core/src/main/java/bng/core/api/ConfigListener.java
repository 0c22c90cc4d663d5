package bng.core.api;

import bng.core.config.Configuration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: told of every committed snapshot, and of the current one when it binds (with
 * {@code previous} = {@link Configuration#empty()}). Called on the committing thread, in no
 * particular order between listeners; must not block for long.
 */
@ConsumerType
public interface ConfigListener {
    void configurationChanged(Configuration previous, Configuration current);
}
