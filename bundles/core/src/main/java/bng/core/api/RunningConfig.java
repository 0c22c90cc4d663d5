package bng.core.api;

import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The running configuration: one immutable snapshot at a time, replaced atomically. A text with
 * any error changes nothing. {@link ConfigListener} services hear of every new snapshot.
 */
@ProviderType
public interface RunningConfig {
    Configuration current();

    /** The file the instance was started with (for {@code reload}), or null. */
    String sourceFile();

    /** Parses statements on top of the current snapshot and commits them when they are all sound. */
    ConfigResult apply(String sourceName, String text);

    /** Re-reads {@link #sourceFile()} from scratch and commits it when it is sound. */
    ConfigResult reload();
}
