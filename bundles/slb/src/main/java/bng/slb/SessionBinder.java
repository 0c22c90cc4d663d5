package bng.slb;

import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;
import bng.core.config.Method;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The session rules of both balancers, IPv4 and IPv6, in one place: a packet to a server follows
 * its session's target, or, when it may open a flow (a TCP SYN without ACK, any UDP datagram), is
 * bound to a target the server's method picks ({@link TargetChooser}); a TCP segment without a
 * session is dropped unless the server hashes (Maglev adopts it, docs/scale-out.md); a session
 * whose target went down (or away) moves on its next packet; one of a disabled target drains
 * (see {@link #keeps}). The caller builds the key (an IPv4 key, or ServerBalancer6's hash) and
 * the client value Maglev hashes. Counters are plain fields: statistics, see ServerBalancer.
 */
final class SessionBinder {
    static final int OPEN_MASK = SessionTable.TCP_SYN | SessionTable.TCP_ACK | SessionTable.TCP_FIN
        | SessionTable.TCP_RST;

    long newSessions;
    /** Sessions moved off a target that went down (or away) by a packet that was not a SYN. */
    long moved;
    long noSession;
    long adopted;
    long noTarget;
    long full;
    long raced;

    volatile TargetChooser chooser;
    private ScheduledExecutorService sampler;

    /** Creates the chooser on the first configuration (the references are bound by then). */
    void ready(TargetHealth health, SessionTable sessions) {
        if (chooser == null) {
            chooser = new TargetChooser(health, sessions, System.nanoTime());
        }
    }

    /** Samples the targets' bytes once a second for {@code bandwidth} (plan: the current plan). */
    void startSampler(String thread, Supplier<? extends Plan> plan) {
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(() -> {
            TargetChooser c = chooser;
            if (c != null) {
                c.sampleBandwidth(plan.get().enabled.length - 1);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    void stopSampler() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    static boolean opens(boolean tcp, int flags) {
        return !tcp || (flags & OPEN_MASK) == SessionTable.TCP_SYN;
    }

    /**
     * The target of this packet's session, bound now if need be, or -1 when the packet is to be
     * dropped (counted here). Lock-free, allocation-free.
     */
    int bind(SessionTable sessions, TargetHealth health, Plan p, int s, long key, int client, boolean tcp, int flags) {
        boolean opens = opens(tcp, flags);
        int slot = sessions.find(key);
        int target = slot < 0 ? -1 : sessions.target(slot);
        TargetChooser c = chooser;
        boolean moving = false;
        if (target >= 0 && !keeps(health, c, p, target, opens)) {
            sessions.remove(key); // out of service for this packet: choose again (see keeps)
            moving = !opens;
            target = -1;
        }
        if (target >= 0) {
            sessions.touch(slot, flags);
            return target;
        }
        if (!opens && !moving && p.method[s] != Method.HASH) {
            noSession++;
            return -1;
        }
        target = c.choose(p, s, client);
        if (target < 0) {
            noTarget++;
            return -1;
        }
        slot = sessions.insert(key, target, tcp, flags);
        if (slot < 0) {
            full++;
            return -1;
        }
        target = sessions.target(slot); // another port thread may have bound it first
        if (target < 0) {
            raced++;
            return -1;
        }
        if (moving) {
            moved++;
        } else if (opens) {
            newSessions++;
        } else {
            adopted++;
        }
        return target;
    }

    /**
     * Whether a session stays on its target for this packet. A packet that may open a flow needs a
     * target that takes new sessions (enabled and up). Any other packet stays while the target is
     * enabled and not down (unknown: hc was just re-added or the target re-enabled) or draining
     * ({@code disable target}: established sessions continue until {@code draintimeout}). A target
     * that hc reports down lost its connections (its TCP state is gone with it), and one that was
     * unregistered or removed is gone: the session moves to a healthy target at once, so that a
     * UDP flow continues there and a TCP connection is answered by that target's RST (RFC 9293
     * §3.10.7.1) instead of retransmitting into a dead host until the client gives up.
     */
    private static boolean keeps(TargetHealth health, TargetChooser c, Plan p, int target, boolean opens) {
        if (opens) {
            return c.usable(p, target);
        }
        return p.isTarget(target) ? health.state(target) != TargetHealth.DOWN : p.isDraining(target);
    }

    /**
     * A proxied connection of a {@code sessionid src} server: its session is per client, but its
     * proxy port must be per connection, so the connection gets a session of its own (key with the
     * client port, same target) that carries the port and its own TCP/UDP timeouts.
     */
    boolean connection(SessionTable sessions, long conn, int target, boolean tcp, int flags) {
        int slot = sessions.find(conn);
        int bound = slot < 0 ? -1 : sessions.target(slot);
        if (bound == target) {
            sessions.touch(slot, flags);
            return true;
        }
        if (bound >= 0) {
            sessions.remove(conn); // the client moved to another target: the old connection is over
        }
        slot = sessions.insert(conn, target, tcp, flags);
        return slot >= 0 && sessions.target(slot) == target;
    }

    /** The session counters, for {@code show slb} / {@code show slb6}. */
    void show(StringBuilder out) {
        out.append(String.format("%-14s %d%n", "new-sessions", newSessions));
        out.append(String.format("%-14s %d%n", "moved", moved));
        out.append(String.format("%-14s %d%n", "adopted", adopted));
        out.append(String.format("%-14s %d%n", "no-session", noSession));
        out.append(String.format("%-14s %d%n", "no-target", noTarget));
        out.append(String.format("%-14s %d%n", "table-full", full));
        out.append(String.format("%-14s %d%n", "raced", raced));
    }
}
