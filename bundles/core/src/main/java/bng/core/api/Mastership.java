package bng.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whether this node is the VRRP master, and so owns the floating addresses: every network's
 * {@code virt}/{@code virt6} and every server VIP ({@link OwnedAddresses} leaves them out while it is
 * not). The vrrp module drives it; core keeps it, so it outlives the module (removed = frozen, like
 * {@link TargetHealth}). Without a {@code vrrp} block, or with no {@code vrrp} in the {@code modules}
 * line, a node is simply master of everything it owns. Transitions go to {@link MastershipListener}s.
 */
@ProviderType
public interface Mastership {
    /** RFC 3768 §6.4 states. */
    enum State {
        INIT, BACKUP, MASTER
    }

    /** The effective state: {@link State#MASTER} whenever VRRP is not configured. Lock-free. */
    State state();

    /** Shorthand for {@code state() == MASTER}, for the fast path. */
    boolean isMaster();

    /** Records the VRRP state machine's state (logged and told to listeners when it changes). */
    void report(State state, String reason);

    /**
     * Asks the listeners to announce the owned addresses again while master (RFC 3768 §6.4.3: a
     * master that hears a lower-priority advertisement). Ignored unless master.
     */
    void announce(String reason);

    /** Wall-clock time of the last change of the effective state, and its reason. */
    long sinceMillis();

    String reason();
}
