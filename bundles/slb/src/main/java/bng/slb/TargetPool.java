package bng.slb;

/**
 * One server's primary or backup targets with everything a distribution method needs precomputed
 * (weights, their prefix sums, a smooth weighted round-robin cycle, a Maglev table), so a choice
 * reads arrays only.
 */
final class TargetPool {
    static final TargetPool EMPTY = new TargetPool(new int[0], new int[0], new long[0], false);
    /** Longest weighted round-robin cycle; larger weight sums are scaled down to fit. */
    static final int MAX_CYCLE = 1 << 16;

    final int[] ids;
    final int[] weights;
    /** cumulative[k] = weights[0] + ... + weights[k]. */
    final long[] cumulative;
    /** Target ids in smooth weighted round-robin order (nginx's algorithm), one cycle. */
    final int[] sequence;
    /** Maglev table (hash servers only), else null. */
    final int[] maglev;

    /** @param names Maglev names of the targets (address and port), parallel to {@code ids} */
    TargetPool(int[] ids, int[] weights, long[] names, boolean hashed) {
        this.ids = ids;
        this.weights = weights;
        cumulative = new long[ids.length];
        long sum = 0;
        for (int k = 0; k < ids.length; k++) {
            sum += weights[k];
            cumulative[k] = sum;
        }
        sequence = smoothCycle(weights, ids);
        maglev = hashed ? Maglev.build(ids, names, weights) : null;
    }

    /**
     * A cycle of length Σw (weights divided by their gcd, then scaled to {@link #MAX_CYCLE}) in which
     * target k appears w[k] times, spread out: each step adds every weight to its target's credit and
     * takes the target with the most credit, which then pays the total.
     */
    static int[] smoothCycle(int[] w, int[] ids) {
        int n = w.length;
        if (n == 0) {
            return new int[0];
        }
        int g = 0;
        long total = 0;
        for (int x : w) {
            g = gcd(g, x);
            total += x;
        }
        int[] v = new int[n];
        long scaled = 0;
        for (int k = 0; k < n; k++) {
            long x = w[k] / g;
            if (total / g > MAX_CYCLE) {
                x = Math.max(1, x * MAX_CYCLE / (total / g));
            }
            v[k] = (int) x;
            scaled += x;
        }
        int[] seq = new int[(int) scaled];
        long[] credit = new long[n];
        for (int i = 0; i < seq.length; i++) {
            int best = 0;
            for (int k = 0; k < n; k++) {
                credit[k] += v[k];
                if (credit[k] > credit[best]) {
                    best = k;
                }
            }
            credit[best] -= scaled;
            seq[i] = ids[best];
        }
        return seq;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
