package bng.vrrp;

import bng.core.api.ConfigListener;
import bng.core.api.GatewayHealth;
import bng.core.api.Macs;
import bng.core.api.Mastership;
import bng.core.api.Mastership.State;
import bng.core.api.NeighbourCache;
import bng.core.api.Ports;
import bng.core.api.ShowTopic;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.config.InterfaceDef;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.Setting;
import bng.core.config.VrrpDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Runs the {@code vrrp} block: one scheduler thread ({@code bng-vrrp}) ticks the {@link VrrpMachine}
 * every {@link #TICK_MILLIS} ms, feeds it what {@link VrrpReceiver} heard, sends its advertisements
 * through {@link Ports#send} on every VRRP network, recomputes the tracked priority once a second,
 * and reports the state to core's {@link Mastership} (which moves the floating addresses; arp
 * announces them). Configuration commits and {@code show vrrp} run on the same thread, so nothing
 * here is locked. Deactivation resigns (priority 0, RFC 3768 §6.4.3) and leaves the node INIT.
 */
@Component(immediate = true, service = {ConfigListener.class, ShowTopic.class},
    property = {ShowTopic.TOPIC + "=vrrp", ShowTopic.DESCRIPTION + "=VRRP state, priority, master, transitions, counters"})
public final class VrrpManager implements ConfigListener, ShowTopic, VrrpMachine.Output {
    private static final System.Logger LOG = System.getLogger(VrrpManager.class.getName());
    static final long TICK_MILLIS = 50;
    static final int HISTORY = 16;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    @Reference
    Ports ports;
    @Reference
    NeighbourCache neighbours;
    @Reference
    Mastership mastership;
    @Reference
    GatewayHealth gateway;
    @Reference
    VrrpReceiver receiver;

    LongSupplier clock = () -> System.nanoTime() / 1_000_000;
    LongSupplier wallClock = System::currentTimeMillis;

    /** One VRRP network as the adverts need it. */
    record Net(int id, int real, int virt, boolean hasVirt) {}

    /** What the state machine is built from: a change of any of these restarts it. */
    record Key(int vrid, int version, int adverSeconds, boolean preempt, int preemptDelay, int primary) {}

    /** One tracked interface. */
    record Tracked(int id, String name, int trackval) {}

    record Plan(Key key, int priority, List<Net> nets, int peer, boolean vmac, boolean tracking, List<Tracked> tracked,
            int gwTrackval) {}

    record Transition(long wallMillis, State from, State to, String reason) {}

    private ScheduledExecutorService scheduler;
    private volatile boolean unusable;
    private Plan plan;
    private VrrpMachine machine;
    private int effectivePriority;
    private String trackingNote = "";
    private long ticks;
    private final Deque<Transition> history = new ArrayDeque<>();
    private final byte[] buf = new byte[Adverts.MAX_FRAME];
    private final int[] one = new int[1];
    long sent;
    long sendFailures;

    @Activate
    void activate() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bng-vrrp");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        try {
            scheduler.submit(() -> apply(null)).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "vrrp did not resign cleanly", e);
        }
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        Plan p = configure(current);
        unusable = current.vrrp() != null && p == null;
        if (unusable) {
            LOG.log(System.Logger.Level.WARNING, "vrrp cannot run: it needs a vrid and an enabled vrrp network with a "
                    + "real address; this node stays INIT and owns none of the floating addresses");
        }
        try {
            scheduler.execute(() -> apply(p));
        } catch (RejectedExecutionException e) {
            // deactivating
        }
    }

    /** Tells the receiver what to accept; returns the plan for {@link #apply}. */
    Plan configure(Configuration current) {
        Plan p = plan(current);
        receiver.expect = p == null ? VrrpReceiver.Expect.NONE
                : new VrrpReceiver.Expect(p.key.version(), p.key.vrid(), p.key.adverSeconds(),
                        p.nets.stream().mapToInt(Net::real).toArray());
        return p;
    }

    /** The plan a configuration calls for, or null when it runs no VRRP. */
    static Plan plan(Configuration c) {
        VrrpDef v = c.vrrp();
        if (v == null || v.vrid() == null) {
            return null;
        }
        List<Net> nets = new ArrayList<>();
        for (int id : v.networks()) {
            NetworkDef n = c.networks().get(id);
            if (n != null && n.state() == ObjectState.ENABLED && n.real() != null) {
                nets.add(new Net(id, Ipv4.of(n.real()), n.virt() == null ? 0 : Ipv4.of(n.virt()), n.virt() != null));
            }
        }
        if (nets.isEmpty()) {
            return null;
        }
        List<Tracked> tracked = new ArrayList<>();
        int sum = 0;
        for (InterfaceDef i : c.interfaces().values()) {
            if (i.state() == ObjectState.ENABLED && i.trackval() != null && i.trackval() > 0) {
                tracked.add(new Tracked(i.id(), i.name(), i.trackval()));
                sum += i.trackval();
            }
        }
        int gw = c.gateway() == null || c.gateway().ping() == null ? 0
                : c.settings().containsKey(Setting.GWTRACKVAL.keyword()) ? (int) c.setting(Setting.GWTRACKVAL) : sum;
        Key key = new Key(v.vrid(), (int) c.setting(Setting.VRRPVERSION), (int) c.setting(Setting.VRRPADVERINT),
                c.setting(Setting.VRRPPREEMPT) == 1, (int) c.setting(Setting.VRRPPREEMPTTS), nets.get(0).real());
        return new Plan(key, v.priority() == null ? 100 : v.priority(), List.copyOf(nets),
                v.peer() == null ? 0 : Ipv4.of(v.peer()), c.setting(Setting.VRRPVMAC) == 1, v.tracking(),
                List.copyOf(tracked), gw);
    }

    /** On the scheduler thread: a new plan (null: none) replaces the old one. */
    void apply(Plan p) {
        Plan old = plan;
        if (machine != null && (p == null || !p.key.equals(old.key))) {
            machine.shutdown(p == null ? "vrrp stopped" : "vrrp reconfigured"); // resigns with the old plan
            machine = null;
        }
        plan = p;
        if (p == null) {
            return;
        }
        effectivePriority = effectivePriority(p);
        if (machine == null) {
            Key k = p.key;
            machine = new VrrpMachine(this, k.version(), k.adverSeconds(), k.preempt(), k.preemptDelay(), k.primary(),
                    effectivePriority);
            machine.start(clock.getAsLong());
        } else {
            machine.priority(effectivePriority, clock.getAsLong());
        }
    }

    /** One scheduler round; a failure is logged and the next round runs anyway. */
    void tick() {
        try {
            if (machine == null) {
                return;
            }
            long now = clock.getAsLong();
            if (++ticks % (1000 / TICK_MILLIS) == 0) {
                int p = effectivePriority(plan);
                if (p != effectivePriority) {
                    LOG.log(System.Logger.Level.INFO, "vrrp priority {0} -> {1}{2}", effectivePriority, p, trackingNote);
                    effectivePriority = p;
                    machine.priority(p, now);
                }
            }
            long heard = receiver.poll();
            if (heard != 0) {
                machine.receive((int) (heard >>> 32) - 1, (int) heard, now);
            }
            machine.tick(now);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "vrrp round failed", e);
        }
    }

    /** Configured priority less the trackvals of what is down (tracking); never below 1, 255 untouched. */
    int effectivePriority(Plan p) {
        if (!p.tracking || p.priority == 255) {
            trackingNote = "";
            return p.priority;
        }
        int prio = p.priority;
        StringBuilder note = new StringBuilder();
        for (Tracked t : p.tracked) {
            if (!linkUp(t)) {
                prio -= t.trackval();
                note.append(", interface ").append(t.id()).append(" down -").append(t.trackval());
            }
        }
        if (p.gwTrackval > 0 && gateway.state() == TargetHealth.DOWN) {
            prio -= p.gwTrackval;
            note.append(", gateway down -").append(p.gwTrackval);
        }
        trackingNote = note.toString();
        return Math.max(1, prio);
    }

    /** A port that is not open, or whose OS interface reports no carrier, is down. */
    private boolean linkUp(Tracked t) {
        if (!ports.isUp(t.id())) {
            return false;
        }
        if (t.name() == null) {
            return true;
        }
        Path carrier = Path.of("/sys/class/net", t.name(), "carrier");
        try {
            return !Files.exists(carrier) || !Files.readString(carrier).trim().equals("0");
        } catch (java.io.IOException e) {
            return true; // reading carrier of a down interface fails with EINVAL: the port says up
        }
    }

    @Override
    public void advertise(int priority) {
        Plan p = plan;
        for (Net n : p.nets) {
            int port = ports.portOfNetwork(n.id());
            long portMac = port < 0 ? -1 : ports.mac(port);
            if (portMac < 0) {
                sendFailures++;
                continue;
            }
            int dst = p.peer != 0 ? p.peer : Adverts.GROUP;
            long dstMac = Adverts.GROUP_MAC;
            if (p.peer != 0) {
                long m = neighbours.lookupIpv4(p.peer);
                dstMac = m < 0 ? Macs.BROADCAST : m;
            }
            one[0] = n.virt();
            int len = Adverts.build(buf, p.key.version(), p.vmac ? Adverts.virtualMac(p.key.vrid()) : portMac, dstMac,
                    n.real(), dst, p.key.vrid(), priority, p.key.adverSeconds(), one, n.hasVirt() ? 1 : 0);
            if (ports.send(port, buf, len)) {
                sent++;
            } else {
                sendFailures++;
            }
        }
    }

    @Override
    public void transition(State from, State to, String reason) {
        LOG.log(System.Logger.Level.INFO, "vrrp {0} -> {1}: {2}", from, to, reason);
        history.addLast(new Transition(wallClock.getAsLong(), from, to, reason));
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        mastership.report(to, reason);
    }

    @Override
    public void announce(String reason) {
        mastership.announce(reason);
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        try {
            scheduler.submit(() -> render(out)).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            out.append("  vrrp is not answering: ").append(e).append('\n');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the scheduler thread. */
    void render(StringBuilder out) {
        Plan p = plan;
        if (p == null || machine == null) {
            out.append(unusable ? "  state INIT\n  vrrp cannot run: it needs a vrid and an enabled vrrp network with a "
                    + "real address (this node owns none of the floating addresses)\n"
                    : "  vrrp is not configured (this node is master of everything it owns)\n");
            return;
        }
        Key k = p.key;
        out.append("  state ").append(machine.state()).append('\n');
        out.append("  vrid ").append(k.vrid()).append(", version ").append(k.version()).append('\n');
        out.append("  priority ").append(p.priority).append(", effective ").append(machine.priority())
                .append(trackingNote).append('\n');
        String master = machine.state() == State.MASTER ? Ipv4.format(k.primary()) + " (this node)"
                : machine.masterAddress() == 0 ? "none heard"
                : Ipv4.format(machine.masterAddress()) + " (priority " + machine.masterPriority() + ")";
        out.append("  master ").append(master).append('\n');
        out.append("  advertisement interval ").append(k.adverSeconds()).append(" s, master down interval ")
                .append(machine.masterDownMillis()).append(" ms, preempt ").append(k.preempt() ? "on" : "off")
                .append(" (delay ").append(k.preemptDelay()).append(" s)\n");
        StringBuilder nets = new StringBuilder();
        for (Net n : p.nets) {
            nets.append(nets.isEmpty() ? "" : ", ").append(n.id()).append(" from ").append(Ipv4.format(n.real()))
                    .append(n.hasVirt() ? " listing " + Ipv4.format(n.virt()) : "");
        }
        out.append("  networks ").append(nets).append(p.peer != 0 ? ", unicast to " + Ipv4.format(p.peer) : ", to 224.0.0.18")
                .append(p.vmac ? ", source MAC " + Macs.format(Adverts.virtualMac(k.vrid())) : "").append('\n');
        out.append("  adverts sent ").append(sent).append(", received ").append(receiver.received).append(", bad ")
                .append(receiver.rejected()).append(", own ").append(receiver.own).append(", send failures ")
                .append(sendFailures).append('\n');
        out.append("  rejected");
        for (int i = 1; i < Adverts.REASONS.length; i++) {
            out.append(i == 1 ? " " : ", ").append(Adverts.REASONS[i]).append(' ').append(receiver.rejected[i]);
        }
        out.append('\n');
        out.append("  transitions\n");
        for (Transition t : history) {
            out.append("    ").append(TIME.format(Instant.ofEpochMilli(t.wallMillis()))).append(' ').append(t.from())
                    .append(" -> ").append(t.to()).append(": ").append(t.reason()).append('\n');
        }
    }

    VrrpMachine machine() {
        return machine;
    }
}
