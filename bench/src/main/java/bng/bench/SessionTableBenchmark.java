package bng.bench;

import bng.core.api.SessionTable;
import bng.core.impl.SessionStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The session table (core's {@link SessionStore}, the one slb probes per packet) at scale: a table
 * of {@code capacity} sessions ({@code set sessions}) filled to {@code fill} of it with distinct
 * IPv4 keys, then one thread, as one port thread does:
 * <ul>
 * <li>{@code lookupHit}: a present key drawn at random (xorshift), so the probes land all over a
 * table far larger than the caches;
 * <li>{@code lookupMiss}: an absent key (a new client's first packet probes this way);
 * <li>{@code insert}: a batch of {@value #BATCH} new sessions into the filled table (per
 * operation), removed again after each batch, with the clock moved on 300 ms (3 ticks) so that
 * the tombstones they leave are free to reuse, as the 100 ms ticker lets them be in bng.
 * </ul>
 * Keys: clients of 198.18.0.0/15 (131,072 addresses) × source ports, over 3 servers, as in
 * {@code SessionTableMemoryMeasurement}.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionTableBenchmark {
    static final int BASE = 0xc6120000; // 198.18.0.0
    static final int ADDRESSES = 1 << 17;
    static final int BATCH = 100_000;

    private long rnd = 0x9e3779b97f4a7c15L;

    static long key(int i) {
        return SessionTable.key(BASE + (i & (ADDRESSES - 1)), 1024 + (i >>> 17), 1 + i % 3);
    }

    /** The table, filled once per trial. */
    @State(Scope.Thread)
    public static class Table {
        @Param({"1000000", "10000000"})
        public int capacity;

        /** The share of the capacity that is in use. */
        @Param({"0.5", "0.9"})
        public double fill;

        SessionStore store;
        int filled;

        @Setup(Level.Trial)
        public void fillTable() {
            store = new SessionStore(capacity);
            filled = (int) (capacity * fill);
            for (int i = 0; i < filled; i++) {
                store.insert(key(i), 1 + (i & 1023), true, SessionTable.TCP_SYN);
            }
        }
    }

    /** Insert's batches: new keys beyond every filled key and every key a miss draws; removed after each. */
    @State(Scope.Thread)
    public static class Batch {
        int first;

        @Setup(Level.Trial)
        public void start(Table t) {
            first = t.filled + t.capacity;
        }

        @TearDown(Level.Invocation)
        public void removeBatch(Table t) {
            for (int i = 0; i < BATCH; i++) {
                t.store.remove(key(first + i));
            }
            first += BATCH;
            t.store.advance(300);
        }
    }

    private int draw(int bound) {
        long x = rnd;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rnd = x;
        return (int) ((x >>> 33) % bound);
    }

    @Benchmark
    public int lookupHit(Table t) {
        return t.store.lookup(key(draw(t.filled)));
    }

    @Benchmark
    public int lookupMiss(Table t) {
        return t.store.lookup(key(t.filled + draw(t.capacity)));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int insert(Table t, Batch b) {
        int refused = 0;
        int first = b.first;
        for (int i = 0; i < BATCH; i++) {
            if (t.store.insert(key(first + i), 1 + (i & 1023), true, SessionTable.TCP_SYN) < 0) {
                refused++;
            }
        }
        return refused;
    }
}
