package bng.slb;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4): a lookup table of prime size M
 * (greater than 100 × targets, from a fixed ladder: see {@link #tableSize}) filled by each target's own permutation in turn, so
 * every target holds about M/N entries and adding or removing one target changes about 1/N of
 * them. The permutations depend only on the targets' addresses and ports, so two bng nodes with
 * the same targets build the same table and pick the same target for a client without sharing
 * state.
 */
final class Maglev {
    private Maglev() {}

    /**
     * The table size for {@code n} targets: the first prime of a fixed ladder (65537, then the
     * first primes above 655360, 6553600, ...) that is greater than {@code 100 × n}. The size must
     * not change when a target comes or goes, or every client would move: it changes only when a
     * server crosses 655 (then 6553, ...) targets.
     */
    static int tableSize(int n) {
        long need = 100L * Math.max(1, n);
        long base = 65_536;
        while (true) {
            int m = (int) base + 1;
            while (!isPrime(m)) {
                m++;
            }
            if (m > need) {
                return m;
            }
            base *= 10;
        }
    }

    static boolean isPrime(int m) {
        if (m < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= m; d++) {
            if (m % d == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Builds the table: entry i holds a target id. {@code names[k]} identifies {@code ids[k]}
     * (address and port), so the permutation does not depend on ids or on list order.
     */
    static int[] build(int[] ids, long[] names) {
        int[] ones = new int[ids.length];
        java.util.Arrays.fill(ones, 1);
        return build(ids, names, ones);
    }

    /**
     * Weighted Maglev: in each round of the fill, target k takes {@code weights[k]} turns instead
     * of one, so it holds about M × w[k] / Σw entries. Equal weights give the plain table.
     */
    static int[] build(int[] ids, long[] names, int[] weights) {
        int n = ids.length;
        if (n == 0) {
            return new int[0];
        }
        int m = tableSize(n);
        int[] entry = new int[m];
        java.util.Arrays.fill(entry, -1);
        // position < m and skip < m, m < 2^30: a step is one add and at most one subtract, no division.
        int[] position = new int[n];
        int[] skip = new int[n];
        for (int k = 0; k < n; k++) {
            position[k] = (int) Long.remainderUnsigned(mix(names[k] ^ 0x5bd1e9955bd1e995L), m);
            skip[k] = (int) Long.remainderUnsigned(mix(names[k] ^ 0x27d4eb2f165667c5L), m - 1) + 1;
        }
        // Fill in name order, so the table does not depend on the order targets were written in.
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(names[a], names[b]));
        int filled = 0;
        while (true) {
            for (int o = 0; o < n; o++) {
                int k = order[o];
                for (int turn = 0; turn < weights[k]; turn++) {
                    int c = position[k];
                    int step = skip[k];
                    while (entry[c] >= 0) {
                        c += step;
                        if (c >= m) {
                            c -= m;
                        }
                    }
                    entry[c] = ids[k];
                    c += step;
                    position[k] = c >= m ? c - m : c;
                    if (++filled == m) {
                        return entry;
                    }
                }
            }
        }
    }

    /** The table index of a client address. */
    static int index(int client, int size) {
        return (int) Long.remainderUnsigned(mix(client & 0xffff_ffffL), size);
    }

    /** A target's name for the permutation: its IPv4 address and port. */
    static long name(int address, int port) {
        return (address & 0xffff_ffffL) << 16 | (port & 0xffff);
    }

    /** MurmurHash3's 64-bit finalizer. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
