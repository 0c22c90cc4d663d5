package bng.nat;

import static bng.nat.Packets.echo;
import static bng.nat.Packets.icmpError;
import static bng.nat.Packets.ip;
import static bng.nat.Packets.tcp;
import static bng.nat.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.MastershipManager;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import bng.rt.Router;
import bng.slb.ServerBalancer;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Golden frames through the real bus with slb (2000), nat (7000) and rt (8000) as a node of
 * reference example E1 runs them, single-legged on port 1: network 1 (198.18.0.0/24, nat outside,
 * virt 198.18.0.253, the gateway 198.18.0.254 beyond which 198.19.0.0/16 lies), network 2
 * (198.18.1.0/24, nat inside, virt 198.18.1.254, the targets' gateway). Server 1 balances
 * 198.18.0.10:80 onto target 1 (198.18.1.1:80) in NAT mode. Every expected frame is built from
 * scratch with its checksums computed over the whole frame, so equal bytes mean the incremental
 * updates came out right.
 */
class TranslatorTest {
    static final long BNG = 0x02_00_00_00_00_02L;
    static final long ROUTER_MAC = 0x02_00_00_00_00_feL;
    static final long T1_MAC = 0x02_00_00_00_01_01L;
    static final long HOST_MAC = 0x02_00_00_00_01_05L;
    static final long NEAR_MAC = 0x02_00_00_00_00_07L;
    static final int OUTSIDE = ip("198.18.0.253");
    static final int ROUTER = ip("198.18.0.254");
    static final int NEAR = ip("198.18.0.7");
    static final int FAR = ip("198.19.0.20");
    static final int FAR2 = ip("198.19.0.21");
    static final int VIP = ip("198.18.0.10");
    static final int T1 = ip("198.18.1.1");
    static final int HOST = ip("198.18.1.5");
    static final int SYN = SessionTable.TCP_SYN;
    static final int SYN_ACK = SessionTable.TCP_SYN | SessionTable.TCP_ACK;
    static final int ACK = SessionTable.TCP_ACK;

    static final String CONFIG = """
        modules slb,nat,rt
        set ipforwarding 1
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.252 virt 198.18.0.253 nat outside interface 1 }
        network 2 { addr 198.18.1.0 mask 24 real 198.18.1.253 virt 198.18.1.254 nat inside interface 1 }
        register networks 1,2
        enable networks 1,2
        gateway { ipaddr 198.18.0.254 }
        server 1 { ipaddr 198.18.0.10 port 80 protocol tcp targets 1 }
        target 1 { ipaddr 198.18.1.1 port 80 }
        register server 1
        enable server 1
        register target 1
        enable target 1
        """;

    PacketBusManager bus;
    Dispatcher port;
    SessionStore sessions;
    Translator nat;
    Router router;
    AddressBook owned;

    static Configuration config(String text) {
        ConfigResult r = ConfigParser.parse("nat-test.conf", text, Configuration.empty());
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    static void inject(Object o, String field, Object value) {
        try {
            Field f = o.getClass().getDeclaredField(field);
            f.setAccessible(true);
            f.set(o, value);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static final Ports PORTS = new Ports() {
        @Override
        public long mac(int p) {
            return p == 1 ? BNG : -1;
        }

        @Override
        public boolean isUp(int p) {
            return p == 1;
        }

        @Override
        public boolean send(int p, byte[] frame, int length) {
            return false;
        }

        @Override
        public int portOfNetwork(int networkId) {
            return 1;
        }
    };

    @BeforeEach
    void setUp() {
        Configuration c = config(CONFIG);
        sessions = new SessionStore(1000);
        sessions.configurationChanged(Configuration.empty(), c);
        owned = new AddressBook();
        owned.configurationChanged(Configuration.empty(), c);
        NeighbourTable neighbours = new NeighbourTable();
        neighbours.learnIpv4(T1, T1_MAC, 1);
        neighbours.learnIpv4(HOST, HOST_MAC, 1);
        neighbours.learnIpv4(NEAR, NEAR_MAC, 1);
        neighbours.learnIpv4(ROUTER, ROUTER_MAC, 1);
        HealthBoard health = new HealthBoard();
        health.report(1, TargetHealth.UP, "test");

        ServerBalancer slb = new ServerBalancer();
        inject(slb, "mastership", new MastershipManager(new AddressBook()));
        inject(slb, "owned", new AddressBook());
        inject(slb, "sessions", sessions);
        inject(slb, "health", health);
        inject(slb, "neighbours", neighbours);
        inject(slb, "ports", PORTS);
        slb.configurationChanged(Configuration.empty(), c);

        nat = new Translator();
        nat.sessions = sessions;
        nat.owned = owned;
        nat.configurationChanged(Configuration.empty(), c);

        router = new Router();
        inject(router, "owned", owned);
        inject(router, "neighbours", neighbours);
        inject(router, "ports", PORTS);
        router.configurationChanged(Configuration.empty(), c);

        bus = new PacketBusManager();
        bus.add(slb, props("slb.balancer", "slb", 2000, new Integer[] {Frame.PROTO_TCP, Frame.PROTO_UDP}));
        bus.add(nat, props("nat.translator", "nat", 7000, null));
        bus.add(router, props("rt.router", "rt", 8000, null));
        port = bus.newDispatcher("eth0");
    }

    static Map<String, Object> props(String name, String module, int priority, Integer[] protocols) {
        Map<String, Object> m = new java.util.HashMap<>(Map.of(
            ProcessorProperties.NAME, name,
            ProcessorProperties.MODULE, module,
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, priority,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4));
        if (protocols != null) {
            m.put(ProcessorProperties.IP_PROTOCOL, protocols);
        }
        return m;
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    Frame run(byte[] bytes) {
        byte[] buf = new byte[1518];
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        Frame f = new Frame(buf, bytes.length);
        port.dispatch(new Frame[] {f}, 1, 1, BNG);
        return f;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String hex(Frame f) {
        return hex(Arrays.copyOf(f.data(), f.length()));
    }

    /** The outside port of the mapping of {@code host:port} (TCP, UDP or ICMP id), or -1. */
    int mapped(int id, int host, int hostPort) {
        long key = SessionTable.key(host, hostPort, id);
        return sessions.find(key) < 0 ? -1 : sessions.proxyPort(key, id);
    }

    @Test
    void aConnectionFromInsideLeavesWithTheOutsideVirtAndItsRepliesComeBack() {
        Frame syn = run(tcp(BNG, HOST_MAC, HOST, 40000, FAR, 8080, SYN, 64));
        int p = mapped(SessionTable.NAT_TCP, HOST, 40000);
        assertTrue(p >= SessionTable.PROXY_PORT_FIRST && p <= 65535, "port " + p);
        assertEquals(1, syn.outPort(), "rt forwards it to the gateway");
        assertEquals(hex(tcp(ROUTER_MAC, BNG, OUTSIDE, p, FAR, 8080, SYN, 63)), hex(syn));

        Frame synAck = run(tcp(BNG, ROUTER_MAC, FAR, 8080, OUTSIDE, p, SYN_ACK, 60));
        assertEquals(1, synAck.outPort());
        assertEquals(hex(tcp(HOST_MAC, BNG, FAR, 8080, HOST, 40000, SYN_ACK, 59)), hex(synAck));

        Frame ack = run(tcp(BNG, HOST_MAC, HOST, 40000, FAR, 8080, ACK, 64));
        assertEquals(hex(tcp(ROUTER_MAC, BNG, OUTSIDE, p, FAR, 8080, ACK, 63)), hex(ack));
        assertEquals(2, nat.outbound);
        assertEquals(1, nat.inbound);
        assertEquals(1, sessions.serverCounters(SessionTable.NAT_TCP).active());
        StringBuilder show = new StringBuilder();
        nat.show(List.of(), show);
        assertTrue(show.toString().lines().anyMatch(l -> l.matches("tcp\\s+198\\.18\\.1\\.5:40000\\s+" + p + "\\s+established\\s+\\d+s")),
            show.toString());
    }

    @Test
    void mappingIsEndpointIndependentAndPortsDoNotCollide() {
        run(tcp(BNG, HOST_MAC, HOST, 40000, FAR, 8080, SYN, 64));
        run(tcp(BNG, HOST_MAC, HOST, 40001, FAR, 8080, SYN, 64));
        Frame other = run(tcp(BNG, HOST_MAC, T1, 40000, FAR, 8080, SYN, 64));
        int a = mapped(SessionTable.NAT_TCP, HOST, 40000);
        int b = mapped(SessionTable.NAT_TCP, HOST, 40001);
        int c = mapped(SessionTable.NAT_TCP, T1, 40000);
        assertNotEquals(a, b);
        assertNotEquals(a, c);
        assertNotEquals(b, c);
        assertEquals(hex(tcp(ROUTER_MAC, BNG, OUTSIDE, c, FAR, 8080, SYN, 63)), hex(other), "a target's own connection is nat's, not slb's");
        // The same inside address and port toward another destination keeps its outside port (RFC 4787 REQ-1).
        Frame again = run(tcp(BNG, HOST_MAC, HOST, 40000, FAR2, 443, SYN, 64));
        assertEquals(hex(tcp(ROUTER_MAC, BNG, OUTSIDE, a, FAR2, 443, SYN, 63)), hex(again));
        assertEquals(3, sessions.serverCounters(SessionTable.NAT_TCP).active());
    }

    @Test
    void udpAndIcmpEchoAreMappedByPortAndIdentifier() {
        Frame out = run(udp(BNG, HOST_MAC, HOST, 5353, FAR, 53, 64));
        int p = mapped(SessionTable.NAT_UDP, HOST, 5353);
        assertEquals(hex(udp(ROUTER_MAC, BNG, OUTSIDE, p, FAR, 53, 63)), hex(out));
        Frame back = run(udp(BNG, ROUTER_MAC, FAR, 53, OUTSIDE, p, 60));
        assertEquals(hex(udp(HOST_MAC, BNG, FAR, 53, HOST, 5353, 59)), hex(back));

        Frame ping = run(echo(BNG, HOST_MAC, HOST, FAR, 8, 0x4242, 64));
        int id = mapped(SessionTable.NAT_ICMP, HOST, 0x4242);
        assertTrue(id >= SessionTable.PROXY_PORT_FIRST, "identifier " + id);
        assertEquals(hex(echo(ROUTER_MAC, BNG, OUTSIDE, FAR, 8, id, 63)), hex(ping));
        Frame pong = run(echo(BNG, ROUTER_MAC, FAR, OUTSIDE, 0, id, 60));
        assertEquals(hex(echo(HOST_MAC, BNG, FAR, HOST, 0, 0x4242, 59)), hex(pong));
    }

    @Test
    void fragmentationNeededAboutAMappedFlowReachesTheInsideHostWithItsOwnHeaderQuoted() {
        byte[] original = udp(BNG, HOST_MAC, HOST, 5353, FAR, 53, 64);
        run(original);
        int p = mapped(SessionTable.NAT_UDP, HOST, 5353);
        byte[] asTheRouterSawIt = udp(BNG, ROUTER_MAC, OUTSIDE, p, FAR, 53, 63);
        Frame err = run(icmpError(BNG, ROUTER_MAC, ROUTER, OUTSIDE, 3, 4, 1280, asTheRouterSawIt, 64));
        assertEquals(1, err.outPort());
        byte[] asTheHostSentIt = udp(BNG, HOST_MAC, HOST, 5353, FAR, 53, 63);
        assertEquals(hex(icmpError(HOST_MAC, BNG, ROUTER, HOST, 3, 4, 1280, asTheHostSentIt, 63)), hex(err));
        assertEquals(1, nat.icmpErrors);
    }

    @Test
    void icmpErrorsThatQuoteNoLiveMappingOrTooLittleAreLeftAlone() {
        run(udp(BNG, HOST_MAC, HOST, 5353, FAR, 53, 64));
        int p = mapped(SessionTable.NAT_UDP, HOST, 5353);
        int other = p == 65535 ? 1024 : p + 1;
        Frame unmapped = run(icmpError(BNG, ROUTER_MAC, ROUTER, OUTSIDE, 3, 3, 0, udp(BNG, ROUTER_MAC, OUTSIDE, other, FAR, 53, 63), 64));
        assertEquals(-1, unmapped.outPort());
        byte[] badIhl = udp(BNG, ROUTER_MAC, OUTSIDE, p, FAR, 53, 63);
        badIhl[14] = 0x42; // IHL 2: no header to speak of
        Frame bad = run(icmpError(BNG, ROUTER_MAC, ROUTER, OUTSIDE, 3, 3, 0, badIhl, 64));
        assertEquals(-1, bad.outPort());
        byte[] shortQuote = icmpError(BNG, ROUTER_MAC, ROUTER, OUTSIDE, 3, 4, 1280, udp(BNG, ROUTER_MAC, OUTSIDE, p, FAR, 53, 63), 64);
        shortQuote = Arrays.copyOf(shortQuote, shortQuote.length - 8); // the quoted UDP header cut off
        java.nio.ByteBuffer.wrap(shortQuote).putShort(16, (short) (shortQuote.length - 14)).putShort(24, (short) 0)
            .putShort(24, (short) Packets.fold(Packets.sum(shortQuote, 14, 20)));
        Frame cut = run(shortQuote);
        assertEquals(-1, cut.outPort());
        assertEquals(0, nat.icmpErrors);
    }

    @Test
    void anInsideHostsPortUnreachableAboutAnInboundDatagramLeavesTranslated() {
        run(udp(BNG, HOST_MAC, HOST, 5353, FAR, 53, 64));
        int p = mapped(SessionTable.NAT_UDP, HOST, 5353);
        byte[] asTheHostGotIt = udp(HOST_MAC, BNG, FAR, 53, HOST, 5353, 59);
        Frame err = run(icmpError(BNG, HOST_MAC, HOST, FAR, 3, 3, 0, asTheHostGotIt, 64));
        byte[] asItCameIn = udp(BNG, ROUTER_MAC, FAR, 53, OUTSIDE, p, 59);
        assertEquals(hex(icmpError(ROUTER_MAC, BNG, OUTSIDE, FAR, 3, 3, 0, asItCameIn, 63)), hex(err));
    }

    @Test
    void vipTrafficAndTheTargetsRepliesStaySlbs() {
        Frame req = run(tcp(BNG, ROUTER_MAC, FAR, 33000, VIP, 80, SYN, 60));
        assertEquals(hex(tcp(T1_MAC, BNG, FAR, 33000, T1, 80, SYN, 60)), hex(req), "slb's NAT mode: destination rewritten");
        Frame reply = run(tcp(BNG, T1_MAC, T1, 80, FAR, 33000, SYN_ACK, 64));
        assertEquals(hex(tcp(ROUTER_MAC, BNG, VIP, 80, FAR, 33000, SYN_ACK, 64)), hex(reply), "the VIP as source, not nat's virt");
        assertEquals(0, nat.outbound);
        assertEquals(0, sessions.serverCounters(SessionTable.NAT_TCP).active());
    }

    @Test
    void whatDoesNotCrossFromInsideToOutsideIsRoutedAsItIs() {
        Frame in = run(udp(BNG, NEAR_MAC, NEAR, 5000, HOST, 53, 64));
        assertEquals(hex(udp(HOST_MAC, BNG, NEAR, 5000, HOST, 53, 63)), hex(in), "outside → inside: routed, untouched");
        Frame stray = run(udp(BNG, ROUTER_MAC, FAR, 53, OUTSIDE, 40000, 60));
        assertEquals(-1, stray.outPort(), "no mapping on that port: nobody's");
        Frame midFlow = run(tcp(BNG, HOST_MAC, HOST, 41000, FAR, 8080, ACK, 64));
        assertEquals(-1, midFlow.outPort(), "TCP without a mapping starts only with a SYN");
        assertEquals(1, nat.noMapping);
        Frame ttl = run(udp(BNG, HOST_MAC, HOST, 5000, FAR, 53, 1));
        assertEquals(1, ttl.outPort(), "TTL 1: rt's time exceeded back to the host");
        assertEquals(HOST, ttl.ipv4Dst());
        assertEquals(0, sessions.serverCounters(SessionTable.NAT_UDP).active());
    }

    @Test
    void expiredMappingsTranslateNothingAndShowSessionsLeavesThemToShowNat() {
        run(udp(BNG, HOST_MAC, HOST, 5353, FAR, 53, 64));
        int p = mapped(SessionTable.NAT_UDP, HOST, 5353);
        sessions.advance(61_000); // udptimeout 60 s
        sessions.sweepAll();
        Frame late = run(udp(BNG, ROUTER_MAC, FAR, 53, OUTSIDE, p, 60));
        assertEquals(-1, late.outPort());
        assertEquals(0, sessions.serverCounters(SessionTable.NAT_UDP).active());
    }

    @Test
    void aBackupNodeTranslatesNothing() {
        MastershipManager vrrp = new MastershipManager(owned);
        Configuration c = config(CONFIG.replace("modules slb,nat,rt", "modules vrrp,slb,nat,rt") + "vrrp { vrid 1 priority 100 network 1 }\n");
        owned.configurationChanged(Configuration.empty(), c);
        vrrp.configurationChanged(Configuration.empty(), c);
        vrrp.report(bng.core.api.Mastership.State.BACKUP, "test");
        Frame f = run(udp(BNG, HOST_MAC, HOST, 5353, FAR, 53, 64));
        assertEquals(-1, f.outPort());
        assertEquals(1, nat.notOwner);
    }
}
