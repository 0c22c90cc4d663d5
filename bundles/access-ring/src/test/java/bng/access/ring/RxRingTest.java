package bng.access.ring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import bng.core.api.Frame;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The receive ring's per-frame checks on a ring written by hand in TPACKET_V2's layout (no
 * socket, no root): frames longer than the interface's MTU allows — what a veth or bridge port
 * with TSO/GSO hands over (an 8 MB upload arrives as 7,240-byte TCP segments) — are dropped and
 * counted as oversize, whether the slot cut them or not, so that {@code show warnings} can say why
 * uploads stall; frames within the MTU pass.
 */
class RxRingTest {
    private static final int SLOT = 2048;
    private static final int MAC_OFFSET = 80;

    @Test
    void framesLongerThanTheMtuAreCountedAsOversizeAndNeverTaken() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(SLOT * 4L, 64);
            slot(ring, 0, 7254, SLOT - MAC_OFFSET); // a GSO segment the 2 KiB slot cut
            slot(ring, 1, 1514, 1514);              // a full-size frame: passes
            slot(ring, 2, 1600, 1600);              // longer than MTU 1500 allows, not cut (V3 blocks)
            slot(ring, 3, 1518, 1518);              // one VLAN tag left in: passes
            RxRing.V2 rx = new RxRing.V2(ring, 1500, SLOT, 4);
            Frame[] frames = {new Frame(RingPort.SNAPLEN), new Frame(RingPort.SNAPLEN), new Frame(RingPort.SNAPLEN),
                new Frame(RingPort.SNAPLEN)};

            assertEquals(2, rx.take(frames, 4));
            assertEquals(1514, frames[0].length());
            assertEquals(1518, frames[1].length());
            assertEquals(2, rx.oversize, "the cut GSO frame and the uncut one beyond the MTU");
            assertEquals(0, rx.truncated, "oversize frames are told apart from frames cut for other reasons");
            for (int i = 0; i < 4; i++) {
                assertEquals(RxRing.TP_STATUS_KERNEL, ring.get(JAVA_INT, (long) i * SLOT), "slot " + i + " handed back");
            }
        }
    }

    /** One tpacket2_hdr (status, len, snaplen, mac offset) and an Ethernet/IPv4 frame's first bytes. */
    private static void slot(MemorySegment ring, int i, int len, int snaplen) {
        long h = (long) i * SLOT;
        ring.set(JAVA_INT, h + 4, len);
        ring.set(JAVA_INT, h + 8, snaplen);
        ring.set(JAVA_SHORT, h + 12, (short) MAC_OFFSET);
        for (int b = 0; b < 12; b++) {
            ring.set(JAVA_BYTE, h + MAC_OFFSET + b, (byte) 2);
        }
        ring.set(JAVA_BYTE, h + MAC_OFFSET + 12, (byte) 0x08);
        ring.set(JAVA_INT, h, RxRing.TP_STATUS_USER);
    }
}
