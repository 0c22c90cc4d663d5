package bng.access.pcap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * libpcap (Debian's libpcap0.8, the runtime package alone: no {@code -dev} symlink needed) and
 * libc's {@code poll}, bound once through the foreign-function API. The handles are static finals
 * so the JIT treats them as constants; a call passes only preallocated segments and primitives,
 * so the data path allocates nothing (pcap4j allocates per packet: packet-io.md §2, pitfall 12).
 *
 * <p>If the library is missing, the class still loads and {@link #require()} says what to install.
 */
final class Libpcap {
    static final String LIBRARY = "libpcap.so.0.8";
    static final int ERRBUF_SIZE = 256; // PCAP_ERRBUF_SIZE

    // pcap_activate() results (pcap/pcap.h)
    static final int ERROR = -1;
    static final int ERROR_NO_SUCH_DEVICE = -5;
    static final int ERROR_PERM_DENIED = -8;
    static final int ERROR_IFACE_NOT_UP = -9;
    static final int ERROR_PROMISC_PERM_DENIED = -11;

    static final int D_IN = 1; // PCAP_D_IN
    static final short POLLIN = 0x1;

    /** struct pcap_pkthdr on LP64: struct timeval (16 bytes), caplen, len. */
    static final long PKTHDR_CAPLEN = 16;
    static final long PKTHDR_LEN = 20;
    /** struct pollfd: int fd; short events; short revents. */
    static final long POLLFD_SIZE = 8;
    /** struct pcap_stat: u_int ps_recv, ps_drop, ps_ifdrop. */
    static final long STAT_SIZE = 12;

    /** All of memory, to read what libpcap returns by raw address without a segment per packet. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    static final MethodHandle CREATE;
    static final MethodHandle SET_SNAPLEN;
    static final MethodHandle SET_IMMEDIATE_MODE;
    static final MethodHandle SET_BUFFER_SIZE;
    static final MethodHandle SET_TIMEOUT;
    static final MethodHandle ACTIVATE;
    static final MethodHandle GETERR;
    static final MethodHandle STATUSTOSTR;
    static final MethodHandle SETDIRECTION;
    static final MethodHandle SETNONBLOCK;
    static final MethodHandle GET_SELECTABLE_FD;
    static final MethodHandle NEXT_EX;
    static final MethodHandle INJECT;
    static final MethodHandle STATS;
    static final MethodHandle CLOSE;
    static final MethodHandle POLL;

    private static final String LOAD_ERROR;

    static {
        MethodHandle[] h = new MethodHandle[16];
        String error = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup pcap = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            int i = 0;
            h[i++] = bind(linker, pcap, "pcap_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            h[i++] = bind(linker, pcap, "pcap_set_snaplen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            h[i++] = bind(linker, pcap, "pcap_set_immediate_mode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            h[i++] = bind(linker, pcap, "pcap_set_buffer_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            h[i++] = bind(linker, pcap, "pcap_set_timeout", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            h[i++] = bind(linker, pcap, "pcap_activate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[i++] = bind(linker, pcap, "pcap_geterr",
                FunctionDescriptor.of(ADDRESS.withTargetLayout(java.lang.foreign.MemoryLayout.sequenceLayout(
                    ERRBUF_SIZE, java.lang.foreign.ValueLayout.JAVA_BYTE)), ADDRESS));
            h[i++] = bind(linker, pcap, "pcap_statustostr",
                FunctionDescriptor.of(ADDRESS.withTargetLayout(java.lang.foreign.MemoryLayout.sequenceLayout(
                    ERRBUF_SIZE, java.lang.foreign.ValueLayout.JAVA_BYTE)), JAVA_INT));
            h[i++] = bind(linker, pcap, "pcap_setdirection", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            h[i++] = bind(linker, pcap, "pcap_setnonblock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
            h[i++] = bind(linker, pcap, "pcap_get_selectable_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[i++] = bind(linker, pcap, "pcap_next_ex", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
            h[i++] = bind(linker, pcap, "pcap_inject", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
            h[i++] = bind(linker, pcap, "pcap_stats", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            h[i++] = linker.downcallHandle(pcap.find("pcap_close").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
            h[i] = linker.downcallHandle(linker.defaultLookup().find("poll").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        } catch (IllegalArgumentException e) {
            error = LIBRARY + " cannot be loaded (" + e.getMessage() + "): install Debian's libpcap0.8";
        } catch (RuntimeException e) {
            error = LIBRARY + " is not usable: " + e;
        }
        CREATE = h[0];
        SET_SNAPLEN = h[1];
        SET_IMMEDIATE_MODE = h[2];
        SET_BUFFER_SIZE = h[3];
        SET_TIMEOUT = h[4];
        ACTIVATE = h[5];
        GETERR = h[6];
        STATUSTOSTR = h[7];
        SETDIRECTION = h[8];
        SETNONBLOCK = h[9];
        GET_SELECTABLE_FD = h[10];
        NEXT_EX = h[11];
        INJECT = h[12];
        STATS = h[13];
        CLOSE = h[14];
        POLL = h[15];
        LOAD_ERROR = error;
    }

    private Libpcap() {}

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment addr = lib.find(name).orElseThrow(() -> new IllegalStateException(LIBRARY + " has no " + name));
        return linker.downcallHandle(addr, fd);
    }

    /** Fails with what to install when libpcap is not there. */
    static void require() throws IOException {
        if (LOAD_ERROR != null) {
            throw new IOException(LOAD_ERROR);
        }
    }

    /** The handle's last error text (valid until the next libpcap call on it). */
    static String geterr(MemorySegment pcap) {
        try {
            return ((MemorySegment) GETERR.invokeExact(pcap)).getString(0);
        } catch (Throwable t) {
            return "(pcap_geterr failed: " + t + ")";
        }
    }

    static String statusToString(int status) {
        try {
            return ((MemorySegment) STATUSTOSTR.invokeExact(status)).getString(0);
        } catch (Throwable t) {
            return "status " + status;
        }
    }

    /** Rethrows what a downcall cannot throw in practice (a wrong descriptor would be a bug here). */
    static IllegalStateException bug(Throwable t) {
        return new IllegalStateException("libpcap downcall failed", t);
    }
}
