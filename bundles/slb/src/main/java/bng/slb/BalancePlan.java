package bng.slb;

import bng.core.config.Configuration;
import bng.core.config.GatewayDef;
import bng.core.config.Method;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.SessionKey;
import bng.core.config.TargetDef;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the per-packet path needs, computed once per configuration: the enabled IPv4
 * servers as parallel arrays (matched by a scan: servers are few), their target pools, per target
 * id its address, port, and the port of the network it lives on, the connected networks and the
 * gateway (to send replies on), and a sorted index of translated targets (address, port) → (server,
 * target) for the reply path. Immutable but for the round-robin cursors (racy increments between
 * port threads only skew the rotation).
 */
final class BalancePlan {
    static final BalancePlan EMPTY = new BalancePlan(Configuration.empty(), List.of());

    /** How a server's packets reach a target: MACs only, destination NAT, or source and destination NAT. */
    static final int MODE_DSR = 0;
    static final int MODE_NAT = 1;
    static final int MODE_SNAT = 2;

    // Servers, by index.
    final int[] serverId;
    final int[] vip;
    /** Service port, 0 = every port. */
    final int[] port;
    /** IP protocol, 0 = TCP and UDP. */
    final int[] protocol;
    /** sessionid src (the default): the client port is not part of the key. */
    final boolean[] bySource;
    final Method[] method;
    /** {@code proxy enable}: source NAT to {@link #prx}. */
    final boolean[] proxy;
    /** The source address of proxied packets: {@code prx}, else the VIP. */
    final int[] prx;
    final TargetPool[] primaries;
    final TargetPool[] backups;
    final int[] cursor;

    // Targets, by id (0..maxTarget).
    final boolean[] enabled;
    /** Registered but not enabled ({@code disable target}): its sessions drain, it takes no new one. */
    final boolean[] draining;
    final int[] address;
    /** The target's port, 0 when unset (the client's destination port is kept). */
    final int[] targetPort;
    final boolean[] dsr;
    /** The port of the enabled network holding the target's address, -1 when none does. */
    final int[] outPort;

    // Connected networks (enabled, with an address and an interface), and the default route.
    final int[] netAddr;
    final int[] netMask;
    final int[] netPort;
    /** The gateway's address, 0 when none. */
    final int gateway;

    // Reply index: sorted by (target address << 16 | target port); parallel server index and target id.
    final long[] replyKey;
    final int[] replyServer;
    final int[] replyTarget;

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
        method = new Method[n];
        proxy = new boolean[n];
        prx = new int[n];
        primaries = new TargetPool[n];
        backups = new TargetPool[n];
        cursor = new int[n];
        int maxTarget = c.targets().isEmpty() ? 0 : c.targets().lastKey();
        enabled = new boolean[maxTarget + 1];
        draining = new boolean[maxTarget + 1];
        address = new int[maxTarget + 1];
        targetPort = new int[maxTarget + 1];
        dsr = new boolean[maxTarget + 1];
        outPort = new int[maxTarget + 1];
        Arrays.fill(outPort, -1);

        List<NetworkDef> nets = new ArrayList<>();
        for (NetworkDef d : c.networks().values()) {
            if (d.state() == ObjectState.ENABLED && d.addr() != null && d.mask() != null && d.interfaceId() != null) {
                nets.add(d);
            }
        }
        netAddr = new int[nets.size()];
        netMask = new int[nets.size()];
        netPort = new int[nets.size()];
        for (int k = 0; k < nets.size(); k++) {
            NetworkDef d = nets.get(k);
            netMask[k] = d.mask() == 0 ? 0 : -1 << (32 - d.mask());
            netAddr[k] = ipv4(d.addr()) & netMask[k];
            netPort[k] = d.interfaceId();
        }
        GatewayDef g = c.gateway();
        gateway = g == null || g.ipaddr() == null ? 0 : ipv4(g.ipaddr());

        for (TargetDef t : c.targets().values()) {
            enabled[t.id()] = t.state() == ObjectState.ENABLED && t.ipaddr() != null;
            draining[t.id()] = t.state() == ObjectState.REGISTERED && t.ipaddr() != null;
            if (t.ipaddr() != null) {
                address[t.id()] = ipv4(t.ipaddr());
                outPort[t.id()] = connectedPort(address[t.id()]);
            }
            targetPort[t.id()] = t.port() == null ? 0 : t.port();
            dsr[t.id()] = t.dsr();
        }
        List<long[]> replies = new ArrayList<>();
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
            method[i] = s.method();
            proxy[i] = s.proxy();
            prx[i] = s.prx() != null ? ipv4(s.prx()) : vip[i];
            primaries[i] = pool(c, s, s.targets(), notes);
            backups[i] = pool(c, s, s.backup(), notes);
            if (primaries[i].ids.length + backups[i].ids.length == 0) {
                notes.add("server " + s.id() + " has no enabled target with an IPv4 address: its new flows are dropped");
            }
            for (TargetPool pool : new TargetPool[] {primaries[i], backups[i]}) {
                for (int t : pool.ids) {
                    if (mode(i, t) != MODE_DSR) {
                        // A target port is honoured only when the server names a port (else replies could not restore it).
                        int tp = port[i] == 0 ? 0 : targetPort[t] != 0 ? targetPort[t] : port[i];
                        replies.add(new long[] {(address[t] & 0xffff_ffffL) << 16 | tp, i, t});
                    }
                }
            }
        }
        replies.sort((a, b) -> Long.compare(a[0], b[0]));
        replyKey = new long[replies.size()];
        replyServer = new int[replies.size()];
        replyTarget = new int[replies.size()];
        for (int k = 0; k < replies.size(); k++) {
            replyKey[k] = replies.get(k)[0];
            replyServer[k] = (int) replies.get(k)[1];
            replyTarget[k] = (int) replies.get(k)[2];
        }
    }

    private TargetPool pool(Configuration c, ServerDef s, List<Integer> list, List<String> notes) {
        List<Integer> l = new ArrayList<>();
        for (int id : list) {
            if (!enabled[id]) {
                continue;
            }
            l.add(id);
            if (outPort[id] < 0) {
                notes.add("target " + id + " lies in no enabled network: its packets are dropped (counted as no-route)");
            }
            if (dsr[id] && !s.proxy() && targetPort[id] != 0 && s.port() != null && !s.port().equals(targetPort[id])) {
                notes.add("server " + s.id() + " target " + id + " is dsr with port " + targetPort[id]
                    + ": DSR cannot rewrite ports, the server's port " + s.port() + " is kept");
            }
        }
        int[] ids = l.stream().mapToInt(Integer::intValue).toArray();
        int[] weights = new int[ids.length];
        long[] names = new long[ids.length];
        for (int k = 0; k < ids.length; k++) {
            TargetDef t = c.targets().get(ids[k]);
            weights[k] = Math.max(1, t.weight());
            names[k] = Maglev.name(address[ids[k]], t.port() == null ? 0 : t.port());
        }
        return new TargetPool(ids, weights, names, s.method() == Method.HASH);
    }

    /** How server index {@code s} reaches target {@code t}: proxy wins over dsr; dsr, else NAT. */
    int mode(int s, int t) {
        return proxy[s] ? MODE_SNAT : dsr[t] ? MODE_DSR : MODE_NAT;
    }

    /** The port of the connected network holding {@code addr}, or -1. */
    int connectedPort(int addr) {
        for (int k = 0; k < netAddr.length; k++) {
            if ((addr & netMask[k]) == netAddr[k]) {
                return netPort[k];
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

    /** The first index of the reply entries for a packet from {@code addr}:{@code port}, or -1. */
    int firstReply(int addr, int srcPort) {
        int k = Arrays.binarySearch(replyKey, (addr & 0xffff_ffffL) << 16 | srcPort);
        if (k < 0) {
            return -1;
        }
        while (k > 0 && replyKey[k - 1] == replyKey[k]) {
            k--;
        }
        return k;
    }

    boolean isTarget(int id) {
        return id >= 0 && id < enabled.length && enabled[id];
    }

    boolean isDraining(int id) {
        return id >= 0 && id < draining.length && draining[id];
    }
}
