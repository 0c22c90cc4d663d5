package bng.slb;

import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;

/**
 * The distribution methods: picks a target for a new session from a {@link TargetPool}, among the
 * targets hc reports up, for either family ({@link Plan}: an IPv6 client is passed as the 32-bit
 * fold {@code hash} hashes). Reads arrays and counters only; allocation-free and lock-free.
 *
 * <p>Random numbers come from one xorshift64* state per chooser (one chooser per balancer); port
 * threads race on it without harm (two may draw the same number). Tests seed it.
 *
 * <p>{@code bandwidth} reads {@link #rate}: bytes the target received through bng during the last
 * completed second, sampled by {@link #sampleBandwidth} once a second from the session table's
 * byte counters (both directions are counted in NAT and SNAT mode, requests only in DSR).
 */
final class TargetChooser {
    private final TargetHealth health;
    private final SessionTable sessions;
    private long random;
    final long[] rate = new long[65_536];
    private final long[] lastBytes = new long[65_536];

    TargetChooser(TargetHealth health, SessionTable sessions, long seed) {
        this.health = health;
        this.sessions = sessions;
        this.random = seed == 0 ? 0x9e3779b97f4a7c15L : seed;
    }

    /** xorshift64* (Vigna 2016): a 64-bit draw, never the same state twice in 2⁶⁴ - 1 draws. */
    long nextLong() {
        long x = random;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        random = x;
        return x * 0x2545f4914f6cdd1dL;
    }

    /** A draw in [0, bound). */
    long next(long bound) {
        return Long.remainderUnsigned(nextLong(), bound);
    }

    boolean usable(Plan p, int target) {
        return p.isTarget(target) && health.state(target) == TargetHealth.UP;
    }

    /** Records each target's bytes of the last second (called once a second, and by tests). */
    void sampleBandwidth(int maxTarget) {
        for (int t = 1; t <= Math.min(maxTarget, 65_535); t++) {
            long b = sessions.targetBytes(t);
            rate[t] = b - lastBytes[t];
            lastBytes[t] = b;
        }
    }

    /** A target for a new session of server {@code s}: a primary that is up, else a backup that is up, else -1. */
    int choose(Plan p, int s, int client) {
        int t = pick(p, s, p.primaries[s], client);
        return t >= 0 ? t : pick(p, s, p.backups[s], client);
    }

    int pick(Plan p, int s, TargetPool pool, int client) {
        int n = pool.ids.length;
        if (n == 0) {
            return -1;
        }
        return switch (p.method[s]) {
            case RR -> rotate(p, s, pool.ids);
            case WRR -> rotate(p, s, pool.sequence);
            case RANDOM -> scanFrom(p, pool.ids, (int) next(n));
            case WRANDOM -> weighted(p, pool, false);
            case RNDAGENT -> weighted(p, pool, true);
            case HASH -> scanFrom(p, pool.ids, 0) < 0 ? -1 : maglev(p, pool.maglev, client);
            case FIRST -> scanFrom(p, pool.ids, 0);
            case SESSION, BANDWIDTH, AGENT -> least(p, s, pool.ids);
        };
    }

    /** The next target in the cycle that is up, from the server's cursor. */
    private int rotate(Plan p, int s, int[] cycle) {
        int n = cycle.length;
        int start = Integer.remainderUnsigned(p.cursor[s]++, n);
        for (int i = 0; i < n; i++) {
            int t = cycle[start + i < n ? start + i : start + i - n];
            if (usable(p, t)) {
                return t;
            }
        }
        return -1;
    }

    private int scanFrom(Plan p, int[] ids, int start) {
        int n = ids.length;
        for (int i = 0; i < n; i++) {
            int t = ids[start + i < n ? start + i : start + i - n];
            if (usable(p, t)) {
                return t;
            }
        }
        return -1;
    }

    /**
     * Random, weighted over the targets that are up: by {@code weight}, or ({@code byAgent}) by the
     * inverse of the agent's load, 2³² / (load + 1), so a target at load 0 weighs about twice one at
     * load 1 and a target without an agent report weighs as little as one at the highest load.
     */
    private int weighted(Plan p, TargetPool pool, boolean byAgent) {
        int[] ids = pool.ids;
        long total = 0;
        for (int k = 0; k < ids.length; k++) {
            if (usable(p, ids[k])) {
                total += byAgent ? inverseLoad(ids[k]) : pool.weights[k];
            }
        }
        if (total == 0) {
            return -1;
        }
        long r = next(total);
        for (int k = 0; k < ids.length; k++) {
            if (usable(p, ids[k])) {
                r -= byAgent ? inverseLoad(ids[k]) : pool.weights[k];
                if (r < 0) {
                    return ids[k];
                }
            }
        }
        return -1;
    }

    private long inverseLoad(int target) {
        int load = health.load(target);
        return load == -1 ? 1 : (1L << 32) / ((load & 0xffff_ffffL) + 1);
    }

    /**
     * The target that is up with the least active sessions ({@code session}), bytes in the last
     * second ({@code bandwidth}) or agent load ({@code agent}; no report counts as the highest);
     * ties go round robin, so equal targets share new sessions.
     */
    private int least(Plan p, int s, int[] ids) {
        int n = ids.length;
        int start = Integer.remainderUnsigned(p.cursor[s]++, n);
        int best = -1;
        long bestValue = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            int t = ids[start + i < n ? start + i : start + i - n];
            if (!usable(p, t)) {
                continue;
            }
            long v = switch (p.method[s]) {
                case SESSION -> sessions.activeSessions(t);
                case BANDWIDTH -> rate[t];
                default -> health.load(t) == -1 ? Long.MAX_VALUE - 1 : health.load(t) & 0xffff_ffffL;
            };
            if (best < 0 || v < bestValue) {
                best = t;
                bestValue = v;
            }
        }
        return best;
    }

    /**
     * Maglev: the client's entry, or the next entries while their target is down. A target that is
     * down keeps its entries, so the clients of the targets that are up stay where they were.
     */
    private int maglev(Plan p, int[] table, int client) {
        int m = table.length;
        for (int i = Maglev.index(client, m), c = 0; c < m; c++, i = i + 1 == m ? 0 : i + 1) {
            if (usable(p, table[i])) {
                return table[i];
            }
        }
        return -1;
    }
}
