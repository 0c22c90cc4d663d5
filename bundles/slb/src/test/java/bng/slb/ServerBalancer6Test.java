package bng.slb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.config.IpAddresses;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IPv6 DSR through the real bus and the real {@link ServerBalancer6}, with core's real session
 * table, health board and neighbour cache: exact bytes out (golden frames from
 * tools/golden/icmpv6.py), the port, or a counted drop.
 */
class ServerBalancer6Test {
    static final long PORT_MAC = ServerBalancerTest.PORT_MAC;

    static final String CONFIG = """
        modules slb
        interface 1 name eth0
        interface 2 name eth1
        register interfaces 1,2
        enable interfaces 1,2
        network 1 { mask6 64 real6 2001:db8::1 interface 1 }
        network 2 { mask6 64 real6 2001:db8:1::1 interface 2 }
        register networks 1,2
        enable networks 1,2
        server 1 { ipaddr6 2001:db8::100 port 80 protocol tcp targets 1,2 }
        server 2 { ipaddr6 2001:db8::101 port 80 protocol tcp method hash targets 1,2 }
        server 3 { ipaddr6 2001:db8::102 port 53 protocol udp sessionid src+port targets 1,2 }
        server 4 { ipaddr6 2001:db8::103 port 80 protocol tcp targets 3 }
        server 5 { ipaddr6 2001:db8::104 targets 5 }
        server 6 { ipaddr6 2001:db8::105 port 53 protocol udp sessionid src+port targets 6 }
        server 7 { ipaddr6 2001:db8::106 port 80 protocol tcp proxy enable prx6 2001:db8::fe targets 3 }
        target 1 { ipaddr6 2001:db8::11 dsr enable }
        target 2 { ipaddr6 2001:db8::12 dsr enable }
        target 3 { ipaddr6 2001:db8::13 port 8080 }
        target 5 { ipaddr6 2001:db8:1::15 dsr enable }
        target 6 { ipaddr6 2001:db8::16 }
        register servers 1,2,3,4,5,6,7
        enable servers 1,2,3,4,5,6,7
        register targets 1,2,3,5,6
        enable targets 1,2,3,5,6
        """;

    /** SYN [2001:db8::a0]:40000 → [2001:db8::100]:80 from the router's MAC to bng's. */
    static final String SYN = "02000000000102000000000a86dd600000000018064020010db80000000000000000000000a020010db80000000000000000000001009c40005000001000000000006002fd2091770000020405a0";
    /** The same SYN leaving for target 1: destination MAC 02:00:00:00:00:11, source bng's; nothing else. */
    static final String SYN_TO_T1 = "02000000001102000000000186dd600000000018064020010db80000000000000000000000a020010db80000000000000000000001009c40005000001000000000006002fd2091770000020405a0";

    PacketBusManager bus;
    Dispatcher port;
    ServerBalancer6 balancer;
    SessionStore sessions;
    HealthBoard health;
    NeighbourTable neighbours;

    @BeforeEach
    void setUp() {
        sessions = new SessionStore(10_000);
        health = new HealthBoard();
        neighbours = new NeighbourTable();
        learn("2001:db8::11", 0x02_00_00_00_00_11L, 1);
        learn("2001:db8::12", 0x02_00_00_00_00_12L, 1);
        learn("2001:db8::13", 0x02_00_00_00_00_13L, 1);
        learn("2001:db8:1::15", 0x02_00_00_00_00_15L, 2);
        learn("2001:db8::16", 0x02_00_00_00_00_16L, 1);
        learn("2001:db8::a0", 0x02_00_00_00_00_0aL, 1);
        balancer = balancer(sessions, health, neighbours, CONFIG);
        bus = new PacketBusManager();
        add(bus, balancer);
        port = bus.newDispatcher("eth0");
        for (int t : new int[] {1, 2, 3, 5, 6}) {
            health.report(t, TargetHealth.UP, "test");
        }
    }

    /** A balancer on core's real session table, health board and neighbour cache, configured; master, owning nothing. */
    static ServerBalancer6 balancer(SessionStore sessions, HealthBoard health, NeighbourTable neighbours, String config) {
        ServerBalancer6 b = new ServerBalancer6();
        b.sessions = sessions;
        b.health = health;
        b.neighbours = neighbours;
        b.ports = new ServerBalancerTest.PortsAdapter();
        b.mastership = new bng.core.impl.MastershipManager(new bng.core.impl.AddressBook()); // no vrrp: master
        b.owned = new bng.core.impl.AddressBook(); // no source the balancer must refuse as its own
        b.configurationChanged(Configuration.empty(), ServerBalancerTest.config(config));
        return b;
    }

    /** Adds the balancer to the bus with its component's properties. */
    static void add(PacketBusManager bus, ServerBalancer6 b) {
        bus.add(b, Map.of(
            ProcessorProperties.NAME, "slb.balancer6",
            ProcessorProperties.MODULE, "slb",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 2000,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV6,
            ProcessorProperties.IP_PROTOCOL, new Integer[] {Frame.PROTO_TCP, Frame.PROTO_UDP, Frame.PROTO_ICMPV6}));
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    void learn(String ip, long mac, int port) {
        neighbours.learnIpv6(IpAddresses.parseIpv6(ip).getAddress(), 0, mac, port);
    }

    /** An Ethernet/IPv6 TCP (flags ≥ 0) or UDP (flags -1) frame; checksums as a client would send them. */
    static byte[] packet(String src, int sport, String dst, int dport, int flags) {
        boolean tcp = flags >= 0;
        int l4len = tcp ? 20 : 12;
        byte[] b = new byte[14 + 40 + l4len];
        java.nio.ByteBuffer w = java.nio.ByteBuffer.wrap(b);
        w.putShort((short) (PORT_MAC >>> 32)).putInt((int) PORT_MAC);
        w.putShort((short) 0x0200).putInt(0x0000000a);
        w.putShort((short) 0x86dd);
        w.putInt(0x6000_0000).putShort((short) l4len).put((byte) (tcp ? 6 : 17)).put((byte) 64);
        w.put(IpAddresses.parseIpv6(src).getAddress()).put(IpAddresses.parseIpv6(dst).getAddress());
        w.putShort((short) sport).putShort((short) dport);
        if (tcp) {
            w.putInt(0x1000).putInt(0).put((byte) 0x50).put((byte) flags).putShort((short) 64800).putInt(0);
        } else {
            w.putShort((short) l4len).putShort((short) 0).putInt(0x12345678);
        }
        int pseudo = ServerBalancerTest.sum(b, 22, 32, 0) + l4len + (tcp ? 6 : 17);
        int c = ServerBalancerTest.fold(ServerBalancerTest.sum(b, 54, l4len, pseudo));
        b[54 + (tcp ? 16 : 6)] = (byte) (c >>> 8);
        b[54 + (tcp ? 17 : 7)] = (byte) c;
        return b;
    }

    Frame run(byte[] bytes) {
        Frame f = ServerBalancerTest.frame(bytes);
        port.dispatch(new Frame[] {f}, 1, 1, PORT_MAC);
        return f;
    }

    static String hex(Frame f) {
        return HexFormat.of().formatHex(Arrays.copyOf(f.data(), f.length()));
    }

    /** The target a frame left for, by its destination MAC's last byte (0x11 → 1), or -1. */
    static int targetOf(Frame f) {
        return f.outPort() < 0 ? -1 : (f.data()[5] & 0xff) - 0x10;
    }

    @Test
    void aSynToTheVipLeavesForATargetWithOnlyTheMacsChanged() {
        Frame f = run(HexFormat.of().parseHex(SYN));
        assertEquals(1, f.outPort());
        assertEquals(SYN_TO_T1, hex(f));
        assertEquals(1, balancer.binder.newSessions);
        assertEquals(1, sessions.size());
    }

    @Test
    void roundRobinAlternatesAndEachClientSticks() {
        int a = targetOf(run(packet("2001:db8::a1", 40000, "2001:db8::100", 80, 0x02)));
        int b = targetOf(run(packet("2001:db8::a2", 40000, "2001:db8::100", 80, 0x02)));
        assertEquals(Set.of(1, 2), Set.of(a, b));
        for (int i = 0; i < 3; i++) {
            assertEquals(a, targetOf(run(packet("2001:db8::a1", 40001 + i, "2001:db8::100", 80, 0x10))),
                "sessionid src: every connection of the client to its target");
            assertEquals(a, targetOf(run(packet("2001:db8::a1", 40001 + i, "2001:db8::100", 80, 0x02))));
        }
    }

    @Test
    void aSegmentWithoutASessionIsDropped() {
        Frame f = run(packet("2001:db8::a1", 40000, "2001:db8::100", 80, 0x10));
        assertEquals(-1, f.outPort());
        assertEquals(1, balancer.binder.noSession);
    }

    @Test
    void aTargetThatGoesDownLosesItsNewFlows() {
        int a = targetOf(run(packet("2001:db8::a1", 40000, "2001:db8::100", 80, 0x02)));
        health.report(a, TargetHealth.DOWN, "test");
        int again = targetOf(run(packet("2001:db8::a1", 40001, "2001:db8::100", 80, 0x02)));
        assertNotEquals(a, again);
        assertTrue(again == 1 || again == 2);
        health.report(again, TargetHealth.DOWN, "test");
        assertEquals(-1, run(packet("2001:db8::a1", 40002, "2001:db8::100", 80, 0x02)).outPort());
        assertEquals(1, balancer.binder.noTarget);
    }

    @Test
    void hashSpreadsClientsOverBothTargetsAndKeepsEachOnOne() {
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 1; i <= 200; i++) {
            String client = "2001:db8::" + Integer.toHexString(0x1000 + i);
            int t = targetOf(run(packet(client, 40000, "2001:db8::101", 80, 0x02)));
            seen.merge(t, 1, Integer::sum);
            sessions.clear(2); // a fresh choice each time: the Maglev table, not the session, decides
            assertEquals(t, targetOf(run(packet(client, 40001, "2001:db8::101", 80, 0x02))));
            sessions.clear(2);
        }
        assertEquals(Set.of(1, 2), seen.keySet());
        assertTrue(seen.get(1) > 60 && seen.get(2) > 60, seen.toString());
    }

    @Test
    void udpWithSessionIdSrcPortBindsEachFlow() {
        Set<Integer> targets = new HashSet<>();
        for (int p = 0; p < 4; p++) {
            Frame f = run(packet("2001:db8::a1", 50000 + p, "2001:db8::102", 53, -1));
            targets.add(targetOf(f));
        }
        assertEquals(Set.of(1, 2), targets, "rr over flows, not clients");
        assertEquals(4, sessions.size());
    }

    /** Golden frames of NAT over IPv6 (tools/golden/icmpv6.py: its own checksums over the IPv6 pseudo header). */
    static final String NAT6_SYN = "02000000000102000000000a86dd600000000018064020010db80000000000000000000000a020010db80000000000000000000001039c40005000001000000000006002fd2091740000020405a0";
    static final String NAT6_SYN_TO_T3 = "02000000001302000000000186dd600000000018064020010db80000000000000000000000a020010db80000000000000000000000139c401f9000001000000000006002fd2073240000020405a0";
    static final String NAT6_SYNACK = "02000000000102000000001386dd600000000018064020010db800000000000000000000001320010db80000000000000000000000a01f909c4000002000000010016012fd2053130000020405a0";
    static final String NAT6_SYNACK_OUT = "02000000000a02000000000186dd600000000018064020010db800000000000000000000010320010db80000000000000000000000a000509c4000002000000010016012fd2071630000020405a0";
    static final String NAT6_UDP = "02000000000102000000000a86dd600000000011114020010db80000000000000000000000a020010db8000000000000000000000105c35000350011e56e7175657374696f6e3f";
    static final String NAT6_UDP_TO_T6 = "02000000001602000000000186dd600000000011114020010db80000000000000000000000a020010db8000000000000000000000016c35000350011e65d7175657374696f6e3f";
    static final String NAT6_UDP_REPLY = "02000000000102000000001686dd60000000000f114020010db800000000000000000000001620010db80000000000000000000000a00035c350000f84ca616e7377657221";
    static final String NAT6_UDP_REPLY_OUT = "02000000000a02000000000186dd60000000000f114020010db800000000000000000000010520010db80000000000000000000000a00035c350000f83db616e7377657221";

    Frame runHex(String hex) {
        return run(HexFormat.of().parseHex(hex));
    }

    /** The transport checksum over the IPv6 pseudo header verifies (RFC 8200 §8.1): the complemented sum is 0. */
    static void assertChecksumVerifies(Frame f) {
        byte[] b = f.data();
        int l4len = f.l3End() - f.l4Offset();
        int sum = ServerBalancerTest.sum(b, f.ipv6SrcOffset(), 32, 0) + l4len + f.ipProtocol();
        assertEquals(0, ServerBalancerTest.fold(ServerBalancerTest.sum(b, f.l4Offset(), l4len, sum)), hex(f));
    }

    @Test
    void natRewritesTheDestinationToTheTargetsAddressAndPort() {
        Frame f = runHex(NAT6_SYN);
        assertEquals(1, f.outPort());
        assertEquals(NAT6_SYN_TO_T3, hex(f));
        assertChecksumVerifies(f);
        assertEquals(1, balancer.forwarded);
    }

    @Test
    void natRepliesGetTheVipAndServerPortBackAndLeaveForTheClient() {
        runHex(NAT6_SYN);
        Frame r = runHex(NAT6_SYNACK);
        assertEquals(1, r.outPort());
        assertEquals(NAT6_SYNACK_OUT, hex(r));
        assertChecksumVerifies(r);
        assertEquals(1, balancer.replied);
    }

    @Test
    void natUdpBothWaysWithTheClientsPortInTheKey() {
        Frame q = runHex(NAT6_UDP);
        assertEquals(NAT6_UDP_TO_T6, hex(q));
        Frame a = runHex(NAT6_UDP_REPLY);
        assertEquals(NAT6_UDP_REPLY_OUT, hex(a));
        assertChecksumVerifies(a);
        // The same reply to another client port has no session (src+port): it passes untouched.
        Frame o = run(packet("2001:db8::16", 53, "2001:db8::a0", 50001, -1));
        assertEquals(-1, o.outPort());
        assertEquals(1, balancer.replied);
    }

    @Test
    void aReplyWithoutASessionOrFromAnotherPortPassesUntouched() {
        String noSession = NAT6_SYNACK;
        Frame f = runHex(noSession);
        assertEquals(-1, f.outPort());
        assertEquals(NAT6_SYNACK, hex(f));
        runHex(NAT6_SYN);
        byte[] otherPort = packet("2001:db8::13", 8081, "2001:db8::a0", 40000, 0x12);
        assertEquals(-1, run(otherPort).outPort());
        assertEquals(0, balancer.replied);
    }

    @Test
    void aReplyToAClientNeighbourDiscoveryHasNotMetIsAskedForAndDropped() {
        runHex(NAT6_SYN);
        neighbours = new NeighbourTable();
        balancer.neighbours = neighbours;
        assertEquals(-1, runHex(NAT6_SYNACK).outPort());
        assertEquals(1, balancer.unresolved);
        byte[][] asked = neighbours.takeRequestsIpv6();
        assertEquals(1, asked.length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(IpAddresses.parseIpv6("2001:db8::a0").getAddress(), asked[0]);
    }

    @Test
    void aReplyToAClientOutsideEveryConnectedNetworkIsCountedAsNoRoute() {
        byte[] syn = packet("2001:db8:9::1", 40000, "2001:db8::103", 80, 0x02);
        assertEquals(1, run(syn).outPort());
        byte[] synAck = packet("2001:db8::13", 8080, "2001:db8:9::1", 40000, 0x12);
        assertEquals(-1, run(synAck).outPort());
        assertEquals(1, balancer.noRoute);
    }

    /** Headers and payload of a frame, without the MACs (the expected frames come from {@link #packet}: its own checksums). */
    static String afterMacs(Frame f) {
        return hex(f).substring(24);
    }

    static String afterMacs(byte[] b) {
        return HexFormat.of().formatHex(b).substring(24);
    }

    @Test
    void snatRewritesTheSourceToPrx6WithAPortAndTheRepliesGoBackToTheClient() {
        Frame f = run(packet("2001:db8::a0", 40000, "2001:db8::106", 80, 0x02));
        assertEquals(1, f.outPort());
        assertEquals(0x02_00_00_00_00_13L, f.dstMac());
        int proxyPort = f.srcPort();
        assertTrue(proxyPort >= 1024, "a proxy port: " + proxyPort);
        assertEquals(afterMacs(packet("2001:db8::fe", proxyPort, "2001:db8::13", 8080, 0x02)), afterMacs(f));
        assertChecksumVerifies(f);

        Frame r = run(packet("2001:db8::13", 8080, "2001:db8::fe", proxyPort, 0x12));
        assertEquals(1, r.outPort());
        assertEquals(0x02_00_00_00_00_0aL, r.dstMac());
        assertEquals(afterMacs(packet("2001:db8::106", 80, "2001:db8::a0", 40000, 0x12)), afterMacs(r));
        assertChecksumVerifies(r);
        assertEquals(1, balancer.replied);

        int second = run(packet("2001:db8::a0", 40001, "2001:db8::106", 80, 0x02)).srcPort();
        assertNotEquals(proxyPort, second, "each connection its own port");
        Frame other = run(packet("2001:db8::a1", 40000, "2001:db8::106", 80, 0x02));
        assertEquals(0x02_00_00_00_00_13L, other.dstMac());
        int unused = 1024;
        while (unused == proxyPort || unused == second || unused == other.srcPort()) {
            unused++;
        }
        assertEquals(-1, run(packet("2001:db8::13", 8080, "2001:db8::fe", unused, 0x10)).outPort(),
            "a reply to a port no connection holds passes untouched");
        assertEquals(1, balancer.replied);
    }

    @Test
    void forgedSourcesAreCountedAndDropped() {
        for (String src : new String[] {"::", "::1", "ff02::1"}) {
            assertEquals(-1, run(packet(src, 40000, "2001:db8::103", 80, 0x02)).outPort(), src);
        }
        assertEquals(3, balancer.martian);
    }

    /** ICMPv6 errors quoting a balanced flow (tools/golden/icmpv6.py). */
    static final String NAT6_PTB = "02000000000102000000000a86dd6000000000443a4020010db800000000000000000000000120010db8000000000000000000000103020035d100000500600000000014064020010db800000000000000000000010320010db80000000000000000000000a000509c4000002001000010015018fd2089040000";
    static final String NAT6_PTB_TO_T3 = "02000000001302000000000186dd6000000000443a4020010db800000000000000000000000120010db8000000000000000000000013020036c100000500600000000014064020010db800000000000000000000001320010db80000000000000000000000a01f909c4000002001000010015018fd206ab40000";
    static final String DSR6_PTB = "02000000000102000000000a86dd6000000000443a4020010db800000000000000000000000120010db8000000000000000000000100020035d400000500600000000014064020010db800000000000000000000010020010db80000000000000000000000a000509c4000002001000010015018fd2089070000";
    static final String NAT6_UNREACH = "02000000000102000000001686dd6000000000413a4020010db800000000000000000000001620010db80000000000000000000000a00104312900000000600000000011114020010db80000000000000000000000a020010db8000000000000000000000016c35000350011e65d7175657374696f6e3f";
    static final String NAT6_UNREACH_OUT = "02000000000a02000000000186dd6000000000413a4020010db800000000000000000000010520010db80000000000000000000000a00104303a00000000600000000011114020010db80000000000000000000000a020010db8000000000000000000000105c35000350011e56e7175657374696f6e3f";

    @Test
    void packetTooBigAboutANatReplyReachesTheTargetTranslated() {
        runHex(NAT6_SYN);
        Frame f = runHex(NAT6_PTB);
        assertEquals(1, f.outPort());
        assertEquals(NAT6_PTB_TO_T3, hex(f));
        assertChecksumVerifies(f);
        assertEquals(1, balancer.icmpToTarget);
    }

    @Test
    void packetTooBigAboutADsrReplyReachesTheSessionsTargetUnchanged() {
        int t = targetOf(run(packet("2001:db8::a0", 40000, "2001:db8::100", 80, 0x02)));
        byte[] in = HexFormat.of().parseHex(DSR6_PTB);
        Frame f = run(in);
        assertEquals(t, targetOf(f));
        assertEquals(DSR6_PTB.substring(24), hex(f).substring(24), "only the MACs change");
    }

    @Test
    void aNatTargetsPortUnreachableReachesTheClientFromTheVip() {
        runHex(NAT6_UDP);
        Frame f = runHex(NAT6_UNREACH);
        assertEquals(1, f.outPort());
        assertEquals(NAT6_UNREACH_OUT, hex(f));
        assertChecksumVerifies(f);
        assertEquals(1, balancer.icmpToClient);
    }

    @Test
    void anIcmpErrorAboutNoSessionIsCountedAndDropped() {
        assertEquals(-1, runHex(NAT6_PTB).outPort());
        assertEquals(1, balancer.icmpNoSession);
        // and a target's error about a flow that has no session passes untouched (not ours to say)
        Frame f = runHex(NAT6_UNREACH);
        assertEquals(-1, f.outPort());
        assertEquals(NAT6_UNREACH, hex(f));
    }

    @Test
    void aTargetOnTheOtherNetworkLeavesByItsPortWithThatPortsMac() {
        Frame f = run(packet("2001:db8::a1", 40000, "2001:db8::104", 443, 0x02));
        assertEquals(2, f.outPort());
        assertEquals(ServerBalancerTest.PORT2_MAC, f.srcMac());
        assertEquals(0x02_00_00_00_00_15L, f.dstMac());
    }

    @Test
    void anUnresolvedTargetIsCountedAndDropped() {
        neighbours = new NeighbourTable();
        balancer.neighbours = neighbours;
        assertEquals(-1, run(HexFormat.of().parseHex(SYN)).outPort());
        assertEquals(1, balancer.unresolved);
    }

    @Test
    void otherDestinationsPassUntouched() {
        Frame f = run(packet("2001:db8::a1", 40000, "2001:db8::77", 80, 0x02));
        assertEquals(-1, f.outPort());
        assertEquals(1, bus.counters().unhandled());
    }

    @Test
    void theKeyKeepsTheServerInItsLow16BitsAndSeparatesClients() {
        long k1 = ServerBalancer6.key(0x2001_0db8_0000_0000L, 0xa1, 0, 7);
        long k2 = ServerBalancer6.key(0x2001_0db8_0000_0000L, 0xa2, 0, 7);
        long k3 = ServerBalancer6.key(0x2001_0db8_0000_0000L, 0xa1, 40000, 7);
        assertEquals(7, bng.core.api.SessionTable.keyServer(k1));
        assertNotEquals(k1, k2);
        assertNotEquals(k1, k3);
    }

    @Test
    void balancingAllocatesNothingPerFrame() {
        com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[][] frames = {
            HexFormat.of().parseHex(SYN),
            packet("2001:db8::a0", 40000, "2001:db8::100", 80, 0x10),
            packet("2001:db8::a3", 40000, "2001:db8::101", 80, 0x02),
            HexFormat.of().parseHex(NAT6_SYN),
            HexFormat.of().parseHex(NAT6_SYNACK),
            HexFormat.of().parseHex(NAT6_PTB),
            packet("2001:db8::a0", 40000, "2001:db8::106", 80, 0x10),
            null,
        };
        frames[7] = packet("2001:db8::13", 8080, "2001:db8::fe", run(packet("2001:db8::a0", 40000, "2001:db8::106", 80, 0x02))
            .srcPort(), 0x10); // the reply to the proxy port of that connection
        int n = frames.length;
        Frame[] burst = new Frame[n];
        for (int k = 0; k < n; k++) {
            burst[k] = new Frame(1518);
        }
        Runnable round = () -> {
            for (int k = 0; k < n; k++) {
                fill(burst[k], frames[k]);
            }
            port.dispatch(burst, n, 1, PORT_MAC);
        };
        for (int i = 0; i < 20_000; i++) {
            round.run();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        int rounds = 100_000;
        for (int i = 0; i < rounds; i++) {
            round.run();
        }
        long nanos = System.nanoTime() - t0;
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("measured: slb over IPv6 %.0f ns per frame (DSR, NAT and SNAT both ways, packet too big), "
            + "%d bytes allocated for %d frames%n", nanos / (double) (rounds * n), allocated, rounds * n);
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes for " + rounds * n + " frames");
        assertEquals(SYN_TO_T1, hex(burst[0]));
        assertEquals(NAT6_SYN_TO_T3, hex(burst[3]));
        assertEquals(NAT6_SYNACK_OUT, hex(burst[4]));
        assertEquals(NAT6_PTB_TO_T3, hex(burst[5]));
        assertEquals(1, burst[7].outPort(), "the proxied reply went to the client");
    }

    private static void fill(Frame f, byte[] b) {
        System.arraycopy(b, 0, f.data(), 0, b.length);
        f.setLength(b.length);
    }
}
