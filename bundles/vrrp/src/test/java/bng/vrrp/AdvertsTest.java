package bng.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.impl.Dispatcher;
import bng.core.impl.PacketBusManager;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every advertisement bng sends, byte for byte, and every one it must accept or reject, through the real bus. */
class AdvertsTest {
    static final long MAC_A = 0x02_00_00_00_00_02L;
    static final long MAC_B = 0x02_00_00_00_00_04L;
    static final int A = Ipv4.parse("198.18.0.2");
    static final int B = Ipv4.parse("198.18.0.4");
    static final int VIRT = Ipv4.parse("198.18.0.3");

    final byte[] buf = new byte[Adverts.MAX_FRAME];
    final PacketBusManager bus = new PacketBusManager();
    final VrrpReceiver receiver = new VrrpReceiver();
    final Runnable remove = bus.add(receiver, Map.of(
        ProcessorProperties.NAME, "vrrp.adverts",
        ProcessorProperties.MODULE, "vrrp",
        ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
        ProcessorProperties.PRIORITY, 400,
        ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4,
        ProcessorProperties.IP_PROTOCOL, 112));
    final Dispatcher dispatcher = bus.newDispatcher("t");

    @AfterEach
    void tearDown() {
        remove.run();
    }

    String build(int version, long srcMac, long dstMac, int src, int dst, int priority) {
        Arrays.fill(buf, (byte) 0x5a); // a reused buffer: nothing of the last frame may leak
        int len = Adverts.build(buf, version, srcMac, dstMac, src, dst, 7, priority, 1, new int[] {VIRT}, 1);
        return HexFormat.of().formatHex(buf, 0, len);
    }

    @Test
    void version2AdvertIsExact() {
        assertEquals(Golden.V2, build(2, MAC_A, Adverts.GROUP_MAC, A, Adverts.GROUP, 200));
    }

    @Test
    void resignationCarriesPriorityZero() {
        assertEquals(Golden.V2_RESIGN, build(2, MAC_A, Adverts.GROUP_MAC, A, Adverts.GROUP, 0));
    }

    @Test
    void version3AdvertIsExact() {
        assertEquals(Golden.V3, build(3, MAC_A, Adverts.GROUP_MAC, A, Adverts.GROUP, 200));
    }

    @Test
    void unicastAdvertGoesToThePeer() {
        assertEquals(Golden.V2_UNICAST, build(2, MAC_A, MAC_B, A, B, 200));
    }

    @Test
    void virtualMacIsTheRfcOne() {
        assertEquals(Golden.V2_VMAC, build(2, Adverts.virtualMac(7), Adverts.GROUP_MAC, A, Adverts.GROUP, 200));
    }

    /** Runs one frame through the bus; returns whether a processor handled it. */
    boolean dispatch(String hex) {
        byte[] b = Arrays.copyOf(HexFormat.of().parseHex(hex), 9234);
        Frame f = new Frame(b, hex.length() / 2);
        dispatcher.dispatch(new Frame[] {f}, 1, 1, MAC_A);
        return true;
    }

    void expect(int version) {
        receiver.expect = new VrrpReceiver.Expect(version, 7, 1, new int[] {A});
    }

    @Test
    void aPeersAdvertIsHeard() {
        expect(2);
        dispatch(Golden.PEER_V2);
        assertEquals(1, receiver.received);
        assertEquals((101L << 32) | (B & 0xffff_ffffL), receiver.poll());
        assertEquals(0, receiver.poll(), "poll resets");
        expect(3);
        dispatch(Golden.PEER_V3);
        assertEquals((101L << 32) | (B & 0xffff_ffffL), receiver.poll());
    }

    /** Interoperability, frame by frame: keepalived's adverts are heard, and bng's are keepalived's. */
    @Test
    void keepalivedsAdvertsAreHeardAndBngSendsTheSameBytes() {
        expect(2);
        dispatch(Golden.KEEPALIVED_V2);
        assertEquals(1, receiver.received);
        assertEquals((101L << 32) | (B & 0xffff_ffffL), receiver.poll());
        expect(3);
        dispatch(Golden.KEEPALIVED_V3);
        assertEquals(2, receiver.received);
        assertEquals((101L << 32) | (B & 0xffff_ffffL), receiver.poll());
        assertEquals(0, receiver.rejected());
        // The same advert from bng: identical but for the IP id and so the header checksum (and padding).
        assertEquals(withoutIpId(Golden.KEEPALIVED_V2), withoutIpId(build(2, MAC_B, Adverts.GROUP_MAC, B, Adverts.GROUP, 100)));
        assertEquals(withoutIpId(Golden.KEEPALIVED_V3), withoutIpId(build(3, MAC_B, Adverts.GROUP_MAC, B, Adverts.GROUP, 100)));
    }

    /** Ethernet and IP through the VRRP message (the IP total length's worth), IP id and checksum blanked. */
    static String withoutIpId(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        int end = Adverts.ETH + ((b[Adverts.ETH + 2] & 0xff) << 8 | (b[Adverts.ETH + 3] & 0xff));
        b[Adverts.ETH + 4] = b[Adverts.ETH + 5] = 0;
        b[Adverts.ETH + 10] = b[Adverts.ETH + 11] = 0;
        return HexFormat.of().formatHex(b, 0, end);
    }

    @Test
    void theBestOfSeveralAdvertsIsKeptUntilPolled() {
        expect(2);
        dispatch(Golden.PEER_V2);
        expect(3);
        dispatch(Golden.PEER_V3);
        assertEquals(2, receiver.received);
        assertEquals((101L << 32) | (B & 0xffff_ffffL), receiver.poll(), "one answer for the scheduler's round");
        assertEquals(0, receiver.poll());
    }

    @Test
    void ownAdvertsAreIgnored() {
        expect(2);
        dispatch(Golden.V2);
        assertEquals(1, receiver.own);
        assertEquals(0, receiver.poll());
    }

    @Test
    void everyMalformedOrForeignAdvertIsCountedByReasonAndIgnored() {
        expect(2);
        Map<String, Integer> cases = Map.of(
            Golden.PEER_TTL254, Adverts.BAD_TTL,
            Golden.PEER_BADSUM, Adverts.BAD_CHECKSUM,
            Golden.PEER_V3, Adverts.BAD_VERSION,
            Golden.PEER_VRID8, Adverts.OTHER_VRID,
            Golden.PEER_SHORT, Adverts.BAD_LENGTH,
            Golden.PEER_AUTH1, Adverts.BAD_AUTH,
            Golden.PEER_ADVER2, Adverts.BAD_INTERVAL,
            Golden.PEER_TYPE2, Adverts.BAD_TYPE);
        cases.forEach((hex, reason) -> {
            long before = receiver.rejected[reason];
            dispatch(hex);
            assertEquals(before + 1, receiver.rejected[reason], Adverts.REASONS[reason]);
        });
        assertEquals(0, receiver.received);
        assertEquals(0, receiver.poll());
        assertEquals(7, receiver.rejected(), "other vrid is not 'bad'");
        assertEquals(8, bus.counters().handled(), "all taken off the bus");
    }

    @Test
    void aVersion3NodeRejectsVersion2() {
        expect(3);
        dispatch(Golden.PEER_V2);
        assertEquals(1, receiver.rejected[Adverts.BAD_VERSION]);
    }

    @Test
    void withoutVrrpEveryAdvertIsDropped() {
        dispatch(Golden.PEER_V2);
        assertEquals(1, receiver.rejected[Adverts.OTHER_VRID]);
    }
}
