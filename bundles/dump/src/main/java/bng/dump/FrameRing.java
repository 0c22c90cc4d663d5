package bng.dump;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Frames handed from one port thread (the producer, on the fast path) to the dump writer (the
 * consumer): preallocated slots, so a copy is the only cost per frame and nothing is allocated;
 * a full ring drops the frame and counts it rather than wait. Single producer, single consumer:
 * a dump follows one interface, whose frames all arrive on that port's thread.
 */
final class FrameRing {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(FrameRing.class, "head", long.class);
            TAIL = MethodHandles.lookup().findVarHandle(FrameRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[][] slots;
    private final int[] lengths;
    private final int[] originalLengths;
    private final long[] times;
    private final int mask;
    private final int snaplen;
    @SuppressWarnings("unused") // through HEAD
    private volatile long head;
    @SuppressWarnings("unused") // through TAIL
    private volatile long tail;
    private long dropped; // producer only; read approximately for status

    /** @param size a power of two */
    FrameRing(int size, int snaplen) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two: " + size);
        }
        slots = new byte[size][snaplen];
        lengths = new int[size];
        originalLengths = new int[size];
        times = new long[size];
        mask = size - 1;
        this.snaplen = snaplen;
    }

    /** Producer: copies {@code data[0..length)} (cut to the snapshot length); false when full. */
    boolean offer(byte[] data, int length, long timeMicros) {
        long h = (long) HEAD.getOpaque(this);
        if (h - (long) TAIL.getAcquire(this) > mask) {
            dropped++;
            return false;
        }
        int i = (int) h & mask;
        int n = Math.min(length, snaplen);
        System.arraycopy(data, 0, slots[i], 0, n);
        lengths[i] = n;
        originalLengths[i] = length;
        times[i] = timeMicros;
        HEAD.setRelease(this, h + 1);
        return true;
    }

    /** Consumer: the next frame's slot, or -1 when the ring is empty. Release it with {@link #release}. */
    int peek() {
        long t = (long) TAIL.getOpaque(this);
        return t == (long) HEAD.getAcquire(this) ? -1 : (int) t & mask;
    }

    void release() {
        TAIL.setRelease(this, (long) TAIL.getOpaque(this) + 1);
    }

    byte[] data(int slot) {
        return slots[slot];
    }

    int length(int slot) {
        return lengths[slot];
    }

    int originalLength(int slot) {
        return originalLengths[slot];
    }

    long timeMicros(int slot) {
        return times[slot];
    }

    long dropped() {
        return dropped;
    }
}
