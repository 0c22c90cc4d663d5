package bng.core.impl;

import bng.core.api.TargetHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * Target health kept in core: a state per target id in a plain array read lock-free by slb, and
 * the last transition with its reason for {@code show targets} and {@code show hc}. Writers (hc's
 * scheduler) are few and synchronize.
 */
@Component(service = TargetHealth.class)
public final class HealthBoard implements TargetHealth {
    private static final System.Logger LOG = System.getLogger(HealthBoard.class.getName());
    static final int MAX_TARGET = 65_535;

    private final byte[] states = new byte[MAX_TARGET + 1];
    private final int[] loads = new int[MAX_TARGET + 1];
    // written under the monitor, read by metrics scrapes; a slightly stale figure is fine there
    private final long[] transitions = new long[MAX_TARGET + 1];
    private final Map<Integer, Status> statuses = new ConcurrentHashMap<>();

    public HealthBoard() {
        java.util.Arrays.fill(loads, -1);
    }

    @Override
    public int state(int targetId) {
        return targetId >= 0 && targetId <= MAX_TARGET ? states[targetId] : UNKNOWN;
    }

    @Override
    public int load(int targetId) {
        return targetId >= 0 && targetId <= MAX_TARGET ? loads[targetId] : -1;
    }

    @Override
    public synchronized void report(int targetId, int state, String reason) {
        if (targetId < 0 || targetId > MAX_TARGET || state < UNKNOWN || state > DOWN) {
            return;
        }
        Status old = statuses.get(targetId);
        if (old != null && old.state() == state) {
            if (!old.reason().equals(reason)) {
                statuses.put(targetId, new Status(targetId, state, old.sinceMillis(), reason));
            }
            return;
        }
        states[targetId] = (byte) state;
        transitions[targetId]++;
        statuses.put(targetId, new Status(targetId, state, System.currentTimeMillis(), reason));
        LOG.log(System.Logger.Level.INFO, "target {0} {1} -> {2}: {3}", targetId,
            old == null ? "unknown" : TargetHealth.name(old.state()), TargetHealth.name(state), reason);
    }

    @Override
    public void reportLoad(int targetId, int load) {
        if (targetId >= 0 && targetId <= MAX_TARGET) {
            loads[targetId] = load;
        }
    }

    @Override
    public synchronized void forget(int targetId) {
        if (targetId >= 0 && targetId <= MAX_TARGET) {
            states[targetId] = UNKNOWN;
            loads[targetId] = -1;
            statuses.remove(targetId);
        }
    }

    @Override
    public long transitions(int targetId) {
        return targetId >= 0 && targetId <= MAX_TARGET ? transitions[targetId] : 0;
    }

    @Override
    public List<Status> all() {
        List<Status> l = new ArrayList<>(statuses.values());
        l.sort((a, b) -> Integer.compare(a.target(), b.target()));
        return l;
    }
}
