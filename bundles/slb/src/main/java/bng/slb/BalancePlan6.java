package bng.slb;

import bng.core.config.Configuration;
import bng.core.config.Method;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.SessionKey;
import bng.core.config.TargetDef;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link BalancePlan} for IPv6: the enabled servers with an {@code ipaddr6} (VIPs as two longs),
 * their targets with an {@code ipaddr6}, Maglev tables, and per target id its address (16 bytes,
 * for the neighbour cache), mode and the port of the network whose {@code real6}/{@code mask6}
 * prefix holds it. Immutable but for the round-robin cursors.
 */
final class BalancePlan6 {
    static final BalancePlan6 EMPTY = new BalancePlan6(Configuration.empty(), List.of());

    final int[] serverId;
    final long[] vipHi;
    final long[] vipLo;
    final int[] port;
    final int[] protocol;
    final boolean[] bySource;
    final int[][] primaries;
    final int[][] backups;
    final int[][] primaryTable;
    final int[][] backupTable;
    final int[] cursor;

    final boolean[] enabled;
    /** The target's IPv6 address, or null. */
    final byte[][] address;
    final boolean[] dsr;
    final int[] outPort;

    BalancePlan6(Configuration c, List<String> notes) {
        List<ServerDef> servers = new ArrayList<>();
        for (ServerDef s : c.servers().values()) {
            if (s.state() == ObjectState.ENABLED && s.ipaddr6() != null) {
                servers.add(s);
            }
        }
        int n = servers.size();
        serverId = new int[n];
        vipHi = new long[n];
        vipLo = new long[n];
        port = new int[n];
        protocol = new int[n];
        bySource = new boolean[n];
        primaries = new int[n][];
        backups = new int[n][];
        primaryTable = new int[n][];
        backupTable = new int[n][];
        cursor = new int[n];
        int maxTarget = c.targets().isEmpty() ? 0 : c.targets().lastKey();
        enabled = new boolean[maxTarget + 1];
        address = new byte[maxTarget + 1][];
        dsr = new boolean[maxTarget + 1];
        outPort = new int[maxTarget + 1];
        Arrays.fill(outPort, -1);
        for (TargetDef t : c.targets().values()) {
            enabled[t.id()] = t.state() == ObjectState.ENABLED && t.ipaddr6() != null;
            if (t.ipaddr6() != null) {
                address[t.id()] = t.ipaddr6().getAddress();
                outPort[t.id()] = portOf(c, t.ipaddr6());
            }
            dsr[t.id()] = t.dsr();
        }
        for (int i = 0; i < n; i++) {
            ServerDef s = servers.get(i);
            serverId[i] = s.id();
            byte[] v = s.ipaddr6().getAddress();
            vipHi[i] = read64(v, 0);
            vipLo[i] = read64(v, 8);
            port[i] = s.port() == null ? 0 : s.port();
            protocol[i] = s.protocol() == null ? 0 : switch (s.protocol()) {
                case TCP -> 6;
                case UDP -> 17;
            };
            bySource[i] = s.sessionid() != SessionKey.SRC_PORT;
            boolean hashed = s.method() == Method.HASH;
            if (s.method() != Method.RR && s.method() != Method.HASH) {
                notes.add("server " + s.id() + " (IPv6) method " + s.method().keyword()
                    + " is not implemented over IPv6: using rr");
            }
            primaries[i] = inService(s.targets(), notes, s.id());
            backups[i] = inService(s.backup(), notes, s.id());
            primaryTable[i] = hashed ? table(c, primaries[i]) : null;
            backupTable[i] = hashed ? table(c, backups[i]) : null;
            if (primaries[i].length + backups[i].length == 0) {
                notes.add("server " + s.id() + " has no enabled target with an IPv6 address: its IPv6 flows are dropped");
            }
        }
    }

    private int[] inService(List<Integer> ids, List<String> notes, int server) {
        List<Integer> l = new ArrayList<>();
        for (int id : ids) {
            if (id >= enabled.length || !enabled[id]) {
                continue;
            }
            l.add(id);
            if (!dsr[id]) {
                notes.add("server " + server + " target " + id + " (IPv6) is not dsr: NAT over IPv6 is not"
                    + " implemented, its packets are dropped (counted as nat-not-yet)");
            }
            if (outPort[id] < 0) {
                notes.add("target " + id + " lies in no enabled network's real6/mask6 prefix: its IPv6 packets are"
                    + " dropped (counted as no-route)");
            }
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] table(Configuration c, int[] ids) {
        long[] names = new long[ids.length];
        for (int k = 0; k < ids.length; k++) {
            TargetDef t = c.targets().get(ids[k]);
            byte[] a = address[ids[k]];
            names[k] = Maglev.name(fold(read64(a, 0), read64(a, 8)), t.port() == null ? 0 : t.port());
        }
        return Maglev.build(ids, names);
    }

    /** The interface of the enabled network whose real6 (else virt6) prefix of mask6 bits holds the address. */
    private static int portOf(Configuration c, Inet6Address a) {
        long hi = read64(a.getAddress(), 0);
        long lo = read64(a.getAddress(), 8);
        int best = -1;
        int bestPrefix = -1;
        for (NetworkDef n : c.networks().values()) {
            Inet6Address base = n.real6() != null ? n.real6() : n.virt6();
            if (n.state() != ObjectState.ENABLED || base == null || n.mask6() == null || n.interfaceId() == null) {
                continue;
            }
            int prefix = n.mask6();
            long maskHi = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
            long maskLo = prefix <= 64 ? 0 : prefix >= 128 ? -1L : -1L << (128 - prefix);
            byte[] b = base.getAddress();
            if (((read64(b, 0) ^ hi) & maskHi) == 0 && ((read64(b, 8) ^ lo) & maskLo) == 0 && prefix > bestPrefix) {
                best = n.interfaceId();
                bestPrefix = prefix;
            }
        }
        return best;
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

    boolean isTarget(int id) {
        return id >= 0 && id < enabled.length && enabled[id];
    }
}
