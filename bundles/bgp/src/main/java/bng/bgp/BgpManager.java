package bng.bgp;

import bng.core.api.ConfigListener;
import bng.core.api.ShowTopic;
import bng.core.api.TargetHealth;
import bng.core.config.BgpDef;
import bng.core.config.Configuration;
import bng.core.config.IpAddresses;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Keeps this node's BIRD daemon announcing exactly the VIPs {@link AnnouncementPlan} decides.
 * One thread ({@code bng-bgp}) does everything: a round every {@link #ROUND_MILLIS} ms and after
 * each configuration change re-reads target health, and only when the result differs rewrites
 * BIRD's configuration and reloads it. Health has no listener, hence the rounds; a target that
 * goes down is withdrawn at most a round after hc says so.
 *
 * <p>How the VIPs leave the routers when this node stops: on deactivation (module removed, bng
 * stopped) the routes are withdrawn by a reload without them, then BIRD is stopped (its sessions
 * close); if bng dies instead, the kernel removes the {@link LivenessInterface} and BIRD drops
 * the routes through {@code check link} (docs/scale-out.md measures both).
 */
@Component(immediate = true, service = {ConfigListener.class, ShowTopic.class}, property = {
    ShowTopic.TOPIC + "=bgp",
    ShowTopic.DESCRIPTION + "=VIPs this node announces over BGP, and why"
})
public final class BgpManager implements ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(BgpManager.class.getName());
    static final long ROUND_MILLIS = 500;
    /** How often a round checks that the daemon still answers (a process spawn, so not every round). */
    private static final long CHECK_DAEMON_MILLIS = 10_000;

    @Reference
    TargetHealth health;

    private volatile Configuration config = Configuration.empty();
    private volatile List<Announcement> announcements = List.of();
    private volatile String daemonState = "not started: no bgp statement";
    /** Set first thing in deactivation: a round queued behind the final withdrawal must not start BIRD again. */
    private volatile boolean stopping;
    private ScheduledExecutorService thread;
    private BirdDaemon bird;
    private String livenessName;

    // owned by the bng-bgp thread
    private LivenessInterface liveness;
    private String applied;
    private long checkedDaemonAt;
    private String failedText;
    private long failedAt;
    private final Map<Integer, Boolean> logged = new HashMap<>();

    @Activate
    void activate(BundleContext ctx) {
        String runDir = ctx.getProperty("bng.rundir");
        String instance = ctx.getProperty("bng.instance");
        instance = instance == null || instance.isBlank() ? "0" : instance.trim();
        Path dir = runDir == null || runDir.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "bng-bgp-" + ProcessHandle.current().pid())
                : Path.of(runDir);
        bird = new BirdDaemon(dir, instance);
        String name = "bngvips" + instance;
        livenessName = name.length() > 15 ? name.substring(0, 15) : name;
        thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("bng-bgp").unstarted(r));
        thread.scheduleWithFixedDelay(this::round, ROUND_MILLIS, ROUND_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        try {
            thread.submit(this::stopAnnouncing).get(3L * BirdDaemon.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "bgp: stopping the announcements failed: " + e);
        }
        thread.shutdownNow();
        if (liveness != null) {
            liveness.close(); // whatever happened above, BIRD must not keep our VIPs
        }
    }

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        config = current;
        if (thread != null) {
            thread.execute(this::round);
        }
    }

    private void round() {
        if (stopping) {
            return;
        }
        Configuration c = config;
        List<Announcement> plan = AnnouncementPlan.of(c, health);
        announcements = plan;
        BgpDef bgp = c.bgp();
        String incomplete = AnnouncementPlan.incomplete(bgp);
        if (incomplete != null) {
            // No session possible: no daemon, no interface (and a running one is stopped).
            if (applied != null || liveness != null) {
                stopAnnouncing();
            }
            daemonState = "not started: " + incomplete;
            return;
        }
        if (!bird.installed()) {
            daemonState = "bird not found: install Debian's bird2";
            return;
        }
        try {
            if (liveness == null) {
                liveness = LivenessInterface.open(livenessName);
                LOG.log(System.Logger.Level.INFO, "bgp: liveness interface {0} up", livenessName);
            }
            List<Inet4Address> vips = plan.stream().filter(Announcement::announced).map(Announcement::vip)
                    .distinct().toList();
            String text = BirdConfig.render(bgp, vips, livenessName, bird.log.toString());
            long now = System.currentTimeMillis();
            boolean check = now - checkedDaemonAt >= CHECK_DAEMON_MILLIS;
            boolean retryLater = text.equals(failedText) && now - failedAt < CHECK_DAEMON_MILLIS;
            if (!retryLater && (!text.equals(applied) || (check && !bird.running()))) {
                try {
                    bird.apply(text);
                } catch (IOException e) {
                    failedText = text; // the same text is tried again only after a while
                    failedAt = now;
                    throw e;
                }
                failedText = null;
                applied = text;
                logTransitions(plan);
            }
            if (applied == null) {
                return; // daemonState still says why the last attempt failed
            }
            if (check) {
                checkedDaemonAt = now;
            }
            daemonState = "bird running (socket " + bird.socket + "), liveness interface " + livenessName + " up";
        } catch (IOException | RuntimeException e) {
            // Caught whatever it is: an exception escaping a periodic task would end the rounds.
            String problem = e.getMessage() != null ? e.getMessage() : e.toString();
            if (!problem.equals(daemonState)) {
                LOG.log(System.Logger.Level.WARNING, "bgp: " + problem);
            }
            daemonState = problem;
            applied = null; // try again next round
        }
    }

    private void logTransitions(List<Announcement> plan) {
        for (Announcement a : plan) {
            Boolean before = logged.put(a.server(), a.announced());
            if (before == null ? a.announced() : before != a.announced()) {
                LOG.log(System.Logger.Level.INFO, "bgp: server {0} {1} {2}: {3}", a.server(),
                        IpAddresses.format(a.vip()), a.announced() ? "announced" : "withdrawn", a.reason());
            }
        }
    }

    /** Withdraws every VIP (a reload without them), stops BIRD, removes the liveness interface. */
    private void stopAnnouncing() {
        try {
            if (applied != null && bird.running()) {
                // the last applied sessions, without routes: a reload that changes nothing else
                bird.apply(applied.replaceAll("(?m)^  route .*\n", ""));
                LOG.log(System.Logger.Level.INFO, "bgp: every VIP withdrawn");
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "bgp: withdrawing failed: " + e.getMessage());
        }
        bird.stop();
        if (liveness != null) {
            liveness.close();
            liveness = null;
        }
        applied = null;
        logged.clear();
        daemonState = "stopped";
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append("daemon   ").append(daemonState).append('\n');
        if (config.bgp() != null && bird.running()) {
            for (String line : bird.birdc("show", "protocols").output().split("\n")) {
                if (line.contains(" BGP ")) {
                    out.append("session  ").append(line.strip().replaceAll("\\s+", " ")).append('\n');
                }
            }
        }
        out.append(String.format("%-7s %-18s %-10s %s%n", "server", "vip", "state", "reason"));
        for (Announcement a : announcements) {
            out.append(String.format("%-7d %-18s %-10s %s%n", a.server(), IpAddresses.format(a.vip()) + "/32",
                    a.announced() ? "announced" : "withdrawn", a.reason()));
        }
    }
}
