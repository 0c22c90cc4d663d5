package bng.core.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs the BalanceNG modules the configuration's {@code modules} line names, each a bundle
 * {@code bng.NAME}, and installs or removes them while the bus keeps running.
 */
@ProviderType
public interface ModuleManager {
    /** Every module BalanceNG knows, plus any other module bundle present, with its state. */
    List<ModuleInfo> modules();

    /** Installs (when needed) and starts the module's bundle; returns what was done. */
    String add(String name);

    /** Stops and uninstalls the module's bundle; its state stays in core. Returns what was done. */
    String remove(String name);

    /**
     * @param state {@code running}, {@code stopped}, {@code removed} (uninstalled at the prompt),
     *              {@code missing} (named in the config but no bundle exists) or {@code available}
     *              (a bundle exists, the config does not name it)
     */
    record ModuleInfo(String name, String state, boolean configured, long bundleId, String version, String note) {}
}
