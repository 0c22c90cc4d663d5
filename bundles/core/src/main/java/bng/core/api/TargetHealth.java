package bng.core.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Health of each target, as the hc module finds it. Kept by core so it outlives hc (no hc = states
 * frozen as they were). A target starts {@link #UNKNOWN} and takes no new sessions until a check
 * says {@link #UP}. Reads are lock-free (slb asks per new session).
 */
@ProviderType
public interface TargetHealth {
    int UNKNOWN = 0;
    int UP = 1;
    int DOWN = 2;

    /** {@link #UNKNOWN}, {@link #UP} or {@link #DOWN} for target {@code id}. */
    int state(int targetId);

    /** Agent-reported load (agent checks), or -1 when none. */
    int load(int targetId);

    /**
     * Records a state change (or confirms the state) with its reason, e.g. "tcpopen 80: connection
     * refused". Transitions are logged and kept for {@code show targets}/{@code show hc}.
     */
    void report(int targetId, int state, String reason);

    /** Records an agent's load figure for a target. */
    void reportLoad(int targetId, int load);

    /** Forgets a target (removed from the configuration). */
    void forget(int targetId);

    /** State changes of target {@code id} since start (the first report counts as one). */
    default long transitions(int targetId) {
        return 0;
    }

    /** Snapshot for {@code show targets} / {@code show hc}. */
    List<Status> all();

    static String name(int state) {
        return switch (state) {
            case UP -> "up";
            case DOWN -> "down";
            default -> "unknown";
        };
    }

    /** @param sinceMillis wall-clock time of the last transition */
    record Status(int target, int state, long sinceMillis, String reason) {}
}
