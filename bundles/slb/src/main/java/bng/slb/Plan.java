package bng.slb;

import bng.core.config.Configuration;
import bng.core.config.Method;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.SessionKey;
import bng.core.config.TargetDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * What {@link BalancePlan} (IPv4) and {@link BalancePlan6} (IPv6) share: the servers' ports,
 * protocols, session keys, methods and target pools, and per target id its state, port, mode and
 * leaving port. {@link TargetChooser} and {@link SessionBinder} read only this, so every
 * distribution method and the session rules serve both families from one piece of code; the
 * subclasses add the addresses (and what is looked up by address: VIPs, networks, reply index).
 */
abstract sealed class Plan permits BalancePlan, BalancePlan6 {
    /** How a server's packets reach a target: MACs only, destination NAT, or source and destination NAT. */
    static final int MODE_DSR = 0;
    static final int MODE_NAT = 1;
    static final int MODE_SNAT = 2;

    // Servers, by index.
    final int[] serverId;
    /** Service port, 0 = every port. */
    final int[] port;
    /** IP protocol, 0 = TCP and UDP. */
    final int[] protocol;
    /** sessionid src (the default): the client port is not part of the key. */
    final boolean[] bySource;
    final Method[] method;
    /** {@code proxy enable}: source NAT to the server's prx (prx6). */
    final boolean[] proxy;
    final TargetPool[] primaries;
    final TargetPool[] backups;
    final int[] cursor;

    // Targets, by id (0..maxTarget).
    final boolean[] enabled;
    /** Registered but not enabled ({@code disable target}): its sessions drain, it takes no new one. */
    final boolean[] draining;
    /** The target's port, 0 when unset (the client's destination port is kept). */
    final int[] targetPort;
    final boolean[] dsr;
    /** The port of the enabled network holding the target's address, -1 when none does (subclasses fill it). */
    final int[] outPort;

    /**
     * @param servers the enabled servers of this family
     * @param hasAddress whether a target has an address of this family
     */
    Plan(Configuration c, List<ServerDef> servers, Predicate<TargetDef> hasAddress) {
        int n = servers.size();
        serverId = new int[n];
        port = new int[n];
        protocol = new int[n];
        bySource = new boolean[n];
        method = new Method[n];
        proxy = new boolean[n];
        primaries = new TargetPool[n];
        backups = new TargetPool[n];
        cursor = new int[n];
        for (int i = 0; i < n; i++) {
            ServerDef s = servers.get(i);
            serverId[i] = s.id();
            port[i] = s.port() == null ? 0 : s.port();
            protocol[i] = s.protocol() == null ? 0 : switch (s.protocol()) {
                case TCP -> 6;
                case UDP -> 17;
            };
            bySource[i] = s.sessionid() != SessionKey.SRC_PORT;
            method[i] = s.method();
            proxy[i] = s.proxy();
        }
        int maxTarget = c.targets().isEmpty() ? 0 : c.targets().lastKey();
        enabled = new boolean[maxTarget + 1];
        draining = new boolean[maxTarget + 1];
        targetPort = new int[maxTarget + 1];
        dsr = new boolean[maxTarget + 1];
        outPort = new int[maxTarget + 1];
        Arrays.fill(outPort, -1);
        for (TargetDef t : c.targets().values()) {
            boolean has = hasAddress.test(t);
            enabled[t.id()] = t.state() == ObjectState.ENABLED && has;
            draining[t.id()] = t.state() == ObjectState.REGISTERED && has;
            targetPort[t.id()] = t.port() == null ? 0 : t.port();
            dsr[t.id()] = t.dsr();
        }
    }

    /** Enabled servers of one family, in id order. */
    static List<ServerDef> servers(Configuration c, Predicate<ServerDef> ofFamily) {
        List<ServerDef> out = new ArrayList<>();
        for (ServerDef s : c.servers().values()) {
            if (s.state() == ObjectState.ENABLED && ofFamily.test(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** A target's name for Maglev's permutation (its address of this family and port). */
    abstract long maglevName(int target);

    /** Builds every server's pools; a subclass calls it once its addresses and outPort are set. */
    final void buildPools(Configuration c, List<ServerDef> servers, List<String> notes, String family) {
        for (int i = 0; i < servers.size(); i++) {
            ServerDef s = servers.get(i);
            primaries[i] = pool(c, s, s.targets(), notes, family);
            backups[i] = pool(c, s, s.backup(), notes, family);
            if (primaries[i].ids.length + backups[i].ids.length == 0) {
                notes.add("server " + s.id() + " has no enabled target with an " + family
                    + " address: its " + family + " flows are dropped");
            }
        }
    }

    private TargetPool pool(Configuration c, ServerDef s, List<Integer> list, List<String> notes, String family) {
        List<Integer> l = new ArrayList<>();
        for (int id : list) {
            if (id >= enabled.length || !enabled[id]) {
                continue;
            }
            l.add(id);
            if (outPort[id] < 0) {
                notes.add("target " + id + " lies in no enabled network (" + family + "): its packets are dropped"
                    + " (counted as no-route)");
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
            weights[k] = Math.max(1, c.targets().get(ids[k]).weight());
            names[k] = maglevName(ids[k]);
        }
        return new TargetPool(ids, weights, names, s.method() == Method.HASH);
    }

    /** How server index {@code s} reaches target {@code t}: proxy wins over dsr; dsr, else NAT. */
    final int mode(int s, int t) {
        return proxy[s] ? MODE_SNAT : dsr[t] ? MODE_DSR : MODE_NAT;
    }

    /** The port a translated target is answered from: its own when the server names a port, else none (0). */
    final int replyPort(int s, int t) {
        // A target port is honoured only when the server names a port (else replies could not restore it).
        return port[s] == 0 ? 0 : targetPort[t] != 0 ? targetPort[t] : port[s];
    }

    final boolean isTarget(int id) {
        return id >= 0 && id < enabled.length && enabled[id];
    }

    final boolean isDraining(int id) {
        return id >= 0 && id < draining.length && draining[id];
    }
}
