package bng.slb;

import bng.core.config.Configuration;
import bng.core.config.Method;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.SessionKey;
import bng.core.config.TargetDef;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the per-packet path needs, computed once per configuration: the enabled IPv4
 * servers as parallel arrays (matched by a scan: servers are few), their targets, Maglev tables,
 * and per target id its address, mode, and the port of the network it lives on. Immutable but for
 * the round-robin cursors (racy increments between port threads only skew the rotation).
 */
final class BalancePlan {
    static final BalancePlan EMPTY = new BalancePlan(Configuration.empty(), List.of());

    // Servers, by index.
    final int[] serverId;
    final int[] vip;
    /** Service port, 0 = every port. */
    final int[] port;
    /** IP protocol, 0 = TCP and UDP. */
    final int[] protocol;
    /** sessionid src (the default): the client port is not part of the key. */
    final boolean[] bySource;
    final boolean[] hashed;
    final int[][] primaries;
    final int[][] backups;
    final int[][] primaryTable;
    final int[][] backupTable;
    final int[] cursor;

    // Targets, by id (0..maxTarget).
    final boolean[] enabled;
    /** Registered but not enabled ({@code disable target}): its sessions drain, it takes no new one. */
    final boolean[] draining;
    final int[] address;
    final boolean[] dsr;
    /** The port of the enabled network holding the target's address, -1 when none does. */
    final int[] outPort;

    /** @param notes what the plan could not honour (logged by the caller, once each) */
    BalancePlan(Configuration c, List<String> notes) {
        List<ServerDef> servers = new ArrayList<>();
        for (ServerDef s : c.servers().values()) {
            if (s.state() == ObjectState.ENABLED && s.ipaddr() != null) {
                servers.add(s);
            }
        }
        int n = servers.size();
        serverId = new int[n];
        vip = new int[n];
        port = new int[n];
        protocol = new int[n];
        bySource = new boolean[n];
        hashed = new boolean[n];
        primaries = new int[n][];
        backups = new int[n][];
        primaryTable = new int[n][];
        backupTable = new int[n][];
        cursor = new int[n];
        int maxTarget = c.targets().isEmpty() ? 0 : c.targets().lastKey();
        enabled = new boolean[maxTarget + 1];
        draining = new boolean[maxTarget + 1];
        address = new int[maxTarget + 1];
        dsr = new boolean[maxTarget + 1];
        outPort = new int[maxTarget + 1];
        java.util.Arrays.fill(outPort, -1);
        for (TargetDef t : c.targets().values()) {
            enabled[t.id()] = t.state() == ObjectState.ENABLED && t.ipaddr() != null;
            draining[t.id()] = t.state() == ObjectState.REGISTERED && t.ipaddr() != null;
            if (t.ipaddr() != null) {
                address[t.id()] = ipv4(t.ipaddr());
                outPort[t.id()] = portOf(c, address[t.id()]);
            }
            dsr[t.id()] = t.dsr();
        }
        for (int i = 0; i < n; i++) {
            ServerDef s = servers.get(i);
            serverId[i] = s.id();
            vip[i] = ipv4(s.ipaddr());
            port[i] = s.port() == null ? 0 : s.port();
            protocol[i] = s.protocol() == null ? 0 : switch (s.protocol()) {
                case TCP -> 6;
                case UDP -> 17;
            };
            bySource[i] = s.sessionid() != SessionKey.SRC_PORT;
            hashed[i] = s.method() == Method.HASH;
            if (s.method() != Method.RR && s.method() != Method.HASH) {
                notes.add("server " + s.id() + " method " + s.method().keyword()
                    + " is not implemented yet (the full set comes with issue 6): using rr");
            }
            primaries[i] = inService(c, s.targets(), notes, s.id());
            backups[i] = inService(c, s.backup(), notes, s.id());
            primaryTable[i] = hashed[i] ? table(c, primaries[i]) : null;
            backupTable[i] = hashed[i] ? table(c, backups[i]) : null;
            if (primaries[i].length + backups[i].length == 0) {
                notes.add("server " + s.id() + " has no enabled target with an IPv4 address: its new flows are dropped");
            }
        }
    }

    private int[] inService(Configuration c, List<Integer> ids, List<String> notes, int server) {
        List<Integer> l = new ArrayList<>();
        for (int id : ids) {
            if (!enabled[id]) {
                continue;
            }
            l.add(id);
            if (!dsr[id]) {
                notes.add("server " + server + " target " + id + " is not dsr: NAT mode comes with issue 6,"
                    + " its packets are dropped (counted as nat-not-yet)");
            }
            if (outPort[id] < 0) {
                notes.add("target " + id + " lies in no enabled network: its packets are dropped (counted as no-route)");
            }
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] table(Configuration c, int[] ids) {
        long[] names = new long[ids.length];
        for (int k = 0; k < ids.length; k++) {
            TargetDef t = c.targets().get(ids[k]);
            names[k] = Maglev.name(address[ids[k]], t.port() == null ? 0 : t.port());
        }
        return Maglev.build(ids, names);
    }

    private static int portOf(Configuration c, int addr) {
        for (NetworkDef n : c.networks().values()) {
            if (n.state() != ObjectState.ENABLED || n.addr() == null || n.mask() == null || n.interfaceId() == null) {
                continue;
            }
            int mask = n.mask() == 0 ? 0 : -1 << (32 - n.mask());
            if ((addr & mask) == (ipv4(n.addr()) & mask)) {
                return n.interfaceId();
            }
        }
        return -1;
    }

    static int ipv4(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The index of the server for this destination, port and protocol, or -1. */
    int match(int dst, int dstPort, int proto) {
        int[] v = vip;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == dst && (port[i] == 0 || port[i] == dstPort) && (protocol[i] == 0 || protocol[i] == proto)) {
                return i;
            }
        }
        return -1;
    }

    boolean isTarget(int id) {
        return id >= 0 && id < enabled.length && enabled[id];
    }

    boolean isDraining(int id) {
        return id >= 0 && id < draining.length && draining[id];
    }
}
