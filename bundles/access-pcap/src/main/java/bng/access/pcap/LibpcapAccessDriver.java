package bng.access.pcap;

import bng.core.access.AllMulticast;
import bng.core.access.Offloads;
import bng.core.access.AccessDriver;
import bng.core.access.AccessPort;
import bng.core.api.Macs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens interfaces through libpcap: the checks and settings every port gets, in an order that
 * gives the clearest error first (a missing interface, then privileges, then offloads).
 */
abstract class LibpcapAccessDriver implements AccessDriver {
    private static final System.Logger LOG = System.getLogger(LibpcapAccessDriver.class.getName());
    /**
     * Kernel buffer per port. libpcap's ring (TPACKET_V2/V3 in immediate mode: fixed slots) sizes
     * each slot for the snapshot length, so with the old 9234-byte snaplen 8 MB held only ~870
     * frames — a few milliseconds of a scheduling stall, and an unpaced burst overflowed it
     * (docs/reliability.md). 32 MB with a snaplen that follows the MTU holds ~16,000 frames.
     */
    static final int BUFFER_BYTES = 32 << 20;
    /** Only for blocking reads, which we never do (non-blocking + poll); libpcap wants a value. */
    static final int READ_TIMEOUT_MS = 1;

    @Override
    public AccessPort open(String interfaceName) throws IOException {
        Libpcap.require();
        Path sys = Path.of("/sys/class/net", interfaceName);
        if (interfaceName.isEmpty() || interfaceName.contains("/") || !Files.isDirectory(sys)) {
            throw new IOException("interface " + interfaceName + " does not exist");
        }
        MemorySegment pcap = activate(interfaceName, snaplen(sys));
        try {
            Offloads.disableReceiveMerging(interfaceName);
            AllMulticast.enable(interfaceName);
            int fd = nonBlocking(pcap, interfaceName);
            return new LibpcapPort(interfaceName, readMac(sys, interfaceName), pcap, fd);
        } catch (IOException | RuntimeException e) {
            close(pcap);
            throw e;
        }
    }

    /**
     * What to capture of a frame: the MTU plus Ethernet header and two VLAN tags (receive merging is
     * off, so nothing larger arrives), at most {@link LibpcapPort#SNAPLEN}. A larger frame — the
     * MTU raised while bng runs — is cut and counted, never forwarded.
     */
    static int snaplen(Path sys) {
        try {
            int mtu = Integer.parseInt(Files.readString(sys.resolve("mtu")).trim());
            return Math.max(64, Math.min(LibpcapPort.SNAPLEN, mtu + 14 + 8));
        } catch (IOException | NumberFormatException e) {
            return LibpcapPort.SNAPLEN;
        }
    }

    private static MemorySegment activate(String name, int snaplen) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errbuf = arena.allocate(Libpcap.ERRBUF_SIZE);
            MemorySegment pcap = (MemorySegment) Libpcap.CREATE.invokeExact(arena.allocateFrom(name), errbuf);
            if (pcap.equals(MemorySegment.NULL)) {
                throw new IOException(name + ": pcap_create: " + errbuf.getString(0));
            }
            // Settings before activation (pcap_create(3PCAP)); immediate mode: ~0.1 ms added latency
            // instead of up to the timeout (packet-io.md §2c).
            int rc = (int) Libpcap.SET_SNAPLEN.invokeExact(pcap, snaplen);
            rc |= (int) Libpcap.SET_IMMEDIATE_MODE.invokeExact(pcap, 1);
            rc |= (int) Libpcap.SET_BUFFER_SIZE.invokeExact(pcap, BUFFER_BYTES);
            rc |= (int) Libpcap.SET_TIMEOUT.invokeExact(pcap, READ_TIMEOUT_MS);
            if (rc != 0) {
                close(pcap);
                throw new IOException(name + ": libpcap refused the capture settings");
            }
            int status = (int) Libpcap.ACTIVATE.invokeExact(pcap);
            if (status < 0) {
                String detail = Libpcap.geterr(pcap);
                close(pcap);
                throw new IOException(activationError(name, status, detail));
            }
            if (status > 0) {
                LOG.log(System.Logger.Level.WARNING, "{0}: {1}: {2}", name, Libpcap.statusToString(status),
                    Libpcap.geterr(pcap));
            }
            // Inbound only: bng never sees again what it (or another handle of it) sent.
            if ((int) Libpcap.SETDIRECTION.invokeExact(pcap, Libpcap.D_IN) != 0) {
                String detail = Libpcap.geterr(pcap);
                close(pcap);
                throw new IOException(name + ": cannot capture inbound frames only: " + detail);
            }
            return pcap;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libpcap.bug(t);
        }
    }

    static String activationError(String name, int status, String detail) {
        return switch (status) {
            case Libpcap.ERROR_NO_SUCH_DEVICE -> "interface " + name + " does not exist";
            case Libpcap.ERROR_PERM_DENIED, Libpcap.ERROR_PROMISC_PERM_DENIED ->
                "no permission to capture on " + name + ": bng needs root or CAP_NET_RAW";
            case Libpcap.ERROR_IFACE_NOT_UP -> "interface " + name + " is down: ip link set " + name + " up";
            default -> name + ": " + Libpcap.statusToString(status) + (detail.isEmpty() ? "" : ": " + detail);
        };
    }

    private static int nonBlocking(MemorySegment pcap, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errbuf = arena.allocate(Libpcap.ERRBUF_SIZE);
            if ((int) Libpcap.SETNONBLOCK.invokeExact(pcap, 1, errbuf) != 0) {
                throw new IOException(name + ": pcap_setnonblock: " + errbuf.getString(0));
            }
            int fd = (int) Libpcap.GET_SELECTABLE_FD.invokeExact(pcap);
            if (fd < 0) {
                throw new IOException(name + ": libpcap gives no descriptor to wait on");
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libpcap.bug(t);
        }
    }

    /** The interface's own MAC, as the kernel shows it. */
    static long readMac(Path sys, String name) throws IOException {
        try {
            return Macs.parse(Files.readString(sys.resolve("address")).strip());
        } catch (NoSuchFileException e) {
            throw new IOException("interface " + name + " does not exist");
        } catch (IllegalArgumentException e) {
            throw new IOException(name + " has no Ethernet address: " + e.getMessage());
        }
    }

    private static void close(MemorySegment pcap) {
        try {
            Libpcap.CLOSE.invokeExact(pcap);
        } catch (Throwable t) {
            throw Libpcap.bug(t);
        }
    }
}
