package bng.slb;

import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.TargetDef;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@link BalancePlan} for IPv6: the enabled servers with an {@code ipaddr6} (VIPs as two longs and
 * as bytes, for the rewrite of a reply's source), their targets with an {@code ipaddr6}, the
 * connected IPv6 networks (a network's {@code real6}, else {@code virt6}, cut to {@code mask6},
 * longest prefix first), and the reply index of NAT and proxied targets sorted by (address, port).
 * Immutable but for the round-robin cursors.
 */
final class BalancePlan6 extends Plan {
    static final BalancePlan6 EMPTY = new BalancePlan6(Configuration.empty(), List.of());

    final long[] vipHi;
    final long[] vipLo;
    /** The VIPs' 16 bytes each (the source a NAT reply gets). */
    final byte[][] vip;
    /** SNAT source: {@code prx6}, else the VIP (16 bytes, and as two longs). */
    final byte[][] prx;
    final long[] prxHi;
    final long[] prxLo;

    /** The target's IPv6 address, or null. */
    final byte[][] address;
    final long[] addressHi;
    final long[] addressLo;

    // Connected networks, longest prefix first.
    final long[] netHi;
    final long[] netLo;
    final long[] maskHi;
    final long[] maskLo;
    final int[] netPort;

    // Reply index of NAT and proxied targets, sorted by (address high, address low, port); parallel server index and target id.
    final long[] replyHi;
    final long[] replyLo;
    final int[] replyPort;
    final int[] replyServer;
    final int[] replyTarget;

    BalancePlan6(Configuration c, List<String> notes) {
        this(c, servers(c, s -> s.ipaddr6() != null), notes);
    }

    private BalancePlan6(Configuration c, List<ServerDef> servers, List<String> notes) {
        super(c, servers, t -> t.ipaddr6() != null);
        int n = servers.size();
        vipHi = new long[n];
        vipLo = new long[n];
        vip = new byte[n][];
        prx = new byte[n][];
        prxHi = new long[n];
        prxLo = new long[n];

        List<NetworkDef> nets = new ArrayList<>();
        for (NetworkDef d : c.networks().values()) {
            if (d.state() == ObjectState.ENABLED && (d.real6() != null || d.virt6() != null) && d.mask6() != null
                    && d.interfaceId() != null) {
                nets.add(d);
            }
        }
        nets.sort(Comparator.comparingInt((NetworkDef d) -> d.mask6()).reversed());
        netHi = new long[nets.size()];
        netLo = new long[nets.size()];
        maskHi = new long[nets.size()];
        maskLo = new long[nets.size()];
        netPort = new int[nets.size()];
        for (int k = 0; k < nets.size(); k++) {
            NetworkDef d = nets.get(k);
            int prefix = d.mask6();
            maskHi[k] = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
            maskLo[k] = prefix <= 64 ? 0 : prefix >= 128 ? -1L : -1L << (128 - prefix);
            byte[] b = (d.real6() != null ? d.real6() : d.virt6()).getAddress();
            netHi[k] = read64(b, 0) & maskHi[k];
            netLo[k] = read64(b, 8) & maskLo[k];
            netPort[k] = d.interfaceId();
        }

        address = new byte[enabled.length][];
        addressHi = new long[enabled.length];
        addressLo = new long[enabled.length];
        for (TargetDef t : c.targets().values()) {
            if (t.ipaddr6() != null) {
                address[t.id()] = t.ipaddr6().getAddress();
                addressHi[t.id()] = read64(address[t.id()], 0);
                addressLo[t.id()] = read64(address[t.id()], 8);
                outPort[t.id()] = connectedPort(addressHi[t.id()], addressLo[t.id()]);
            }
        }
        for (int i = 0; i < n; i++) {
            ServerDef s = servers.get(i);
            vip[i] = s.ipaddr6().getAddress();
            vipHi[i] = read64(vip[i], 0);
            vipLo[i] = read64(vip[i], 8);
            prx[i] = s.prx6() != null ? s.prx6().getAddress() : vip[i];
            prxHi[i] = read64(prx[i], 0);
            prxLo[i] = read64(prx[i], 8);
        }
        buildPools(c, servers, notes, "IPv6");

        List<long[]> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (TargetPool pool : new TargetPool[] {primaries[i], backups[i]}) {
                for (int t : pool.ids) {
                    if (mode(i, t) != MODE_DSR) {
                        replies.add(new long[] {addressHi[t], addressLo[t], replyPort(i, t), i, t});
                    }
                }
            }
        }
        replies.sort((a, b) -> compare(a[0], a[1], (int) a[2], b[0], b[1], (int) b[2]));
        int r = replies.size();
        replyHi = new long[r];
        replyLo = new long[r];
        replyPort = new int[r];
        replyServer = new int[r];
        replyTarget = new int[r];
        for (int k = 0; k < r; k++) {
            long[] e = replies.get(k);
            replyHi[k] = e[0];
            replyLo[k] = e[1];
            replyPort[k] = (int) e[2];
            replyServer[k] = (int) e[3];
            replyTarget[k] = (int) e[4];
        }
    }

    private static int compare(long hi, long lo, int port, long hi2, long lo2, int port2) {
        int c = Long.compareUnsigned(hi, hi2);
        if (c == 0) {
            c = Long.compareUnsigned(lo, lo2);
        }
        return c != 0 ? c : Integer.compare(port, port2);
    }

    @Override
    long maglevName(int target) {
        return Maglev.name(fold(addressHi[target], addressLo[target]), targetPort[target]);
    }

    /** The interface of the connected network with the longest prefix holding the address, or -1. */
    int connectedPort(long hi, long lo) {
        for (int k = 0; k < netPort.length; k++) {
            if ((hi & maskHi[k]) == netHi[k] && (lo & maskLo[k]) == netLo[k]) {
                return netPort[k];
            }
        }
        return -1;
    }

    /**
     * The first reply entry for a packet from [hi lo]:{@code port}: of a target answering on that
     * port, else of one answering on every port (0), else -1. Binary search, no allocation.
     */
    int firstReply(long hi, long lo, int port) {
        int k = search(hi, lo, port);
        return k >= 0 || port == 0 ? k : search(hi, lo, 0);
    }

    private int search(long hi, long lo, int port) {
        int a = 0;
        int b = replyHi.length - 1;
        int found = -1;
        while (a <= b) {
            int m = (a + b) >>> 1;
            int c = compare(replyHi[m], replyLo[m], replyPort[m], hi, lo, port);
            if (c < 0) {
                a = m + 1;
            } else {
                if (c == 0) {
                    found = m; // keep looking left for the first of equal keys
                }
                b = m - 1;
            }
        }
        return found;
    }

    /** Whether reply entry {@code k} has the (address, port) of entry {@code first}. */
    boolean sameReply(int k, int first) {
        return k < replyHi.length && replyHi[k] == replyHi[first] && replyLo[k] == replyLo[first]
            && replyPort[k] == replyPort[first];
    }

    /** An IPv6 address as the 32-bit client value Maglev hashes. */
    static int fold(long hi, long lo) {
        long h = Maglev.mix(hi ^ Maglev.mix(lo));
        return (int) (h ^ (h >>> 32));
    }

    static long read64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    int match(long dstHi, long dstLo, int dstPort, int proto) {
        long[] h = vipHi;
        for (int i = 0; i < h.length; i++) {
            if (h[i] == dstHi && vipLo[i] == dstLo && (port[i] == 0 || port[i] == dstPort)
                    && (protocol[i] == 0 || protocol[i] == proto)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether [hi lo] is one of the VIPs (whatever the port). */
    boolean isVip(long hi, long lo) {
        for (int i = 0; i < vipHi.length; i++) {
            if (vipHi[i] == hi && vipLo[i] == lo) {
                return true;
            }
        }
        return false;
    }
}
