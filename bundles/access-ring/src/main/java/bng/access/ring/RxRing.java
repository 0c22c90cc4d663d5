package bng.access.ring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import bng.core.api.Frame;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The receive ring mapped from the kernel ({@code PACKET_RX_RING}, packet_mmap.txt): frames are
 * taken from it in order and copied into the port thread's {@link Frame}s. Ownership of a slot
 * passes through its status word: the kernel sets {@code TP_STATUS_USER} when it is filled, we
 * read it with acquire and hand it back with a release store of {@code TP_STATUS_KERNEL}.
 *
 * <p>Two layouts: {@link V3} (variable-size frames in blocks the kernel retires when full or after
 * the block timeout: few wake-ups, the throughput layout) and {@link V2} (one fixed slot per frame,
 * a wake-up per frame: the latency layout). Used by the port's receive thread only.
 */
abstract sealed class RxRing {
    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    static final int TP_STATUS_VLAN_VALID = 1 << 4;
    static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;

    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    final MemorySegment ring;
    /** The longest frame the interface's MTU allows: MTU + Ethernet header + two VLAN tags. */
    final int maxFrame;
    long truncated;
    long oversize;
    long partialChecksums;

    RxRing(MemorySegment ring, int mtu) {
        this.ring = ring;
        this.maxFrame = mtu + 22;
    }

    /** Takes up to {@code max} frames that are there now; never waits. */
    abstract int take(Frame[] frames, int max);

    /**
     * Copies one frame out of the ring into {@code f}: the VLAN tag the kernel stripped
     * (rx VLAN offload, {@code TP_STATUS_VLAN_VALID}) goes back in, and a partial checksum
     * ({@code TP_STATUS_CSUMNOTREADY}: veth and local senders, packet-io.md pitfall 1) is
     * completed, so what bng forwards is what was on the wire. False when the frame does not fit
     * or was cut (never forwarded: pitfall 9), and when it is longer than the MTU allows: segments
     * the sender merged (TSO/GSO of a veth or bridge port in front of bng, GRO), which could not be
     * sent on as they are; counted apart ({@link #oversize}) so that {@code show warnings} can
     * name the cause.
     */
    final boolean copy(Frame f, long data, int snaplen, int len, int status, int tci, int tpid) {
        if (len > maxFrame) {
            oversize++;
            return false;
        }
        boolean vlan = (status & TP_STATUS_VLAN_VALID) != 0;
        int total = vlan ? len + 4 : len;
        if (snaplen != len || total > f.capacity() || len < 14) {
            truncated++;
            return false;
        }
        byte[] dst = f.data();
        if (vlan) {
            MemorySegment.copy(ring, JAVA_BYTE, data, dst, 0, 12);
            int type = (status & TP_STATUS_VLAN_TPID_VALID) != 0 && tpid != 0 ? tpid : Frame.ETH_VLAN;
            dst[12] = (byte) (type >>> 8);
            dst[13] = (byte) type;
            dst[14] = (byte) (tci >>> 8);
            dst[15] = (byte) tci;
            MemorySegment.copy(ring, JAVA_BYTE, data + 12, dst, 16, len - 12);
        } else {
            MemorySegment.copy(ring, JAVA_BYTE, data, dst, 0, len);
        }
        f.setLength(total);
        f.setInPort(-1);
        if ((status & TP_STATUS_CSUMNOTREADY) != 0 && f.decode() == Frame.OK && f.l4Offset() >= 0
            && f.completePartialChecksum()) {
            partialChecksums++;
        }
        return true;
    }

    /**
     * TPACKET_V3: {@code struct tpacket_block_desc} then {@code struct tpacket3_hdr} chained by
     * {@code tp_next_offset}. A block is held from its first frame to its last, across calls
     * (a block holds many bursts), then given back at once.
     */
    static final class V3 extends RxRing {
        private static final long BLOCK_STATUS = 8;
        private static final long NUM_PKTS = 12;
        private static final long FIRST_PKT = 16;

        private final long blockSize;
        private final int blocks;
        private int block;      // the block we read or wait for
        private boolean holding; // we own `block` and have not given it back
        private int left;       // frames left in it
        private long next;      // offset of its next frame

        V3(MemorySegment ring, int mtu, long blockSize, int blocks) {
            super(ring, mtu);
            this.blockSize = blockSize;
            this.blocks = blocks;
        }

        @Override
        int take(Frame[] frames, int max) {
            int n = 0;
            while (n < max) {
                if (left == 0) {
                    if (holding) {
                        release();
                    }
                    long b = block * blockSize;
                    if (((int) INT.getAcquire(ring, b + BLOCK_STATUS) & TP_STATUS_USER) == 0) {
                        break;
                    }
                    holding = true;
                    left = ring.get(JAVA_INT, b + NUM_PKTS);
                    next = b + Integer.toUnsignedLong(ring.get(JAVA_INT, b + FIRST_PKT));
                    continue;
                }
                long h = next;
                next = h + Integer.toUnsignedLong(ring.get(JAVA_INT, h)); // tp_next_offset
                left--;
                int snaplen = ring.get(JAVA_INT, h + 12);
                int len = ring.get(JAVA_INT, h + 16);
                int status = ring.get(JAVA_INT, h + 20);
                int mac = Short.toUnsignedInt(ring.get(JAVA_SHORT, h + 24));
                int tci = Short.toUnsignedInt(ring.get(JAVA_SHORT, h + 32));
                int tpid = Short.toUnsignedInt(ring.get(JAVA_SHORT, h + 36));
                if (copy(frames[n], h + mac, snaplen, len, status, tci, tpid)) {
                    n++;
                }
            }
            if (left == 0 && holding) {
                release(); // the block's last frame is copied: the kernel may fill it again now
            }
            return n;
        }

        private void release() {
            INT.setRelease(ring, block * blockSize + BLOCK_STATUS, TP_STATUS_KERNEL);
            holding = false;
            block = block + 1 == blocks ? 0 : block + 1;
        }
    }

    /** TPACKET_V2: fixed slots of {@code struct tpacket2_hdr} + frame, one per frame. */
    static final class V2 extends RxRing {
        private final long frameSize;
        private final int frames;
        private int slot;

        V2(MemorySegment ring, int mtu, long frameSize, int frames) {
            super(ring, mtu);
            this.frameSize = frameSize;
            this.frames = frames;
        }

        @Override
        int take(Frame[] out, int max) {
            int n = 0;
            while (n < max) {
                long h = slot * frameSize;
                int status = (int) INT.getAcquire(ring, h);
                if ((status & TP_STATUS_USER) == 0) {
                    break;
                }
                int len = ring.get(JAVA_INT, h + 4);
                int snaplen = ring.get(JAVA_INT, h + 8);
                int mac = Short.toUnsignedInt(ring.get(JAVA_SHORT, h + 12));
                int tci = Short.toUnsignedInt(ring.get(JAVA_SHORT, h + 24));
                int tpid = Short.toUnsignedInt(ring.get(JAVA_SHORT, h + 26));
                if (copy(out[n], h + mac, snaplen, len, status, tci, tpid)) {
                    n++;
                }
                INT.setRelease(ring, h, TP_STATUS_KERNEL);
                slot = slot + 1 == frames ? 0 : slot + 1;
            }
            return n;
        }
    }
}
