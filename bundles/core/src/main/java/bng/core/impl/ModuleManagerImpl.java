package bng.core.impl;

import bng.core.api.ConfigListener;
import bng.core.api.ModuleManager;
import bng.core.api.PacketBus;
import bng.core.api.ShowTopic;
import bng.core.config.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The module manager. A module is a bundle whose manifest says {@code BalanceNG-Module: NAME};
 * bundles not yet installed are taken from the modules directory (framework property
 * {@code bng.modules.dir}, default {@code ${bng.home}/runtime/target/modules}).
 *
 * <p>Bundle operations run on one thread of their own: a configuration commit can arrive from
 * inside SCR (a component's activation), and starting bundles from there would re-enter SCR.
 * The prompt's {@code module add/remove} wait for that thread, so their answer is the outcome.
 */
@Component(service = {ModuleManager.class, ConfigListener.class, ShowTopic.class, ModuleManagerImpl.class},
    immediate = true, property = {ShowTopic.TOPIC + "=modules", ShowTopic.DESCRIPTION + "=BalanceNG modules and their state"})
public final class ModuleManagerImpl implements ModuleManager, ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(ModuleManagerImpl.class.getName());
    public static final String HEADER = "BalanceNG-Module";
    /** BalanceNG's modules (reference §3.4); {@code master} is the core itself. */
    public static final List<String> KNOWN = List.of("vrrp", "arp", "ping", "hc", "master", "slb", "tnat", "nat", "rt", "benchmark");
    private static final String CORE = "master";

    @Reference
    PacketBus bus;

    private BundleContext context;
    private Path dir;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bng-modules");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> configured = new LinkedHashSet<>();
    private final Set<String> removedAtPrompt = new LinkedHashSet<>();

    @Activate
    void activate(BundleContext ctx) {
        this.context = ctx;
        String d = ctx.getProperty("bng.modules.dir");
        if (d == null || d.isBlank()) {
            String home = ctx.getProperty("bng.home");
            d = (home != null ? home : ".") + "/runtime/target/modules";
        }
        this.dir = Path.of(d);
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
    }

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        if (current.modules().isEmpty() || current.modules().equals(previous.modules()) && !configured.isEmpty()) {
            return;
        }
        List<String> names = List.copyOf(current.modules());
        worker.execute(() -> applyModulesLine(names));
    }

    private synchronized void applyModulesLine(List<String> names) {
        configured.clear();
        configured.addAll(names);
        removedAtPrompt.clear();
        for (String n : names) {
            if (n.equals(CORE)) {
                continue;
            }
            try {
                String outcome = doAdd(n);
                if (outcome.startsWith("module " + n + ": no bundle")) {
                    LOG.log(System.Logger.Level.WARNING, "module {0} is named in the modules line but has no bundle; everything else starts", n);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "module " + n + " failed to start", e);
            }
        }
        for (Bundle b : context.getBundles()) {
            String n = moduleOf(b);
            if (n != null && !n.equals(CORE) && namesOf(b.getHeaders("").get(HEADER)).stream().noneMatch(configured::contains)
                && b.getState() == Bundle.ACTIVE) {
                try {
                    b.stop();
                    LOG.log(System.Logger.Level.INFO, "module {0} stopped: not in the modules line", n);
                } catch (BundleException e) {
                    LOG.log(System.Logger.Level.ERROR, "module " + n + " failed to stop", e);
                }
            }
        }
    }

    /** Waits until queued module work is done (start-up, tests). */
    public void awaitIdle(long timeout, TimeUnit unit) {
        await(worker.submit(() -> "idle"), timeout, unit);
    }

    @Override
    public String add(String name) {
        return await(worker.submit(() -> {
            synchronized (this) {
                removedAtPrompt.remove(name);
                return doAdd(name);
            }
        }), 60, TimeUnit.SECONDS);
    }

    @Override
    public String remove(String name) {
        return await(worker.submit(() -> {
            synchronized (this) {
                return doRemove(name);
            }
        }), 60, TimeUnit.SECONDS);
    }

    /**
     * Replaces a running module's bundle by another jar (the given file, or the module's jar in the
     * modules directory) in place: {@code Bundle.update} stops the bundle (SCR deactivates its
     * components, the bus waits for port threads to leave its processors and drops them), swaps the
     * revision, starts it again (SCR activates the new components, which bind the same core
     * services: session table, health, neighbours, configuration) and the framework is refreshed so
     * the old class loader goes. Nothing the module keeps of its own survives; what must survive
     * lives in core. The answer names the bundle's last-modified time before and after.
     */
    public String update(String name, String jar) {
        return await(worker.submit(() -> {
            synchronized (this) {
                return doUpdate(name, jar);
            }
        }), 60, TimeUnit.SECONDS);
    }

    private String doUpdate(String name, String jar) {
        if (name.equals(CORE)) {
            return "module master is the core: update bng itself (bng restart)";
        }
        Bundle b = bundleOf(name);
        if (b == null) {
            return "module " + name + " is not installed ('module add " + name + "' installs it)";
        }
        if (!name.equals(moduleOf(b))) {
            return "module " + name + " is part of module " + moduleOf(b) + "'s bundle; update " + moduleOf(b);
        }
        Path file = jar == null ? jarOf(name) : Path.of(jar).toAbsolutePath();
        if (file == null || !Files.isRegularFile(file)) {
            return "module " + name + ": no jar to update from (" + (jar == null ? "none for bng." + name + " in " + dir : jar) + ")";
        }
        try (JarFile jf = new JarFile(file.toFile())) {
            var mf = jf.getManifest();
            String h = mf == null ? null : mf.getMainAttributes().getValue(HEADER);
            if (!namesOf(h).contains(name)) {
                return "module " + name + ": " + file + " is not that module's bundle (" + HEADER + ": " + h + ")";
            }
        } catch (IOException e) {
            return "module " + name + ": cannot read " + file + ": " + e.getMessage();
        }
        long before = b.getLastModified();
        String version = b.getVersion().toString();
        try (InputStream in = Files.newInputStream(file)) {
            b.update(in); // stops, swaps the revision, starts again if it was active
        } catch (BundleException | IOException | RuntimeException e) {
            return "module " + name + " failed to update: " + e.getMessage();
        }
        String refreshed = refresh(b);
        return "module " + name + " updated (bundle " + b.getBundleId() + ", " + version + " -> " + b.getVersion()
            + ", last modified " + before + " -> " + b.getLastModified() + ", from " + file + ")" + refreshed
            + (b.getState() == Bundle.ACTIVE ? "; running" : "; not running: " + stateName(b.getState()));
    }

    /** Refreshes the updated bundle so its old revision and class loader are released; waits at most 30 s. */
    private String refresh(Bundle b) {
        CountDownLatch done = new CountDownLatch(1);
        try {
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> {
                if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) {
                    done.countDown();
                }
            });
            return done.await(30, TimeUnit.SECONDS) ? "" : "; refresh still running after 30 s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "; refresh interrupted";
        } catch (RuntimeException e) {
            return "; refresh failed: " + e.getMessage();
        }
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            default -> "uninstalled";
        };
    }

    private static String await(Future<String> f, long timeout, TimeUnit unit) {
        try {
            return f.get(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            return "failed: " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "still working after " + timeout + " " + unit.toString().toLowerCase();
        }
    }

    private String doAdd(String name) {
        if (name.equals(CORE)) {
            return "module master is the core and always runs";
        }
        Bundle b = bundleOf(name);
        try {
            if (b == null) {
                Path jar = jarOf(name);
                if (jar == null) {
                    return "module " + name + ": no bundle (looked for bng." + name + " in " + dir + ")";
                }
                b = context.installBundle(jar.toUri().toString());
            }
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
                LOG.log(System.Logger.Level.INFO, "module {0} started (bundle {1}, {2})", name, Long.toString(b.getBundleId()),
                    b.getVersion());
            }
            return "module " + name + " running (bundle " + b.getBundleId() + ")";
        } catch (BundleException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "module {0} failed to start: {1}", name, e.getMessage());
            return "module " + name + " failed to start: " + e.getMessage();
        }
    }

    private String doRemove(String name) {
        if (name.equals(CORE)) {
            return "module master is the core and cannot be removed";
        }
        Bundle b = bundleOf(name);
        if (b == null) {
            return "module " + name + " is not installed";
        }
        if (!name.equals(moduleOf(b))) {
            return "module " + name + " is part of module " + moduleOf(b) + "'s bundle (" + b.getSymbolicName()
                + "); remove " + moduleOf(b) + " to remove both";
        }
        try {
            b.uninstall(); // stops it first; the bus waits for port threads to leave its processors
            removedAtPrompt.add(name);
            LOG.log(System.Logger.Level.INFO, "module {0} removed (bundle {1} uninstalled)", name, Long.toString(b.getBundleId()));
            return "module " + name + " removed";
        } catch (BundleException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "module {0} failed to uninstall: {1}", name, e.getMessage());
            return "module " + name + " failed to uninstall: " + e.getMessage();
        }
    }

    private Bundle bundleOf(String name) {
        for (Bundle b : context.getBundles()) {
            if (provides(b, name) && b.getState() != Bundle.UNINSTALLED) {
                return b;
            }
        }
        return null;
    }

    /**
     * The module a bundle is: the first name of its header. Further names are modules whose work
     * that bundle does too ({@code BalanceNG-Module: slb,tnat}: SNAT proxying lives in slb).
     */
    private static String moduleOf(Bundle b) {
        List<String> names = namesOf(b.getHeaders("").get(HEADER));
        return names.isEmpty() ? null : names.get(0);
    }

    private static List<String> namesOf(String header) {
        if (header == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String n : header.split(",")) {
            if (!n.isBlank()) {
                names.add(n.trim());
            }
        }
        return names;
    }

    private static boolean provides(Bundle b, String name) {
        return namesOf(b.getHeaders("").get(HEADER)).contains(name);
    }

    /** The module's jar in the modules directory: the newest file whose manifest names it. */
    Path jarOf(String name) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Path found = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path p : ds) {
                try (JarFile jf = new JarFile(p.toFile())) {
                    var mf = jf.getManifest();
                    String h = mf == null ? null : mf.getMainAttributes().getValue(HEADER);
                    if (namesOf(h).contains(name)) {
                        found = p;
                    }
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "not a readable jar: {0}", p);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list {0}: {1}", dir, e.getMessage());
        }
        return found;
    }

    @Override
    public synchronized List<ModuleInfo> modules() {
        Set<String> names = new LinkedHashSet<>(KNOWN);
        names.addAll(configured);
        for (Bundle b : context.getBundles()) {
            String n = moduleOf(b);
            if (n != null) {
                names.add(n);
            }
        }
        List<ModuleInfo> l = new ArrayList<>();
        for (String n : names) {
            boolean conf = configured.contains(n);
            if (n.equals(CORE)) {
                Bundle core = context.getBundle();
                l.add(new ModuleInfo(n, "running", true, core.getBundleId(), core.getVersion().toString(), "core: bus, ports, configuration"));
                continue;
            }
            Bundle b = bundleOf(n);
            if (b != null) {
                String state = b.getState() == Bundle.ACTIVE ? "running" : "stopped";
                String note = !n.equals(moduleOf(b)) ? "part of module " + moduleOf(b) : conf ? "" : "not in the modules line";
                l.add(new ModuleInfo(n, state, conf, b.getBundleId(), b.getVersion().toString(), note));
            } else if (removedAtPrompt.contains(n)) {
                l.add(new ModuleInfo(n, "removed", conf, -1, "-", "uninstalled at the prompt; 'module add " + n + "' brings it back"));
            } else if (jarOf(n) != null) {
                l.add(new ModuleInfo(n, conf ? "stopped" : "available", conf, -1, "-", conf ? "" : "not in the modules line"));
            } else if (conf) {
                l.add(new ModuleInfo(n, "missing", true, -1, "-", "named in the modules line, no bundle yet"));
            } else {
                l.add(new ModuleInfo(n, "absent", false, -1, "-", "no bundle yet"));
            }
        }
        return l;
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-10s %-10s %-6s %-7s %-14s %s%n", "module", "state", "config", "bundle", "version", "note"));
        for (ModuleInfo m : modules()) {
            out.append(String.format("%-10s %-10s %-6s %-7s %-14s %s", m.name(), m.state(), m.configured() ? "yes" : "no",
                m.bundleId() < 0 ? "-" : Long.toString(m.bundleId()), m.version(), m.note()).stripTrailing()).append('\n');
        }
    }
}
