package bng.arp;

import bng.core.api.OwnedAddresses;
import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Gratuitous ARP announcements (RFC 5227 §3) of owned addresses: each is sent {@link #COUNT} times,
 * {@link #SPACING_MILLIS} apart (on a VRRP transition to master: {@code set vrrpgarpcount} times,
 * {@code vrrpgarpinterval} s apart), so that a router that missed one still learns bng's MAC. A
 * network's {@code real}/{@code virt} leave by that network's port; a server VIP by the port of the
 * enabled network holding it, or by every enabled network's port when none does. A send that
 * fails (the port is not open yet) does not count; after {@link #MAX_ATTEMPTS} ticks it is given up.
 * Called from the module's scheduler thread ({@link #tick}) and the committing thread ({@link #plan}).
 */
final class GratuitousArp {
    static final int COUNT = 3;
    static final long SPACING_MILLIS = 1000;
    static final int MAX_ATTEMPTS = 10;

    /** One owned address on one network (-1: no network holds it, announce on every port). */
    record Announcement(int address, int networkId) {}

    private static final class Pending {
        final Announcement what;
        final int count;
        final long spacing;
        int sent;
        int attempts;
        long due;

        Pending(Announcement what, long due, int count, long spacing) {
            this.what = what;
            this.due = due;
            this.count = count;
            this.spacing = spacing;
        }
    }

    private final Ports ports;
    private final OwnedAddresses owned;
    private final List<Pending> pending = new ArrayList<>();
    private final byte[] buf = new byte[ArpFrames.FRAME_LENGTH];

    /**
     * @param owned what this node answers for now: an address it stopped owning (a VRRP backup's
     *        {@code virt} and VIPs) is never announced, so a backup does not pull them to itself
     */
    GratuitousArp(Ports ports, OwnedAddresses owned) {
        this.ports = ports;
        this.owned = owned;
    }

    /** The announcements a configuration calls for, in configuration order. */
    static Set<Announcement> announcements(Configuration c) {
        Set<Announcement> out = new LinkedHashSet<>();
        for (NetworkDef n : c.networks().values()) {
            if (n.state() == ObjectState.ENABLED) {
                add(out, n.real(), n.id());
                add(out, n.virt(), n.id());
            }
        }
        for (ServerDef s : c.servers().values()) {
            if (s.state() == ObjectState.ENABLED && s.ipaddr() != null) {
                int vip = Networks.toInt(s.ipaddr());
                NetworkDef n = Networks.containing(c, vip, true);
                out.add(new Announcement(vip, n == null ? -1 : n.id()));
            }
        }
        return out;
    }

    private static void add(Set<Announcement> out, Inet4Address a, int networkId) {
        if (a != null) {
            out.add(new Announcement(Networks.toInt(a), networkId));
        }
    }

    /** Queues what {@code current} owns and {@code previous} did not; the first send is due at once. */
    synchronized int plan(Configuration previous, Configuration current, long now) {
        Set<Announcement> added = announcements(current);
        added.removeAll(announcements(previous));
        for (Announcement a : added) {
            pending.removeIf(p -> p.what.equals(a)); // a re-added address starts its count afresh
            pending.add(new Pending(a, now, COUNT, SPACING_MILLIS));
        }
        return added.size();
    }

    /**
     * Queues every address of {@code current} afresh, {@code count} times {@code spacing} ms apart,
     * the first at once: a node that just became VRRP master moves all its addresses to itself.
     */
    synchronized int planAll(Configuration current, long now, int count, long spacing) {
        Set<Announcement> all = announcements(current);
        pending.removeIf(p -> all.contains(p.what));
        for (Announcement a : all) {
            pending.add(new Pending(a, now, count, spacing));
        }
        return all.size();
    }

    /** Sends every announcement that is due; returns how many frames left. */
    synchronized int tick(Configuration current, long now) {
        int frames = 0;
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.due > now) {
                continue;
            }
            if (!owned.ownsIpv4(p.what.address())) {
                it.remove(); // not ours (any more): a VRRP backup, or removed by a commit
                continue;
            }
            p.attempts++;
            int out = send(current, p.what);
            if (out > 0) {
                p.sent++;
                frames += out;
            }
            p.due = now + p.spacing;
            if (p.sent >= p.count || p.attempts >= Math.max(MAX_ATTEMPTS, p.count)) {
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

    /** How many ports it left by. */
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

    private boolean sendOn(int port, int address) {
        long mac = port < 0 ? -1 : ports.mac(port);
        if (mac < 0) {
            return false;
        }
        int len = ArpFrames.announcement(buf, mac, address);
        return ports.send(port, buf, len);
    }
}
