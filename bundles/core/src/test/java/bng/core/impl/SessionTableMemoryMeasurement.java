package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.SessionTable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the session table holds at scale (docs/benchmarks.md): the heap a table for 10 million
 * IPv4 sessions retains, measured as the used heap after full GCs before and after creating and
 * filling it, and single-thread insert and lookup rates on this machine. Keys are clients of
 * 198.18.0.0/15 (131,072 addresses) × source ports, {@code sessionid src+port}, over 3 servers.
 * Not a test of the default run: {@code mvn -o test -pl bundles/core -Dtest=SessionTableMemoryMeasurement
 * -Dbng.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "bng.bench", matches = "true")
class SessionTableMemoryMeasurement {
    static final int SESSIONS = 10_000_000;
    static final int BASE = 0xc6120000; // 198.18.0.0
    static final int ADDRESSES = 1 << 17;

    static long key(int i) {
        return SessionTable.key(BASE + (i & (ADDRESSES - 1)), 1024 + (i >>> 17), 1 + i % 3);
    }

    static long usedHeap() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, m.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void tenMillionIpv4Sessions() {
        long before = usedHeap();
        SessionStore store = new SessionStore(SESSIONS);
        long empty = usedHeap();
        long t0 = System.nanoTime();
        int refused = 0;
        for (int i = 0; i < SESSIONS; i++) {
            if (store.insert(key(i), 1 + (i & 1023), true, SessionTable.TCP_SYN) < 0) {
                refused++;
            }
        }
        long t1 = System.nanoTime();
        long found = 0;
        for (int i = 0; i < SESSIONS; i++) {
            found += store.lookup(key(i)) >= 0 ? 1 : 0;
        }
        long t2 = System.nanoTime();
        long missed = 0;
        for (int i = SESSIONS; i < SESSIONS + 1_000_000; i++) {
            missed += store.lookup(key(i)) < 0 ? 1 : 0;
        }
        long t3 = System.nanoTime();
        long full = usedHeap();
        // Top up what a crowded probe window refused, so the table is at capacity: then it refuses.
        for (int i = SESSIONS + 2_000_000; store.size() < SESSIONS; i++) {
            store.insert(key(i), 1, true, SessionTable.TCP_SYN);
        }
        int extra = store.insert(key(SESSIONS + 1_500_000), 1, true, SessionTable.TCP_SYN);
        System.out.printf("session table, %,d IPv4 sessions: %,d slots%n", SESSIONS, store.slots());
        System.out.printf("  heap retained empty: %.1f MB, filled: %.1f MB (%.1f bytes/session)%n",
            (empty - before) / 1e6, (full - before) / 1e6, (full - before) / (double) SESSIONS);
        System.out.printf("  inserts: %,d refused before capacity; %.2f M/s single thread%n", refused,
            SESSIONS / ((t1 - t0) / 1e3));
        System.out.printf("  lookups (hit): %.2f M/s; lookups (miss, full table): %.2f M/s%n",
            SESSIONS / ((t2 - t1) / 1e3), 1_000_000 / ((t3 - t2) / 1e3));
        assertEquals(SESSIONS, found + refused);
        assertEquals(1_000_000, missed);
        assertEquals(-1, extra, "the full table refuses");
        assertTrue(full - before <= 256L << 20, "10 M sessions in at most 256 MB: " + (full - before));
    }
}
