package bng.slb;

import static bng.slb.ServerBalancerTest.fold;
import static bng.slb.ServerBalancerTest.ip;
import static bng.slb.ServerBalancerTest.packet;
import static bng.slb.ServerBalancerTest.sum;
import static bng.slb.TranslationTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import bng.core.api.Frame;
import bng.core.api.SessionTable;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ICMP errors about balanced flows reach the flow's target ({@link IcmpSteering}): a router that
 * cannot forward the target's reply toward the client sends "fragmentation needed" to the reply's
 * source, the VIP. Each expected frame is built from scratch (quoted datagram from the target's
 * side, all checksums computed over the bytes), so equal bytes mean every incremental update came
 * out right. NAT and proxy use {@link TranslationTest}'s E1 set-up, DSR {@link ServerBalancerTest}'s.
 */
class IcmpSteeringTest {
    static final int ROUTER = ip("198.18.0.254");
    static final int FRAG_NEEDED = 4;
    static final int QUOTE_ALL = Integer.MAX_VALUE;

    TranslationTest e1;
    ServerBalancerTest dsr;

    @BeforeEach
    void setUp() {
        e1 = new TranslationTest();
        e1.setUp();
        dsr = new ServerBalancerTest();
        dsr.setUp();
    }

    @AfterEach
    void tearDown() {
        e1.tearDown();
        dsr.tearDown();
    }

    /**
     * An ICMP error (type 3 code 4 with next-hop MTU 1280 unless told) from {@code src} to
     * {@code dst} quoting the IP datagram of {@code quoted} (an Ethernet frame) cut to
     * {@code quoteLen} bytes.
     */
    static byte[] icmpError(long dstMac, long srcMac, int src, int dst, int type, int code, byte[] quoted, int quoteLen) {
        int q = Math.min(quoteLen, quoted.length - 14);
        byte[] b = new byte[14 + 20 + 8 + q];
        ByteBuffer w = ByteBuffer.wrap(b);
        w.putShort((short) (dstMac >>> 32)).putInt((int) dstMac);
        w.putShort((short) (srcMac >>> 32)).putInt((int) srcMac);
        w.putShort((short) 0x0800);
        w.put((byte) 0x45).put((byte) 0xc0).putShort((short) (20 + 8 + q)).putShort((short) 7).putShort((short) 0);
        w.put((byte) 64).put((byte) 1).putShort((short) 0).putInt(src).putInt(dst);
        w.putShort(24, (short) fold(sum(b, 14, 20, 0)));
        w.put((byte) type).put((byte) code).putShort((short) 0).putShort((short) 0)
            .putShort((short) (type == 3 && code == FRAG_NEEDED ? 1280 : 0));
        w.put(quoted, 14, q);
        w.putShort(36, (short) fold(sum(b, 34, 8 + q, 0)));
        return b;
    }

    @Test
    void fragmentationNeededForANatReplyReachesTheTargetAboutItsOwnSocket() {
        e1.run(TranslationTest.frame(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, TranslationTest.CLIENT, 40000,
            TranslationTest.NAT_VIP, 80, TranslationTest.SYN));
        // The router could not forward the reply VIP:80 → client:40000 (as bng sent it): the error goes to the VIP.
        byte[] reply = packet(TranslationTest.NAT_VIP, 80, TranslationTest.CLIENT, 40000, TranslationTest.ACK);
        Frame f = e1.run(icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, TranslationTest.NAT_VIP,
            3, FRAG_NEEDED, reply, QUOTE_ALL));
        assertEquals(1, f.outPort(), "steered to the target's network");
        // What the target's kernel must see: the error about its own segment T1:8080 → client:40000.
        byte[] own = packet(TranslationTest.T1, 8080, TranslationTest.CLIENT, 40000, TranslationTest.ACK);
        assertEquals(hex(icmpError(TranslationTest.T1_MAC, TranslationTest.BNG_MAC, ROUTER, TranslationTest.T1,
            3, FRAG_NEEDED, own, QUOTE_ALL)), hex(f));
        assertEquals(1, e1.balancer.icmp.steered);
    }

    @Test
    void aQuoteOfOnlyTheFirstEightBytesIsTranslatedToo() {
        e1.run(TranslationTest.frame(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, TranslationTest.CLIENT, 40000,
            TranslationTest.NAT_VIP, 80, TranslationTest.SYN));
        byte[] reply = packet(TranslationTest.NAT_VIP, 80, TranslationTest.CLIENT, 40000, TranslationTest.ACK);
        Frame f = e1.run(icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, TranslationTest.NAT_VIP,
            3, 1, reply, 28)); // host unreachable, RFC 792's minimum quote: no TCP checksum in it
        byte[] own = packet(TranslationTest.T1, 8080, TranslationTest.CLIENT, 40000, TranslationTest.ACK);
        assertEquals(hex(icmpError(TranslationTest.T1_MAC, TranslationTest.BNG_MAC, ROUTER, TranslationTest.T1,
            3, 1, own, 28)), hex(f));
    }

    @Test
    void anErrorAboutAProxiedConnectionQuotesTheTargetToPrxAndTheProxyPort() {
        int proxyPort = e1.run(TranslationTest.frame(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC,
            TranslationTest.CLIENT, 40000, TranslationTest.SNAT_VIP, 80, TranslationTest.SYN)).srcPort();
        byte[] reply = packet(TranslationTest.SNAT_VIP, 80, TranslationTest.CLIENT, 40000, TranslationTest.ACK);
        Frame f = e1.run(icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, TranslationTest.SNAT_VIP,
            3, FRAG_NEEDED, reply, QUOTE_ALL));
        byte[] own = packet(TranslationTest.T3, 8080, TranslationTest.PRX, proxyPort, TranslationTest.ACK);
        assertEquals(hex(icmpError(TranslationTest.T3_MAC, TranslationTest.BNG_MAC, ROUTER, TranslationTest.T3,
            3, FRAG_NEEDED, own, QUOTE_ALL)), hex(f));
    }

    @Test
    void aUdpFlowsErrorIsTranslatedWithItsChecksum() {
        int udpVip = ip("198.18.0.30");
        e1.run(TranslationTest.frame(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, TranslationTest.CLIENT, 5353,
            udpVip, 53, -1));
        byte[] reply = packet(udpVip, 53, TranslationTest.CLIENT, 5353, -1);
        Frame f = e1.run(icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, udpVip, 11, 0, reply,
            QUOTE_ALL)); // time exceeded in transit
        byte[] own = packet(TranslationTest.T2, 53, TranslationTest.CLIENT, 5353, -1);
        assertEquals(hex(icmpError(TranslationTest.T2_MAC, TranslationTest.BNG_MAC, ROUTER, TranslationTest.T2, 11, 0,
            own, QUOTE_ALL)), hex(f));
    }

    @Test
    void inDsrOnlyTheMacsChange() {
        int client = ServerBalancerTest.CLIENT;
        dsr.run(TranslationTest.frame(ServerBalancerTest.PORT_MAC, ServerBalancerTest.ROUTER_MAC, client, 40000,
            ServerBalancerTest.VIP, 80, SessionTable.TCP_SYN));
        int target = dsr.sessions.target(dsr.sessions.find(SessionTable.key(client, 0, 1)));
        long targetMac = 0x02_00_00_00_00_10L + target;
        byte[] reply = packet(ServerBalancerTest.VIP, 80, client, 40000, SessionTable.TCP_ACK);
        byte[] error = icmpError(ServerBalancerTest.PORT_MAC, ServerBalancerTest.ROUTER_MAC, ROUTER, ServerBalancerTest.VIP,
            3, FRAG_NEEDED, reply, QUOTE_ALL);
        Frame f = dsr.run(error);
        assertEquals(ServerBalancerTest.IN_PORT, f.outPort());
        byte[] want = error.clone();
        ByteBuffer.wrap(want).putShort(0, (short) (targetMac >>> 32)).putInt(2, (int) targetMac)
            .putShort(6, (short) (ServerBalancerTest.PORT_MAC >>> 32)).putInt(8, (int) ServerBalancerTest.PORT_MAC);
        assertEquals(hex(want), hex(f), "the target holds the VIP: the error is its as it is");
    }

    @Test
    void errorsThatAreNotAboutAKnownFlowAreDroppedOrLeftAlone() {
        byte[] reply = packet(TranslationTest.NAT_VIP, 80, TranslationTest.CLIENT, 40000, TranslationTest.ACK);
        // No session: dropped and counted (an error never makes one).
        Frame f = e1.run(icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, TranslationTest.NAT_VIP,
            3, FRAG_NEEDED, reply, QUOTE_ALL));
        assertEquals(-1, f.outPort());
        assertEquals(1, e1.balancer.icmp.noSession);
        // A damaged error about a live flow: dropped, counted.
        e1.run(TranslationTest.frame(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, TranslationTest.CLIENT, 40000,
            TranslationTest.NAT_VIP, 80, TranslationTest.SYN));
        byte[] bad = icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, TranslationTest.NAT_VIP, 3,
            FRAG_NEEDED, reply, QUOTE_ALL);
        bad[bad.length - 1] ^= 1;
        assertEquals(-1, e1.run(bad).outPort());
        assertEquals(1, e1.balancer.icmp.badChecksum);
        // Not about a VIP's datagram, not an error at all, or a quote without ports: passed on untouched.
        byte[] other = packet(ip("198.18.0.99"), 80, TranslationTest.CLIENT, 40000, TranslationTest.ACK);
        byte[] echo = icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, TranslationTest.NAT_VIP, 8, 0,
            reply, QUOTE_ALL);
        byte[][] untouched = {
            icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, ip("198.18.0.99"), 3, FRAG_NEEDED, other,
                QUOTE_ALL),
            echo,
            icmpError(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, ROUTER, TranslationTest.NAT_VIP, 3, FRAG_NEEDED,
                reply, 24)};
        for (byte[] b : untouched) {
            Frame u = e1.run(b);
            assertEquals(-1, u.outPort());
            assertEquals(hex(b), hex(u));
        }
        assertEquals(0, e1.balancer.icmp.steered);
    }

    @Test
    void aNatTargetsPortUnreachableReachesTheClientAsTheVipsOwn() {
        int udpVip = ip("198.18.0.30");
        e1.run(TranslationTest.frame(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC, TranslationTest.CLIENT, 5353,
            udpVip, 53, -1));
        // The DNS server on t2 is down: t2's kernel answers the translated query with port unreachable, via bng.
        byte[] query = packet(TranslationTest.CLIENT, 5353, TranslationTest.T2, 53, -1);
        Frame f = e1.run(icmpError(TranslationTest.BNG_MAC, TranslationTest.T2_MAC, TranslationTest.T2,
            TranslationTest.CLIENT, 3, 3, query, QUOTE_ALL));
        assertEquals(1, f.outPort());
        // What the client must see: the VIP refusing the query it sent to the VIP.
        byte[] sent = packet(TranslationTest.CLIENT, 5353, udpVip, 53, -1);
        assertEquals(hex(icmpError(TranslationTest.ROUTER_MAC, TranslationTest.BNG_MAC, udpVip, TranslationTest.CLIENT,
            3, 3, sent, QUOTE_ALL)), hex(f));
        assertEquals(1, e1.balancer.icmp.toClients);
    }

    @Test
    void anErrorAboutAProxiedPacketGoesBackToTheClientWithItsAddressAndPort() {
        int proxyPort = e1.run(TranslationTest.frame(TranslationTest.BNG_MAC, TranslationTest.ROUTER_MAC,
            TranslationTest.CLIENT, 40000, TranslationTest.SNAT_VIP, 80, TranslationTest.SYN)).srcPort();
        int hop = ip("198.18.1.99"); // a router on the targets' side with a narrower link
        byte[] toTarget = packet(TranslationTest.PRX, proxyPort, TranslationTest.T3, 8080, TranslationTest.ACK);
        Frame f = e1.run(icmpError(TranslationTest.BNG_MAC, 0x02_00_00_00_01_99L, hop, TranslationTest.PRX, 3,
            FRAG_NEEDED, toTarget, QUOTE_ALL));
        byte[] sent = packet(TranslationTest.CLIENT, 40000, TranslationTest.SNAT_VIP, 80, TranslationTest.ACK);
        assertEquals(hex(icmpError(TranslationTest.ROUTER_MAC, TranslationTest.BNG_MAC, hop, TranslationTest.CLIENT, 3,
            FRAG_NEEDED, sent, QUOTE_ALL)), hex(f));
        // About a packet of no session: passed on untouched.
        byte[] stranger = icmpError(TranslationTest.BNG_MAC, TranslationTest.T1_MAC, TranslationTest.T1,
            ip("198.19.0.99"), 3, 3, packet(ip("198.19.0.99"), 5000, TranslationTest.T1, 8080, TranslationTest.ACK),
            QUOTE_ALL);
        Frame u = e1.run(stranger);
        assertEquals(-1, u.outPort());
        assertEquals(hex(stranger), hex(u));
    }
}
