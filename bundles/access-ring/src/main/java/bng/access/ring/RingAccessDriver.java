package bng.access.ring;

import bng.core.access.AllMulticast;
import bng.core.access.Offloads;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import bng.core.access.AccessDriver;
import bng.core.access.AccessPort;
import bng.core.api.Macs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;

/**
 * {@code access raw} (the default) on Linux: an AF_PACKET socket with an mmap'd receive ring per
 * port (packet-io.md §4). The libpcap driver keeps {@code access pcap}.
 *
 * <p>Ring layout, chosen by system properties (JVM options, e.g. through {@code BNG_JAVA_OPTS}):
 * {@code bng.ring.version} 2 (the default: TPACKET_V2 slots, a wake-up per frame when the port
 * thread sleeps, none while it is busy) or 3 (TPACKET_V3 blocks, the kernel wakes us once per
 * block, retired when full or after {@code bng.ring.blockTimeoutMs}, default 1, the kernel's
 * minimum). V2 is the default because V3's block timeout adds up to a millisecond to every
 * request at light load; V3 costs less CPU per packet at a steady high rate
 * (docs/benchmarks.md, bench/dsr-bench.sh).
 */
@Component(service = AccessDriver.class, property = AccessDriver.ACCESS + "=raw")
public final class RingAccessDriver implements AccessDriver {
    private static final System.Logger LOG = System.getLogger(RingAccessDriver.class.getName());
    private static final int IFF_UP = 0x1;
    static final long V3_BLOCK_SIZE = 1 << 20;
    static final int V3_BLOCKS = 16;
    static final int V3_FRAME_SIZE = 2048;
    static final long V2_RING_BYTES = 16 << 20; // 8192 slots of 2 KiB: ~20 ms at 400k pps
    static final long V2_BLOCK_SIZE = 128 << 10;

    private final int version;
    private final int blockTimeoutMs;

    public RingAccessDriver() {
        this(Integer.getInteger("bng.ring.version", 2), Integer.getInteger("bng.ring.blockTimeoutMs", 1));
    }

    RingAccessDriver(int version, int blockTimeoutMs) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("bng.ring.version is 2 or 3, not " + version);
        }
        this.version = version;
        this.blockTimeoutMs = Math.max(1, blockTimeoutMs);
    }

    /** PACKET_FANOUT allows 256 sockets a group (PACKET_FANOUT_MAX); more threads than CPUs only cost. */
    static final int MAX_QUEUES = 256;

    @Override
    public AccessPort open(String name) throws IOException {
        return open(name, 0, 1);
    }

    @Override
    public int maxQueues() {
        return MAX_QUEUES;
    }

    /**
     * The fanout group of an interface's queues: one per process and interface, so that two bng
     * instances on one host never join each other's group (group ids are per network namespace).
     */
    static int fanoutGroup(long pid, int ifindex) {
        return (int) ((pid * 31 + ifindex * 2_654_435_761L) >>> 3 & 0xffff);
    }

    /**
     * Queue {@code queue} of {@code queues}: the same socket and ring as a single port, joined to
     * the interface's fanout group by flow hash (PACKET_FANOUT_HASH: the kernel's flow hash over
     * addresses and ports, so every frame of a TCP or UDP flow lands on one queue; the fragments
     * of a datagram are hashed on their addresses only, so they share a queue with each other but
     * not always with their flow — state such as sessions lives in core's tables, which every
     * queue's thread shares).
     */
    @Override
    public AccessPort open(String name, int queue, int queues) throws IOException {
        if (queue < 0 || queue >= queues || queues > MAX_QUEUES) {
            throw new IOException(name + ": queue " + queue + " of " + queues + " (at most " + MAX_QUEUES + ")");
        }
        Path sys = Path.of("/sys/class/net", name);
        if (name.isEmpty() || name.contains("/") || !Files.isDirectory(sys)) {
            throw new IOException("interface " + name + " does not exist");
        }
        long mac = readMac(sys, name);
        int mtu = Integer.parseInt(read(sys, name, "mtu"));
        if ((Integer.decode(read(sys, name, "flags")) & IFF_UP) == 0) {
            throw new IOException("interface " + name + " is down: ip link set " + name + " up");
        }
        int ifindex = ifindex(name);
        int fd = socket(name);
        MemorySegment ring = null;
        try {
            Libc.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_VERSION, version == 3 ? Libc.TPACKET_V3 : Libc.TPACKET_V2,
                name + ": PACKET_VERSION");
            // Not fatal on kernels before 4.20: the filter also drops our own source MAC.
            try {
                Libc.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, 1, name + ": PACKET_IGNORE_OUTGOING");
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
            Libc.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, 1, name + ": PACKET_QDISC_BYPASS");
            PortFilter.attach(fd, mac, name);
            RxRing rx;
            String layout;
            long size;
            if (version == 3) {
                size = V3_BLOCK_SIZE * V3_BLOCKS;
                setRing(fd, name, V3_BLOCK_SIZE, V3_BLOCKS, V3_FRAME_SIZE, true);
                ring = map(fd, size, name);
                rx = new RxRing.V3(ring, mtu, V3_BLOCK_SIZE, V3_BLOCKS);
                layout = "TPACKET_V3, " + V3_BLOCKS + " x " + (V3_BLOCK_SIZE >> 10) + " KiB blocks, "
                    + blockTimeoutMs + " ms block timeout";
            } else {
                long frameSize = Long.highestOneBit(mtu + 18 + 80 - 1) << 1; // slot header + MAC offset + frame
                frameSize = Math.max(frameSize, 2048);
                long block = Math.max(V2_BLOCK_SIZE, frameSize);
                int blocks = (int) (V2_RING_BYTES / block);
                size = block * blocks;
                setRing(fd, name, block, blocks, (int) frameSize, false);
                ring = map(fd, size, name);
                rx = new RxRing.V2(ring, mtu, frameSize, (int) (size / frameSize));
                layout = "TPACKET_V2, " + size / frameSize + " x " + frameSize + " B slots";
            }
            Offloads.disableReceiveMerging(name);
            AllMulticast.enable(name); // IPv6 neighbour discovery's solicited-node groups
            bind(fd, ifindex, name);
            if (queues > 1) {
                int group = fanoutGroup(ProcessHandle.current().pid(), ifindex);
                Libc.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_FANOUT, group | Libc.PACKET_FANOUT_HASH << 16,
                    name + ": PACKET_FANOUT (group " + group + ", queue " + queue + " of " + queues + ")");
                layout += ", fanout group " + group + " queue " + queue + " of " + queues;
            }
            LOG.log(System.Logger.Level.INFO, "{0}: AF_PACKET ring open ({1})", name, layout);
            return new RingPort(name, ifindex, mac, fd, ring, rx, layout);
        } catch (IOException | RuntimeException e) {
            if (ring != null) {
                try {
                    int rc = (int) Libc.MUNMAP.invokeExact(ring, ring.byteSize());
                } catch (Throwable t) {
                    throw Libc.bug(t);
                }
            }
            Libc.close(fd);
            throw e;
        }
    }

    /** A packet socket that receives nothing until bound (protocol 0), so no frame of another interface slips in. */
    private static int socket(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = Libc.errnoSlot(arena);
            int fd = (int) Libc.SOCKET.invokeExact(e, Libc.AF_PACKET, Libc.SOCK_RAW, 0);
            if (fd < 0) {
                int errno = Libc.errno(e);
                if (errno == Libc.EPERM || errno == Libc.EACCES) {
                    throw new IOException("no permission to open a packet socket on " + name
                        + ": bng needs root or CAP_NET_RAW");
                }
                throw new IOException(name + ": socket(AF_PACKET): " + Libc.strerror(errno));
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** PACKET_RX_RING: struct tpacket_req3 (V3: + retire timeout, private size, feature word) or tpacket_req. */
    private void setRing(int fd, String name, long blockSize, int blocks, int frameSize, boolean v3) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(v3 ? 28 : 16, 4);
            req.set(JAVA_INT, 0, (int) blockSize);
            req.set(JAVA_INT, 4, blocks);
            req.set(JAVA_INT, 8, frameSize);
            req.set(JAVA_INT, 12, (int) (blockSize / frameSize * blocks));
            if (v3) {
                req.set(JAVA_INT, 16, blockTimeoutMs);
            }
            Libc.setOption(fd, Libc.SOL_PACKET, Libc.PACKET_RX_RING, req, name + ": PACKET_RX_RING", arena);
        }
    }

    /** The ring, shared with the kernel; not MAP_LOCKED (that needs CAP_IPC_LOCK, packet-io.md pitfall 14). */
    private static MemorySegment map(int fd, long size, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = Libc.errnoSlot(arena);
            MemorySegment at = (MemorySegment) Libc.MMAP.invokeExact(e, MemorySegment.NULL, size,
                Libc.PROT_READ_WRITE, Libc.MAP_SHARED, fd, 0L);
            if (at.address() == Libc.MAP_FAILED.address()) {
                throw new IOException(name + ": mmap of the " + (size >> 20) + " MiB ring: " + Libc.strerror(Libc.errno(e)));
            }
            return at.reinterpret(size);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    private static void bind(int fd, int ifindex, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sll = arena.allocate(Libc.SOCKADDR_LL_SIZE, 4);
            sll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
            sll.set(JAVA_SHORT, 2, (short) Libc.ETH_P_ALL_BE);
            sll.set(JAVA_INT, 4, ifindex);
            MemorySegment e = Libc.errnoSlot(arena);
            if ((int) Libc.BIND.invokeExact(e, fd, sll, (int) Libc.SOCKADDR_LL_SIZE) != 0) {
                int errno = Libc.errno(e);
                throw new IOException(errno == Libc.ENODEV || errno == Libc.ENXIO
                    ? "interface " + name + " does not exist"
                    : name + ": bind: " + Libc.strerror(errno));
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    private static int ifindex(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int index = (int) Libc.IF_NAMETOINDEX.invokeExact(arena.allocateFrom(name));
            if (index == 0) {
                throw new IOException("interface " + name + " does not exist");
            }
            return index;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    static long readMac(Path sys, String name) throws IOException {
        try {
            return Macs.parse(read(sys, name, "address"));
        } catch (IllegalArgumentException e) {
            throw new IOException(name + " has no Ethernet address: " + e.getMessage());
        }
    }

    private static String read(Path sys, String name, String attribute) throws IOException {
        try {
            return Files.readString(sys.resolve(attribute)).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("interface " + name + " does not exist");
        }
    }
}
