package bng.arp;

import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Unsolicited neighbour advertisements (RFC 4861 §7.2.6) of owned IPv6 addresses, the IPv6 twin
 * of {@link GratuitousArp}: each newly owned {@code real6}/{@code virt6} and server
 * {@code ipaddr6} is announced {@link GratuitousArp#COUNT} times (§7.2.6 allows up to
 * MAX_NEIGHBOR_ADVERTISEMENT = 3), a second apart, to all nodes with the override flag.
 * {@link #announceAll} is the hook for a VRRP takeover: the new master re-announces everything.
 */
final class UnsolicitedNa {
    /** One owned address on one network (-1: no network holds it, announce on every port). */
    record Announcement(Inet6Address address, int networkId) {}

    private static final class Pending {
        final Announcement what;
        int sent;
        int attempts;
        long due;

        Pending(Announcement what, long due) {
            this.what = what;
            this.due = due;
        }
    }

    private final Ports ports;
    private final List<Pending> pending = new ArrayList<>();
    private final byte[] buf = new byte[NdFrames.FRAME_LENGTH];

    UnsolicitedNa(Ports ports) {
        this.ports = ports;
    }

    static Set<Announcement> announcements(Configuration c) {
        Set<Announcement> out = new LinkedHashSet<>();
        for (NetworkDef n : c.networks().values()) {
            if (n.state() == ObjectState.ENABLED) {
                if (n.real6() != null) {
                    out.add(new Announcement(n.real6(), n.id()));
                }
                if (n.virt6() != null) {
                    out.add(new Announcement(n.virt6(), n.id()));
                }
            }
        }
        for (ServerDef s : c.servers().values()) {
            if (s.state() == ObjectState.ENABLED && s.ipaddr6() != null) {
                NetworkDef n = Networks6.containing(c, Networks6.hi(s.ipaddr6()), Networks6.lo(s.ipaddr6()));
                out.add(new Announcement(s.ipaddr6(), n == null ? -1 : n.id()));
            }
        }
        return out;
    }

    synchronized int plan(Configuration previous, Configuration current, long now) {
        Set<Announcement> added = announcements(current);
        added.removeAll(announcements(previous));
        queue(added, now);
        return added.size();
    }

    /** Re-announces every owned IPv6 address (a VRRP takeover: the neighbours must move to us). */
    synchronized int announceAll(Configuration current, long now) {
        Set<Announcement> all = announcements(current);
        queue(all, now);
        return all.size();
    }

    private void queue(Set<Announcement> what, long now) {
        for (Announcement a : what) {
            pending.removeIf(p -> p.what.equals(a));
            pending.add(new Pending(a, now));
        }
    }

    synchronized int tick(Configuration current, long now) {
        int frames = 0;
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.due > now) {
                continue;
            }
            p.attempts++;
            int out = send(current, p.what);
            if (out > 0) {
                p.sent++;
                frames += out;
            }
            p.due = now + GratuitousArp.SPACING_MILLIS;
            if (p.sent >= GratuitousArp.COUNT || p.attempts >= GratuitousArp.MAX_ATTEMPTS) {
                it.remove();
            }
        }
        return frames;
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    synchronized void clear() {
        pending.clear();
    }

    private int send(Configuration c, Announcement a) {
        if (a.networkId() >= 0) {
            return sendOn(ports.portOfNetwork(a.networkId()), a.address()) ? 1 : 0;
        }
        int frames = 0;
        Set<Integer> done = new LinkedHashSet<>();
        for (NetworkDef n : c.networks().values()) {
            int port = ports.portOfNetwork(n.id());
            if (n.state() == ObjectState.ENABLED && port >= 0 && done.add(port)) {
                frames += sendOn(port, a.address()) ? 1 : 0;
            }
        }
        return frames;
    }

    private boolean sendOn(int port, Inet6Address address) {
        long mac = port < 0 ? -1 : ports.mac(port);
        if (mac < 0) {
            return false;
        }
        int len = NdFrames.unsolicited(buf, mac, Networks6.hi(address), Networks6.lo(address));
        return ports.send(port, buf, len);
    }
}
