package bng.hc;

import bng.core.api.NeighbourCache;
import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.TargetDef;
import java.net.Inet6Address;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * hc over IPv6: makes a target's {@code ping6} and {@code agent6} checks (and runs its
 * {@code tcpopen} over IPv6 when the target has only an {@code ipaddr6}), and sends their probes
 * from the {@code real6} of the enabled network whose {@code real6}/{@code mask6} prefix holds the
 * target, to the MAC the neighbour cache knows for it. The answers come back through
 * {@link ProbeAnswers6} into the same {@link ProbeTable}, so {@link CheckEngine} reads them like
 * any other. Scheduler thread only.
 */
final class ProbeSender6 {
    private final Ports ports;
    private final NeighbourCache neighbours;
    private final ProbeTable table;
    private final RandomGenerator random;
    private final byte[] frame = new byte[128];
    private final byte[] address = new byte[16];
    private Configuration config = Configuration.empty();

    ProbeSender6(Ports ports, NeighbourCache neighbours, ProbeTable table, RandomGenerator random) {
        this.ports = ports;
        this.neighbours = neighbours;
        this.table = table;
        this.random = random;
    }

    void apply(Configuration c) {
        config = c;
    }

    /** Adds a target's IPv6 checks to {@code checks}; an IPv4-less target's tcpopen turns IPv6. */
    static void addChecks(TargetDef def, List<Check> checks, long now) {
        long hi = def.ipaddr6() == null ? 0 : Probes6.read64(def.ipaddr6().getAddress(), 0);
        long lo = def.ipaddr6() == null ? 0 : Probes6.read64(def.ipaddr6().getAddress(), 8);
        if (def.ipaddr() == null && def.ipaddr6() != null) {
            for (Check c : checks) {
                if (c.kind == Check.Kind.TCPOPEN) {
                    ipv6(c, hi, lo, c.label);
                }
            }
        }
        if (def.ping6() != null) {
            checks.add(ipv6(new Check(Check.Kind.PING, def.id(), 0, 0, def.ping6().interval(), def.ping6().timeout(),
                    now), hi, lo, "ping6"));
        }
        if (def.agent6() != null) {
            checks.add(ipv6(new Check(Check.Kind.AGENT, def.id(), 0, def.agent6().port(), def.agent6().interval(),
                    def.agent6().timeout(), now), hi, lo, "agent6 " + def.agent6().port()));
        }
    }

    private static Check ipv6(Check c, long hi, long lo, String label) {
        c.ipv6 = true;
        c.hi6 = hi;
        c.lo6 = lo;
        c.label = label;
        return c;
    }

    /** Sends the check's probe, or records why it could not. */
    void send(Check c, long now) {
        if (c.hi6 == 0 && c.lo6 == 0) {
            c.failure(now, c.label + ": target " + c.targetId + " has no IPv6 address");
            return;
        }
        NetworkDef n = route(config, c.hi6, c.lo6);
        if (n == null) {
            c.failure(now, c.label + ": no enabled network with a real6 address contains " + format(c.hi6, c.lo6));
            return;
        }
        int port = ports.portOfNetwork(n.id());
        long srcMac = port < 0 ? -1 : ports.mac(port);
        if (srcMac < 0) {
            c.failure(now, c.label + ": interface of network " + n.id() + " is not open");
            return;
        }
        Probes6.write64(address, 0, c.hi6);
        Probes6.write64(address, 8, c.lo6);
        long dstMac = neighbours.lookupIpv6(address, 0);
        if (dstMac < 0) {
            c.failure(now, c.label + ": no neighbour entry for " + format(c.hi6, c.lo6));
            return;
        }
        int isn = c.kind == Check.Kind.PING ? 0 : random.nextInt();
        int kind = switch (c.kind) {
            case TCPOPEN -> ProbeTable.KIND_TCP6;
            case PING -> ProbeTable.KIND_ICMP6;
            case AGENT -> ProbeTable.KIND_UDP6;
            case SCRIPT, ARP -> throw new IllegalStateException("scripts and ARP checks send no IPv6 probe");
        };
        int slot = table.claim(kind, 0, 0, c.port, isn, c.hi6, c.lo6);
        if (slot < 0) {
            c.failure(now, c.label + ": all " + ProbeTable.SIZE + " probe slots busy");
            return;
        }
        long srcHi = Probes6.read64(n.real6().getAddress(), 0);
        long srcLo = Probes6.read64(n.real6().getAddress(), 8);
        int srcPort = ProbeTable.FIRST_PORT + slot;
        int length = switch (c.kind) {
            case TCPOPEN -> Probes6.syn(frame, srcMac, dstMac, srcHi, srcLo, c.hi6, c.lo6, srcPort, c.port, isn);
            case PING -> Probes6.echoRequest(frame, srcMac, dstMac, srcHi, srcLo, c.hi6, c.lo6, slot);
            case AGENT -> Probes6.agentRequest(frame, srcMac, dstMac, srcHi, srcLo, c.hi6, c.lo6, srcPort, c.port, isn);
            case SCRIPT, ARP -> throw new IllegalStateException("scripts and ARP checks send no IPv6 probe");
        };
        c.sentNanos = now;
        if (!ports.send(port, frame, length)) {
            table.free(slot);
            c.failure(now, c.label + ": interface " + port + " refused the frame");
            return;
        }
        c.slot = slot;
    }

    /** The enabled network with a real6 whose {@code mask6} prefix holds the address; the longest prefix wins. */
    static NetworkDef route(Configuration config, long hi, long lo) {
        NetworkDef best = null;
        for (NetworkDef n : config.networks().values()) {
            if (n.state() == ObjectState.ENABLED && n.real6() != null && n.mask6() != null
                    && contains(n.real6(), n.mask6(), hi, lo) && (best == null || n.mask6() > best.mask6())) {
                best = n;
            }
        }
        return best;
    }

    private static boolean contains(Inet6Address base, int prefix, long hi, long lo) {
        byte[] b = base.getAddress();
        long maskHi = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        long maskLo = prefix <= 64 ? 0 : prefix >= 128 ? -1L : -1L << (128 - prefix);
        return ((Probes6.read64(b, 0) ^ hi) & maskHi) == 0 && ((Probes6.read64(b, 8) ^ lo) & maskLo) == 0;
    }

    static String format(long hi, long lo) {
        byte[] b = new byte[16];
        Probes6.write64(b, 0, hi);
        Probes6.write64(b, 8, lo);
        try {
            return bng.core.config.IpAddresses.format(java.net.InetAddress.getByAddress(b));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }
}
