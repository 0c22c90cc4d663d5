package bng.access.ring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import bng.core.access.AccessPort;
import bng.core.api.Frame;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One interface through one AF_PACKET socket: frames come from its mmap'd receive ring
 * ({@link RxRing}), {@code poll(2)} only when the ring is empty; frames go out with one
 * {@code sendmmsg(2)} per burst ({@code PACKET_QDISC_BYPASS}: straight to the driver, packet-io.md
 * §4.2 — the largest lever measured). Every native buffer is allocated at open; receive and
 * transmit allocate nothing.
 *
 * <p>Threads: {@link #receive} runs on the port's thread only. {@link #transmit} may come from any
 * thread; a small lock guards the transmit slots and the socket's life (close takes it too). The
 * socket never receives what it sent itself, and {@code PACKET_IGNORE_OUTGOING} keeps it from
 * seeing what other sockets send on the interface.
 */
final class RingPort implements AccessPort {
    static final int SNAPLEN = 9234; // jumbo 9216 + Ethernet header + two VLAN tags (PortWorker.FRAME_CAPACITY)
    static final int TX_SLOTS = 64;  // frames per sendmmsg (PortWorker.BURST)
    private static final long TX_SLOT_SIZE = 9248; // SNAPLEN rounded up to 16
    private static final short POLL_FAILURE = 0x8 | 0x10 | 0x20; // POLLERR | POLLHUP | POLLNVAL

    private final String name;
    private final int ifindex;
    private final long mac;
    private final int fd;
    private final MemorySegment ring;
    private final RxRing rx;
    private final String layout;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollfd;
    private final MemorySegment stats;
    private final MemorySegment statsLen;
    private final MemorySegment txSlots;
    private final MemorySegment iovecs;
    private final MemorySegment msgs;
    private final MemorySegment[] msgsFrom = new MemorySegment[TX_SLOTS]; // msgs from header i on
    private final Object txLock = new Object();
    private boolean closed; // guarded by txLock
    private volatile boolean failed;

    private volatile long received;
    private volatile long sent;
    private volatile long txErrors;
    private long kernelDrops; // guarded by txLock: PACKET_STATISTICS resets on every read

    RingPort(String name, int ifindex, long mac, int fd, MemorySegment ring, RxRing rx, String layout) {
        this.name = name;
        this.ifindex = ifindex;
        this.mac = mac;
        this.fd = fd;
        this.ring = ring;
        this.rx = rx;
        this.layout = layout;
        this.pollfd = arena.allocate(Libc.POLLFD_SIZE, 8);
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, Libc.POLLIN);
        this.stats = arena.allocate(12, 4); // struct tpacket_stats_v3: packets, drops, freeze_q_cnt
        this.statsLen = arena.allocate(JAVA_INT);
        this.txSlots = arena.allocate(TX_SLOT_SIZE * TX_SLOTS, 64);
        this.iovecs = arena.allocate(Libc.IOVEC_SIZE * TX_SLOTS, 8);
        this.msgs = arena.allocate(Libc.MMSGHDR_SIZE * TX_SLOTS, 8);
        for (int i = 0; i < TX_SLOTS; i++) {
            // Fixed once: slot i's iovec points at slot i; only its length changes per frame.
            iovecs.set(ADDRESS, Libc.IOVEC_SIZE * i, txSlots.asSlice(TX_SLOT_SIZE * i, TX_SLOT_SIZE));
            long m = Libc.MMSGHDR_SIZE * i;
            msgs.set(ADDRESS, m + Libc.MSGHDR_IOV, iovecs.asSlice(Libc.IOVEC_SIZE * i, Libc.IOVEC_SIZE));
            msgs.set(JAVA_LONG, m + Libc.MSGHDR_IOVLEN, 1L);
        }
        for (int i = 0; i < TX_SLOTS; i++) {
            msgsFrom[i] = msgs.asSlice(Libc.MMSGHDR_SIZE * i);
        }
    }

    @Override
    public String interfaceName() {
        return name;
    }

    @Override
    public long mac() {
        return mac;
    }

    /** "TPACKET_V3, 16 x 1024 KiB blocks, 1 ms block timeout" and the like. */
    String layout() {
        return layout;
    }

    /** {@code -Dbng.ring.spinMicros}: how long the port thread polls an empty ring before sleeping in poll(2). */
    static final long SPIN_NANOS = Long.getLong("bng.ring.spinMicros", 0) * 1000;

    @Override
    public int receive(Frame[] frames, int max, int timeoutMillis) throws IOException {
        if (failed) {
            throw new IOException(name + ": port failed");
        }
        int n = rx.take(frames, max);
        if (n == 0 && timeoutMillis > 0 && SPIN_NANOS > 0) {
            // Busy-poll a little before sleeping: a frame that arrives within SPIN_NANOS costs no
            // wake-up (scheduler latency), at the price of that much CPU after every burst.
            long until = System.nanoTime() + SPIN_NANOS;
            do {
                Thread.onSpinWait();
                n = rx.take(frames, max);
            } while (n == 0 && System.nanoTime() - until < 0);
        }
        if (n == 0 && timeoutMillis > 0) {
            await(timeoutMillis);
            n = rx.take(frames, max);
        }
        received += n;
        return n;
    }

    /**
     * Waits for the kernel to hand over a block (V3) or a frame (V2). A failed poll counts as a
     * wake-up (only EINTR can happen with one valid pollfd; errno is not captured: that costs an
     * allocation). POLLERR comes when the link goes down or the interface goes away: the latter
     * fails the port, the former only waits.
     */
    private void await(int timeoutMillis) throws IOException {
        int ready;
        try {
            ready = (int) Libc.POLL.invokeExact(pollfd, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
        if (ready > 0 && (pollfd.get(JAVA_SHORT, 6) & POLL_FAILURE) != 0) {
            checkInterface();
        }
    }

    /** Slow path after POLLERR: clears the socket error and fails if the interface is gone. */
    private void checkInterface() throws IOException {
        String error;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(JAVA_INT);
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            int rc = (int) Libc.GETSOCKOPT.invokeExact(fd, Libc.SOL_SOCKET, Libc.SO_ERROR, e, len);
            error = rc == 0 && e.get(JAVA_INT, 0) != 0 ? Libc.strerror(e.get(JAVA_INT, 0)) : "socket error";
            int now = (int) Libc.IF_NAMETOINDEX.invokeExact(a.allocateFrom(name));
            if (now == ifindex) {
                Thread.sleep(10); // link down: nothing arrives until it is up again; do not spin on POLLERR
                return;
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
        failed = true;
        throw new IOException(name + ": interface went away (" + error + ")");
    }

    @Override
    public int transmit(Frame[] frames, int count) {
        int ok = 0;
        synchronized (txLock) {
            if (closed) {
                txErrors += count;
                return 0;
            }
            for (int from = 0; from < count; from += TX_SLOTS) {
                ok += sendBurst(frames, from, Math.min(TX_SLOTS, count - from));
            }
            sent += ok;
        }
        return ok;
    }

    /** Copies up to TX_SLOTS frames into the slots and sends them with one sendmmsg. */
    private int sendBurst(Frame[] frames, int from, int count) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            Frame f = frames[from + i];
            int len = f.length();
            if (len <= 0 || len > SNAPLEN) {
                txErrors++;
                continue;
            }
            MemorySegment.copy(f.data(), 0, txSlots, JAVA_BYTE, TX_SLOT_SIZE * n, len);
            iovecs.set(JAVA_LONG, Libc.IOVEC_SIZE * n + 8, len);
            n++;
        }
        int done = 0;
        int attempts = 0;
        while (done < n && attempts++ < 2) { // one retry for a partial send, then count the rest
            int rc;
            try {
                rc = (int) Libc.SENDMMSG.invokeExact(fd, msgsFrom[done], n - done, 0);
            } catch (Throwable t) {
                throw Libc.bug(t);
            }
            if (rc <= 0) {
                break;
            }
            done += rc;
        }
        txErrors += n - done;
        return done;
    }

    /** Received, sent, dropped: dropped is the kernel's ring drops plus cut and oversize frames and failed sends. */
    @Override
    public long[] counters() {
        synchronized (txLock) {
            if (!closed) {
                try {
                    statsLen.set(JAVA_INT, 0, 12);
                    if ((int) Libc.GETSOCKOPT.invokeExact(fd, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, stats, statsLen) == 0) {
                        kernelDrops += Integer.toUnsignedLong(stats.get(JAVA_INT, 4));
                    }
                } catch (Throwable t) {
                    throw Libc.bug(t);
                }
            }
            return new long[] {received, sent, kernelDrops + rx.truncated + rx.oversize + txErrors};
        }
    }

    long partialChecksumsCompleted() {
        return rx.partialChecksums;
    }

    long truncatedFrames() {
        return rx.truncated;
    }

    @Override
    public long oversizeFrames() {
        return rx.oversize;
    }

    @Override
    public void close() {
        synchronized (txLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                int rc = (int) Libc.MUNMAP.invokeExact(ring, ring.byteSize());
            } catch (Throwable t) {
                throw Libc.bug(t);
            }
            Libc.close(fd);
        }
        arena.close();
    }

    @Override
    public String toString() {
        return "ring port " + name + " (" + layout + ")";
    }
}
