package bng.hc;

import bng.core.api.GatewayHealth;
import bng.core.api.Macs;
import bng.core.api.NeighbourCache;
import bng.core.api.Ports;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.config.GatewayDef;
import bng.core.config.IpAddresses;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.TargetDef;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The health-check logic: which checks exist (from the configuration), when each probe is due,
 * what its answer means, and each target's state. Single-threaded by contract: only the
 * scheduler thread (or a test) calls it. The clock is injected so that tests step through time.
 *
 * <p>A target's state is its checks' together: down as soon as one check is down, up when every
 * check is up, otherwise unchanged (so a target whose checks were just changed, or a module that
 * was just added again, keeps the state it had until its checks decide).
 */
final class CheckEngine {
    private static final System.Logger LOG = System.getLogger(CheckEngine.class.getName());
    /** {@code alert}/{@code upalert} commands are killed after this many seconds. */
    static final int ALERT_LIMIT = 10;
    /** The id a gateway check carries where a target's would be (targets are 1..65535). */
    static final int GATEWAY = 0;
    private final Ports ports;
    private final NeighbourCache neighbours;
    private final TargetHealth health;
    private final ProbeTable table;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final ScriptRunner scripts;
    private final byte[] frame = new byte[128];
    /** Seconds an alert command may run (tests shorten it). */
    long alertLimit = ALERT_LIMIT;
    private final ProbeSender6 sender6;
    private final Map<Integer, Target> targets = new TreeMap<>();
    /** Core's copy of the gateway state, read by VRRP tracking; null in tests that do not need it. */
    GatewayHealth gatewayHealth;
    /** The {@code gateway}'s ping check (null when none): shown and logged, reported to {@link #gatewayHealth}. */
    private GatewayDef gatewayDef;
    private Check gateway;
    private Route gatewayRoute;

    CheckEngine(Ports ports, NeighbourCache neighbours, TargetHealth health, ProbeTable table, LongSupplier clock,
            RandomGenerator random, ScriptRunner scripts) {
        this.ports = ports;
        this.neighbours = neighbours;
        this.health = health;
        this.table = table;
        this.clock = clock;
        this.random = random;
        this.scripts = scripts;
        this.sender6 = new ProbeSender6(ports, neighbours, table, random);
    }

    /** One enabled target: its definition as last applied, its checks and the state last reported. */
    private static final class Target {
        /** The latest definition: a change of only alert, upalert, weight, ... keeps the checks. */
        TargetDef def;
        final List<Check> checks;
        final List<String> notRun;
        int reported;
        Route route;
        /** The last notification (alert or upalert) and its outcome, written by the command's thread. */
        volatile String alertLabel;
        volatile String alertResult;
        volatile long alertNanos;

        Target(TargetDef def, List<Check> checks, List<String> notRun, int reported) {
            this.def = def;
            this.checks = checks;
            this.notRun = notRun;
            this.reported = reported;
        }
    }

    /** Where a target's probes leave from: the network containing it and that network's real address. */
    record Route(int networkId, int real) {}

    /** Takes a new configuration: targets whose checks did not change keep their state. */
    void apply(Configuration config) {
        long now = clock.getAsLong();
        sender6.apply(config);
        for (Iterator<Map.Entry<Integer, Target>> it = targets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Target> e = it.next();
            TargetDef def = config.targets().get(e.getKey());
            if (def == null || def.state() != ObjectState.ENABLED) {
                release(e.getValue());
                health.forget(e.getKey());
                it.remove();
            }
        }
        for (TargetDef def : config.targets().values()) {
            if (def.state() != ObjectState.ENABLED) {
                continue;
            }
            Target t = targets.get(def.id());
            if (t == null || !sameChecks(t.def, def)) {
                if (t != null) {
                    release(t);
                }
                t = create(def, now);
                targets.put(def.id(), t);
                if (t.checks.isEmpty()) {
                    report(t, TargetHealth.UP, "no check configured: assumed operational");
                }
            }
            t.def = def;
            t.route = route(config, def.ipaddr());
        }
        applyGateway(config, now);
    }

    private void applyGateway(Configuration config, long now) {
        GatewayDef g = config.gateway();
        if (g == null || g.ipaddr() == null || g.ping() == null) {
            if (gateway != null) {
                freeSlot(gateway);
            }
            gatewayDef = null;
            gateway = null;
            gatewayRoute = null;
            if (gatewayHealth != null) {
                gatewayHealth.report(TargetHealth.UNKNOWN, "no gateway check");
            }
            return;
        }
        if (!g.equals(gatewayDef)) {
            if (gateway != null) {
                freeSlot(gateway);
            }
            gatewayDef = g;
            gateway = new Check(Check.Kind.PING, GATEWAY, toInt(g.ipaddr()), 0, g.ping().interval(), g.ping().timeout(),
                    now);
        }
        gatewayRoute = route(config, g.ipaddr());
    }

    /** The gateway's state ({@link TargetHealth#UNKNOWN} when there is no gateway check). */
    int gatewayState() {
        return gateway == null ? TargetHealth.UNKNOWN : gateway.state;
    }

    /** Runs due probes, reads answers, moves states; called every tick of the scheduler. */
    void tick() {
        long now = clock.getAsLong();
        if (gateway != null) {
            int before = gateway.state;
            if (step(gateway, gatewayRoute, now)) {
                LOG.log(System.Logger.Level.INFO, "gateway {0} {1} -> {2}: {3}", ip(gateway.address),
                        TargetHealth.name(before), TargetHealth.name(gateway.state), gateway.reason);
                if (gatewayHealth != null) {
                    gatewayHealth.report(gateway.state, gateway.reason);
                }
            }
        }
        for (Target t : targets.values()) {
            boolean changed = false;
            for (Check c : t.checks) {
                changed |= step(c, t.route, now);
            }
            if (changed) {
                decide(t);
            }
        }
    }

    /** Frees every probe slot (the module stops); TargetHealth keeps the states. */
    void stop() {
        for (Target t : targets.values()) {
            release(t);
        }
        targets.clear();
        if (gateway != null) {
            freeSlot(gateway);
            gateway = null;
            gatewayDef = null;
        }
    }

    private boolean step(Check c, Route route, long now) {
        int before = c.state;
        if (c.slot >= 0) {
            int s = table.state(c.slot);
            if (s == ProbeTable.ANSWERED) {
                long at = table.answerNanos[c.slot];
                String rtt = " in " + millis(at - c.sentNanos) + " ms";
                c.success(at, c.label + switch (c.kind) {
                    case TCPOPEN -> ": SYN-ACK" + rtt;
                    case PING -> ": echo reply" + rtt;
                    case AGENT -> {
                        int load = table.load[c.slot];
                        health.reportLoad(c.targetId, load);
                        yield ": load " + Integer.toUnsignedString(load) + rtt;
                    }
                    case SCRIPT, ARP -> throw new IllegalStateException("no probe slot for " + c.kind);
                });
                freeSlot(c);
            } else if (s == ProbeTable.REFUSED) {
                c.failure(table.answerNanos[c.slot], c.label + ": connection refused (RST)");
                freeSlot(c);
            } else if (now >= c.nextDueNanos) {
                c.noAnswer(now);
                freeSlot(c);
            }
        }
        if (c.arpSentMillis >= 0) {
            // The arp module learns every ARP frame the neighbour sends: a refresh after our request is its answer.
            long updated = neighbours.updatedIpv4(c.address);
            if (updated >= c.arpSentMillis) {
                c.success(now, "arp: answered in " + (updated - c.arpSentMillis) + " ms");
                c.arpSentMillis = -1;
            } else if (now >= c.nextDueNanos) {
                c.noAnswer(now);
                c.arpSentMillis = -1;
            }
        }
        if (c.run != null && c.run.done) {
            if (c.run.exit == 0) {
                c.success(now, "script: " + c.run.result);
            } else {
                c.failure(now, "script: " + c.run.result);
            }
            c.run = null;
        }
        c.expire(now);
        if (now >= c.nextDueNanos && c.slot < 0 && c.run == null && c.arpSentMillis < 0) {
            send(c, route, now);
            // Keep the cadence; after a stall (a suspended host) go on from now instead of bursting.
            c.nextDueNanos += c.intervalNanos;
            if (c.nextDueNanos <= now) {
                c.nextDueNanos = now + c.intervalNanos;
            }
        }
        return c.state != before;
    }

    private void send(Check c, Route r, long now) {
        if (c.kind == Check.Kind.SCRIPT) {
            c.sentNanos = now;
            c.run = scripts.start(c.command, Map.of("BNG_TARGET", String.valueOf(c.targetId), "BNG_TARGET_ADDRESS",
                    c.address == 0 ? "" : ip(c.address)), Check.SCRIPT_LIMIT);
            return;
        }
        if (c.ipv6) {
            sender6.send(c, now);
            return;
        }
        if (c.address == 0) {
            c.failure(now, c.label + ": target " + c.targetId + " has no IPv4 address");
            return;
        }
        if (r == null) {
            c.failure(now, c.label + ": no enabled network with a real address contains " + ip(c.address));
            return;
        }
        int port = ports.portOfNetwork(r.networkId());
        long srcMac = port < 0 ? -1 : ports.mac(port);
        if (srcMac < 0) {
            c.failure(now, c.label + ": interface of network " + r.networkId() + " is not open");
            return;
        }
        long dstMac = neighbours.lookupIpv4(c.address);
        if (c.kind == Check.Kind.ARP) {
            int length = Probes.arpRequest(frame, srcMac, dstMac < 0 ? Macs.BROADCAST : dstMac, r.real(), c.address);
            c.sentNanos = now;
            long sent = System.currentTimeMillis();
            if (!ports.send(port, frame, length)) {
                c.failure(now, c.label + ": interface " + port + " refused the frame");
                return;
            }
            c.arpSentMillis = sent;
            return;
        }
        if (dstMac < 0) {
            c.failure(now, c.label + ": no ARP entry for " + ip(c.address));
            return;
        }
        int isn = c.kind == Check.Kind.PING ? 0 : random.nextInt(); // TCP ISN or agent token
        int kind = switch (c.kind) {
            case TCPOPEN -> ProbeTable.KIND_TCP;
            case PING -> ProbeTable.KIND_ICMP;
            case AGENT -> ProbeTable.KIND_UDP;
            case SCRIPT, ARP -> throw new IllegalStateException("not a probe-table check");
        };
        int slot = table.claim(kind, r.real(), c.address, c.port, isn);
        if (slot < 0) {
            c.failure(now, c.label + ": all " + ProbeTable.SIZE + " probe slots busy");
            return;
        }
        int srcPort = ProbeTable.FIRST_PORT + slot;
        int length = switch (c.kind) {
            case TCPOPEN -> Probes.syn(frame, srcMac, dstMac, r.real(), c.address, srcPort, c.port, isn);
            case PING -> Probes.echoRequest(frame, srcMac, dstMac, r.real(), c.address, slot);
            case AGENT -> Probes.agentRequest(frame, srcMac, dstMac, r.real(), c.address, srcPort, c.port, isn);
            case SCRIPT, ARP -> throw new IllegalStateException("not a probe-table check");
        };
        c.sentNanos = now;
        if (!ports.send(port, frame, length)) {
            table.free(slot);
            c.failure(now, c.label + ": interface " + port + " refused the frame");
            return;
        }
        c.slot = slot;
    }

    private void decide(Target t) {
        boolean allUp = true;
        for (Check c : t.checks) {
            if (c.state == TargetHealth.DOWN) {
                report(t, TargetHealth.DOWN, c.reason);
                return;
            }
            allUp &= c.state == TargetHealth.UP;
        }
        if (allUp) {
            List<String> reasons = new ArrayList<>();
            for (Check c : t.checks) {
                reasons.add(c.reason);
            }
            report(t, TargetHealth.UP, String.join("; ", reasons));
        }
    }

    private void report(Target t, int state, String reason) {
        if (t.reported != state) {
            int before = t.reported;
            t.reported = state;
            health.report(t.def.id(), state, reason);
            if (state == TargetHealth.DOWN && t.def.alert() != null) {
                notify(t, "alert", t.def.alert(), "down", reason);
            } else if (state == TargetHealth.UP && before == TargetHealth.DOWN && t.def.upalert() != null) {
                notify(t, "upalert", t.def.upalert(), "up", reason);
            }
        }
    }

    /**
     * Runs {@code alert} or {@code upalert} with the target id, address, new state and reason
     * appended as four arguments, on its own thread (the checks never wait for it); its outcome is
     * logged and shown by {@code show hc}.
     */
    private void notify(Target t, String label, String commandLine, String state, String reason) {
        List<String> command = ScriptRunner.words(commandLine);
        if (command.isEmpty()) {
            return;
        }
        int id = t.def.id();
        command.add(String.valueOf(id));
        command.add(t.def.ipaddr() == null ? "-" : IpAddresses.format(t.def.ipaddr()));
        command.add(state);
        command.add(reason);
        t.alertLabel = label;
        t.alertResult = "running";
        t.alertNanos = clock.getAsLong();
        scripts.fire(command, alertLimit, run -> {
            t.alertResult = run.result;
            t.alertNanos = clock.getAsLong();
            LOG.log(run.exit == 0 ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "target {0} {1} {2}: {3}", id, label, run.exit == 0 ? "ran" : "failed", run.result);
        });
    }

    private Target create(TargetDef def, long now) {
        List<Check> checks = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        int address = def.ipaddr() == null ? 0 : toInt(def.ipaddr());
        if (def.tcpopen() != null) {
            checks.add(new Check(Check.Kind.TCPOPEN, def.id(), address, def.tcpopen().port(),
                    def.tcpopen().interval(), def.tcpopen().timeout(), now));
        }
        if (def.ping() != null) {
            checks.add(new Check(Check.Kind.PING, def.id(), address, 0, def.ping().interval(), def.ping().timeout(),
                    now));
        }
        if (def.agent() != null) {
            checks.add(new Check(Check.Kind.AGENT, def.id(), address, def.agent().port(), def.agent().interval(),
                    def.agent().timeout(), now));
        }
        if (def.arp() != null) {
            checks.add(new Check(Check.Kind.ARP, def.id(), address, 0, def.arp().interval(), def.arp().timeout(), now));
        }
        if (def.script() != null) {
            Check script = new Check(Check.Kind.SCRIPT, def.id(), address, 0, Check.SCRIPT_INTERVAL,
                    Check.SCRIPT_TIMEOUT, now);
            script.command = def.script();
            checks.add(script);
        }
        ProbeSender6.addChecks(def, checks, now);
        return new Target(def, checks, notRun, health.state(def.id()));
    }

    private static boolean sameChecks(TargetDef a, TargetDef b) {
        return Objects.equals(a.ipaddr(), b.ipaddr()) && Objects.equals(a.ipaddr6(), b.ipaddr6()) && Objects.equals(a.tcpopen(), b.tcpopen())
                && Objects.equals(a.ping(), b.ping()) && Objects.equals(a.ping6(), b.ping6())
                && Objects.equals(a.agent(), b.agent()) && Objects.equals(a.agent6(), b.agent6())
                && Objects.equals(a.script(), b.script()) && Objects.equals(a.arp(), b.arp());
    }

    /** The enabled network with a real address whose prefix holds the target; the longest prefix wins. */
    static Route route(Configuration config, Inet4Address target) {
        if (target == null) {
            return null;
        }
        NetworkDef best = null;
        for (NetworkDef n : config.networks().values()) {
            if (n.state() == ObjectState.ENABLED && n.addr() != null && n.mask() != null && n.real() != null
                    && IpAddresses.samePrefix(n.addr(), target, n.mask())
                    && (best == null || n.mask() > best.mask())) {
                best = n;
            }
        }
        return best == null ? null : new Route(best.id(), toInt(best.real()));
    }

    private void release(Target t) {
        for (Check c : t.checks) {
            freeSlot(c);
            c.arpSentMillis = -1;
            c.run = null; // a script still running ends on its own (time limit); its result is dropped
        }
    }

    private void freeSlot(Check c) {
        if (c.slot >= 0) {
            table.free(c.slot);
            c.slot = -1;
        }
    }

    /** {@code show hc}: one line per check of every enabled target. */
    void render(StringBuilder out) {
        long now = clock.getAsLong();
        out.append(String.format("%-6s %-15s %-13s %-7s %-8s %-9s %s%n", "target", "address", "check", "state",
                "age", "next", "last result"));
        if (gateway != null) {
            out.append(String.format("%-6s %-15s %-13s %-7s %-8s %-9s %s%n", "gw", ip(gateway.address), gateway.label,
                    TargetHealth.name(gateway.state),
                    gateway.lastResult == null ? "-" : seconds(now - gateway.lastResultNanos),
                    gateway.slot >= 0 && now >= gateway.nextDueNanos ? "now"
                            : "in " + seconds(Math.max(0, gateway.nextDueNanos - now)),
                    gateway.lastResult == null ? "-" : gateway.lastResult));
        }
        for (Target t : targets.values()) {
            String address = t.def.ipaddr() != null ? IpAddresses.format(t.def.ipaddr())
                    : t.def.ipaddr6() != null ? IpAddresses.format(t.def.ipaddr6()) : "-";
            if (t.checks.isEmpty() && t.notRun.isEmpty()) {
                out.append(String.format("%-6d %-15s %-13s %-7s %-8s %-9s %s%n", t.def.id(), address, "-",
                        TargetHealth.name(t.reported), "-", "-", "no check configured: assumed operational"));
            }
            for (Check c : t.checks) {
                out.append(String.format("%-6d %-15s %-13s %-7s %-8s %-9s %s%n", t.def.id(), address, c.label,
                        TargetHealth.name(c.state), c.lastResult == null ? "-" : seconds(now - c.lastResultNanos),
                        c.run != null ? "running" : c.slot >= 0 && now >= c.nextDueNanos ? "now"
                                : "in " + seconds(Math.max(0, c.nextDueNanos - now)),
                        c.lastResult == null ? "-" : c.lastResult));
            }
            if (t.alertLabel != null) {
                out.append(String.format("%-6d %-15s %-13s %-7s %-8s %-9s %s%n", t.def.id(), address, t.alertLabel,
                        "-", seconds(now - t.alertNanos), "-", t.alertResult));
            }
            for (String n : t.notRun) {
                out.append(String.format("%-6d %-15s %-13s %-7s %-8s %-9s %s%n", t.def.id(), address, n, "-", "-", "-",
                        "not run: hc does not implement this check yet"));
            }
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static String ip(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}
