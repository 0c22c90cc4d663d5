package bng.core.impl;

import bng.core.api.ConfigListener;
import bng.core.api.RunningConfig;
import bng.core.config.ConfigDiff;
import bng.core.config.ConfigError;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Holds the committed snapshot and tells listeners of each new one. Loads the file named by the
 * framework property {@code bng.config} at activation; a file with errors is reported and
 * leaves the instance with an empty configuration (the command line refuses such a file before
 * it starts anything, so this is the reload-time safety net).
 */
@Component(service = RunningConfig.class, immediate = true)
public final class RunningConfigManager implements RunningConfig {
    private static final System.Logger LOG = System.getLogger(RunningConfigManager.class.getName());

    private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
    private final Object commitLock = new Object();
    private volatile Configuration current = Configuration.empty();
    private volatile String sourceFile;

    @Activate
    void activate(BundleContext ctx) {
        String file = ctx.getProperty("bng.config");
        if (file != null && !file.isBlank()) {
            sourceFile = file;
            ConfigResult r = reload();
            if (!r.ok()) {
                r.errors().forEach(e -> LOG.log(System.Logger.Level.ERROR, e.toString()));
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindListener(ConfigListener l) {
        listeners.add(l);
        safeNotify(l, Configuration.empty(), current);
    }

    void unbindListener(ConfigListener l) {
        listeners.remove(l);
    }

    @Override
    public Configuration current() {
        return current;
    }

    @Override
    public String sourceFile() {
        return sourceFile;
    }

    @Override
    public ConfigResult apply(String sourceName, String text) {
        synchronized (commitLock) {
            ConfigResult r = ConfigParser.parse(sourceName, text, current);
            if (r.ok()) {
                commit(sourceName, r.configuration());
            } else {
                LOG.log(System.Logger.Level.WARNING, "configuration from {0} refused, nothing applied: {1}", sourceName,
                    r.errors().get(0));
            }
            return r;
        }
    }

    @Override
    public ConfigResult reload() {
        String file = sourceFile;
        if (file == null) {
            return new ConfigResult(null, List.of(new ConfigError("-", 0, 0, "no configuration file to reload")));
        }
        String text;
        try {
            text = ConfigParser.readFile(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return new ConfigResult(null, List.of(new ConfigError(file, 0, 0, "cannot read: " + e.getMessage())));
        }
        synchronized (commitLock) {
            ConfigResult r = ConfigParser.parse(file, text, Configuration.empty());
            if (r.ok()) {
                commit(file, r.configuration());
            } else {
                LOG.log(System.Logger.Level.WARNING, "configuration file {0} refused, nothing applied: {1}", file,
                    r.errors().get(0));
            }
            return r;
        }
    }

    private void commit(String source, Configuration next) {
        Configuration previous = current;
        current = next;
        LOG.log(System.Logger.Level.INFO, "configuration committed from {0}: {1}", source, describe(ConfigDiff.of(previous, next)));
        for (ConfigListener l : listeners) {
            safeNotify(l, previous, next);
        }
    }

    /** "targets +3 ~1 -2, settings" and the like; "no change" when the snapshot equals the last. */
    static String describe(ConfigDiff d) {
        StringBuilder sb = new StringBuilder();
        changes(sb, "interfaces", d.interfaces());
        changes(sb, "networks", d.networks());
        changes(sb, "servers", d.servers());
        changes(sb, "targets", d.targets());
        String[] flags = {"modules", "settings", "gateway", "vrrp", "bgp"};
        boolean[] set = {d.modulesChanged(), d.settingsChanged(), d.gatewayChanged(), d.vrrpChanged(), d.bgpChanged()};
        for (int i = 0; i < flags.length; i++) {
            if (set[i]) {
                sb.append(sb.isEmpty() ? "" : ", ").append(flags[i]);
            }
        }
        return sb.isEmpty() ? "no change" : sb.toString();
    }

    private static void changes(StringBuilder sb, String kind, ConfigDiff.Changes c) {
        if (c.isEmpty()) {
            return;
        }
        sb.append(sb.isEmpty() ? "" : ", ").append(kind);
        if (!c.added().isEmpty()) {
            sb.append(" +").append(ids(c.added()));
        }
        if (!c.changed().isEmpty()) {
            sb.append(" ~").append(ids(c.changed()));
        }
        if (!c.removed().isEmpty()) {
            sb.append(" -").append(ids(c.removed()));
        }
    }

    private static String ids(java.util.SortedSet<Integer> ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(sb.isEmpty() ? "" : ",").append(id);
        }
        return sb.toString();
    }

    private static void safeNotify(ConfigListener l, Configuration previous, Configuration next) {
        try {
            l.configurationChanged(previous, next);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "configuration listener " + l.getClass().getName() + " failed", e);
        }
    }
}
