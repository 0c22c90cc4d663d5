package bng.slb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import bng.core.impl.AddressBook;
import bng.core.impl.HealthBoard;
import bng.core.impl.MastershipManager;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Katran-tester style: real frames through the real bus and the real {@link ServerBalancer}, with
 * core's real session table, health board and neighbour cache fed a parsed configuration; the
 * exact bytes out, the port they leave by, or a counted drop.
 */
class ServerBalancerTest {
    static final int IN_PORT = 1;
    static final long PORT_MAC = 0x02_00_00_00_00_01L;
    static final long PORT2_MAC = 0x02_00_00_00_00_02L;
    static final long ROUTER_MAC = 0x02_00_00_00_00_0aL;
    static final int VIP = ip("198.18.0.100");
    static final int UDP_VIP = ip("198.18.0.101");
    static final int HASH_VIP = ip("198.18.0.102");
    static final int NAT_VIP = ip("198.18.0.103");
    static final int FAR_VIP = ip("198.18.0.104");
    static final int CLIENT = ip("198.18.0.16");
    /** Many clients, from a range holding none of bng's own addresses (those are dropped as forged). */
    static final int FAR_CLIENTS = ip("198.18.16.0");

    /** Network 1 on interface 1 holds targets 1..4; network 2 on interface 2 holds target 5. */
    static final String CONFIG = """
        modules slb
        interface 1 name eth0
        interface 2 name eth1
        register interfaces 1,2
        enable interfaces 1,2
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.2 interface 1 }
        network 2 { addr 198.18.1.0 mask 24 real 198.18.1.2 interface 2 }
        register networks 1,2
        enable networks 1,2
        server 1 { ipaddr 198.18.0.100 port 80 protocol tcp targets 1,2 backup 3 }
        server 2 { ipaddr 198.18.0.101 port 53 protocol udp sessionid src+port targets 1,2 }
        server 3 { ipaddr 198.18.0.102 port 80 protocol tcp method hash targets 1,2 }
        server 4 { ipaddr 198.18.0.103 port 80 protocol tcp targets 4 }
        server 5 { ipaddr 198.18.0.104 targets 5 }
        target 1 { ipaddr 198.18.0.11 tcpopen 80,3,10 dsr enable }
        target 2 { ipaddr 198.18.0.12 tcpopen 80,3,10 dsr enable }
        target 3 { ipaddr 198.18.0.13 dsr enable }
        target 4 { ipaddr 198.18.0.14 }
        target 5 { ipaddr 198.18.1.15 dsr enable }
        register servers 1,2,3,4,5
        enable servers 1,2,3,4,5
        register targets 1,2,3,4,5
        enable targets 1,2,3,4,5
        """;

    /** SYN 198.18.0.16:40000 → 198.18.0.100:80 (MSS option), from the router's MAC to bng's. */
    static final String SYN = "02000000000102000000000a08004500002c1c464000400691edc6120010c61200649c40005000001000"
        + "000000006002faf0640c0000020405b4";
    /** The same SYN leaving for target 1: destination MAC 02:00:00:00:00:11, source bng's; nothing else. */
    static final String SYN_TO_T1 = "02000000001102000000000108004500002c1c464000400691edc6120010c61200649c4000500000"
        + "1000000000006002faf0640c0000020405b4";

    PacketBusManager bus;
    Dispatcher port;
    ServerBalancer balancer;
    SessionStore sessions;
    HealthBoard health;
    NeighbourTable neighbours;

    @BeforeEach
    void setUp() {
        setUp(10_000);
    }

    void setUp(int capacity) {
        if (port != null) {
            port.close();
        }
        sessions = new SessionStore(capacity);
        health = new HealthBoard();
        neighbours = new NeighbourTable();
        for (int t = 1; t <= 4; t++) {
            neighbours.learnIpv4(ip("198.18.0.1" + t), 0x02_00_00_00_00_10L + t, 1);
        }
        neighbours.learnIpv4(ip("198.18.1.15"), 0x02_00_00_00_00_15L, 2);
        balancer = new ServerBalancer();
        balancer.sessions = sessions;
        balancer.health = health;
        balancer.neighbours = neighbours;
        balancer.ports = new PortsAdapter();
        balancer.mastership = new MastershipManager(new AddressBook()); // no vrrp: master
        AddressBook book = new AddressBook();
        book.configurationChanged(Configuration.empty(), config(CONFIG));
        balancer.owned = book;
        balancer.configurationChanged(Configuration.empty(), config(CONFIG));
        bus = new PacketBusManager();
        bus.add(balancer, Map.of(
            ProcessorProperties.NAME, "slb.balancer",
            ProcessorProperties.MODULE, "slb",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 2000,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4,
            ProcessorProperties.IP_PROTOCOL, new Integer[] {Frame.PROTO_ICMP, Frame.PROTO_TCP, Frame.PROTO_UDP}));
        port = bus.newDispatcher("eth0");
        up(1, 2, 3, 5);
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    static final class PortsAdapter implements Ports {
        @Override
        public long mac(int port) {
            return port == 1 ? PORT_MAC : port == 2 ? PORT2_MAC : -1;
        }

        @Override
        public boolean isUp(int port) {
            return port == 1 || port == 2;
        }

        @Override
        public boolean send(int port, byte[] frame, int length) {
            return false;
        }

        @Override
        public int portOfNetwork(int networkId) {
            return networkId;
        }
    }

    static Configuration config(String text) {
        ConfigResult r = ConfigParser.parse("slb-test.conf", text, Configuration.empty());
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    void up(int... targets) {
        for (int t : targets) {
            health.report(t, TargetHealth.UP, "test");
        }
    }

    void down(int... targets) {
        for (int t : targets) {
            health.report(t, TargetHealth.DOWN, "test");
        }
    }

    static Frame frame(byte[] b) {
        byte[] buf = new byte[1518];
        System.arraycopy(b, 0, buf, 0, b.length);
        return new Frame(buf, b.length);
    }

    static int sum(byte[] b, int off, int len, int s) {
        for (int i = 0; i + 1 < len; i += 2) {
            s += (b[off + i] & 0xff) << 8 | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xff) << 8;
        }
        return s;
    }

    static int fold(int s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return ~s & 0xffff;
    }

    /** An Ethernet/IPv4 frame with a TCP (flags ≥ 0) or UDP (flags -1) header, checksums computed here. */
    static byte[] packet(int src, int sport, int dst, int dport, int flags) {
        boolean tcp = flags >= 0;
        int l4len = tcp ? 20 : 8 + 4;
        byte[] b = new byte[14 + 20 + l4len];
        java.nio.ByteBuffer w = java.nio.ByteBuffer.wrap(b);
        w.putShort((short) (PORT_MAC >>> 32)).putInt((int) PORT_MAC);
        w.putShort((short) (ROUTER_MAC >>> 32)).putInt((int) ROUTER_MAC);
        w.putShort((short) 0x0800);
        w.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4len)).putShort((short) 1).putShort((short) 0x4000);
        w.put((byte) 64).put((byte) (tcp ? 6 : 17)).putShort((short) 0).putInt(src).putInt(dst);
        w.putShort(24, (short) fold(sum(b, 14, 20, 0)));
        w.putShort((short) sport).putShort((short) dport);
        if (tcp) {
            w.putInt(0x1000).putInt(flags == 0x02 ? 0 : 1).put((byte) 0x50).put((byte) flags).putShort((short) 64240);
            w.putShort((short) 0).putShort((short) 0);
        } else {
            w.putShort((short) l4len).putShort((short) 0).putInt(0x12345678);
        }
        int pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (tcp ? 6 : 17) + l4len;
        w.putShort(34 + (tcp ? 16 : 6), (short) fold(sum(b, 34, l4len, pseudo)));
        return b;
    }

    static byte[] syn(int client, int sport, int vip) {
        return packet(client, sport, vip, 80, SessionTable.TCP_SYN);
    }

    static byte[] ack(int client, int sport, int vip) {
        return packet(client, sport, vip, 80, SessionTable.TCP_ACK);
    }

    static byte[] udp(int client, int sport, int vip) {
        return packet(client, sport, vip, 53, -1);
    }

    /** Runs one frame through the bus; returns it. */
    Frame run(byte[] bytes) {
        Frame f = frame(bytes);
        port.dispatch(new Frame[] {f}, 1, IN_PORT, PORT_MAC);
        return f;
    }

    /** The target a forwarded frame went to (from its destination MAC), or -1 when not sent. */
    static int targetOf(Frame f) {
        return f.outPort() < 0 ? -1 : (int) (f.dstMac() - 0x02_00_00_00_00_10L);
    }

    int sendTo(byte[] bytes) {
        return targetOf(run(bytes));
    }

    void assertDropped(byte[] bytes) {
        Frame f = run(bytes);
        assertEquals(-1, f.outPort());
        assertArrayEquals(bytes, Arrays.copyOf(f.data(), f.length()), "a dropped frame is not touched");
    }

    int stateOf(long key) {
        int[] st = {-1};
        sessions.forEach(-1, -1, SessionTable.keyClient(key), false, (c, p, s, t, state, idle) -> {
            if (SessionTable.key(c, p, s) == key) {
                st[0] = state;
            }
        });
        return st[0];
    }

    @Test
    void aSynToTheVipLeavesForTheTargetWithOnlyTheMacsChanged() {
        Frame f = run(HexFormat.of().parseHex(SYN));
        assertEquals(IN_PORT, f.outPort(), "target 1's network lives on port 1");
        assertEquals(SYN_TO_T1, HexFormat.of().formatHex(Arrays.copyOf(f.data(), f.length())));
        assertEquals(1, sessions.lookup(SessionTable.key(CLIENT, 0, 1)), "sessionid src: keyed by the client address");
        assertEquals(new SessionTable.Counters(1, 1, 1, f.length()), sessions.serverCounters(1));
        assertEquals(1, sessions.targetCounters(1).packets());
        assertEquals(1, bus.counters().handled());
        assertEquals(1, balancer.forwarded);
    }

    @Test
    void aSourceBngOwnsOrThatIsNotUnicastIsDroppedAsForged() {
        // Found by the bus fuzzer: a SYN from the VIP to the VIP (or from bng's real address) was
        // balanced like any client's, so a target would answer itself (LAND).
        for (int src : new int[] {VIP, ip("198.18.0.2"), ip("224.0.0.5"), ip("127.0.0.1"), 0}) {
            assertDropped(syn(src, 40000, VIP));
        }
        assertEquals(5, balancer.martian);
        assertEquals(0, sessions.size(), "no session for a forged source");
    }

    @Test
    void theSameClientStaysOnItsTarget() {
        int first = sendTo(syn(CLIENT, 40000, VIP));
        assertEquals(1, first);
        assertEquals(first, sendTo(ack(CLIENT, 40000, VIP)));
        // rr would give the next new session target 2; with sessionid src a new connection keeps 1.
        assertEquals(first, sendTo(syn(CLIENT, 40001, VIP)));
        assertEquals(2, sendTo(syn(CLIENT + 1, 40000, VIP)), "another client gets the next target");
        assertEquals(2, sessions.size());
    }

    @Test
    void sessionidSrcPortKeysEachFlowOnItsOwn() {
        int a = sendTo(udp(CLIENT, 5000, UDP_VIP));
        int b = sendTo(udp(CLIENT, 5001, UDP_VIP));
        assertEquals(List.of(1, 2), List.of(a, b), "src+port: a new source port is a new session");
        assertEquals(a, sendTo(udp(CLIENT, 5000, UDP_VIP)));
        assertEquals(b, sendTo(udp(CLIENT, 5001, UDP_VIP)));
        assertEquals(1, sessions.lookup(SessionTable.key(CLIENT, 5000, 2)));
        assertEquals(SessionTable.STATE_UDP, stateOf(SessionTable.key(CLIENT, 5000, 2)));
    }

    @Test
    void roundRobinSpreadsNewClientsOverTheUpTargets() {
        int[] per = new int[6];
        for (int c = 0; c < 100; c++) {
            per[sendTo(syn(FAR_CLIENTS + c, 40000, VIP))]++;
        }
        assertEquals(50, per[1]);
        assertEquals(50, per[2]);
        assertEquals(0, per[3], "a backup takes nothing while a primary is up");
    }

    @Test
    void aTargetThatIsNotUpGetsNoNewSession() {
        health.forget(2); // unknown: never checked
        for (int c = 0; c < 10; c++) {
            assertEquals(1, sendTo(syn(CLIENT + c, 40000, VIP)));
        }
        down(1);
        up(2);
        for (int c = 10; c < 20; c++) {
            assertEquals(2, sendTo(syn(CLIENT + c, 40000, VIP)));
        }
        // A client bound to a target that went down is moved by its next SYN.
        assertEquals(2, sendTo(syn(CLIENT, 40001, VIP)));
    }

    @Test
    void backupsServeOnlyWhenEveryPrimaryIsDown() {
        down(1);
        assertEquals(2, sendTo(syn(CLIENT, 40000, VIP)));
        down(2);
        assertEquals(3, sendTo(syn(CLIENT + 1, 40000, VIP)));
        assertEquals(3, sendTo(syn(CLIENT + 2, 40000, VIP)));
        down(3);
        assertDropped(syn(CLIENT + 3, 40000, VIP));
        assertEquals(1, balancer.binder.noTarget);
        up(1);
        assertEquals(1, sendTo(syn(CLIENT + 4, 40000, VIP)), "back to the primaries");
    }

    @Test
    void aFullTableRefusesNewSessionsAndKeepsTheEstablishedOnes() {
        setUp(2);
        int a = sendTo(syn(CLIENT, 40000, VIP));
        int b = sendTo(syn(CLIENT + 1, 40000, VIP));
        assertDropped(syn(CLIENT + 2, 40000, VIP));
        assertEquals(1, balancer.binder.full);
        assertEquals(1, sessions.refused());
        assertEquals(a, sendTo(ack(CLIENT, 40000, VIP)));
        assertEquals(b, sendTo(ack(CLIENT + 1, 40000, VIP)));
    }

    @Test
    void aSegmentWithoutSynAndWithoutSessionIsDropped() {
        assertDropped(ack(CLIENT, 40000, VIP));
        assertDropped(packet(CLIENT, 40000, VIP, 80, SessionTable.TCP_SYN | SessionTable.TCP_ACK));
        assertEquals(2, balancer.binder.noSession);
        assertEquals(0, sessions.size());
        assertEquals(2, bus.counters().handled(), "dropped on purpose, not passed on");
    }

    @Test
    void finMarksTheSessionClosingAndTheFlowStillReachesItsTarget() {
        int t = sendTo(syn(CLIENT, 40000, VIP));
        long key = SessionTable.key(CLIENT, 0, 1);
        assertEquals(SessionTable.STATE_SYN, stateOf(key));
        sendTo(ack(CLIENT, 40000, VIP));
        assertEquals(SessionTable.STATE_ESTABLISHED, stateOf(key));
        assertEquals(t, sendTo(packet(CLIENT, 40000, VIP, 80, SessionTable.TCP_FIN | SessionTable.TCP_ACK)));
        assertEquals(SessionTable.STATE_CLOSING, stateOf(key));
        assertEquals(t, sendTo(ack(CLIENT, 40000, VIP)), "the last ACK still goes through");
    }

    @Test
    void idleSessionsExpire() {
        sendTo(udp(CLIENT, 5000, UDP_VIP));
        sendTo(syn(CLIENT, 40000, VIP));
        sessions.advance(31_000); // past synctimeout (30 s)
        assertEquals(1, sessions.sweepAll());
        assertEquals(-1, sessions.lookup(SessionTable.key(CLIENT, 0, 1)));
        assertDropped(ack(CLIENT, 40000, VIP));
        sessions.advance(30_000); // past udptimeout (60 s)
        assertEquals(1, sessions.sweepAll());
        assertEquals(0, sessions.size());
    }

    @Test
    void anUnresolvedTargetIsDroppedAndCounted() {
        neighbours.expire(-1_000);
        assertDropped(syn(CLIENT, 40000, VIP));
        assertEquals(1, balancer.unresolved);
    }

    @Test
    void aTargetInAnotherNetworkLeavesByThatNetworksPort() {
        byte[] in = syn(CLIENT, 40000, FAR_VIP);
        Frame f = run(in);
        assertEquals(2, f.outPort());
        assertEquals(0x02_00_00_00_00_15L, f.dstMac());
        assertEquals(PORT2_MAC, f.srcMac(), "the source MAC is the leaving port's");
        assertArrayEquals(Arrays.copyOfRange(in, 12, in.length), Arrays.copyOfRange(f.data(), 12, f.length()));
    }

    @Test
    void framesForAnythingElsePassUntouched() {
        for (byte[] b : List.of(syn(CLIENT, 40000, ip("198.18.0.99")), packet(CLIENT, 40000, VIP, 443, 2),
                udp(CLIENT, 5000, VIP))) {
            Frame f = run(b);
            assertEquals(-1, f.outPort());
            assertArrayEquals(b, Arrays.copyOf(f.data(), f.length()));
        }
        assertEquals(3, bus.counters().unhandled());
    }

    @Test
    void hashKeepsAClientOnOneTargetWithoutASession() {
        int t = sendTo(syn(CLIENT, 40000, HASH_VIP));
        for (int i = 0; i < 5; i++) {
            sessions.clear(-1);
            assertEquals(t, sendTo(syn(CLIENT, 40001 + i, HASH_VIP)), "the same client hashes to the same target");
        }
        int[] per = new int[3];
        for (int i = 0; i < 1000; i++) {
            int c = i;
            int t2 = sendTo(syn(FAR_CLIENTS + c, 40000, HASH_VIP));
            assertTrue(t2 == 1 || t2 == 2, () -> "client " + c + ": " + new StringBuilder().append(show()));
            per[t2]++;
        }
        assertTrue(per[1] > 400 && per[2] > 400, Arrays.toString(per));
    }

    @Test
    void hashMovesOnlyTheClientsOfATargetThatGoesDown() {
        int[] before = new int[1000];
        for (int c = 0; c < 1000; c++) {
            before[c] = balancer.choose(planFor(), 2, CLIENT + c);
        }
        down(2);
        for (int c = 0; c < 1000; c++) {
            int now = balancer.choose(planFor(), 2, CLIENT + c);
            assertEquals(before[c] == 2 ? 1 : before[c], now);
        }
    }

    String show() {
        StringBuilder out = new StringBuilder();
        balancer.show(List.of(), out);
        return out.toString();
    }

    private BalancePlan planFor() {
        return new BalancePlan(config(CONFIG), new java.util.ArrayList<>());
    }

    @Test
    void clearSessionsForgetsAllOrOneServer() {
        sendTo(syn(CLIENT, 40000, VIP));
        sendTo(udp(CLIENT, 5000, UDP_VIP));
        sendTo(udp(CLIENT, 5001, UDP_VIP));
        ClearSessions clear = new ClearSessions();
        clear.sessions = sessions;
        StringBuilder out = new StringBuilder();
        assertTrue(clear.execute(List.of("sessions", "server", "2"), out));
        assertEquals("2 sessions cleared\n", out.toString());
        out.setLength(0);
        assertTrue(clear.execute(List.of("sessions"), out));
        assertEquals("1 session cleared\n", out.toString());
        out.setLength(0);
        assertTrue(!clear.execute(List.of("sessions", "server", "x"), out));
        assertEquals("clear sessions server: expected a server id 1..65535, found 'x'\n", out.toString());
    }

    @Test
    void aRemovedServerTakesItsSessionsWithIt() {
        sendTo(syn(CLIENT, 40000, VIP));
        sendTo(udp(CLIENT, 5000, UDP_VIP));
        Configuration old = config(CONFIG);
        Configuration without = config(CONFIG.replace("server 2 { ipaddr 198.18.0.101 port 53 protocol udp sessionid src+port targets 1,2 }\n", "")
            .replace("servers 1,2,3,4,5", "servers 1,3,4,5"));
        balancer.configurationChanged(old, without);
        assertEquals(1, sessions.size());
        assertEquals(1, sessions.lookup(SessionTable.key(CLIENT, 0, 1)), "the other server's sessions stay");
    }

    @Test
    void theSessionsOfADownTargetMoveToAHealthyTargetOnTheirNextPacket() {
        assertEquals(1, sendTo(syn(CLIENT, 40000, VIP)));
        assertEquals(1, sendTo(ack(CLIENT, 40000, VIP)));
        assertEquals(1, sendTo(udp(CLIENT, 5000, UDP_VIP)));
        down(1);
        // TCP: the healthy target answers the stray segment with a RST, so the client learns at once.
        assertEquals(2, sendTo(ack(CLIENT, 40000, VIP)));
        assertEquals(2, sessions.lookup(SessionTable.key(CLIENT, 0, 1)), "the client is bound to target 2 now");
        assertEquals(2, sendTo(syn(CLIENT, 40001, VIP)), "its next connection stays there");
        // UDP: the flow simply continues on the healthy target.
        assertEquals(2, sendTo(udp(CLIENT, 5000, UDP_VIP)));
        assertEquals(1, balancer.binder.moved, "a UDP datagram may open a flow: it counts as a new session");
        // Target 1 comes back: new clients reach it again, the moved ones stay where they are.
        up(1);
        int[] per = new int[6];
        for (int c = 1; c <= 10; c++) {
            per[sendTo(syn(CLIENT + c, 40000, VIP))]++;
        }
        assertEquals(5, per[1]);
        assertEquals(5, per[2]);
        assertEquals(2, sendTo(ack(CLIENT, 40001, VIP)));
    }

    @Test
    void aSessionOfADownTargetWithNowhereToGoIsDropped() {
        assertEquals(1, sendTo(syn(CLIENT, 40000, VIP)));
        down(1, 2, 3);
        assertDropped(ack(CLIENT, 40000, VIP));
        assertEquals(1, balancer.binder.noTarget);
        assertEquals(-1, sessions.lookup(SessionTable.key(CLIENT, 0, 1)));
    }

    @Test
    void anUnknownTargetKeepsItsEstablishedSessionsButTakesNoNewConnection() {
        assertEquals(1, sendTo(syn(CLIENT, 40000, VIP)));
        health.forget(1); // e.g. just enabled again: not checked yet
        assertEquals(1, sendTo(ack(CLIENT, 40000, VIP)));
        assertEquals(2, sendTo(syn(CLIENT, 40001, VIP)));
        assertEquals(0, balancer.binder.moved);
    }

    @Test
    void aDisabledTargetDrainsItsSessionsAndTakesNoNewOne() {
        assertEquals(1, sendTo(syn(CLIENT, 40000, VIP)));
        assertEquals(1, sendTo(ack(CLIENT, 40000, VIP)));
        assertEquals(2, sendTo(syn(CLIENT + 1, 40000, VIP)));
        Configuration enabled = config(CONFIG);
        Configuration disabled = ConfigParser.parse("t", "disable target 1", enabled).configuration();
        balancer.configurationChanged(enabled, disabled);
        health.forget(1); // hc forgets a target that is not enabled
        for (int i = 0; i < 3; i++) {
            assertEquals(1, sendTo(ack(CLIENT, 40000, VIP)), "an established connection continues");
        }
        assertEquals(2, sendTo(syn(CLIENT + 2, 40000, VIP)), "no new client");
        assertEquals(2, sendTo(syn(CLIENT, 40001, VIP)), "no new connection of its clients either");
        assertEquals(2, sendTo(ack(CLIENT, 40001, VIP)));
        assertEquals(0, balancer.binder.moved);
        // Unregistered, it is gone: its sessions move like a dead target's.
        sessions.insert(SessionTable.key(CLIENT + 5, 0, 1), 1, true, SessionTable.TCP_SYN);
        balancer.configurationChanged(disabled, ConfigParser.parse("t", "unregister target 1", disabled).configuration());
        assertEquals(2, sendTo(ack(CLIENT + 5, 40000, VIP)));
        assertEquals(1, balancer.binder.moved);
        // Enabled again (and up), it takes new sessions again.
        balancer.configurationChanged(disabled, enabled);
        up(1);
        int[] per = new int[6];
        for (int c = 10; c < 20; c++) {
            per[sendTo(syn(CLIENT + c, 40000, VIP))]++;
        }
        assertEquals(5, per[1]);
    }

    @Test
    void twoNatServersSharingATargetAddressAndPortAndDuplicatedServersAreNoted() {
        // A web farm's usual set-up: two sites (VIPs) on the same nginx servers, NAT mode.
        String shared = """
            modules slb
            interface 1 name eth0
            register interface 1
            enable interface 1
            network 1 { addr 198.18.0.0 mask 24 real 198.18.0.2 interface 1 }
            register network 1
            enable network 1
            server 1 { ipaddr 198.18.0.100 port 80 protocol tcp targets 1,2 }
            server 2 { ipaddr 198.18.0.101 port 80 protocol tcp targets 3 }
            server 3 { ipaddr 198.18.0.102 port 80 protocol tcp sessionid src+port targets 4 }
            server 4 { ipaddr 198.18.0.103 port 80 protocol tcp sessionid src+port targets 5 }
            server 5 { ipaddr 198.18.0.103 port 80 protocol tcp sessionid src+port targets 4 }
            server 6 { ipaddr 198.18.0.103 port 81 protocol tcp sessionid src+port targets 4 }
            target 1 { ipaddr 198.18.0.11 port 80 }
            target 2 { ipaddr 198.18.0.12 port 80 }
            target 3 { ipaddr 198.18.0.12 port 80 }
            target 4 { ipaddr 198.18.0.13 port 80 }
            target 5 { ipaddr 198.18.0.13 port 80 }
            register servers 1-6
            enable servers 1-6
            register targets 1-5
            enable targets 1-5
            """;
        List<String> notes = new java.util.ArrayList<>();
        new BalancePlan(config(shared), notes);
        assertEquals(List.of("server 5 has the same ipaddr, port and protocol as server 4 (a copied block?): only one "
            + "of them can receive the packets; change one's ipaddr or port",
            "servers 1 and 2 both reach 198.18.0.12:80 in NAT mode: its replies do not tell the servers "
            + "apart, so a client with sessions on both gets them from one VIP only and its connections to the other "
            + "fail; give each server its own target port, or sessionid src+port on both, or proxy enable"), notes,
            "servers 3 and 4 (src+port on both) are told apart by the client's port; server 6 differs by its port");
    }
}
