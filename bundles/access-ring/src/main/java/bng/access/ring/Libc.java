package bng.access.ring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls an AF_PACKET ring needs, bound once through the foreign-function API (static
 * finals: the JIT treats them as constants). Set-up calls capture {@code errno} so failures say
 * why; the data-path calls ({@code poll}, {@code sendmmsg}) do not, so they pass only
 * preallocated segments and primitives and allocate nothing.
 *
 * <p>Constants are Linux x86-64/aarch64 values from {@code <linux/if_packet.h>},
 * {@code <asm-generic/socket.h>} and {@code <sys/mman.h>}.
 */
final class Libc {
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int ETH_P_ALL_BE = 0x0300; // htons(ETH_P_ALL = 3)
    static final int SOL_SOCKET = 1;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_ERROR = 4;
    static final int SOL_PACKET = 263;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_VERSION = 10;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_FANOUT_HASH = 0;
    static final int PACKET_QDISC_BYPASS = 20;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int TPACKET_V2 = 1;
    static final int TPACKET_V3 = 2;
    static final int PROT_READ_WRITE = 0x3;
    static final int MAP_SHARED = 0x1;
    static final short POLLIN = 0x1;
    static final int EPERM = 1;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int ENETDOWN = 100;
    static final int ENXIO = 6;

    /** struct sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen, addr[8]. */
    static final long SOCKADDR_LL_SIZE = 20;
    /** struct pollfd: int fd; short events; short revents. */
    static final long POLLFD_SIZE = 8;
    /** struct iovec: void *base; size_t len. */
    static final long IOVEC_SIZE = 16;
    /** struct mmsghdr: struct msghdr (56 bytes on LP64) + unsigned msg_len, padded to 64. */
    static final long MMSGHDR_SIZE = 64;
    static final long MSGHDR_IOV = 16;
    static final long MSGHDR_IOVLEN = 24;

    static final MemorySegment MAP_FAILED = MemorySegment.ofAddress(-1L);

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static final MethodHandle SOCKET;
    static final MethodHandle SETSOCKOPT;
    static final MethodHandle BIND;
    static final MethodHandle MMAP;
    static final MethodHandle MUNMAP;
    static final MethodHandle CLOSE;
    static final MethodHandle IF_NAMETOINDEX;
    static final MethodHandle STRERROR;
    static final MethodHandle GETSOCKOPT;
    static final MethodHandle POLL;
    static final MethodHandle SENDMMSG;

    static {
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SOCKET = bind(linker, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
        SETSOCKOPT = bind(linker, "setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
        BIND = bind(linker, "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
        MMAP = bind(linker, "mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), errno);
        MUNMAP = bind(linker, "munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        CLOSE = bind(linker, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        IF_NAMETOINDEX = bind(linker, "if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        GETSOCKOPT = bind(linker, "getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        STRERROR = bind(linker, "strerror",
            FunctionDescriptor.of(ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), JAVA_INT));
        POLL = bind(linker, "poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        SENDMMSG = bind(linker, "sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private Libc() {}

    private static MethodHandle bind(Linker linker, String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment addr = linker.defaultLookup().find(name)
            .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return linker.downcallHandle(addr, fd, options);
    }

    /** A segment for one call's captured errno (set-up calls only). */
    static MemorySegment errnoSlot(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }

    static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno)).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** setsockopt with an int value; fails with the call's errno. */
    static void setInt(int fd, int level, int option, int value, String what) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            setOption(fd, level, option, v, what, arena);
        }
    }

    static void setOption(int fd, int level, int option, MemorySegment value, String what, Arena arena)
            throws IOException {
        MemorySegment e = errnoSlot(arena);
        int rc;
        try {
            rc = (int) SETSOCKOPT.invokeExact(e, fd, level, option, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw bug(t);
        }
        if (rc != 0) {
            throw new IOException(what + ": " + strerror(errno(e)));
        }
    }

    static void close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** Rethrows what a downcall cannot throw in practice (a wrong descriptor would be a bug here). */
    static IllegalStateException bug(Throwable t) {
        return new IllegalStateException("libc downcall failed", t);
    }
}
