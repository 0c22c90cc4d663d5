package bng.ping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.PacketBus.BusCounters;
import bng.core.api.PacketBus.ProcessorInfo;
import bng.core.api.ProcessorProperties;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.PacketBusManager;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Katran-tester style: a real frame in, through the real bus and the real {@link EchoResponder}
 * with a real {@link AddressBook} fed a parsed configuration, and the exact bytes out (or a drop).
 * The hex frames come from an independent generator (checksums computed from scratch).
 */
class EchoResponderTest {
    static final int IN_PORT = 3;
    static final long PORT_MAC = 0x02_00_00_00_00_01L;

    /** 198.18.0.1 is network 1's real address (enabled); 198.19.0.1 is network 2's (only registered). */
    static final String CONFIG = """
        modules ping
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 {
          addr 198.18.0.0
          mask 255.255.0.0
          real 198.18.0.1
          interface 1
        }
        network 2 {
          addr 198.19.0.0
          mask 24
          real 198.19.0.1
          interface 1
        }
        register networks 1,2
        enable network 1
        """;

    /** Echo request 198.18.0.2 -> 198.18.0.1, TTL 63, id 1234 seq 1, 32 bytes of data. */
    static final String REQUEST =
        "02000000000b02000000000a08004500003c1c4640003f019353c6120002c612"
        + "00010800012b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    /** Its reply: MACs turned (source = the port's), addresses swapped, TTL 64, type 0. */
    static final String REPLY =
        "02000000000a02000000000108004500003c1c46400040019253c6120001c612"
        + "00020000092b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    /** An echo request without data, TTL 128, padded to 60 bytes. */
    static final String PADDED_REQUEST =
        "02000000000b02000000000a08004500001c1c46400080015273c6120002c612"
        + "00010800f77f00770009000000000000000000000000000000000000";
    static final String PADDED_REPLY =
        "02000000000a02000000000108004500001c1c46400040019273c6120001c612"
        + "00020000ff7f00770009000000000000000000000000000000000000";
    /** Tagged VLAN 100, TTL 255: the reply keeps the tag. */
    static final String VLAN_REQUEST =
        "02000000000b02000000000a8100006408004500003c1c464000ff01d352c612"
        + "0002c61200010800012b04d20001101112131415161718191a1b1c1d1e1f2021"
        + "22232425262728292a2b2c2d2e2f";
    static final String VLAN_REPLY =
        "02000000000a0200000000018100006408004500003c1c46400040019253c612"
        + "0001c61200020000092b04d20001101112131415161718191a1b1c1d1e1f2021"
        + "22232425262728292a2b2c2d2e2f";
    /** Echo request to 198.18.0.77, which nobody here owns. */
    static final String NOT_OWNED =
        "02000000000b02000000000a08004500003c1c46400040019207c6120002c612"
        + "004d0800012b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    /** Echo request to 198.19.0.1: a network that is registered but not enabled. */
    static final String REGISTERED_ONLY =
        "02000000000b02000000000a08004500003c1c46400040019252c6120002c613"
        + "00010800012b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    /** Echo request to 198.18.0.1 with one bit of the ICMP checksum wrong. */
    static final String BAD_ICMP_CHECKSUM =
        "02000000000b02000000000a08004500003c1c46400040019253c6120002c612"
        + "00010800002b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    /** An echo reply (type 0) to 198.18.0.1. */
    static final String ECHO_REPLY_IN =
        "02000000000b02000000000a08004500003c1c46400040019253c6120002c612"
        + "00010000092b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    /** A later fragment (offset 1480) of an ICMP datagram to 198.18.0.1. */
    static final String LATER_FRAGMENT =
        "02000000000b02000000000a0800450000341c4600b94001d1a2c6120002c612"
        + "0001101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d"
        + "2e2f";
    /** The first fragment (MF set) of an echo request to 198.18.0.1: no whole message to answer. */
    static final String FIRST_FRAGMENT =
        "02000000000b02000000000a08004500003c1c4620004001b253c6120002c612"
        + "00010800012b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";

    PacketBusManager bus;
    Dispatcher port;
    EchoResponder responder;

    @BeforeEach
    void setUp() {
        ConfigResult parsed = ConfigParser.parse("ping-test.conf", CONFIG, Configuration.empty());
        assertTrue(parsed.ok(), () -> parsed.errors().toString());
        AddressBook book = new AddressBook();
        book.configurationChanged(Configuration.empty(), parsed.configuration());

        responder = new EchoResponder();
        responder.owned = book;
        bus = new PacketBusManager();
        // The component's own service properties, as the whiteboard would read them.
        bus.add(responder, Map.of(
            ProcessorProperties.NAME, "ping.echo",
            ProcessorProperties.MODULE, "ping",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 1000,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4,
            ProcessorProperties.IP_PROTOCOL, Frame.PROTO_ICMP));
        port = bus.newDispatcher("eth0");
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    static Frame frame(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        byte[] buf = new byte[1518]; // a port's buffer is larger than the frame in it
        System.arraycopy(b, 0, buf, 0, b.length);
        return new Frame(buf, b.length);
    }

    static byte[] bytes(Frame f) {
        return Arrays.copyOf(f.data(), f.length());
    }

    /** Runs one frame through the bus; returns how many frames it says to send. */
    int run(Frame f) {
        return port.dispatch(new Frame[] {f}, 1, IN_PORT, PORT_MAC);
    }

    void assertAnswered(String request, String reply) {
        Frame f = frame(request);
        assertEquals(1, run(f));
        assertEquals(IN_PORT, f.outPort(), "the reply leaves by the port the request came in on");
        assertEquals(HexFormat.of().formatHex(HexFormat.of().parseHex(reply)), HexFormat.of().formatHex(bytes(f)));
    }

    void assertPassedUntouched(String hex) {
        Frame f = frame(hex);
        assertEquals(0, run(f));
        assertEquals(-1, f.outPort());
        assertArrayEquals(HexFormat.of().parseHex(hex), bytes(f), "the frame must not be touched");
        assertEquals(0, bus.counters().handled());
        assertEquals(1, bus.counters().unhandled());
    }

    @Test
    void anEchoRequestToAnOwnedAddressComesBackAsTheExactReply() {
        assertAnswered(REQUEST, REPLY);
        BusCounters c = bus.counters();
        assertEquals(1, c.handled());
        assertEquals(0, c.malformed());
        ProcessorInfo info = bus.processors().getFirst();
        assertEquals("ping.echo", info.name());
        assertEquals(1, info.handled());
        assertEquals(0, info.failures());
    }

    @Test
    void theReplyIsASoundFrame() {
        Frame f = frame(REQUEST);
        run(f);
        Frame again = new Frame(f.data(), f.length());
        assertEquals(Frame.OK, again.decode(), "the IPv4 header checksum must be right");
        assertEquals(0xffff, bng.core.api.Checksums.fold(
            bng.core.api.Checksums.sum(again.data(), again.l4Offset(), again.l4Length(), 0)), "ICMP checksum");
    }

    @Test
    void paddingIsLeftAsItWas() {
        assertAnswered(PADDED_REQUEST, PADDED_REPLY);
    }

    @Test
    void aTaggedRequestIsAnsweredOnItsVlan() {
        assertAnswered(VLAN_REQUEST, VLAN_REPLY);
    }

    @Test
    void theSameBufferAnswersAgainAfterRefill() {
        // A port reuses its frames burst after burst: state from the last one must not leak.
        Frame f = frame(NOT_OWNED);
        assertEquals(0, run(f));
        byte[] req = HexFormat.of().parseHex(REQUEST);
        System.arraycopy(req, 0, f.data(), 0, req.length);
        f.setLength(req.length);
        assertEquals(1, run(f));
        assertArrayEquals(HexFormat.of().parseHex(REPLY), bytes(f));
    }

    @Test
    void anEchoRequestToAnAddressNotOwnedPassesUnhandled() {
        assertPassedUntouched(NOT_OWNED);
    }

    @Test
    void aNetworkThatIsOnlyRegisteredOwnsNothing() {
        assertPassedUntouched(REGISTERED_ONLY);
    }

    @Test
    void aRequestWithABadIcmpChecksumIsDropped() {
        Frame f = frame(BAD_ICMP_CHECKSUM);
        assertEquals(0, run(f));
        assertEquals(-1, f.outPort());
        assertArrayEquals(HexFormat.of().parseHex(BAD_ICMP_CHECKSUM), bytes(f));
        assertEquals(1, bus.counters().handled(), "dropped on purpose: handled, not passed on");
        assertEquals(1, bus.processors().getFirst().handled());
    }

    @Test
    void anEchoReplyIsIgnored() {
        assertPassedUntouched(ECHO_REPLY_IN);
    }

    @Test
    void aLaterFragmentIsIgnored() {
        assertPassedUntouched(LATER_FRAGMENT);
    }

    @Test
    void aFirstFragmentIsIgnored() {
        assertPassedUntouched(FIRST_FRAGMENT);
    }

    @Test
    void aBurstIsAnsweredFrameByFrame() {
        Frame[] burst = {frame(REQUEST), frame(NOT_OWNED), frame(PADDED_REQUEST), frame(BAD_ICMP_CHECKSUM)};
        assertEquals(2, port.dispatch(burst, burst.length, IN_PORT, PORT_MAC));
        assertArrayEquals(HexFormat.of().parseHex(REPLY), bytes(burst[0]));
        assertEquals(-1, burst[1].outPort());
        assertArrayEquals(HexFormat.of().parseHex(PADDED_REPLY), bytes(burst[2]));
        assertEquals(-1, burst[3].outPort());
        assertFalse(bus.counters().processorFailures() > 0);
    }

    /** REQUEST from a group MAC (03:00:00:00:00:0a): answering would send to every member. */
    static final String GROUP_MAC_SOURCE =
        "02000000000b03000000000a08004500003c1c4640003f019353c6120002c612"
        + "00010800012b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    /** REQUEST from 224.0.0.5 (multicast) and from 127.0.0.1: sources a host never answers. */
    static final String MULTICAST_SOURCE =
        "02000000000b02000000000a08004500003c1c4640003f017962e0000005c612"
        + "00010800012b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";
    static final String LOOPBACK_SOURCE =
        "02000000000b02000000000a08004500003c1c4640003f01da667f000001c612"
        + "00010800012b04d20001101112131415161718191a1b1c1d1e1f202122232425"
        + "262728292a2b2c2d2e2f";

    @Test
    void requestsFromAGroupMacOrANonUnicastSourceAreDroppedUnanswered() {
        // Found by the bus fuzzer: the reply went back to whatever the request claimed to come
        // from, a group MAC included — a reflector for forged requests. RFC 1122 §3.2.1.3: such
        // sources are discarded.
        for (String hex : new String[] {GROUP_MAC_SOURCE, MULTICAST_SOURCE, LOOPBACK_SOURCE}) {
            Frame f = frame(hex);
            assertEquals(0, run(f), hex);
            assertEquals(-1, f.outPort());
            assertArrayEquals(HexFormat.of().parseHex(hex), bytes(f), "the frame must not be touched");
        }
        assertEquals(3, bus.counters().handled(), "dropped, not passed on");
    }
}
