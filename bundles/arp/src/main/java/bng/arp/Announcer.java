package bng.arp;

import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Announcements of owned addresses, one family's: {@link GratuitousArp} (IPv4) and
 * {@link UnsolicitedNa} (IPv6) say what a configuration owns and how one announcement looks on
 * the wire; this says when each leaves and by which port. Each is sent {@link #COUNT} times,
 * {@link #SPACING_MILLIS} apart (on a VRRP transition to master: {@code set vrrpgarpcount} times,
 * {@code vrrpgarpinterval} s apart), so that a neighbour that missed one still learns bng's MAC. A
 * network's own addresses leave by that network's port; a server VIP by the port of the enabled
 * network holding it, or by every enabled network's port when none does. An address this node
 * does not own (any more) is never announced: a VRRP backup must not pull the floating addresses
 * to itself. A send that fails (the port is not open yet) does not count; after
 * {@link #MAX_ATTEMPTS} ticks it is given up. Called from the module's scheduler thread
 * ({@link #tick}) and the committing thread ({@link #plan}, {@link #planAll}).
 *
 * @param <A> one owned address on one network
 */
abstract class Announcer<A extends Announcer.Announced> {
    static final int COUNT = 3;
    static final long SPACING_MILLIS = 1000;
    static final int MAX_ATTEMPTS = 10;

    /** An address to announce; {@link #networkId} -1: no network holds it, announce on every port. */
    interface Announced {
        int networkId();
    }

    private static final class Pending<A> {
        final A what;
        final int count;
        final long spacing;
        int sent;
        int attempts;
        long due;

        Pending(A what, long due, int count, long spacing) {
            this.what = what;
            this.due = due;
            this.count = count;
            this.spacing = spacing;
        }
    }

    final Ports ports;
    private final List<Pending<A>> pending = new ArrayList<>();

    Announcer(Ports ports) {
        this.ports = ports;
    }

    /** The announcements a configuration calls for, in configuration order. */
    abstract Set<A> wanted(Configuration c);

    /** Whether this node answers for the address now. */
    abstract boolean owns(A a);

    /** Builds one announcement of {@code a} from {@code mac} and sends it on {@code port}. */
    abstract boolean sendOn(int port, long mac, A a);

    /** Queues what {@code current} owns and {@code previous} did not; the first send is due at once. */
    synchronized int plan(Configuration previous, Configuration current, long now) {
        Set<A> added = wanted(current);
        added.removeAll(wanted(previous));
        for (A a : added) {
            pending.removeIf(p -> p.what.equals(a)); // a re-added address starts its count afresh
            pending.add(new Pending<>(a, now, COUNT, SPACING_MILLIS));
        }
        return added.size();
    }

    /**
     * Queues every address of {@code current} afresh, {@code count} times {@code spacing} ms apart,
     * the first at once: a node that just became VRRP master moves all its addresses to itself.
     */
    synchronized int planAll(Configuration current, long now, int count, long spacing) {
        Set<A> all = wanted(current);
        pending.removeIf(p -> all.contains(p.what));
        for (A a : all) {
            pending.add(new Pending<>(a, now, count, spacing));
        }
        return all.size();
    }

    /** Sends every announcement that is due; returns how many frames left. */
    synchronized int tick(Configuration current, long now) {
        int frames = 0;
        for (Iterator<Pending<A>> it = pending.iterator(); it.hasNext(); ) {
            Pending<A> p = it.next();
            if (p.due > now) {
                continue;
            }
            if (!owns(p.what)) {
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
    private int send(Configuration c, A a) {
        if (a.networkId() >= 0) {
            return send(ports.portOfNetwork(a.networkId()), a) ? 1 : 0;
        }
        int frames = 0;
        Set<Integer> done = new LinkedHashSet<>();
        for (NetworkDef n : c.networks().values()) {
            int port = ports.portOfNetwork(n.id());
            if (n.state() == ObjectState.ENABLED && port >= 0 && done.add(port)) {
                frames += send(port, a) ? 1 : 0;
            }
        }
        return frames;
    }

    private boolean send(int port, A a) {
        long mac = port < 0 ? -1 : ports.mac(port);
        return mac >= 0 && sendOn(port, mac, a);
    }
}
