package bng.itests.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link Frame#decode()} on any bytes: it never throws, a sound frame's offsets lie inside the
 * frame and inside each other, the accessors processors use on a sound frame stay in bounds, and a
 * completed partial checksum verifies.
 */
class FrameFuzzTest {
    private final Frame frame = new Frame(9234);

    @FuzzTest
    void decode(byte[] input) {
        check(frame, input);
    }

    static void check(Frame f, byte[] input) {
        int len = Math.min(input.length, f.capacity());
        System.arraycopy(input, 0, f.data(), 0, len);
        f.setLength(len);
        int err = f.decode();
        assertEquals(err, f.decode(), "decode is a function of the bytes");
        assertTrue(err >= 0 && err < Frame.ERROR_COUNT, "error code in range");
        if (err != Frame.OK) {
            return;
        }
        assertTrue(f.length() >= 14);
        int l3 = f.l3Offset();
        assertTrue(l3 >= 14 && l3 <= f.length(), "l3 inside the frame");
        if (f.isArp()) {
            assertTrue(l3 + 28 <= f.length(), "ARP body inside the frame");
        }
        if (f.isIpv4() || f.isIpv6()) {
            int end = f.l3End();
            assertTrue(end >= l3 + (f.isIpv4() ? 20 : 40) && end <= f.length(), "IP datagram inside the frame");
            f.ipv4Src(); // what the processors read first
            f.ipv4Dst();
            f.ttl();
            int l4 = f.l4Offset();
            if (l4 >= 0) {
                assertTrue(l4 >= l3 && l4 <= end, "l4 inside the datagram");
                int p = f.ipProtocol();
                if (p == Frame.PROTO_TCP) {
                    assertTrue(f.l4Length() >= 20);
                    f.srcPort();
                    f.dstPort();
                    f.tcpFlags();
                    f.u32(l4 + 8);
                } else if (p == Frame.PROTO_UDP || p == Frame.PROTO_ICMP || p == Frame.PROTO_ICMPV6) {
                    assertTrue(f.l4Length() >= 8);
                    f.srcPort();
                    f.dstPort();
                    f.u32(l4 + 4);
                }
            }
            if (f.completePartialChecksum()) {
                int p = f.ipProtocol();
                int len4 = p == Frame.PROTO_TCP ? f.l4Length() : f.u16(l4 + 4);
                int pseudo = f.isIpv4()
                    ? Checksums.pseudoHeader4(f.ipv4Src(), f.ipv4Dst(), p, len4)
                    : Checksums.pseudoHeader6(f.data(), l3 + 8, l3 + 24, p, len4);
                assertEquals(0xffff, Checksums.fold(Checksums.sum(f.data(), l4, len4, pseudo)),
                    "a completed checksum verifies");
            }
        }
    }
}
