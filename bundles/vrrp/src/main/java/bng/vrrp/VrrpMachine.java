package bng.vrrp;

import bng.core.api.Mastership.State;

/**
 * The VRRP state machine of one virtual router (RFC 3768 §6.4, RFC 5798 §6.4), with no thread and
 * no clock of its own: the caller passes the time (milliseconds, monotonic) to every call, so tests
 * drive it with a fake clock. Not thread-safe: one thread (the module's scheduler) calls it.
 */
final class VrrpMachine {
    /** What the machine asks the world to do. */
    interface Output {
        /** Send an advertisement with this priority on every VRRP network. */
        void advertise(int priority);

        void transition(State from, State to, String reason);

        /** Announce the owned addresses again (gratuitous ARP). */
        void announce(String reason);
    }

    private final Output out;
    private final int version;
    private final long adverMillis;
    private final boolean preempt;
    private final long preemptDelayMillis;
    /** This node's primary address (the first VRRP network's {@code real}), the tie-breaker. */
    private final int primary;

    private int priority;
    private State state = State.INIT;
    private long masterDownAt;
    private long adverAt;
    private long lowerSince = -1;
    private long lastReannounce = Long.MIN_VALUE / 2;
    private int masterAddress;
    private int masterPriority;

    VrrpMachine(Output out, int version, int adverSeconds, boolean preempt, int preemptDelaySeconds, int primary,
            int priority) {
        this.out = out;
        this.version = version;
        this.adverMillis = adverSeconds * 1000L;
        this.preempt = preempt;
        this.preemptDelayMillis = preemptDelaySeconds * 1000L;
        this.primary = primary;
        this.priority = priority;
    }

    /** RFC 3768 §6.1 Skew_Time; RFC 5798 scales it with the interval. */
    long skewMillis() {
        return version == 2 ? (256 - priority) * 1000L / 256 : (256 - priority) * adverMillis / 256;
    }

    /** Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time. */
    long masterDownMillis() {
        return 3 * adverMillis + skewMillis();
    }

    /** RFC 3768 §6.4.1: the owner (255) becomes master at once, anyone else backup. */
    void start(long now) {
        if (priority == 255) {
            becomeMaster(now, "startup as address owner (priority 255)");
        } else {
            masterDownAt = now + masterDownMillis();
            move(State.BACKUP, "startup, priority " + priority);
        }
    }

    /** Timers: the backup's master-down timer, the master's advertisement timer. */
    void tick(long now) {
        if (state == State.BACKUP && now >= masterDownAt) {
            becomeMaster(now, "master down timer expired (" + masterDownMillis() + " ms without a higher advert)");
        } else if (state == State.MASTER && now >= adverAt) {
            out.advertise(priority);
            adverAt = now + adverMillis;
        }
    }

    /** A valid advertisement for our VRID from {@code source}. */
    void receive(int advPriority, int source, long now) {
        if (state == State.BACKUP) {
            if (advPriority == 0) {
                masterDownAt = now + skewMillis(); // the master resigned: §6.4.2
                return;
            }
            if (!preempt || advPriority >= priority) {
                masterDownAt = now + masterDownMillis();
                masterAddress = source;
                masterPriority = advPriority;
                lowerSince = -1;
                return;
            }
            // A lower-priority master and preemption on: let the timer run out, after the delay.
            if (lowerSince < 0) {
                lowerSince = now;
            }
            masterAddress = source;
            masterPriority = advPriority;
            if (now - lowerSince < preemptDelayMillis) {
                masterDownAt = now + masterDownMillis();
            }
        } else if (state == State.MASTER) {
            if (advPriority == 0) {
                out.advertise(priority);
                adverAt = now + adverMillis;
            } else if (advPriority > priority
                    || (advPriority == priority && Integer.compareUnsigned(source, primary) > 0)) {
                masterAddress = source;
                masterPriority = advPriority;
                masterDownAt = now + masterDownMillis();
                move(State.BACKUP, "advert from " + Ipv4.format(source) + " priority " + advPriority
                        + (advPriority == priority ? " (equal, higher address)" : " > " + priority));
                // Two masters (a healed split): our gratuitous ARP may have reached the hosts after
                // the winner's. One last advert makes the winner hear a lower priority, so it
                // announces again (§6.4.3) and its announcement is the last the hosts see.
                out.advertise(priority);
            } else if (now - lastReannounce >= adverMillis) {
                // A backup that took over thinks it is master: tell it and the network who is (§6.4.3).
                lastReannounce = now;
                out.advertise(priority);
                adverAt = now + adverMillis;
                out.announce("lower-priority advert from " + Ipv4.format(source) + " priority " + advPriority);
            }
        }
    }

    /**
     * A new effective priority (tracking). A master that drops advertises it at once, so that a
     * preempting backup takes over without waiting for the next interval.
     */
    void priority(int p, long now) {
        if (p == priority) {
            return;
        }
        boolean lower = p < priority;
        priority = p;
        if (state == State.MASTER && lower) {
            out.advertise(priority);
            adverAt = now + adverMillis;
        }
    }

    /** RFC 3768 §6.4.3 Shutdown: a master sends priority 0 so the backup takes over after Skew_Time. */
    void shutdown(String reason) {
        if (state == State.MASTER) {
            out.advertise(0);
        }
        move(State.INIT, reason);
    }

    private void becomeMaster(long now, String reason) {
        out.advertise(priority);
        adverAt = now + adverMillis;
        masterAddress = primary;
        masterPriority = priority;
        lowerSince = -1;
        move(State.MASTER, reason);
    }

    private void move(State to, String reason) {
        State from = state;
        if (from != to) {
            state = to;
            out.transition(from, to, reason);
        }
    }

    State state() {
        return state;
    }

    int priority() {
        return priority;
    }

    int masterAddress() {
        return masterAddress;
    }

    int masterPriority() {
        return masterPriority;
    }

    long masterDownAt() {
        return masterDownAt;
    }
}
