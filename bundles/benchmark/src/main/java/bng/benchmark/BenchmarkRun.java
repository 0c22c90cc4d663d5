package bng.benchmark;

import bng.core.api.Frame;
import bng.core.api.Ports;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of {@code benchmark IF1 IF2}: a sender thread of its own puts frames of {@code bmpsize}
 * bytes out of the send port for {@code bmduration} seconds, never more than {@code bmwsize} of
 * them unacknowledged; the receive port's thread acknowledges each one that comes back in
 * ({@link #receive}). Frames are allocated once per run and rewritten in place (only the sequence
 * changes), so neither loop allocates per frame.
 *
 * <p>Frame layout (untagged Ethernet, IEEE "local experimental" EtherType 0x88B5): destination = the
 * receive port's MAC, source = the send port's MAC, then {@code "BNGBENCH"}, a 32-bit run id and a
 * 64-bit sequence number, then zero padding up to {@code bmpsize} bytes. The run id keeps frames of
 * an earlier run from being counted.
 *
 * <p>Window: a frame is in flight from its send until a frame with that or a higher sequence came
 * back. When the window is full and nothing has come back for {@link #STALL_NANOS} (frames lost),
 * the in-flight frames are written off for the window's sake and sending goes on; they still count
 * as lost unless they arrive. Once the duration is over, the run waits at most {@link #DRAIN_NANOS}
 * for the frames still in flight; lost = sent - received.
 */
final class BenchmarkRun implements Runnable {
    static final int ETHERTYPE = 0x88b5;
    /** "BNGBENCH" */
    static final long MAGIC = 0x424e4742454e4348L;
    static final int OFF_ETHERTYPE = 12;
    static final int OFF_MAGIC = 14;
    static final int OFF_RUN = 22;
    static final int OFF_SEQ = 26;
    static final int HEADER = 34;
    static final int BURST = 32;
    static final long STALL_NANOS = 200_000_000L;
    static final long DRAIN_NANOS = 1_000_000_000L;
    private static final long PARK_NANOS = 1_000_000L;

    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    static final int NEW = 0;
    static final int SENDING = 1;
    static final int DRAINING = 2;
    static final int FINISHED = 3;

    final int sendPort;
    final int receivePort;
    final int size;
    final int window;
    final int durationSeconds;
    final int runId;
    /** How long a full window may stay silent before its frames are written off. */
    final long stallNanos;
    private final Ports ports;
    private final Frame[] frames;

    // written by the sender thread only
    private volatile int phase = NEW;
    private volatile long sent;
    private volatile long sendErrors;
    private volatile long stalls;
    private volatile long startNanos;
    private volatile long sendEndNanos;
    private volatile boolean senderWaiting;
    // written by the receive port's thread only
    private volatile long received;
    private volatile long highest = -1;
    private volatile long outOfOrder;

    private volatile boolean stopRequested;
    private volatile Thread thread;

    BenchmarkRun(Ports ports, int sendPort, int receivePort, int size, int window, int durationSeconds, int runId) {
        this(ports, sendPort, receivePort, size, window, durationSeconds, runId, STALL_NANOS);
    }

    BenchmarkRun(Ports ports, int sendPort, int receivePort, int size, int window, int durationSeconds, int runId,
                 long stallNanos) {
        if (size < HEADER || window < 1 || durationSeconds < 1) {
            throw new IllegalArgumentException("size >= " + HEADER + ", window >= 1 and duration >= 1 expected");
        }
        this.ports = ports;
        this.sendPort = sendPort;
        this.receivePort = receivePort;
        this.size = size;
        this.window = window;
        this.durationSeconds = durationSeconds;
        this.runId = runId;
        this.stallNanos = stallNanos;
        this.frames = new Frame[Math.min(BURST, window)];
        long dst = ports.mac(receivePort);
        long src = ports.mac(sendPort);
        for (int i = 0; i < frames.length; i++) {
            byte[] d = new byte[size];
            for (int b = 0; b < 6; b++) {
                d[b] = (byte) (dst >>> (40 - 8 * b));
                d[6 + b] = (byte) (src >>> (40 - 8 * b));
            }
            d[OFF_ETHERTYPE] = (byte) (ETHERTYPE >>> 8);
            d[OFF_ETHERTYPE + 1] = (byte) ETHERTYPE;
            LONG.set(d, OFF_MAGIC, MAGIC);
            INT.set(d, OFF_RUN, runId);
            frames[i] = new Frame(d, size);
        }
    }

    /** Starts the sender thread. */
    void start() {
        Thread t = new Thread(this, "bng-benchmark-" + sendPort + "-" + receivePort);
        t.setDaemon(true);
        thread = t;
        phase = SENDING;
        t.start();
    }

    /** Ends the run early (prompt, module stop) and waits for the sender thread at most {@code millis}. */
    void stop(long millis) {
        stopRequested = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the run to finish at most {@code millis} (tests). */
    boolean await(long millis) throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join(millis);
        }
        return phase == FINISHED;
    }

    @Override
    public void run() {
        phase = SENDING;
        long start = System.nanoTime();
        startNanos = start;
        long end = start + durationSeconds * 1_000_000_000L;
        long s = 0;
        long base = 0;
        long lastAcked = 0;
        long lastProgress = start;
        long errors = 0;
        while (!stopRequested) {
            long now = System.nanoTime();
            if (now - end >= 0) {
                break;
            }
            long acked = Math.max(highest + 1, base);
            if (acked != lastAcked) {
                lastAcked = acked;
                lastProgress = now;
            }
            long free = window - (s - acked);
            if (free <= 0) {
                if (now - lastProgress > stallNanos) {
                    base = s; // the window's frames are lost (or very late): make room, keep counting them
                    stalls++;
                    lastProgress = now;
                } else {
                    waitForReceiver(s, acked);
                }
                continue;
            }
            int n = (int) Math.min(free, frames.length);
            for (int i = 0; i < n; i++) {
                LONG.set(frames[i].data(), OFF_SEQ, s + i);
            }
            int ok = ports.transmit(sendPort, frames, n);
            if (ok < n) {
                errors += n - ok;
                sendErrors = errors;
                if (ok <= 0) {
                    LockSupport.parkNanos(PARK_NANOS); // port down or driver full: do not spin
                }
            }
            if (ok > 0) {
                s += ok;
                sent = s;
            }
        }
        sendEndNanos = System.nanoTime();
        phase = DRAINING;
        long drainEnd = sendEndNanos + DRAIN_NANOS;
        while (!stopRequested && received < s && System.nanoTime() - drainEnd < 0) {
            LockSupport.parkNanos(PARK_NANOS);
        }
        phase = FINISHED;
    }

    /** Parks until the receiver frees half the window (it unparks us) or a short timeout. */
    private void waitForReceiver(long s, long acked) {
        senderWaiting = true;
        if (Math.max(highest + 1, acked) == acked && !stopRequested) {
            LockSupport.parkNanos(PARK_NANOS);
        }
        senderWaiting = false;
    }

    /** A frame of this run came back in on the receive port (that port's thread only). */
    void receive(byte[] data) {
        long seq = (long) LONG.get(data, OFF_SEQ);
        received = received + 1;
        if (seq > highest) {
            highest = seq;
        } else {
            outOfOrder = outOfOrder + 1;
        }
        if (senderWaiting && sent - highest - 1 <= window / 2) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** True while frames of this run are counted (sending or waiting for the last ones). */
    boolean isCounting() {
        int p = phase;
        return p == SENDING || p == DRAINING;
    }

    boolean isFinished() {
        return phase == FINISHED;
    }

    long sent() {
        return sent;
    }

    long received() {
        return received;
    }

    long lost() {
        return Math.max(0, sent - received);
    }

    long sendErrors() {
        return sendErrors;
    }

    long stalls() {
        return stalls;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    /** Seconds of sending left (0 once the duration is over). */
    long secondsRemaining() {
        int p = phase;
        if (p == DRAINING || p == FINISHED) {
            return 0;
        }
        if (startNanos == 0) {
            return durationSeconds; // the thread has not begun yet
        }
        long left = startNanos + durationSeconds * 1_000_000_000L - System.nanoTime();
        return Math.max(0, (left + 999_999_999L) / 1_000_000_000L);
    }

    /** Nanoseconds frames were sent: the duration, or less when the run was stopped early. */
    long sendingNanos() {
        long end = sendEndNanos;
        long start = startNanos;
        return end == 0 || start == 0 ? 0 : Math.max(1, end - start);
    }

    /** Frames received per second of sending, as BalanceNG reports it (received / duration). */
    long packetsPerSecond() {
        long n = sendingNanos();
        return n == 0 ? 0 : Math.round(received * 1e9 / n);
    }

    long bytesPerSecond() {
        long n = sendingNanos();
        return n == 0 ? 0 : Math.round(received * (double) size * 1e9 / n);
    }
}
