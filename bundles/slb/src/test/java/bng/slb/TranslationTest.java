package bng.slb;

import static bng.slb.ServerBalancerTest.config;
import static bng.slb.ServerBalancerTest.ip;
import static bng.slb.ServerBalancerTest.packet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NAT and SNAT proxy, both directions, in the single-legged routing setup of reference example E1:
 * clients beyond the router 198.18.0.254, VIPs in network 1, targets in network 2 on the same
 * port with bng's virt 198.18.1.254 as their gateway. Every expected frame is built from scratch
 * with checksums computed over the whole frame, so equal bytes mean the incremental updates
 * (RFC 1624) came out right.
 */
class TranslationTest {
    static final long BNG_MAC = ServerBalancerTest.PORT_MAC;
    static final long ROUTER_MAC = ServerBalancerTest.ROUTER_MAC;
    static final long T1_MAC = 0x02_00_00_00_01_01L;
    static final long T2_MAC = 0x02_00_00_00_01_02L;
    static final long T3_MAC = 0x02_00_00_00_01_03L;
    static final int CLIENT = ip("198.19.0.16");
    static final int NAT_VIP = ip("198.18.0.10");
    static final int SNAT_VIP = ip("198.18.0.20");
    static final int T1 = ip("198.18.1.1");
    static final int T2 = ip("198.18.1.2");
    static final int T3 = ip("198.18.1.3");
    static final int PRX = ip("198.18.1.254");
    static final int SYN = SessionTable.TCP_SYN;
    static final int SYN_ACK = SessionTable.TCP_SYN | SessionTable.TCP_ACK;
    static final int ACK = SessionTable.TCP_ACK;

    static final String CONFIG = """
        modules slb
        set ipforwarding 1
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.252 virt 198.18.0.253 interface 1 }
        network 2 { addr 198.18.1.0 mask 24 real 198.18.1.253 virt 198.18.1.254 interface 1 }
        register networks 1,2
        enable networks 1,2
        gateway { ipaddr 198.18.0.254 }
        server 1 { ipaddr 198.18.0.10 port 80 protocol tcp targets 1,2 }
        server 2 { ipaddr 198.18.0.20 port 80 protocol tcp targets 3 }
        server 2 proxy enable
        server 2 prx 198.18.1.254
        server 3 { ipaddr 198.18.0.30 protocol udp sessionid src+port targets 2 }
        target 1 { ipaddr 198.18.1.1 port 8080 }
        target 2 { ipaddr 198.18.1.2 }
        target 3 { ipaddr 198.18.1.3 port 8080 }
        register servers 1,2,3
        enable servers 1,2,3
        register targets 1,2,3
        enable targets 1,2,3
        """;

    PacketBusManager bus;
    Dispatcher port;
    ServerBalancer balancer;
    SessionStore sessions;
    NeighbourTable neighbours;

    @BeforeEach
    void setUp() {
        sessions = new SessionStore(1000);
        HealthBoard health = new HealthBoard();
        neighbours = new NeighbourTable();
        neighbours.learnIpv4(T1, T1_MAC, 1);
        neighbours.learnIpv4(T2, T2_MAC, 1);
        neighbours.learnIpv4(T3, T3_MAC, 1);
        neighbours.learnIpv4(ip("198.18.0.254"), ROUTER_MAC, 1);
        for (int t = 1; t <= 3; t++) {
            health.report(t, TargetHealth.UP, "test");
        }
        balancer = new ServerBalancer();
        balancer.mastership = new bng.core.impl.MastershipManager(new bng.core.impl.AddressBook()); // no vrrp: master
        balancer.owned = new bng.core.impl.AddressBook(); // no source the balancer must refuse as its own
        balancer.sessions = sessions;
        balancer.health = health;
        balancer.neighbours = neighbours;
        balancer.ports = new ServerBalancerTest.PortsAdapter();
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
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    /** A TCP (flags ≥ 0) or UDP (flags -1) frame from {@code srcMac} to {@code dstMac}, all checksums computed. */
    static byte[] frame(long dstMac, long srcMac, int src, int sport, int dst, int dport, int flags) {
        byte[] b = packet(src, sport, dst, dport, flags);
        java.nio.ByteBuffer w = java.nio.ByteBuffer.wrap(b);
        w.putShort(0, (short) (dstMac >>> 32)).putInt(2, (int) dstMac);
        w.putShort(6, (short) (srcMac >>> 32)).putInt(8, (int) srcMac);
        return b;
    }

    Frame run(byte[] bytes) {
        Frame f = ServerBalancerTest.frame(bytes);
        port.dispatch(new Frame[] {f}, 1, 1, BNG_MAC);
        return f;
    }

    static String hex(Frame f) {
        return HexFormat.of().formatHex(Arrays.copyOf(f.data(), f.length()));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void natRewritesTheDestinationToTheTargetAndItsPort() {
        Frame f = run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, NAT_VIP, 80, SYN));
        assertEquals(1, f.outPort());
        assertEquals(hex(frame(T1_MAC, BNG_MAC, CLIENT, 40000, T1, 8080, SYN)), hex(f),
            "destination 198.18.1.1:8080, the client address unchanged, checksums right");
        // A target without a port keeps the client's destination port.
        f = run(frame(BNG_MAC, ROUTER_MAC, CLIENT + 1, 40000, NAT_VIP, 80, SYN));
        assertEquals(hex(frame(T2_MAC, BNG_MAC, CLIENT + 1, 40000, T2, 80, SYN)), hex(f));
    }

    @Test
    void natRepliesGetTheVipBackAndLeaveForTheGateway() {
        run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, NAT_VIP, 80, SYN));
        Frame f = run(frame(BNG_MAC, T1_MAC, T1, 8080, CLIENT, 40000, SYN_ACK));
        assertEquals(1, f.outPort());
        assertEquals(hex(frame(ROUTER_MAC, BNG_MAC, NAT_VIP, 80, CLIENT, 40000, SYN_ACK)), hex(f),
            "source 198.18.0.10:80 again, to the router (the client is not in a connected network)");
        assertEquals(1, balancer.replied);
        assertEquals(SessionTable.STATE_ESTABLISHED, state(SessionTable.key(CLIENT, 0, 1)), "the target's answer counts");
    }

    @Test
    void aNatReplyToAClientInAConnectedNetworkGoesToTheClientItself() {
        int local = ip("198.18.0.77");
        long localMac = 0x02_00_00_00_00_77L;
        neighbours.learnIpv4(local, localMac, 1);
        run(frame(BNG_MAC, localMac, local, 40000, NAT_VIP, 80, SYN));
        Frame f = run(frame(BNG_MAC, T1_MAC, T1, 8080, local, 40000, SYN_ACK));
        assertEquals(hex(frame(localMac, BNG_MAC, NAT_VIP, 80, local, 40000, SYN_ACK)), hex(f));
    }

    @Test
    void natUdpBothWays() {
        Frame f = run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 5353, ip("198.18.0.30"), 53, -1));
        assertEquals(hex(frame(T2_MAC, BNG_MAC, CLIENT, 5353, T2, 53, -1)), hex(f));
        f = run(frame(BNG_MAC, T2_MAC, T2, 53, CLIENT, 5353, -1));
        assertEquals(hex(frame(ROUTER_MAC, BNG_MAC, ip("198.18.0.30"), 53, CLIENT, 5353, -1)), hex(f));
    }

    @Test
    void packetsFromATargetThatAreNoReplyPassUntouched() {
        byte[] noSession = frame(BNG_MAC, T1_MAC, T1, 8080, CLIENT, 40000, SYN_ACK);
        byte[] otherPort = frame(BNG_MAC, T1_MAC, T1, 22, CLIENT, 40000, ACK);
        run(frame(BNG_MAC, ROUTER_MAC, CLIENT + 5, 40000, NAT_VIP, 80, SYN)); // a session, but of another client
        for (byte[] b : new byte[][] {noSession, otherPort}) {
            Frame f = run(b);
            assertEquals(-1, f.outPort());
            assertEquals(hex(b), hex(f));
        }
        assertEquals(0, balancer.replied);
    }

    @Test
    void snatRewritesSourceToPrxWithAPortAndDestinationToTheTarget() {
        Frame f = run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, SNAT_VIP, 80, SYN));
        assertEquals(1, f.outPort());
        int proxyPort = f.srcPort();
        assertTrue(proxyPort >= SessionTable.PROXY_PORT_FIRST, "port " + proxyPort);
        assertEquals(hex(frame(T3_MAC, BNG_MAC, PRX, proxyPort, T3, 8080, SYN)), hex(f));
        // The rest of the connection keeps its port; another connection of the client gets another.
        Frame again = run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, SNAT_VIP, 80, ACK));
        assertEquals(hex(frame(T3_MAC, BNG_MAC, PRX, proxyPort, T3, 8080, ACK)), hex(again));
        Frame other = run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40001, SNAT_VIP, 80, SYN));
        assertNotEquals(proxyPort, other.srcPort());
        assertEquals(SessionTable.key(CLIENT, 40000, 2), sessions.proxied(3, proxyPort));
    }

    @Test
    void snatRepliesToPrxAreMappedBackToTheClient() {
        int proxyPort = run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, SNAT_VIP, 80, SYN)).srcPort();
        Frame f = run(frame(BNG_MAC, T3_MAC, T3, 8080, PRX, proxyPort, SYN_ACK));
        assertEquals(1, f.outPort());
        assertEquals(hex(frame(ROUTER_MAC, BNG_MAC, SNAT_VIP, 80, CLIENT, 40000, SYN_ACK)), hex(f));
        // A reply to a port nobody holds is not ours.
        byte[] stray = frame(BNG_MAC, T3_MAC, T3, 8080, PRX, proxyPort == 65535 ? 1024 : proxyPort + 1, ACK);
        Frame s = run(stray);
        assertEquals(-1, s.outPort());
        assertEquals(hex(stray), hex(s));
    }

    @Test
    void anExpiredProxiedConnectionFreesItsPort() {
        int proxyPort = run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, SNAT_VIP, 80, SYN)).srcPort();
        sessions.advance(31_000); // synctimeout: both the connection and the client's session were half open
        sessions.sweepAll();
        assertEquals(0, sessions.proxied(3, proxyPort));
        byte[] late = frame(BNG_MAC, T3_MAC, T3, 8080, PRX, proxyPort, SYN_ACK);
        assertEquals(-1, run(late).outPort());
    }

    @Test
    void anUnresolvedGatewayDropsTheReplyAndCountsIt() {
        run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, NAT_VIP, 80, SYN));
        neighbours.expire(-1_000);
        neighbours.learnIpv4(T1, T1_MAC, 1);
        byte[] b = frame(BNG_MAC, T1_MAC, T1, 8080, CLIENT, 40000, SYN_ACK);
        Frame f = run(b);
        assertEquals(-1, f.outPort());
        assertArrayEquals(b, Arrays.copyOf(f.data(), f.length()));
        assertEquals(1, balancer.unresolved);
    }

    /**
     * A UDP datagram of {@code payload} bytes from src:sport to dst:dport (identification 0x4242),
     * cut into IPv4 fragments of at most 1480 bytes of IP payload: frame 0 holds the UDP header
     * (its checksum over the whole datagram), the others only data. Every checksum computed.
     */
    static byte[][] fragments(long dstMac, long srcMac, int src, int sport, int dst, int dport, int payload) {
        byte[] datagram = new byte[8 + payload];
        java.nio.ByteBuffer u = java.nio.ByteBuffer.wrap(datagram);
        u.putShort((short) sport).putShort((short) dport).putShort((short) datagram.length).putShort((short) 0);
        for (int i = 8; i < datagram.length; i++) {
            datagram[i] = (byte) (i * 7);
        }
        int pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 17 + datagram.length;
        int c = ServerBalancerTest.fold(ServerBalancerTest.sum(datagram, 0, datagram.length, pseudo));
        u.putShort(6, (short) (c == 0 ? 0xffff : c));
        int pieces = (datagram.length + 1479) / 1480;
        byte[][] out = new byte[pieces][];
        for (int k = 0; k < pieces; k++) {
            int off = k * 1480;
            int len = Math.min(1480, datagram.length - off);
            byte[] b = new byte[14 + 20 + len];
            java.nio.ByteBuffer w = java.nio.ByteBuffer.wrap(b);
            w.putShort((short) (dstMac >>> 32)).putInt((int) dstMac);
            w.putShort((short) (srcMac >>> 32)).putInt((int) srcMac);
            w.putShort((short) 0x0800);
            int flags = (k < pieces - 1 ? 0x2000 : 0) | off / 8;
            w.put((byte) 0x45).put((byte) 0).putShort((short) (20 + len)).putShort((short) 0x4242).putShort((short) flags);
            w.put((byte) 64).put((byte) 17).putShort((short) 0).putInt(src).putInt(dst);
            w.putShort(24, (short) ServerBalancerTest.fold(ServerBalancerTest.sum(b, 14, 20, 0)));
            System.arraycopy(datagram, off, b, 34, len);
            out[k] = b;
        }
        return out;
    }

    @Test
    void laterFragmentsOfANatDatagramFollowTheirFirstBothWays() {
        int vip = ip("198.18.0.30");
        byte[][] in = fragments(BNG_MAC, ROUTER_MAC, CLIENT, 5353, vip, 53, 4000);
        byte[][] toTarget = fragments(T2_MAC, BNG_MAC, CLIENT, 5353, T2, 53, 4000);
        assertEquals(3, in.length);
        for (int k = 0; k < in.length; k++) {
            Frame f = run(in[k]);
            assertEquals(1, f.outPort(), "fragment " + k + " is sent on");
            assertEquals(hex(toTarget[k]), hex(f), "fragment " + k + ": destination the target, checksums right");
        }
        assertEquals(2, balancer.fragmentsFollowed());
        // The target's fragmented answer gets the VIP back as source on every fragment.
        byte[][] answer = fragments(BNG_MAC, T2_MAC, T2, 53, CLIENT, 5353, 3000);
        byte[][] toClient = fragments(ROUTER_MAC, BNG_MAC, vip, 53, CLIENT, 5353, 3000);
        for (int k = 0; k < answer.length; k++) {
            Frame f = run(answer[k]);
            assertEquals(hex(toClient[k]), hex(f), "answer fragment " + k);
        }
        assertEquals(4, balancer.fragmentsFollowed()); // 3008 bytes: 3 fragments, 2 later ones
    }

    @Test
    void aLaterFragmentWithoutItsFirstIsNotForwardedAndCounted() {
        byte[][] in = fragments(BNG_MAC, ROUTER_MAC, CLIENT, 5353, ip("198.18.0.30"), 53, 2000);
        Frame f = run(in[1]); // reordered: the first has not come (and never will)
        assertEquals(-1, f.outPort());
        assertEquals(hex(in[1]), hex(f), "untouched");
        assertEquals(0, balancer.fragmentsFollowed());
        // Another datagram's first fragment (other identification) does not adopt it either.
        byte[][] other = fragments(BNG_MAC, ROUTER_MAC, CLIENT, 5354, ip("198.18.0.30"), 53, 2000);
        other[0][18] = 0x11; // identification 0x1142
        other[0][24] = 0;
        other[0][25] = 0;
        int c = ServerBalancerTest.fold(ServerBalancerTest.sum(other[0], 14, 20, 0));
        other[0][24] = (byte) (c >> 8);
        other[0][25] = (byte) c;
        run(other[0]);
        assertEquals(-1, run(in[1]).outPort());
        assertEquals(0, balancer.fragmentsFollowed());
    }

    @Test
    void translatingBothWaysAllocatesNothingPerFrame() {
        com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, NAT_VIP, 80, SYN));
        int proxyPort = run(frame(BNG_MAC, ROUTER_MAC, CLIENT, 40001, SNAT_VIP, 80, SYN)).srcPort();
        byte[][] in = {
            frame(BNG_MAC, ROUTER_MAC, CLIENT, 40000, NAT_VIP, 80, ACK),
            frame(BNG_MAC, T1_MAC, T1, 8080, CLIENT, 40000, ACK),
            frame(BNG_MAC, ROUTER_MAC, CLIENT, 40001, SNAT_VIP, 80, ACK),
            frame(BNG_MAC, T3_MAC, T3, 8080, PRX, proxyPort, ACK)};
        Frame[] burst = {new Frame(1518), new Frame(1518), new Frame(1518), new Frame(1518)};
        Runnable round = () -> {
            for (int i = 0; i < in.length; i++) {
                System.arraycopy(in[i], 0, burst[i].data(), 0, in[i].length);
                burst[i].setLength(in[i].length);
            }
            port.dispatch(burst, burst.length, 1, BNG_MAC);
        };
        for (int i = 0; i < 20_000; i++) {
            round.run();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50_000; i++) {
            round.run();
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes for 200000 frames");
        assertEquals(2 + 2 * 70_000L, balancer.forwarded, "every forward frame went");
        assertEquals(2 * 70_000L, balancer.replied, "every reply went");
    }

    int state(long key) {
        int[] st = {-1};
        sessions.forEach(-1, -1, SessionTable.keyClient(key), false, (c, p, s, t, state, idle) -> {
            if (SessionTable.key(c, p, s) == key) {
                st[0] = state;
            }
        });
        return st[0];
    }
}
