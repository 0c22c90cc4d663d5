package bng.access.pcap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import bng.core.access.AccessPort;
import bng.core.api.Frame;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One interface through one libpcap handle: inbound only ({@code PCAP_D_IN}), immediate mode,
 * non-blocking reads drained in bursts, {@code poll(2)} on the handle's descriptor when there is
 * nothing. Every native buffer is allocated at open; receive and transmit allocate nothing.
 *
 * <p>Threads: {@link #receive} runs on the port's own thread only. {@link #transmit} may come from
 * any port thread and from slow-path senders; one small lock guards the transmit buffer and the
 * handle's life (close takes it too, so a late sender never touches a closed handle). The port's
 * own burst pays an uncontended lock per burst; cross-port and slow senders are the contended
 * case, which is rare by design. libpcap's Linux send path is a plain {@code send(2)} on the
 * handle's socket, independent of the receive ring, so the two threads do not step on each other.
 */
final class LibpcapPort implements AccessPort {
    static final int SNAPLEN = 9234; // jumbo 9216 + Ethernet header + two VLAN tags (PortWorker.FRAME_CAPACITY)

    private final String name;
    private final long mac;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pcap;
    private final MemorySegment headerOut;  // struct pcap_pkthdr **
    private final MemorySegment dataOut;    // const u_char **
    private final MemorySegment pollfd;
    private final MemorySegment stats;
    private final MemorySegment txBuffer;
    private final Object txLock = new Object();
    private boolean closed; // guarded by txLock
    private volatile boolean failed;

    // Counters: received/truncated/partial written by the receive thread only, sent/txErrors under txLock.
    private volatile long received;
    private volatile long truncated;
    private volatile long partialChecksums;
    private volatile long sent;
    private volatile long txErrors;

    LibpcapPort(String name, long mac, MemorySegment pcap, int fd) {
        this.name = name;
        this.mac = mac;
        this.pcap = pcap;
        this.headerOut = arena.allocate(JAVA_LONG);
        this.dataOut = arena.allocate(JAVA_LONG);
        this.pollfd = arena.allocate(Libpcap.POLLFD_SIZE, 8);
        this.stats = arena.allocate(Libpcap.STAT_SIZE, 4);
        this.txBuffer = arena.allocate(SNAPLEN, 64);
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, Libpcap.POLLIN);
    }

    @Override
    public String interfaceName() {
        return name;
    }

    @Override
    public long mac() {
        return mac;
    }

    @Override
    public int receive(Frame[] frames, int max, int timeoutMillis) throws IOException {
        if (failed) {
            throw new IOException(name + ": port failed");
        }
        int n = drain(frames, max);
        if (n == 0 && timeoutMillis > 0) {
            awaitReadable(timeoutMillis); // pollfd.revents is not read: the drain below finds out
            n = drain(frames, max);
        }
        return n;
    }

    /** Takes up to {@code max} frames that are already there, without waiting. */
    private int drain(Frame[] frames, int max) throws IOException {
        int n = 0;
        while (n < max) {
            int rc;
            try {
                rc = (int) Libpcap.NEXT_EX.invokeExact(pcap, headerOut, dataOut);
            } catch (Throwable t) {
                throw Libpcap.bug(t);
            }
            if (rc == 0) {
                break; // nothing more (non-blocking)
            }
            if (rc != 1) {
                failed = true;
                throw new IOException(name + ": capture failed: " + (rc == -2 ? "end of capture" : Libpcap.geterr(pcap)));
            }
            long header = headerOut.get(JAVA_LONG, 0);
            int caplen = Libpcap.ALL.get(JAVA_INT_UNALIGNED, header + Libpcap.PKTHDR_CAPLEN);
            int len = Libpcap.ALL.get(JAVA_INT_UNALIGNED, header + Libpcap.PKTHDR_LEN);
            Frame f = frames[n];
            if (caplen != len || caplen > f.capacity()) {
                truncated++; // a cut frame must never be forwarded (packet-io.md pitfall 9)
                continue;
            }
            MemorySegment.copy(Libpcap.ALL, JAVA_BYTE, dataOut.get(JAVA_LONG, 0), f.data(), 0, caplen);
            f.setLength(caplen);
            f.setInPort(-1);
            if (f.decode() == Frame.OK && f.l4Offset() >= 0 && f.completePartialChecksum()) {
                partialChecksums++;
            }
            n++;
        }
        received += n;
        return n;
    }

    /**
     * Waits until the handle's socket is readable. A failed poll counts as a wake-up: with one
     * fixed, valid pollfd only EINTR and a transient ENOMEM can happen (errno is not captured:
     * capturing it costs an allocation per call). POLLERR/POLLHUP (the link went away) wake us
     * too, and the next pcap_next_ex reports the error in libpcap's words.
     */
    private void awaitReadable(int timeoutMillis) {
        try {
            int ready = (int) Libpcap.POLL.invokeExact(pollfd, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw Libpcap.bug(t);
        }
    }

    @Override
    public int transmit(Frame[] frames, int count) {
        int ok = 0;
        synchronized (txLock) {
            if (closed) {
                txErrors += count;
                return 0;
            }
            for (int i = 0; i < count; i++) {
                Frame f = frames[i];
                int len = f.length();
                if (len <= 0 || len > SNAPLEN) {
                    txErrors++;
                    continue;
                }
                MemorySegment.copy(f.data(), 0, txBuffer, JAVA_BYTE, 0, len);
                int rc;
                try {
                    rc = (int) Libpcap.INJECT.invokeExact(pcap, txBuffer, (long) len);
                } catch (Throwable t) {
                    throw Libpcap.bug(t);
                }
                if (rc == len) {
                    ok++;
                } else {
                    txErrors++;
                }
            }
            sent += ok;
        }
        return ok;
    }

    /** Received, sent, dropped: dropped is the kernel's (pcap_stats ps_drop + ps_ifdrop) plus cut frames and failed sends. */
    @Override
    public long[] counters() {
        long kernelDrops = 0;
        synchronized (txLock) {
            if (!closed) {
                try {
                    if ((int) Libpcap.STATS.invokeExact(pcap, stats) == 0) {
                        kernelDrops = Integer.toUnsignedLong(stats.get(JAVA_INT, 4)) + Integer.toUnsignedLong(stats.get(JAVA_INT, 8));
                    }
                } catch (Throwable t) {
                    throw Libpcap.bug(t);
                }
            }
        }
        return new long[] {received, sent, kernelDrops + truncated + txErrors};
    }

    /** Frames whose partial TCP/UDP checksum was completed on the way in. */
    long partialChecksumsCompleted() {
        return partialChecksums;
    }

    long truncatedFrames() {
        return truncated;
    }

    @Override
    public void close() {
        synchronized (txLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                Libpcap.CLOSE.invokeExact(pcap);
            } catch (Throwable t) {
                throw Libpcap.bug(t);
            }
        }
        arena.close();
    }

    @Override
    public String toString() {
        return "pcap port " + name;
    }
}
