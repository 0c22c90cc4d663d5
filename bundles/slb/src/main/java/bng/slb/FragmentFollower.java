package bng.slb;

import bng.core.api.Frame;
import bng.core.api.PacketContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Later IPv4 fragments carry no ports, so no session can be found for them: they follow the first
 * fragment of their datagram. When the balancer forwards a first fragment (MF set, offset 0: it
 * holds the transport header) in any mode or translates one back, it records what it did to the
 * IP and Ethernet headers under the datagram's identity (source, destination, identification,
 * protocol — RFC 791's reassembly key, as the fragments still carry it); a later fragment with that
 * identity gets the same addresses and leaves through the same port. The transport checksum
 * needs no change in a later fragment: it lives in the first one, which was updated for the whole
 * datagram (RFC 1624), and a later fragment carries none.
 *
 * <p>Direct-mapped, {@value #SLOTS} entries of primitive arrays, kept {@value #LIFETIME_SECONDS}
 * s (Linux's {@code ipfrag_time}); a newer datagram hashing to the same slot replaces the older.
 * A later fragment that arrives before its first one (reordered) or whose entry was replaced is
 * not followed: counted, and left to the bus (nothing else claims it, so it is dropped and the
 * sender's datagram is lost, as it would be at a reassembling host that timed out).
 *
 * <p>No lock and no allocation: each slot has a sequence stamp (odd while written). A writer that
 * finds the slot being written skips recording (first fragments are rare and a miss only loses a
 * datagram); a reader that sees the stamp change while it read treats it as a miss.
 */
final class FragmentFollower {
    static final int SLOTS = 4096;
    static final int LIFETIME_SECONDS = 30;
    private static final long LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(LIFETIME_SECONDS);
    private static final VarHandle STAMP = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] stamp = new long[SLOTS];
    private final long[] addresses = new long[SLOTS]; // source << 32 | destination, as received
    private final int[] identity = new int[SLOTS];    // identification << 8 | protocol
    private final long[] expires = new long[SLOTS];
    private final int[] newSource = new int[SLOTS];
    private final int[] newDestination = new int[SLOTS];
    private final long[] dstMac = new long[SLOTS];
    private final long[] srcMac = new long[SLOTS];
    private final int[] outPort = new int[SLOTS];
    /** Later fragments sent on like their first; later fragments with no (live) first. Statistics. */
    long followed;
    long unknown;

    private static long addresses(int src, int dst) {
        return (long) src << 32 | (dst & 0xffffffffL);
    }

    private static int identity(Frame f) {
        return f.u16(f.l3Offset() + 4) << 8 | f.ipProtocol();
    }

    private static int slot(long addresses, int identity) {
        long h = (addresses ^ identity * 0x9E3779B97F4A7C15L) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> 52) & (SLOTS - 1);
    }

    /**
     * Records what was done to a first fragment: {@code src} and {@code dst} as it arrived, the
     * frame as it leaves through {@code out}. Call only for a frame that {@link Frame#isFragment()}.
     */
    void learn(int src, int dst, Frame f, int out, long now) {
        long a = addresses(src, dst);
        int id = identity(f);
        int i = slot(a, id);
        long s = (long) STAMP.getVolatile(stamp, i);
        if ((s & 1) != 0 || !STAMP.compareAndSet(stamp, i, s, s + 1)) {
            return; // another thread is writing this slot: this datagram's later fragments go unfollowed
        }
        addresses[i] = a;
        identity[i] = id;
        expires[i] = now + LIFETIME_NANOS;
        newSource[i] = f.ipv4Src();
        newDestination[i] = f.ipv4Dst();
        dstMac[i] = f.dstMac();
        srcMac[i] = f.srcMac();
        outPort[i] = out;
        STAMP.setRelease(stamp, i, s + 2);
    }

    /**
     * Sends a later fragment the way its first fragment went; false (and counted) when its first
     * fragment was not seen within the lifetime.
     */
    boolean follow(PacketContext ctx, Frame f, long now) {
        int src = f.ipv4Src();
        int dst = f.ipv4Dst();
        long a = addresses(src, dst);
        int id = identity(f);
        int i = slot(a, id);
        long s = (long) STAMP.getAcquire(stamp, i);
        if ((s & 1) != 0 || s == 0) {
            unknown++;
            return false;
        }
        boolean same = addresses[i] == a && identity[i] == id && now - expires[i] < 0;
        int newSrc = newSource[i];
        int newDst = newDestination[i];
        long toMac = dstMac[i];
        long fromMac = srcMac[i];
        int out = outPort[i];
        VarHandle.loadLoadFence();
        if (!same || (long) STAMP.getOpaque(stamp, i) != s) {
            unknown++;
            return false;
        }
        if (newSrc != src) {
            f.setIpv4Src(newSrc);
        }
        if (newDst != dst) {
            f.setIpv4Dst(newDst);
        }
        f.setDstMac(toMac);
        f.setSrcMac(fromMac);
        followed++;
        ctx.send(out);
        return true;
    }
}
