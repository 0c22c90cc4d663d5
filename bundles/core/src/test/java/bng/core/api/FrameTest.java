package bng.core.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Open-box tests of the frame view: golden frames (hex of real frames, checksums computed by an
 * independent generator), every truncation of each, random garbage, the error codes, and the
 * writers checked against a checksum recomputed from scratch.
 */
public class FrameTest {
    // Addresses used throughout: 02:00:00:00:00:0a (198.18.0.2, 2001:db8::2) talks to
    // 02:00:00:00:00:0b (198.18.0.1 / .100, 2001:db8::1).
    static final long MAC_A = 0x02_00_00_00_00_0aL;
    static final long MAC_B = 0x02_00_00_00_00_0bL;
    static final int IP_A = 0xc6120002; // 198.18.0.2
    static final int IP_B = 0xc6120001; // 198.18.0.1

    /** Who has 198.18.0.1? Tell 198.18.0.2; padded to the 60-byte minimum. */
    public static final String ARP_REQUEST =
        "ffffffffffff02000000000a0806000108000604000102000000000ac6120002"
        + "000000000000c6120001000000000000000000000000000000000000";
    /** ICMP echo request 198.18.0.2 -> 198.18.0.1, id 1234, seq 1, 32 bytes of data. */
    public static final String ICMP_ECHO =
        "02000000000b02000000000a08004500003c1c46400040019253c6120002c612"
        + "00010800012b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    /** TCP SYN 198.18.0.2:40000 -> 198.18.0.100:80 with an MSS option; 2 bytes of Ethernet padding. */
    public static final String TCP_SYN =
        "02000000000b02000000000a08004500002c1c464000400691fbc6120002c612"
        + "00649c40005011223344000000006002faf02fb40000020405b40000";
    /** UDP 198.18.0.2:5353 -> 198.18.0.1:53 carrying "bng!", unpadded. */
    public static final String UDP =
        "02000000000b02000000000a0800450000201c4640004011925fc6120002c612"
        + "000114e90035000c9500626e6721";
    /** UDP with no payload: IP ends at byte 42, the frame is padded to 60. */
    public static final String UDP_PADDED =
        "02000000000b02000000000a08004500001c1c46400040119263c6120002c612"
        + "000103e807d0000867fe000000000000000000000000000000000000";
    /** UDP over IPv4 without a checksum (field 0). */
    public static final String UDP_NO_CHECKSUM =
        "02000000000b02000000000a0800450000201c4640004011925fc6120002c612"
        + "000103e807d0000c00007a65726f";
    /** IPv6 2001:db8::2 -> 2001:db8::1, hop-by-hop header (PadN), then a TCP SYN 40001 -> 443. */
    public static final String IPV6_HBH_TCP =
        "02000000000b02000000000a86dd60000000001c004020010db8000000000000"
        + "00000000000220010db800000000000000000000000106000104000000009c41"
        + "01bb01020304000000005002faf0b77a0000";
    /** IPv6 fragment header, offset 1448, last fragment of a UDP datagram. */
    public static final String IPV6_LATER_FRAGMENT =
        "02000000000b02000000000a86dd6000000000202c4020010db8000000000000"
        + "00000000000220010db8000000000000000000000001110005a80000cafe0001"
        + "02030405060708090a0b0c0d0e0f1011121314151617";
    /** ICMPv6 echo request 2001:db8::2 -> 2001:db8::1. */
    public static final String ICMPV6_ECHO =
        "02000000000b02000000000a86dd60000000000e3a4020010db8000000000000"
        + "00000000000220010db800000000000000000000000180000f48000700017069"
        + "6e673621";
    /** UDP over IPv6 5000 -> 6000 carrying "v6". */
    public static final String IPV6_UDP =
        "02000000000b02000000000a86dd60000000000a114020010db8000000000000"
        + "00000000000220010db800000000000000000000000113881770000a03377636";
    /** The ICMP echo above behind an 802.1Q tag: PCP 5, VLAN 100. */
    public static final String VLAN_ICMP =
        "02000000000b02000000000a8100a06408004500003c1c46400040019253c612"
        + "0002c61200010800012b04d20001101112131415161718191a1b1c1d1e1f2021"
        + "22232425262728292a2b2c2d2e2f";
    /** The UDP datagram above behind 802.1ad VLAN 10 and 802.1Q VLAN 20. */
    public static final String QINQ_UDP =
        "02000000000b02000000000a88a8000a810000140800450000201c4640004011"
        + "925fc6120002c612000114e90035000c9500626e6721";
    /** First fragment (MF) of a 1008-byte UDP datagram: the UDP length covers all fragments. */
    public static final String IPV4_UDP_FIRST_FRAGMENT =
        "02000000000b02000000000a08004500002c1c4620004011b253c6120002c612"
        + "00011b581b5903f0353500000000000000000000000000000000";
    /** The UDP datagram above with a Router Alert option (IHL 6). */
    public static final String IPV4_OPTIONS_UDP =
        "02000000000b02000000000a0800460000241c4640004011fd56c6120002c612"
        + "00019404000014e90035000c9500626e6721";
    /** IPv6 fragment header with offset 0 and M set: the first fragment of a 1008-byte UDP datagram. */
    public static final String IPV6_UDP_FIRST_FRAGMENT =
        "02000000000b02000000000a86dd6000000000182c4020010db8000000000000"
        + "00000000000220010db8000000000000000000000001110000010000beef1b58"
        + "1b5903f065e80000000000000000";
    /** LLDP (ethertype 0x88cc): neither IP nor ARP. */
    public static final String LLDP =
        "0180c200000e02000000000a88cc0207046c6c64700000000000000000000000"
        + "00000000000000000000000000000000000000000000000000000000";

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static Frame decoded(String hex) {
        byte[] b = hex(hex);
        Frame f = new Frame(b, b.length);
        assertEquals(Frame.OK, f.decode(), () -> "error " + Frame.errorName(f.error()));
        return f;
    }

    static Map<String, String> goldens() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arp", ARP_REQUEST);
        m.put("icmp", ICMP_ECHO);
        m.put("tcp-syn", TCP_SYN);
        m.put("udp", UDP);
        m.put("udp-padded", UDP_PADDED);
        m.put("udp-no-checksum", UDP_NO_CHECKSUM);
        m.put("ipv6-hbh-tcp", IPV6_HBH_TCP);
        m.put("ipv6-later-fragment", IPV6_LATER_FRAGMENT);
        m.put("icmpv6", ICMPV6_ECHO);
        m.put("ipv6-udp", IPV6_UDP);
        m.put("vlan-icmp", VLAN_ICMP);
        m.put("qinq-udp", QINQ_UDP);
        m.put("lldp", LLDP);
        m.put("ipv4-options-udp", IPV4_OPTIONS_UDP);
        m.put("ipv4-udp-first-fragment", IPV4_UDP_FIRST_FRAGMENT);
        m.put("ipv6-udp-first-fragment", IPV6_UDP_FIRST_FRAGMENT);
        return m;
    }

    // ---------------------------------------------------------------- golden frames

    @Test
    void arpRequest() {
        Frame f = decoded(ARP_REQUEST);
        assertEquals(Frame.ETH_ARP, f.ethertype());
        assertTrue(f.isArp());
        assertFalse(f.isIpv4());
        assertEquals(-1, f.vlan());
        assertEquals(14, f.l3Offset());
        assertEquals(42, f.l3End());
        assertEquals(-1, f.l4Offset());
        assertEquals(-1, f.ipProtocol());
        assertEquals(Macs.BROADCAST, f.dstMac());
        assertEquals(MAC_A, f.srcMac());
        assertEquals(1, f.u16(f.l3Offset() + 6), "opcode request");
        assertEquals(IP_A, f.u32(f.l3Offset() + 14), "sender protocol address");
        assertEquals(IP_B, f.u32(f.l3Offset() + 24), "target protocol address");
    }

    @Test
    void ipv4IcmpEcho() {
        Frame f = decoded(ICMP_ECHO);
        assertEquals(Frame.ETH_IPV4, f.ethertype());
        assertTrue(f.isIpv4());
        assertFalse(f.isArp());
        assertEquals(MAC_B, f.dstMac());
        assertEquals(MAC_A, f.srcMac());
        assertEquals(14, f.l3Offset());
        assertEquals(74, f.l3End());
        assertEquals(34, f.l4Offset());
        assertEquals(40, f.l4Length());
        assertEquals(Frame.PROTO_ICMP, f.ipProtocol());
        assertEquals(IP_A, f.ipv4Src());
        assertEquals(IP_B, f.ipv4Dst());
        assertEquals(64, f.ttl());
        assertFalse(f.isFragment());
        assertEquals(8, f.u8(f.l4Offset()), "echo request");
        assertEquals(0x04d2, f.u16(f.l4Offset() + 4), "identifier");
    }

    @Test
    void tcpSynWithPadding() {
        Frame f = decoded(TCP_SYN);
        assertEquals(60, f.length());
        assertEquals(58, f.l3End(), "two bytes of Ethernet padding are not part of the datagram");
        assertEquals(34, f.l4Offset());
        assertEquals(24, f.l4Length());
        assertEquals(Frame.PROTO_TCP, f.ipProtocol());
        assertEquals(0xc6120064, f.ipv4Dst());
        assertEquals(40000, f.srcPort());
        assertEquals(80, f.dstPort());
        assertEquals(0x02, f.tcpFlags());
        assertEquals(0x11223344, f.u32(f.l4Offset() + 4), "sequence number");
    }

    @Test
    void udpDatagram() {
        Frame f = decoded(UDP);
        assertEquals(46, f.length());
        assertEquals(46, f.l3End());
        assertEquals(34, f.l4Offset());
        assertEquals(12, f.l4Length());
        assertEquals(Frame.PROTO_UDP, f.ipProtocol());
        assertEquals(5353, f.srcPort());
        assertEquals(53, f.dstPort());
    }

    @Test
    void ethernetPaddingBeyondIpTotalLength() {
        Frame f = decoded(UDP_PADDED);
        assertEquals(60, f.length());
        assertEquals(42, f.l3End());
        assertEquals(8, f.l4Length());
        assertEquals(1000, f.srcPort());
        assertEquals(2000, f.dstPort());
    }

    @Test
    void ipv6TcpBehindHopByHop() {
        Frame f = decoded(IPV6_HBH_TCP);
        assertEquals(Frame.ETH_IPV6, f.ethertype());
        assertTrue(f.isIpv6());
        assertFalse(f.isIpv4());
        assertEquals(14, f.l3Offset());
        assertEquals(82, f.l3End());
        assertEquals(14 + 40 + 8, f.l4Offset(), "TCP starts after the 8-byte hop-by-hop header");
        assertEquals(20, f.l4Length());
        assertEquals(Frame.PROTO_TCP, f.ipProtocol());
        assertEquals(40001, f.srcPort());
        assertEquals(443, f.dstPort());
        assertEquals(64, f.ttl(), "hop limit");
        assertFalse(f.isFragment());
        assertEquals(22, f.ipv6SrcOffset());
        assertEquals(38, f.ipv6DstOffset());
        assertEquals(2, f.u8(f.ipv6SrcOffset() + 15));
        assertEquals(1, f.u8(f.ipv6DstOffset() + 15));
    }

    @Test
    void ipv6LaterFragmentHasNoTransportHeader() {
        Frame f = decoded(IPV6_LATER_FRAGMENT);
        assertTrue(f.isIpv6());
        assertTrue(f.isFragment());
        assertEquals(Frame.PROTO_UDP, f.ipProtocol(), "the fragment header's next header");
        assertEquals(-1, f.l4Offset());
        assertEquals(0, f.l4Length());
        assertEquals(86, f.l3End());
    }

    @Test
    void ipv6UdpAndIcmpv6() {
        Frame u = decoded(IPV6_UDP);
        assertEquals(54, u.l4Offset());
        assertEquals(10, u.l4Length());
        assertEquals(5000, u.srcPort());
        assertEquals(6000, u.dstPort());
        Frame i = decoded(ICMPV6_ECHO);
        assertEquals(Frame.PROTO_ICMPV6, i.ipProtocol());
        assertEquals(54, i.l4Offset());
        assertEquals(128, i.u8(i.l4Offset()));
    }

    @Test
    void dot1qTaggedIpv4() {
        Frame f = decoded(VLAN_ICMP);
        assertEquals(100, f.vlan(), "the priority bits are not part of the VLAN id");
        assertEquals(Frame.ETH_IPV4, f.ethertype());
        assertEquals(18, f.l3Offset());
        assertEquals(78, f.l3End());
        assertEquals(38, f.l4Offset());
        assertEquals(Frame.PROTO_ICMP, f.ipProtocol());
        assertEquals(IP_B, f.ipv4Dst());
    }

    @Test
    void qinqTaggedIpv4KeepsTheInnerVlan() {
        Frame f = decoded(QINQ_UDP);
        assertEquals(20, f.vlan());
        assertEquals(Frame.ETH_IPV4, f.ethertype());
        assertEquals(22, f.l3Offset());
        assertEquals(54, f.l3End());
        assertEquals(42, f.l4Offset());
        assertEquals(5353, f.srcPort());
        assertEquals(53, f.dstPort());
    }

    @Test
    void otherEthertypeIsSoundButNotIp() {
        Frame f = decoded(LLDP);
        assertEquals(0x88cc, f.ethertype());
        assertEquals(14, f.l3Offset());
        assertFalse(f.isIpv4() || f.isIpv6() || f.isArp());
        assertEquals(-1, f.l4Offset());
        assertEquals(-1, f.ipProtocol());
    }

    @Test
    void ipv4FirstFragmentOfALongUdpDatagramIsSound() {
        // The UDP length (1008) covers the whole datagram, not this fragment; that is no error.
        Frame f = decoded(IPV4_UDP_FIRST_FRAGMENT);
        assertTrue(f.isFragment());
        assertEquals(34, f.l4Offset());
        assertEquals(7000, f.srcPort());
        assertEquals(7001, f.dstPort());
    }

    @Test
    void ipv6FirstFragmentOfALongUdpDatagramIsSound() {
        Frame f = decoded(IPV6_UDP_FIRST_FRAGMENT);
        assertTrue(f.isFragment());
        assertEquals(Frame.PROTO_UDP, f.ipProtocol());
        assertEquals(14 + 40 + 8, f.l4Offset(), "UDP after the fragment header");
        assertEquals(7000, f.srcPort());
        assertEquals(7001, f.dstPort());
    }

    @Test
    void ipv4OptionsMoveTheTransportHeader() {
        Frame f = decoded(IPV4_OPTIONS_UDP);
        assertEquals(14 + 24, f.l4Offset());
        assertEquals(12, f.l4Length());
        assertEquals(5353, f.srcPort());
        assertEquals(53, f.dstPort());
    }

    @Test
    void decodeResetsThePreviousFrameState() {
        byte[] b = hex(VLAN_ICMP);
        Frame f = new Frame(b, b.length);
        assertEquals(Frame.OK, f.decode());
        f.setOutPort(3);
        byte[] arp = hex(ARP_REQUEST);
        System.arraycopy(arp, 0, b, 0, arp.length);
        f.setLength(arp.length);
        assertEquals(Frame.OK, f.decode());
        assertEquals(-1, f.vlan());
        assertEquals(-1, f.l4Offset());
        assertEquals(-1, f.ipProtocol());
        assertEquals(-1, f.outPort());
        assertFalse(f.isFragment());
    }

    // ---------------------------------------------------------------- truncation and garbage

    @Test
    void everyTruncationOfEveryGoldenFrameDecodesWithoutThrowing() {
        for (Map.Entry<String, String> g : goldens().entrySet()) {
            byte[] full = hex(g.getValue());
            Frame whole = new Frame(full.clone(), full.length);
            whole.decode();
            // The bytes a decoder needs: the datagram (or ARP body), or the Ethernet header.
            int needed = Math.max(whole.l3End(), 14);
            for (int len = 0; len <= full.length; len++) {
                Frame f = new Frame(full.clone(), full.length);
                f.setLength(len);
                int err;
                try {
                    err = f.decode();
                } catch (RuntimeException e) {
                    throw new AssertionError(g.getKey() + " cut at " + len + " threw", e);
                }
                String where = g.getKey() + " cut at " + len;
                assertEquals(err, f.error(), where);
                if (len < 14) {
                    assertEquals(Frame.ERR_SHORT_ETHERNET, err, where);
                } else if (len < needed) {
                    assertNotEquals(Frame.OK, err, where + ": a cut datagram must be marked");
                } else {
                    assertEquals(Frame.OK, err, where + ": " + Frame.errorName(err));
                    assertEquals(whole.l4Offset(), f.l4Offset(), where);
                    assertEquals(whole.l3End(), f.l3End(), where);
                }
                assertSafe(f, where);
            }
        }
    }

    @Test
    void cutTagsAndHeadersGiveTheirOwnErrors() {
        assertEquals(Frame.ERR_SHORT_VLAN, cut(VLAN_ICMP, 16));
        assertEquals(Frame.ERR_SHORT_VLAN, cut(QINQ_UDP, 20), "inner tag cut");
        assertEquals(Frame.ERR_BAD_ARP, cut(ARP_REQUEST, 41));
        assertEquals(Frame.ERR_BAD_IPV4_HEADER, cut(ICMP_ECHO, 33));
        assertEquals(Frame.ERR_BAD_IPV4_LENGTH, cut(ICMP_ECHO, 73));
        assertEquals(Frame.ERR_BAD_IPV6_HEADER, cut(IPV6_HBH_TCP, 53));
        assertEquals(Frame.ERR_BAD_IPV6_HEADER, cut(IPV6_HBH_TCP, 81));
    }

    private static int cut(String hex, int len) {
        byte[] b = hex(hex);
        return new Frame(b, len).decode();
    }

    @Test
    void randomGarbageNeverThrows() {
        Random rnd = new Random(0x5eed_b16L);
        byte[][] seeds = goldens().values().stream().map(FrameTest::hex).toArray(byte[][]::new);
        int[] types = {Frame.ETH_IPV4, Frame.ETH_IPV6, Frame.ETH_ARP, Frame.ETH_VLAN, Frame.ETH_QINQ};
        byte[] buf = new byte[160];
        Frame f = new Frame(buf, 0);
        int[] seen = new int[Frame.ERROR_COUNT];
        for (int n = 0; n < 100_000; n++) {
            int len;
            if ((n & 1) == 0) {
                // Pure noise, but with a known ethertype and IP version half of the time, so that
                // the deeper decoders get noise too.
                len = rnd.nextInt(buf.length + 1);
                rnd.nextBytes(buf);
                if (rnd.nextBoolean()) {
                    int t = types[rnd.nextInt(types.length)];
                    buf[12] = (byte) (t >>> 8);
                    buf[13] = (byte) t;
                    buf[14] = (byte) (t == Frame.ETH_IPV6 ? 0x60 : 0x45);
                }
            } else {
                // A golden frame with a few bytes flipped and a random length.
                byte[] s = seeds[rnd.nextInt(seeds.length)];
                Arrays.fill(buf, (byte) 0);
                System.arraycopy(s, 0, buf, 0, s.length);
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    buf[rnd.nextInt(s.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                len = rnd.nextInt(s.length + 8);
            }
            f.setLength(len);
            int err;
            try {
                err = f.decode();
            } catch (RuntimeException e) {
                throw new AssertionError("garbage frame " + n + " threw: "
                    + HexFormat.of().formatHex(buf, 0, len), e);
            }
            assertTrue(err >= 0 && err < Frame.ERROR_COUNT, "error code " + err);
            seen[err]++;
            assertSafe(f, "garbage frame " + n);
        }
        for (int e = 0; e < Frame.ERROR_COUNT; e++) {
            assertTrue(seen[e] > 0, "garbage never produced " + Frame.errorName(e) + ": the fuzz misses a decoder");
        }
    }

    /** A frame that decoded OK promises processors that its offsets stay inside the bytes. */
    private static void assertSafe(Frame f, String where) {
        if (f.error() != Frame.OK) {
            return;
        }
        assertTrue(f.l3Offset() >= 14 && f.l3Offset() <= f.length(), where);
        if (f.isIpv4() || f.isIpv6() || f.isArp()) {
            assertTrue(f.l3End() <= f.length(), where + ": l3End beyond the frame");
        }
        if (f.l4Offset() >= 0) {
            int min = switch (f.ipProtocol()) {
                case Frame.PROTO_TCP -> 20;
                case Frame.PROTO_UDP, Frame.PROTO_ICMP, Frame.PROTO_ICMPV6 -> 8;
                default -> 0;
            };
            assertTrue(f.l4Offset() + min <= f.l3End(), where + ": transport header beyond the datagram");
        }
    }

    // ---------------------------------------------------------------- error codes

    @Test
    void ihlBelowFiveIsABadHeader() {
        byte[] b = hex(ICMP_ECHO);
        b[14] = 0x44;
        fixIpv4Checksum(b, 14, 16);
        assertEquals(Frame.ERR_BAD_IPV4_HEADER, new Frame(b, b.length).decode());
    }

    @Test
    void ihlBeyondTheFrameIsABadHeader() {
        byte[] b = hex(UDP);
        b[14] = 0x4f; // 60-byte header in a 46-byte frame
        assertEquals(Frame.ERR_BAD_IPV4_HEADER, new Frame(b, b.length).decode());
    }

    @Test
    void wrongIpVersionIsABadHeader() {
        byte[] b = hex(ICMP_ECHO);
        b[14] = 0x65;
        fixIpv4Checksum(b, 14, 20);
        assertEquals(Frame.ERR_BAD_IPV4_HEADER, new Frame(b, b.length).decode());
    }

    @Test
    void totalLengthBeyondTheFrameIsABadLength() {
        byte[] b = hex(ICMP_ECHO);
        b[16] = 0;
        b[17] = 61; // one more than the 60 bytes there are
        fixIpv4Checksum(b, 14, 20);
        assertEquals(Frame.ERR_BAD_IPV4_LENGTH, new Frame(b, b.length).decode());
    }

    @Test
    void totalLengthBelowTheHeaderIsABadLength() {
        byte[] b = hex(ICMP_ECHO);
        b[16] = 0;
        b[17] = 19;
        fixIpv4Checksum(b, 14, 20);
        assertEquals(Frame.ERR_BAD_IPV4_LENGTH, new Frame(b, b.length).decode());
    }

    @Test
    void badIpv4HeaderChecksum() {
        byte[] b = hex(TCP_SYN);
        b[24] ^= 0x01;
        assertEquals(Frame.ERR_BAD_IPV4_CHECKSUM, new Frame(b, b.length).decode());
        byte[] v = hex(VLAN_ICMP);
        v[18 + 8]--; // TTL changed without the checksum
        assertEquals(Frame.ERR_BAD_IPV4_CHECKSUM, new Frame(v, v.length).decode());
    }

    @Test
    void tcpDataOffsetBelowFiveIsShort() {
        byte[] b = hex(TCP_SYN);
        b[34 + 12] = 0x40;
        assertEquals(Frame.ERR_SHORT_L4, new Frame(b, b.length).decode());
        Frame f = new Frame(b, b.length);
        f.decode();
        assertEquals(-1, f.l4Offset(), "no transport offset for a broken segment");
    }

    @Test
    void tcpDataOffsetBeyondTheSegmentIsShort() {
        byte[] b = hex(TCP_SYN);
        b[34 + 12] = 0x70; // 28 bytes of header in a 24-byte segment
        assertEquals(Frame.ERR_SHORT_L4, new Frame(b, b.length).decode());
        byte[] v6 = hex(IPV6_HBH_TCP);
        v6[62 + 12] = 0x60; // 24 bytes of header in a 20-byte segment
        assertEquals(Frame.ERR_SHORT_L4, new Frame(v6, v6.length).decode());
    }

    @Test
    void udpLengthBeyondTheDatagramIsShort() {
        byte[] b = hex(UDP);
        b[34 + 5] = 13; // 12 bytes are there
        assertEquals(Frame.ERR_SHORT_L4, new Frame(b, b.length).decode());
        byte[] p = hex(UDP_PADDED);
        p[34 + 5] = 9; // the padding is not part of the datagram
        assertEquals(Frame.ERR_SHORT_L4, new Frame(p, p.length).decode());
        byte[] v6 = hex(IPV6_UDP);
        v6[54 + 5] = 11;
        assertEquals(Frame.ERR_SHORT_L4, new Frame(v6, v6.length).decode());
    }

    @Test
    void udpLengthBelowItsHeaderIsShort() {
        byte[] b = hex(UDP);
        b[34 + 5] = 7;
        assertEquals(Frame.ERR_SHORT_L4, new Frame(b, b.length).decode());
    }

    @Test
    void transportHeaderCutByTheDatagramIsShort() {
        // IP total length says the TCP header stops after 10 bytes; the frame has them all.
        byte[] b = hex(TCP_SYN);
        b[17] = 30;
        fixIpv4Checksum(b, 14, 20);
        assertEquals(Frame.ERR_SHORT_L4, new Frame(b, b.length).decode());
    }

    @Test
    void ipv6ExtensionBeyondThePayloadIsABadExtension() {
        byte[] b = hex(IPV6_HBH_TCP);
        b[54 + 1] = 4; // hop-by-hop claims 40 bytes of the 28 there are
        assertEquals(Frame.ERR_BAD_IPV6_EXTENSION, new Frame(b, b.length).decode());
    }

    @Test
    void ipv6PayloadLengthBeyondTheFrameIsABadHeader() {
        byte[] b = hex(IPV6_UDP);
        b[19] = 11;
        assertEquals(Frame.ERR_BAD_IPV6_HEADER, new Frame(b, b.length).decode());
        byte[] v = hex(IPV6_UDP);
        v[14] = 0x40;
        assertEquals(Frame.ERR_BAD_IPV6_HEADER, new Frame(v, v.length).decode(), "version 4 in an IPv6 frame");
    }

    @Test
    void aLongChainOfExtensionHeadersIsRefused() {
        // Ten destination-options headers (8 bytes each) before UDP: more than the decoder walks.
        int ext = 10;
        byte[] b = new byte[14 + 40 + ext * 8 + 8];
        byte[] src = hex(IPV6_UDP);
        System.arraycopy(src, 0, b, 0, 54);
        int payload = ext * 8 + 8;
        b[18] = (byte) (payload >>> 8);
        b[19] = (byte) payload;
        b[20] = 60;
        for (int i = 0; i < ext; i++) {
            b[54 + i * 8] = (byte) (i == ext - 1 ? Frame.PROTO_UDP : 60);
        }
        b[54 + ext * 8 + 5] = 8; // UDP length
        assertEquals(Frame.ERR_BAD_IPV6_EXTENSION, new Frame(b, b.length).decode());
    }

    @Test
    void arpForAnotherHardwareIsBad() {
        byte[] b = hex(ARP_REQUEST);
        b[18] = 8; // hardware address length 8
        assertEquals(Frame.ERR_BAD_ARP, new Frame(b, b.length).decode());
        assertFalse(new Frame(b, b.length).isArp());
    }

    @Test
    void errorNamesCoverEveryCode() {
        for (int e = 0; e < Frame.ERROR_COUNT; e++) {
            assertNotEquals("unknown", Frame.errorName(e));
        }
        assertEquals("unknown", Frame.errorName(Frame.ERROR_COUNT));
        assertEquals("unknown", Frame.errorName(-1));
    }

    // ---------------------------------------------------------------- writers

    @Test
    void ipv4WritersKeepEveryChecksumEqualToARecomputation() {
        Random rnd = new Random(1624);
        for (String g : new String[] {TCP_SYN, UDP, QINQ_UDP, UDP_PADDED, ICMP_ECHO, VLAN_ICMP, IPV4_OPTIONS_UDP}) {
            Frame f = decoded(g);
            assertChecksumsRight(f, "golden " + g);
            for (int i = 0; i < 2000; i++) {
                int v = rnd.nextInt();
                String what;
                switch (i % 5) {
                    case 0 -> {
                        f.setIpv4Dst(v);
                        assertEquals(v, f.ipv4Dst());
                        what = "setIpv4Dst";
                    }
                    case 1 -> {
                        f.setIpv4Src(v);
                        assertEquals(v, f.ipv4Src());
                        what = "setIpv4Src";
                    }
                    case 2 -> {
                        int ttl = v & 0xff;
                        f.setTtl(ttl);
                        assertEquals(ttl, f.ttl());
                        what = "setTtl";
                    }
                    case 3 -> {
                        if (f.ipProtocol() == Frame.PROTO_ICMP) {
                            continue; // ICMP has no ports
                        }
                        f.setDstPort(v & 0xffff);
                        assertEquals(v & 0xffff, f.dstPort());
                        what = "setDstPort";
                    }
                    default -> {
                        if (f.ipProtocol() == Frame.PROTO_ICMP) {
                            continue;
                        }
                        f.setSrcPort(v & 0xffff);
                        assertEquals(v & 0xffff, f.srcPort());
                        what = "setSrcPort";
                    }
                }
                assertChecksumsRight(f, what + " #" + i);
            }
            // What the writers changed is what a fresh decode sees.
            Frame again = new Frame(f.data(), f.length());
            assertEquals(Frame.OK, again.decode());
            assertEquals(f.ipv4Dst(), again.ipv4Dst());
        }
    }

    @Test
    void ipv6WritersKeepTransportChecksumsEqualToARecomputation() {
        Random rnd = new Random(8200);
        byte[] addr = new byte[16];
        for (String g : new String[] {IPV6_HBH_TCP, IPV6_UDP, ICMPV6_ECHO}) {
            Frame f = decoded(g);
            assertChecksumsRight(f, "golden");
            for (int i = 0; i < 2000; i++) {
                rnd.nextBytes(addr);
                String what;
                switch (i % 4) {
                    case 0 -> {
                        f.setIpv6Dst(addr, 0);
                        assertArrayEquals(addr, Arrays.copyOfRange(f.data(), f.ipv6DstOffset(), f.ipv6DstOffset() + 16));
                        what = "setIpv6Dst";
                    }
                    case 1 -> {
                        f.setIpv6Src(addr, 0);
                        assertArrayEquals(addr, Arrays.copyOfRange(f.data(), f.ipv6SrcOffset(), f.ipv6SrcOffset() + 16));
                        what = "setIpv6Src";
                    }
                    case 2 -> {
                        f.setTtl(addr[0] & 0xff);
                        assertEquals(addr[0] & 0xff, f.ttl());
                        what = "setTtl";
                    }
                    default -> {
                        if (f.ipProtocol() == Frame.PROTO_ICMPV6) {
                            continue;
                        }
                        f.setDstPort(rnd.nextInt(0x10000));
                        what = "setDstPort";
                    }
                }
                assertChecksumsRight(f, what + " #" + i);
            }
        }
    }

    @Test
    void ipv4UdpWithoutChecksumStaysWithout() {
        Frame f = decoded(UDP_NO_CHECKSUM);
        int csum = f.l4Offset() + 6;
        f.setIpv4Dst(0x0a000001);
        f.setIpv4Src(0x0a000002);
        f.setDstPort(4242);
        f.setSrcPort(4343);
        f.setTtl(3);
        assertEquals(0, f.u16(csum), "UDP checksum 0 means none (RFC 768) and must stay 0");
        assertIpv4HeaderChecksumRight(f, "no-checksum UDP");
    }

    @Test
    void aComputedUdpChecksumOfZeroIsSentAsAllOnes() {
        // Search for a destination port that makes the true checksum 0: the writer must store 0xffff.
        Frame f = decoded(UDP);
        boolean met = false;
        for (int port = 0; port < 0x10000 && !met; port++) {
            f.setDstPort(port);
            assertChecksumsRight(f, "port " + port);
            met = f.u16(f.l4Offset() + 6) == 0xffff;
        }
        assertTrue(met, "some port gives a computed UDP checksum of 0");
    }

    // ---------------------------------------------------------------- recomputation from scratch

    static void fixIpv4Checksum(byte[] b, int l3, int ihl) {
        b[l3 + 10] = 0;
        b[l3 + 11] = 0;
        int c = Checksums.checksum(b, l3, ihl);
        b[l3 + 10] = (byte) (c >>> 8);
        b[l3 + 11] = (byte) c;
    }

    private static void assertIpv4HeaderChecksumRight(Frame f, String where) {
        byte[] b = f.data().clone();
        int l3 = f.l3Offset();
        int ihl = (b[l3] & 0x0f) * 4;
        int stored = f.u16(l3 + 10);
        fixIpv4Checksum(b, l3, ihl);
        assertEquals(((b[l3 + 10] & 0xff) << 8) | (b[l3 + 11] & 0xff), stored, where + ": IPv4 header checksum");
    }

    /** Recomputes every checksum of the frame from scratch and compares it with the stored one. */
    static void assertChecksumsRight(Frame f, String where) {
        if (f.isIpv4()) {
            assertIpv4HeaderChecksumRight(f, where);
        }
        int l4 = f.l4Offset();
        if (l4 < 0) {
            return;
        }
        int proto = f.ipProtocol();
        int field = switch (proto) {
            case Frame.PROTO_TCP -> l4 + 16;
            case Frame.PROTO_UDP -> l4 + 6;
            case Frame.PROTO_ICMP, Frame.PROTO_ICMPV6 -> l4 + 2;
            default -> -1;
        };
        if (field < 0) {
            return;
        }
        byte[] b = f.data().clone();
        int len = f.l4Length();
        int stored = f.u16(field);
        b[field] = 0;
        b[field + 1] = 0;
        int sum;
        if (proto == Frame.PROTO_ICMP) {
            sum = 0; // ICMPv4 covers no pseudo header (RFC 792)
        } else if (f.isIpv4()) {
            sum = Checksums.pseudoHeader4(f.ipv4Src(), f.ipv4Dst(), proto, len);
        } else {
            sum = Checksums.pseudoHeader6(b, f.ipv6SrcOffset(), f.ipv6DstOffset(), proto, len);
        }
        int expected = Checksums.finish(Checksums.sum(b, l4, len, sum));
        if (proto == Frame.PROTO_UDP && expected == 0) {
            expected = 0xffff; // RFC 768
        }
        if (expected != stored) {
            fail(where + ": transport checksum 0x" + Integer.toHexString(stored) + ", recomputed 0x"
                + Integer.toHexString(expected));
        }
    }
}
