package bng.arp;

import static bng.arp.Fixtures.golden;
import static bng.arp.Fixtures.hex;
import static bng.arp.Fixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.PacketContext;
import bng.core.api.ProcessorProperties;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Katran-tester style: real ARP frames through the real bus and the real {@link ArpResponder},
 * with core's real {@link AddressBook} and {@link NeighbourTable}; exact bytes out.
 */
class ArpResponderTest {
    static final int IN_PORT = 1;
    static final long PORT_MAC = 0x02_00_00_00_00_01L;
    static final String PAD = "00".repeat(18);

    /** who-has 198.18.0.1 (network 1's real) tell 198.18.0.10 at 02:00:00:00:00:0a. */
    static final String REQUEST =
        "ffffffffffff 02000000000a 0806 0001 0800 06 04 0001 02000000000a c612000a 000000000000 c6120001";
    /** 198.18.0.1 is-at the port's MAC, to the asker. */
    static final String REPLY =
        "02000000000a 020000000001 0806 0001 0800 06 04 0002 020000000001 c6120001 02000000000a c612000a";
    /** VLAN 100, who-has 198.18.0.100 (server 1's VIP): the reply keeps the tag. */
    static final String VLAN_REQUEST =
        "ffffffffffff 02000000000a 8100 0064 0806 0001 0800 0604 0001 02000000000a c612000a 000000000000 c6120064";
    static final String VLAN_REPLY =
        "02000000000a 020000000001 8100 0064 0806 0001 0800 0604 0002 020000000001 c6120064 02000000000a c612000a";
    /** who-has 198.18.0.11 (a target, not ours) tell 198.18.0.10. */
    static final String NOT_OWNED =
        "ffffffffffff 02000000000a 0806 0001 0800 0604 0001 02000000000a c612000a 000000000000 c612000b";
    /** 198.18.0.11 is-at 02:00:00:00:00:0b, answering our request from 198.18.0.1. */
    static final String REPLY_IN =
        "020000000001 02000000000b 0806 0001 0800 0604 0002 02000000000b c612000b 020000000001 c6120001";
    /** Gratuitous ARP (RFC 5227 §3): 198.18.0.11 moved to 02:00:00:00:00:1b. */
    static final String MOVED =
        "ffffffffffff 02000000001b 0806 0001 0800 0604 0001 02000000001b c612000b 000000000000 c612000b";
    /** A host claiming our virt 198.18.0.2 as its sender while asking for 198.18.0.11. */
    static final String OWN_SENDER_REQUEST =
        "ffffffffffff 02000000000c 0806 0001 0800 0604 0001 02000000000c c6120002 000000000000 c612000b";
    /** A reply claiming our real 198.18.0.1 is at 02:00:00:00:00:0c. */
    static final String OWN_SENDER_REPLY =
        "020000000001 02000000000c 0806 0001 0800 0604 0002 02000000000c c6120001 020000000001 c6120001";
    /** RFC 5227 §2.1.1 probe for 198.18.0.1 (sender address 0): answered in defence, not learnt. */
    static final String PROBE =
        "ffffffffffff 02000000000d 0806 0001 0800 0604 0001 02000000000d 00000000 000000000000 c6120001";
    static final String PROBE_REPLY =
        "02000000000d 020000000001 0806 0001 0800 0604 0002 020000000001 c6120001 02000000000d 00000000";
    /** A group MAC as sender: neither learnt nor answered. */
    static final String MULTICAST_SENDER =
        "ffffffffffff 03000000000e 0806 0001 0800 0604 0001 03000000000e c612000e 000000000000 c6120001";
    /** Opcode 3 (RARP's, RFC 903) inside an ARP ethertype: not ours to handle. */
    static final String OPCODE_3 =
        "ffffffffffff 02000000000a 0806 0001 0800 0604 0003 02000000000a c612000a 000000000000 c6120001";

    PacketBusManager bus;
    Dispatcher port;
    ArpResponder responder;
    NeighbourTable cache;
    AddressBook book;

    @BeforeEach
    void setUp() {
        book = new AddressBook();
        book.configurationChanged(Configuration.empty(), Fixtures.config());
        cache = new NeighbourTable();
        responder = new ArpResponder();
        responder.owned = book;
        responder.neighbours = cache;
        responder.configurationChanged(Configuration.empty(), Fixtures.config());
        bus = new PacketBusManager();
        // The component's own service properties, as the whiteboard would read them.
        bus.add(responder, Map.of(
            ProcessorProperties.NAME, "arp.responder",
            ProcessorProperties.MODULE, "arp",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 1000,
            ProcessorProperties.ETHERTYPE, Frame.ETH_ARP));
        port = bus.newDispatcher("eth0");
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    static Frame frame(String spaced) {
        byte[] b = HexFormat.of().parseHex(spaced.replace(" ", ""));
        byte[] buf = new byte[1518];
        System.arraycopy(b, 0, buf, 0, b.length);
        return new Frame(buf, b.length);
    }

    static String out(Frame f) {
        return hex(Arrays.copyOf(f.data(), f.length()));
    }

    int run(Frame f) {
        return port.dispatch(new Frame[] {f}, 1, IN_PORT, PORT_MAC);
    }

    void assertAnswered(String request, String reply) {
        Frame f = frame(request);
        assertEquals(1, run(f));
        assertEquals(IN_PORT, f.outPort(), "the reply leaves by the port the request came in on");
        assertEquals(golden(reply, 0), out(f));
    }

    void assertUnhandledUntouched(String spaced) {
        Frame f = frame(spaced);
        assertEquals(0, run(f));
        assertEquals(-1, f.outPort());
        assertEquals(golden(spaced, 0), out(f), "the frame must not be touched");
        assertEquals(0, bus.counters().handled());
        assertEquals(1, bus.counters().unhandled());
    }

    @Test
    void aRequestForAnOwnedAddressComesBackAsTheExactReply() {
        assertAnswered(REQUEST, REPLY);
        assertEquals(1, bus.counters().handled());
        assertEquals(1, bus.processors().getFirst().handled());
        assertEquals(0x02_00_00_00_00_0aL, cache.lookupIpv4(ip(198, 18, 0, 10)), "the asker is learnt too");
        assertEquals(IN_PORT, cache.portOfIpv4(ip(198, 18, 0, 10)));
    }

    @Test
    void paddingIsLeftAsItWas() {
        assertAnswered(REQUEST + PAD, REPLY + PAD);
    }

    @Test
    void aTaggedRequestForAVipIsAnsweredOnItsVlan() {
        assertAnswered(VLAN_REQUEST, VLAN_REPLY);
    }

    @Test
    void aProbeForOurAddressIsDefendedAndNotLearnt() {
        assertAnswered(PROBE, PROBE_REPLY);
        assertTrue(cache.entries().isEmpty());
    }

    @Test
    void aRequestForAnotherAddressPassesUnhandledAndItsSenderIsLearnt() {
        assertUnhandledUntouched(NOT_OWNED);
        assertEquals(0x02_00_00_00_00_0aL, cache.lookupIpv4(ip(198, 18, 0, 10)));
        assertEquals(IN_PORT, cache.portOfIpv4(ip(198, 18, 0, 10)));
        assertEquals(1, cache.entries().size());
    }

    @Test
    void aReplyIsLearntAndConsumed() {
        Frame f = frame(REPLY_IN);
        assertEquals(0, run(f), "consumed: goes nowhere");
        assertEquals(-1, f.outPort());
        assertEquals(1, bus.counters().handled());
        assertEquals(0x02_00_00_00_00_0bL, cache.lookupIpv4(ip(198, 18, 0, 11)));
        assertEquals(IN_PORT, cache.portOfIpv4(ip(198, 18, 0, 11)));
        assertFalse(cache.entries().getFirst().isStatic());
    }

    /** 198.19.0.12 (network 2's target, on port 2) is-at 02:00:00:00:00:0c — sent on port 1. */
    static final String OTHER_PORTS_SENDER =
        "020000000001 02000000000c 0806 0001 0800 0604 0002 02000000000c c613000c 020000000001 c6120001";
    /** who-has 198.18.0.1 tell 198.19.5.5: a sender in no configured network. */
    static final String OFF_LINK_SENDER =
        "ffffffffffff 02000000000a 0806 0001 0800 0604 0001 02000000000a c6130505 000000000000 c6120001";
    static final String OFF_LINK_REPLY =
        "02000000000a 020000000001 0806 0001 0800 0604 0002 020000000001 c6120001 02000000000a c6130505";

    @Test
    void aSenderOfAnotherPortsNetworkIsNotLearnt() {
        // Found by the bus fuzzer: a claim for a target of network 2 arriving on network 1's port
        // moved that target to port 1, and slb sent its clients out of port 2 to that MAC.
        run(frame(OTHER_PORTS_SENDER));
        assertEquals(1, bus.counters().handled(), "still consumed");
        assertTrue(cache.entries().isEmpty(), cache::toString);
    }

    @Test
    void aSenderInNoNetworkIsAnsweredButNotLearnt() {
        assertAnswered(OFF_LINK_SENDER, OFF_LINK_REPLY);
        assertTrue(cache.entries().isEmpty(), cache::toString);
    }

    @Test
    void nothingIsLearntBeforeAConfigurationArrives() {
        responder.configurationChanged(Fixtures.config(), Configuration.empty());
        run(frame(REPLY_IN));
        assertTrue(cache.entries().isEmpty(), cache::toString);
    }

    @Test
    void aGratuitousArpMovesTheNeighbour() {
        run(frame(REPLY_IN));
        assertEquals(0, run(frame(MOVED)));
        assertEquals(0x02_00_00_00_00_1bL, cache.lookupIpv4(ip(198, 18, 0, 11)));
        assertEquals(1, cache.entries().size());
    }

    @Test
    void ourOwnAddressAsSenderIsNeverLearnt() {
        assertUnhandledUntouched(OWN_SENDER_REQUEST);
        Frame f = frame(OWN_SENDER_REPLY);
        assertEquals(0, run(f));
        assertEquals(1, bus.counters().handled(), "a reply is consumed even when it teaches nothing");
        assertTrue(cache.entries().isEmpty(), cache::toString);
        assertEquals(-1, cache.lookupIpv4(ip(198, 18, 0, 1)));
        assertEquals(-1, cache.lookupIpv4(ip(198, 18, 0, 2)));
    }

    @Test
    void aGroupMacAsSenderIsNeitherLearntNorAnswered() {
        assertUnhandledUntouched(MULTICAST_SENDER);
        assertTrue(cache.entries().isEmpty());
    }

    @Test
    void anUnknownOpcodeIsIgnored() {
        assertUnhandledUntouched(OPCODE_3);
        assertTrue(cache.entries().isEmpty());
    }

    @Test
    void aTruncatedArpNeverReachesTheResponder() {
        Frame f = frame(REQUEST.replace(" ", "").substring(0, 60)); // 30 bytes: ARP body cut short
        assertEquals(0, run(f));
        assertEquals(1, bus.counters().malformed());
        assertEquals(1, bus.counters().malformedByReason()[Frame.ERR_BAD_ARP]);
        assertEquals(0, bus.processors().getFirst().packets());
    }

    @Test
    void theResponderIsRobustOnItsOwnAgainstAnyFrame() {
        // Called directly, bypassing the bus's checks: random bytes under the ARP ethertype, of
        // every length, decoded or not. Nothing may throw; nothing malformed may be learnt.
        Random random = new Random(826);
        BareContext ctx = new BareContext();
        for (int i = 0; i < 20_000; i++) {
            byte[] buf = new byte[64];
            random.nextBytes(buf);
            buf[12] = 0x08;
            buf[13] = 0x06;
            if (random.nextBoolean()) { // often a well-formed header, so the body gets exercised
                byte[] head = HexFormat.of().parseHex("000108000604");
                System.arraycopy(head, 0, buf, 14, head.length);
                buf[20] = 0;
                buf[21] = (byte) (1 + random.nextInt(3));
            }
            Frame f = new Frame(buf, random.nextInt(65));
            if (random.nextInt(4) != 0) {
                f.decode();
            }
            ctx.reset(f);
            responder.process(ctx);
        }
        for (var e : cache.entries()) {
            assertFalse(bng.core.api.Macs.isMulticast(e.mac()));
            assertFalse(book.ownsIpv4(toInt(e.address())));
            assertTrue(toInt(e.address()) != 0);
        }
    }

    @Test
    void answeringAndLearningAllocateNothingPerFrame() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] request = HexFormat.of().parseHex(REQUEST.replace(" ", ""));
        byte[] other = HexFormat.of().parseHex(NOT_OWNED.replace(" ", ""));
        byte[] reply = HexFormat.of().parseHex(REPLY_IN.replace(" ", ""));
        Frame[] burst = {new Frame(1518), new Frame(1518), new Frame(1518)};
        Runnable round = () -> {
            fill(burst[0], request);
            fill(burst[1], other);
            fill(burst[2], reply);
            port.dispatch(burst, 3, IN_PORT, PORT_MAC);
        };
        for (int i = 0; i < 20_000; i++) { // warm up, and learn both senders once
            round.run();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            round.run();
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes for 300000 frames");
    }

    private static void fill(Frame f, byte[] b) {
        System.arraycopy(b, 0, f.data(), 0, b.length);
        f.setLength(b.length);
    }

    private static int toInt(java.net.InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** A bare context for calling the processor outside the bus. */
    static final class BareContext implements PacketContext {
        Frame frame;
        boolean handled;

        void reset(Frame f) {
            frame = f;
            handled = false;
        }

        @Override public Frame frame() { return frame; }
        @Override public int inPort() { return IN_PORT; }
        @Override public long inPortMac() { return PORT_MAC; }
        @Override public boolean isHandled() { return handled; }
        @Override public void send(int port) { handled = true; }
        @Override public void reply() { handled = true; }
        @Override public void consume() { handled = true; }
        @Override public void drop() { handled = true; }
    }
}
