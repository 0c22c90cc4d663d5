package bng.rt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real frames through the real bus and {@link Router}, with core's real address book and neighbour
 * cache: network 1 (198.18.0.0/24) on port 1 with the gateway 198.18.0.254, network 2
 * (198.18.1.0/24) on port 2. Expected frames are built from scratch, checksums included.
 */
class RouterTest {
    static final long BNG1 = 0x02_00_00_00_00_01L;
    static final long BNG2 = 0x02_00_00_00_00_02L;
    static final long CLIENT_MAC = 0x02_00_00_00_00_16L;
    static final long HOST_MAC = 0x02_00_00_00_01_05L;
    static final long ROUTER_MAC = 0x02_00_00_00_00_feL;
    static final int CLIENT = ip(198, 18, 0, 16);
    static final int HOST = ip(198, 18, 1, 5);
    static final int FAR = ip(198, 19, 5, 5);
    static final int GATEWAY = ip(198, 18, 0, 254);

    static final String CONFIG = """
        modules rt
        set ipforwarding 1
        interface 1 name eth0
        interface 2 name eth1
        register interfaces 1,2
        enable interfaces 1,2
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.252 virt 198.18.0.253 interface 1 }
        network 2 { addr 198.18.1.0 mask 24 real 198.18.1.253 virt 198.18.1.254 interface 2 }
        register networks 1,2
        enable networks 1,2
        gateway { ipaddr 198.18.0.254 }
        """;

    PacketBusManager bus;
    Dispatcher port;
    Router router;
    NeighbourTable neighbours;

    static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    static Configuration config(String text) {
        ConfigResult r = ConfigParser.parse("rt-test.conf", text, Configuration.empty());
        org.junit.jupiter.api.Assertions.assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    @BeforeEach
    void setUp() {
        Configuration c = config(CONFIG);
        AddressBook owned = new AddressBook();
        owned.configurationChanged(Configuration.empty(), c);
        neighbours = new NeighbourTable();
        neighbours.learnIpv4(HOST, HOST_MAC, 2);
        neighbours.learnIpv4(GATEWAY, ROUTER_MAC, 1);
        router = new Router();
        router.owned = owned;
        router.neighbours = neighbours;
        router.ports = new Ports() {
            @Override
            public long mac(int p) {
                return p == 1 ? BNG1 : p == 2 ? BNG2 : -1;
            }

            @Override
            public boolean isUp(int p) {
                return p == 1 || p == 2;
            }

            @Override
            public boolean send(int p, byte[] frame, int length) {
                return false;
            }

            @Override
            public int portOfNetwork(int networkId) {
                return networkId;
            }
        };
        router.configurationChanged(Configuration.empty(), c);
        bus = new PacketBusManager();
        bus.add(router, Map.of(
            ProcessorProperties.NAME, "rt.router",
            ProcessorProperties.MODULE, "rt",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 8000,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4));
        port = bus.newDispatcher("eth0");
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    static int sum(byte[] b, int off, int len) {
        int s = 0;
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

    /** Ethernet / IPv4 (TTL {@code ttl}) / UDP 5000 → 53 with 4 payload bytes, checksums computed. */
    static byte[] udp(long dstMac, long srcMac, int src, int dst, int ttl) {
        byte[] b = new byte[14 + 20 + 12];
        ByteBuffer w = ByteBuffer.wrap(b);
        w.putShort((short) (dstMac >>> 32)).putInt((int) dstMac).putShort((short) (srcMac >>> 32)).putInt((int) srcMac);
        w.putShort((short) 0x0800);
        w.put((byte) 0x45).put((byte) 0).putShort((short) 32).putShort((short) 7).putShort((short) 0x4000);
        w.put((byte) ttl).put((byte) 17).putShort((short) 0).putInt(src).putInt(dst);
        w.putShort(24, (short) fold(sum(b, 14, 20)));
        w.putShort((short) 5000).putShort((short) 53).putShort((short) 12).putShort((short) 0).putInt(0x01020304);
        int pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 17 + 12;
        w.putShort(40, (short) fold(sum(b, 34, 12) + pseudo));
        return b;
    }

    Frame run(byte[] bytes, int inPort) {
        byte[] buf = new byte[1518];
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        Frame f = new Frame(buf, bytes.length);
        port.dispatch(new Frame[] {f}, 1, inPort, inPort == 1 ? BNG1 : BNG2);
        return f;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String hex(Frame f) {
        return hex(Arrays.copyOf(f.data(), f.length()));
    }

    @Test
    void aFrameForAConnectedNetworkLeavesByItsPortWithTheTtlOneLower() {
        Frame f = run(udp(BNG1, CLIENT_MAC, CLIENT, HOST, 64), 1);
        assertEquals(2, f.outPort());
        assertEquals(hex(udp(HOST_MAC, BNG2, CLIENT, HOST, 63)), hex(f));
        assertEquals(1, router.forwarded);
    }

    @Test
    void anythingElseGoesToTheGateway() {
        Frame f = run(udp(BNG2, HOST_MAC, HOST, FAR, 64), 2);
        assertEquals(1, f.outPort());
        assertEquals(hex(udp(ROUTER_MAC, BNG1, HOST, FAR, 63)), hex(f));
    }

    @Test
    void anUnknownNextHopIsDroppedAndHandedToArp() {
        int other = ip(198, 18, 1, 9);
        byte[] in = udp(BNG1, CLIENT_MAC, CLIENT, other, 64);
        Frame f = run(in, 1);
        assertEquals(-1, f.outPort());
        assertEquals(hex(in), hex(f));
        assertEquals(1, router.unresolved);
        assertArrayEquals(new int[] {other}, neighbours.takeRequests());
    }

    @Test
    void ttlOneGetsTimeExceededFromTheInNetworksRealAddress() {
        byte[] in = udp(BNG1, CLIENT_MAC, CLIENT, HOST, 1);
        Frame f = run(in, 1);
        assertEquals(1, f.outPort(), "back where it came from");
        // RFC 792: IP header from 198.18.0.252 to the sender, ICMP 11/0, the original header + 8 bytes.
        byte[] quote = Arrays.copyOfRange(in, 14, 14 + 28);
        byte[] expected = new byte[14 + 20 + 8 + 28];
        ByteBuffer w = ByteBuffer.wrap(expected);
        w.putShort((short) (CLIENT_MAC >>> 32)).putInt((int) CLIENT_MAC).putShort((short) (BNG1 >>> 32)).putInt((int) BNG1);
        w.putShort((short) 0x0800);
        w.put((byte) 0x45).put((byte) 0).putShort((short) 56).putInt(0).put((byte) 64).put((byte) 1).putShort((short) 0);
        w.putInt(ip(198, 18, 0, 252)).putInt(CLIENT);
        w.putShort(24, (short) fold(sum(expected, 14, 20)));
        w.put((byte) 11).put((byte) 0).putShort((short) 0).putInt(0).put(quote);
        w.putShort(36, (short) fold(sum(expected, 34, 36)));
        assertEquals(hex(expected), hex(f));
        assertEquals(1, router.timeExceeded);
    }

    @Test
    void ownAddressesBroadcastsAndOtherMacsAreNotRouted() {
        for (byte[] in : new byte[][] {
            udp(BNG1, CLIENT_MAC, CLIENT, ip(198, 18, 1, 254), 64), // virt: bng's own
            udp(BNG1, CLIENT_MAC, CLIENT, ip(198, 18, 1, 255), 64), // network 2's broadcast
            udp(BNG1, CLIENT_MAC, CLIENT, ip(224, 0, 0, 18), 64),
            udp(HOST_MAC, CLIENT_MAC, CLIENT, HOST, 64)}) { // not sent to bng at all
            Frame f = run(in, 1);
            assertEquals(-1, f.outPort());
            assertEquals(hex(in), hex(f));
        }
        assertEquals(0, router.forwarded);
    }

    @Test
    void routingAndTimeExceededAllocateNothingPerFrame() {
        com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[][] in = {udp(BNG1, CLIENT_MAC, CLIENT, HOST, 64), udp(BNG1, CLIENT_MAC, CLIENT, FAR, 64),
            udp(BNG1, CLIENT_MAC, CLIENT, HOST, 1), udp(BNG1, CLIENT_MAC, CLIENT, ip(198, 18, 1, 9), 64)};
        Frame[] burst = {new Frame(1518), new Frame(1518), new Frame(1518), new Frame(1518)};
        Runnable round = () -> {
            for (int i = 0; i < in.length; i++) {
                System.arraycopy(in[i], 0, burst[i].data(), 0, in[i].length);
                burst[i].setLength(in[i].length);
            }
            port.dispatch(burst, burst.length, 1, BNG1);
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
        assertEquals(2 * 70_000L, router.forwarded);
        assertEquals(70_000L, router.timeExceeded);
        assertEquals(70_000L, router.unresolved);
    }

    @Test
    void withoutIpforwardingNothingIsRouted() {
        router.configurationChanged(Configuration.empty(), config(CONFIG.replace("set ipforwarding 1", "set ipforwarding 0")));
        byte[] in = udp(BNG1, CLIENT_MAC, CLIENT, HOST, 64);
        assertEquals(-1, run(in, 1).outPort());
    }
}
