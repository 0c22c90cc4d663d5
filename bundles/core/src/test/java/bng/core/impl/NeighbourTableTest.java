package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The neighbour cache's growth: new neighbours go in in place, and lookups racing them stay right. */
class NeighbourTableTest {
    static final int BASE = 198 << 24 | 18 << 16; // 198.18.0.0/16

    static long macOf(int address) {
        return 0x02_00_00_00_00_00L | (address & 0xff_ffffL);
    }

    @Test
    void learningManyNeighboursCopiesTheTableOnlyWhenItGrows() {
        // An ARP flood of on-link senders in a /16: before, every new sender copied the whole table
        // (O(n^2) on the port thread); now the table is copied about log2(n) times.
        NeighbourTable t = new NeighbourTable();
        int n = 60_000;
        for (int i = 1; i <= n; i++) {
            t.learnIpv4(BASE + i, macOf(BASE + i), 1);
        }
        assertEquals(n, t.entries().size());
        for (int i = 1; i <= n; i++) {
            assertEquals(macOf(BASE + i), t.lookupIpv4(BASE + i));
            assertEquals(1, t.portOfIpv4(BASE + i));
        }
        assertEquals(-1, t.lookupIpv4(BASE + n + 1));
        assertTrue(t.rebuilds <= 16, "copies: " + t.rebuilds);
        assertEquals(n - t.rebuilds, t.insertedInPlace);
    }

    @Test
    void aChangedMacAndAStaticEntryStillReplaceTheMapping() {
        NeighbourTable t = new NeighbourTable();
        t.learnIpv4(BASE + 11, 0x02_00_00_00_00_0bL, 1);
        t.learnIpv4(BASE + 11, 0x02_00_00_00_00_1bL, 2);
        assertEquals(0x02_00_00_00_00_1bL, t.lookupIpv4(BASE + 11));
        assertEquals(2, t.portOfIpv4(BASE + 11));
        t.insertStaticIpv4(BASE + 11, 0x02_00_00_00_00_2bL, 1);
        assertTrue(t.entries().getFirst().isStatic());
        assertEquals(1, t.entries().size());
        assertEquals(1, t.expire(0) + 1, "a static entry does not expire");
    }

    @Test
    void aFloodOfMovesOnTheSamePortCopiesNothing() {
        NeighbourTable t = new NeighbourTable();
        for (int i = 1; i <= 254; i++) {
            t.learnIpv4(BASE + i, macOf(BASE + i), 1);
        }
        long copies = t.rebuilds;
        for (int round = 1; round <= 20; round++) {
            for (int i = 1; i <= 254; i++) {
                t.learnIpv4(BASE + i, macOf(BASE + i) + round, 1);
            }
        }
        assertEquals(copies, t.rebuilds, "a new MAC on the same port is written in place");
        assertEquals(macOf(BASE + 7) + 20, t.lookupIpv4(BASE + 7));
    }

    @Test
    void lookupsRacingInsertionsNeverSeeAHalfWrittenEntry() throws Exception {
        NeighbourTable t = new NeighbourTable();
        int n = 50_000;
        AtomicReference<String> wrong = new AtomicReference<>();
        AtomicLong found = new AtomicLong();
        Thread reader = Thread.ofPlatform().start(() -> {
            for (int round = 0; round < 200 && wrong.get() == null; round++) {
                for (int i = 1; i <= n; i += 7) {
                    long mac = t.lookupIpv4(BASE + i);
                    if (mac != -1) {
                        found.incrementAndGet();
                        if (mac != macOf(BASE + i)) {
                            wrong.set("address " + i + " read " + Long.toHexString(mac));
                        }
                    }
                }
            }
        });
        for (int i = 1; i <= n; i++) {
            t.learnIpv4(BASE + i, macOf(BASE + i), 1);
        }
        reader.join(60_000);
        assertEquals(null, wrong.get());
        assertTrue(found.get() > 0);
    }
}
