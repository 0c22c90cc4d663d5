package bng.bgp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * A TAP interface that exists exactly as long as this process holds it: created by opening
 * {@code /dev/net/tun} with {@code TUNSETIFF} (not persistent), so the kernel removes it when the
 * descriptor closes — on {@link #close()} and equally when the process dies by any signal. BIRD's
 * static VIP routes point at it with {@code check link} ({@link BirdConfig}), which makes the
 * routing daemon notice a dead bng without any protocol between them. Nothing is ever read from
 * or written to it. Linux only; needs CAP_NET_ADMIN (bng runs as root for its ports anyway).
 */
final class LivenessInterface implements AutoCloseable {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000; // a child process (bird) must never keep it alive
    private static final long TUNSETIFF = 0x400454caL; // _IOW('T', 202, int), linux/if_tun.h
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_UP = 0x1;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int IFREQ_SIZE = 40; // struct ifreq: name[16], then a union (flags: short)

    private static final MethodHandle OPEN;
    private static final MethodHandle IOCTL;
    private static final MethodHandle SOCKET;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        OPEN = linker.downcallHandle(libc.find("open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
        IOCTL = linker.downcallHandle(libc.find("ioctl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
        SOCKET = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private final String name;
    private int fd;

    private LivenessInterface(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /** Creates the interface {@code name} (at most 15 characters) and sets it up. */
    static LivenessInterface open(String name) throws IOException {
        if (name.isEmpty() || name.length() > 15) {
            throw new IllegalArgumentException("interface name must have 1..15 characters: " + name);
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom("/dev/net/tun"), O_RDWR | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("cannot open /dev/net/tun (module tun loaded? bng needs root or CAP_NET_ADMIN)");
            }
            MemorySegment ifr = ifreq(arena, name);
            ifr.set(JAVA_SHORT, 16, (short) (IFF_TAP | IFF_NO_PI));
            if ((int) IOCTL.invokeExact(fd, TUNSETIFF, ifr) < 0) {
                int ignored = (int) CLOSE.invokeExact(fd);
                throw new IOException("cannot create the liveness interface " + name
                        + " (TUNSETIFF refused: does an interface of that name exist already?)");
            }
            LivenessInterface li = new LivenessInterface(name, fd);
            try {
                li.up(arena);
            } catch (IOException e) {
                li.close();
                throw e;
            }
            return li;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native call failed: " + t, t);
        }
    }

    private void up(Arena arena) throws Throwable {
        int sock = (int) SOCKET.invokeExact(AF_INET, SOCK_DGRAM, 0);
        if (sock < 0) {
            throw new IOException("cannot open a socket to set " + name + " up");
        }
        try {
            MemorySegment ifr = ifreq(arena, name);
            if ((int) IOCTL.invokeExact(sock, SIOCGIFFLAGS, ifr) < 0) {
                throw new IOException("cannot read the flags of " + name);
            }
            ifr.set(JAVA_SHORT, 16, (short) (ifr.get(JAVA_SHORT, 16) | IFF_UP));
            if ((int) IOCTL.invokeExact(sock, SIOCSIFFLAGS, ifr) < 0) {
                throw new IOException("cannot set " + name + " up");
            }
        } finally {
            int ignored = (int) CLOSE.invokeExact(sock);
        }
    }

    private static MemorySegment ifreq(Arena arena, String name) {
        MemorySegment ifr = arena.allocate(IFREQ_SIZE);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(n, 0, ifr, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, n.length);
        return ifr;
    }

    String name() {
        return name;
    }

    /** Closes the descriptor: the kernel removes the interface, BIRD withdraws the VIPs. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            fd = -1;
        }
    }
}
