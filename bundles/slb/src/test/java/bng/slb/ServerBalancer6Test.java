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
        target 1 { ipaddr6 2001:db8::11 dsr enable }
        target 2 { ipaddr6 2001:db8::12 dsr enable }
        target 3 { ipaddr6 2001:db8::13 }
        target 5 { ipaddr6 2001:db8:1::15 dsr enable }
        register servers 1,2,3,4,5
        enable servers 1,2,3,4,5
        register targets 1,2,3,5
        enable targets 1,2,3,5
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
        balancer = new ServerBalancer6();
        balancer.sessions = sessions;
        balancer.health = health;
        balancer.neighbours = neighbours;
        balancer.ports = new ServerBalancerTest.PortsAdapter();
        balancer.mastership = new bng.core.impl.MastershipManager(new bng.core.impl.AddressBook()); // no vrrp: master
        balancer.configurationChanged(Configuration.empty(), ServerBalancerTest.config(CONFIG));
        bus = new PacketBusManager();
        bus.add(balancer, Map.of(
            ProcessorProperties.NAME, "slb.balancer6",
            ProcessorProperties.MODULE, "slb",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 2000,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV6,
            ProcessorProperties.IP_PROTOCOL, new Integer[] {Frame.PROTO_ICMPV6, Frame.PROTO_TCP, Frame.PROTO_UDP}));
        port = bus.newDispatcher("eth0");
        for (int t : new int[] {1, 2, 3, 5}) {
            health.report(t, TargetHealth.UP, "test");
        }
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
        assertEquals(1, balancer.newSessions);
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
        assertEquals(1, balancer.noSession);
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
        assertEquals(1, balancer.noTarget);
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

    @Test
    void aTargetWithoutDsrIsCountedAsNatNotYet() {
        assertEquals(-1, run(packet("2001:db8::a1", 40000, "2001:db8::103", 80, 0x02)).outPort());
        assertEquals(1, balancer.natNotYet);
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
        byte[] syn = HexFormat.of().parseHex(SYN);
        byte[] ack = packet("2001:db8::a0", 40000, "2001:db8::100", 80, 0x10);
        byte[] hashed = packet("2001:db8::a3", 40000, "2001:db8::101", 80, 0x02);
        Frame[] burst = {new Frame(1518), new Frame(1518), new Frame(1518)};
        Runnable round = () -> {
            fill(burst[0], syn);
            fill(burst[1], ack);
            fill(burst[2], hashed);
            port.dispatch(burst, 3, 1, PORT_MAC);
        };
        for (int i = 0; i < 20_000; i++) {
            round.run();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
            round.run();
        }
        long nanos = System.nanoTime() - t0;
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("measured: slb over IPv6 %.0f ns per frame (session lookup + MAC rewrite), "
            + "%d bytes allocated for 300000 frames%n", nanos / 300_000.0, allocated);
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes for 300000 frames");
        assertEquals(SYN_TO_T1, hex(burst[0]));
    }

    private static void fill(Frame f, byte[] b) {
        System.arraycopy(b, 0, f.data(), 0, b.length);
        f.setLength(b.length);
    }

    /** An ICMPv6 error (packet too big, MTU 1280, unless another type) from {@code src} to {@code dst} quoting {@code quoted}'s IPv6 datagram. */
    static byte[] icmp6Error(String src, String dst, int type, byte[] quoted) {
        int q = quoted.length - 14;
        int len = 8 + q;
        byte[] b = new byte[14 + 40 + len];
        java.nio.ByteBuffer w = java.nio.ByteBuffer.wrap(b);
        w.putShort((short) (PORT_MAC >>> 32)).putInt((int) PORT_MAC);
        w.putShort((short) 0x0200).putInt(0x0000000a);
        w.putShort((short) 0x86dd);
        w.putInt(0x6000_0000).putShort((short) len).put((byte) 58).put((byte) 64);
        w.put(IpAddresses.parseIpv6(src).getAddress()).put(IpAddresses.parseIpv6(dst).getAddress());
        w.put((byte) type).put((byte) 0).putShort((short) 0).putInt(type == 2 ? 1280 : 0);
        w.put(quoted, 14, q);
        int pseudo = ServerBalancerTest.sum(b, 22, 32, 0) + len + 58;
        int c = ServerBalancerTest.fold(ServerBalancerTest.sum(b, 54, len, pseudo));
        b[56] = (byte) (c >>> 8);
        b[57] = (byte) c;
        return b;
    }

    @Test
    void packetTooBigAboutATargetsReplyReachesThatTargetUnchangedButForTheMacs() {
        run(packet("2001:db8:5::a0", 40000, "2001:db8::100", 80, 0x02));
        int target = sessions.target(sessions.find(ServerBalancer6.key(
            BalancePlan6.read64(IpAddresses.parseIpv6("2001:db8:5::a0").getAddress(), 0),
            BalancePlan6.read64(IpAddresses.parseIpv6("2001:db8:5::a0").getAddress(), 8), 0, 1)));
        // The target's reply [VIP]:80 → client:40000 was too big for a router's next link.
        byte[] reply = packet("2001:db8::100", 80, "2001:db8:5::a0", 40000, 0x10);
        byte[] error = icmp6Error("2001:db8::1", "2001:db8::100", 2, reply);
        Frame f = run(error);
        assertEquals(1, f.outPort());
        byte[] want = error.clone();
        long mac = 0x02_00_00_00_00_10L + target;
        java.nio.ByteBuffer.wrap(want).putShort(0, (short) (mac >>> 32)).putInt(2, (int) mac)
            .putShort(6, (short) (PORT_MAC >>> 32)).putInt(8, (int) PORT_MAC);
        assertEquals(HexFormat.of().formatHex(want), HexFormat.of().formatHex(Arrays.copyOf(f.data(), f.length())));
        assertEquals(1, balancer.icmp6.steered);
    }

    @Test
    void icmp6ErrorsWithoutAFlowOrWithABadChecksumAreDroppedAndInformationalOnesPassOn() {
        byte[] reply = packet("2001:db8::100", 80, "2001:db8:5::a1", 40000, 0x10);
        assertEquals(-1, run(icmp6Error("2001:db8::1", "2001:db8::100", 2, reply)).outPort());
        assertEquals(1, balancer.icmp6.noSession);
        run(packet("2001:db8:5::a1", 40000, "2001:db8::100", 80, 0x02));
        byte[] bad = icmp6Error("2001:db8::1", "2001:db8::100", 2, reply);
        bad[bad.length - 1] ^= 1;
        assertEquals(-1, run(bad).outPort());
        assertEquals(1, balancer.icmp6.badChecksum);
        byte[] echo = icmp6Error("2001:db8::1", "2001:db8::100", 128, reply);
        Frame f = run(echo);
        assertEquals(-1, f.outPort());
        assertEquals(HexFormat.of().formatHex(echo), HexFormat.of().formatHex(Arrays.copyOf(f.data(), f.length())));
        assertEquals(0, balancer.icmp6.steered);
    }
}
