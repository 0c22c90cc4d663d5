package bng.arp;

import bng.core.api.ConfigListener;
import bng.core.api.Mastership;
import bng.core.api.MastershipListener;
import bng.core.api.NeighbourCache;
import bng.core.api.OwnedAddresses;
import bng.core.api.Ports;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.config.Setting;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The module's slow path: one scheduler thread that, every second, sends due gratuitous ARP
 * announcements and resolves targets and the gateway. Configuration commits (a whiteboard
 * {@link ConfigListener}, told of the current snapshot when it binds, hence at module start)
 * queue announcements for newly owned addresses. Deactivation stops the thread and leaves the
 * neighbour cache as it is.
 */
@Component(immediate = true, service = {ConfigListener.class, MastershipListener.class})
public final class ArpManager implements ConfigListener, MastershipListener {
    private static final System.Logger LOG = System.getLogger(ArpManager.class.getName());
    static final long TICK_MILLIS = 1000;

    @Reference
    Ports ports;

    @Reference
    NeighbourCache neighbours;

    @Reference
    OwnedAddresses owned;

    /** Core's health board: targets reported down are re-resolved sooner (a new MAC after a reboot). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile TargetHealth health;

    LongSupplier clock = System::currentTimeMillis;

    private volatile Configuration config = Configuration.empty();
    private GratuitousArp announcer;
    private Resolver resolver;
    private UnsolicitedNa announcer6;
    private Resolver6 resolver6;
    private ScheduledExecutorService scheduler;

    @Activate
    synchronized void activate() {
        announcer = new GratuitousArp(ports, owned);
        resolver = new Resolver(ports, neighbours);
        announcer6 = new UnsolicitedNa(ports, owned);
        resolver6 = new Resolver6(ports, neighbours);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bng-arp");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    synchronized void deactivate() throws InterruptedException {
        scheduler.shutdownNow();
        if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "the arp scheduler did not stop within 5 s");
        }
        announcer.clear();
        announcer6.clear();
    }

    @Override
    public synchronized void configurationChanged(Configuration previous, Configuration current) {
        config = current;
        if (announcer == null || scheduler.isShutdown()) {
            return;
        }
        long now = clock.getAsLong();
        if (announcer.plan(previous, current, now) + announcer6.plan(previous, current, now) > 0) {
            scheduler.execute(this::tick); // announce at once, not at the next second
        }
    }

    /**
     * Every transition to VRRP master, and a master's re-announce (RFC 3768 §6.4.3), announces
     * every owned address: the router and the targets move the floating addresses to this node.
     */
    @Override
    public synchronized void mastershipChanged(Mastership.State previous, Mastership.State current, String reason) {
        if (current != Mastership.State.MASTER || announcer == null || scheduler.isShutdown()) {
            return;
        }
        Configuration c = config;
        int count = (int) c.setting(Setting.VRRPGARPCOUNT);
        long spacing = c.setting(Setting.VRRPGARPINTERVAL) * 1000;
        long now = clock.getAsLong();
        int n = announcer.planAll(c, now, count, spacing) + announcer6.planAll(c, now, count, spacing);
        LOG.log(System.Logger.Level.INFO, "announcing {0} addresses {1} times ({2})", n, count, reason);
        scheduler.execute(this::tick);
    }

    /** One round on the scheduler thread; a failure is logged and the next round runs anyway. */
    void tick() {
        try {
            Configuration c = config;
            long now = clock.getAsLong();
            announcer.tick(c, now);
            TargetHealth h = health;
            resolver.tick(c, now, id -> h != null && h.state(id) == TargetHealth.DOWN);
            announcer6.tick(c, now);
            resolver6.tick(c, now);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "arp round failed", e);
        }
    }

    GratuitousArp announcer() {
        return announcer;
    }

    UnsolicitedNa announcer6() {
        return announcer6;
    }
}
