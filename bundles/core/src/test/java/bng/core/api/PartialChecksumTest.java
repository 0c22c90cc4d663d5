package bng.core.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link Frame#completePartialChecksum()} on golden frames: FrameTest's correct frames, the same
 * frames as a sending kernel leaves them with CHECKSUM_PARTIAL (the field holds the folded
 * pseudo-header sum; computed by an independent generator), and a broken checksum that is not in
 * that form.
 */
public class PartialChecksumTest {
    /** FrameTest.TCP_SYN with the TCP checksum 0x2fb4 replaced by the pseudo-header sum 0x8ca9. */
    static final String TCP_SYN_PARTIAL =
        "02000000000b02000000000a08004500002c1c464000400691fbc6120002c612"
        + "00649c40005011223344000000006002faf08ca90000020405b40000";
    /** FrameTest.UDP with the UDP checksum 0x9500 replaced by the pseudo-header sum 0x8c45. */
    static final String UDP_PARTIAL =
        "02000000000b02000000000a0800450000201c4640004011925fc6120002c612"
        + "000114e90035000c8c45626e6721";
    /** FrameTest.IPV6_HBH_TCP with the TCP checksum 0xb77a replaced by the pseudo-header sum 0x5b8f. */
    static final String IPV6_TCP_PARTIAL =
        "02000000000b02000000000a86dd60000000001c004020010db8000000000000"
        + "00000000000220010db800000000000000000000000106000104000000009c41"
        + "01bb01020304000000005002faf05b8f0000";

    private static Frame decoded(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        Frame f = new Frame(b, b.length);
        assertEquals(Frame.OK, f.decode());
        return f;
    }

    private static void assertCompletedTo(String partial, String golden) {
        Frame f = decoded(partial);
        assertTrue(f.completePartialChecksum(), "a partial checksum is completed");
        assertArrayEquals(HexFormat.of().parseHex(golden), f.data());
        assertFalse(f.completePartialChecksum(), "a completed checksum stays");
    }

    @Test
    void partialChecksumsAreCompleted() {
        assertCompletedTo(TCP_SYN_PARTIAL, FrameTest.TCP_SYN);
        assertCompletedTo(UDP_PARTIAL, FrameTest.UDP);
        assertCompletedTo(IPV6_TCP_PARTIAL, FrameTest.IPV6_HBH_TCP);
    }

    @Test
    void correctFramesStayAsTheyAre() {
        for (String golden : new String[] {FrameTest.TCP_SYN, FrameTest.UDP, FrameTest.UDP_PADDED,
            FrameTest.UDP_NO_CHECKSUM, FrameTest.IPV6_HBH_TCP, FrameTest.ICMP_ECHO, FrameTest.ARP_REQUEST}) {
            Frame f = decoded(golden);
            assertFalse(f.completePartialChecksum(), golden);
            assertArrayEquals(HexFormat.of().parseHex(golden), f.data());
        }
    }

    @Test
    void aBrokenChecksumThatIsNotPartialIsLeftAlone() {
        String broken = TCP_SYN_PARTIAL.replace("8ca90000", "12340000");
        Frame f = decoded(broken);
        assertFalse(f.completePartialChecksum());
        assertArrayEquals(HexFormat.of().parseHex(broken), f.data());
    }

    @Test
    void completionMakesAnySegmentVerify() {
        // Completion trusts the bytes: whatever the segment holds, the result verifies.
        Frame f = decoded(UDP_PARTIAL);
        f.data()[f.l4Offset() + 8] ^= 0x55;
        assertTrue(f.completePartialChecksum());
        int len = f.l4Length();
        int sum = Checksums.pseudoHeader4(f.ipv4Src(), f.ipv4Dst(), Frame.PROTO_UDP, len);
        assertEquals(0xffff, Checksums.fold(Checksums.sum(f.data(), f.l4Offset(), len, sum)));
    }
}
