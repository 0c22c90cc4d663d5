package bng.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import bng.core.api.Frame;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the byte[]-backed {@link Frame} costs a ring driver (bundles/access-ring): every received
 * frame is copied out of the mmap'd ring into a Frame, and every sent frame back into native
 * transmit slots — the two {@code MemorySegment.copy} calls RxRing and RingPort make, on a burst
 * of 64 frames laid out as in a TPACKET_V3 block (128-byte stride for small frames, 2 KiB for
 * full ones). The in-place alternative (rewrite in the ring, send iovecs that point into it)
 * saves exactly this; docs/architecture.md weighs it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCopyBenchmark {
    static final int BURST = 64;

    @Param({"60", "1514"})
    public int length;

    private Arena arena;
    private MemorySegment ring;
    private MemorySegment tx;
    private long stride;
    private Frame[] frames;

    @Setup
    public void setUp() {
        stride = length <= 64 ? 128 : 2048;
        arena = Arena.ofShared();
        ring = arena.allocate(stride * BURST, 64);
        tx = arena.allocate(9248L * BURST, 64);
        for (long i = 0; i < ring.byteSize(); i++) {
            ring.set(JAVA_BYTE, i, (byte) i);
        }
        frames = new Frame[BURST];
        for (int i = 0; i < BURST; i++) {
            frames[i] = new Frame(9234);
        }
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** Ring to Frame: what receive() adds per frame over reading the ring in place. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public Frame[] receiveCopy() {
        for (int i = 0; i < BURST; i++) {
            Frame f = frames[i];
            MemorySegment.copy(ring, JAVA_BYTE, stride * i, f.data(), 0, length);
            f.setLength(length);
        }
        return frames;
    }

    /** Ring to Frame and Frame to a transmit slot: the whole copy cost of one forwarded frame. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public MemorySegment forwardCopy() {
        for (int i = 0; i < BURST; i++) {
            Frame f = frames[i];
            MemorySegment.copy(ring, JAVA_BYTE, stride * i, f.data(), 0, length);
            f.setLength(length);
            MemorySegment.copy(f.data(), 0, tx, JAVA_BYTE, 9248L * i, f.length());
        }
        return tx;
    }
}
