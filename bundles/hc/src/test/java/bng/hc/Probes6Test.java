package bng.hc;

import static bng.hc.HcBench.MS;
import static bng.hc.HcBench.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.api.TargetHealth;
import bng.core.config.IpAddresses;
import bng.core.impl.Dispatcher;
import bng.core.impl.PacketBusManager;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * hc over IPv6 on the test's clock: the exact probes {@code tcpopen}, {@code ping6} and
 * {@code agent6} send from real6, the target's answers back through the real bus and the real
 * receiver (registered for IPv6 as its component properties say), and the target's state. The
 * golden frames come from tools/golden/icmpv6.py (independent checksums).
 */
class Probes6Test {
    static final String SYN6 = "02000000000b02000000000186dd600000000018064020010db800000000000000000000000120010db8000000000000000000000011ee48005012345678000000006002faf0ea800000020405a0";
    static final String SYNACK6 = "02000000000102000000000b86dd600000000014064020010db800000000000000000000001120010db80000000000000000000000010050ee4800001000123456795012fd20efe70000";
    static final String RST6 = "02000000000b02000000000186dd600000000014064020010db800000000000000000000000120010db8000000000000000000000011ee480050123456790000000050040000fd160000";
    static final String RSTACK6 = "02000000000102000000000b86dd600000000014064020010db800000000000000000000001120010db80000000000000000000000010050ee48000000001234567950140000fd060000";
    static final String ECHO6 = "02000000000b02000000000186dd6000000000283a4020010db800000000000000000000000120010db80000000000000000000000118000c9b268630001101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
    static final String ECHO6_REPLY = "02000000000102000000000b86dd6000000000283a4020010db800000000000000000000001120010db80000000000000000000000018100c8b268630001101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
    static final String AGENT6 = "02000000000b02000000000186dd600000000010114020010db800000000000000000000000120010db8000000000000000000000011ee4a271000105c73626e676112345678";
    static final String AGENT6_REPLY = "02000000000102000000000b86dd600000000014114020010db800000000000000000000001120010db80000000000000000000000012710ee4a00145c41626e6761123456780000002a";

    static final String CONFIG = """
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 {
          mask6 64
          real6 2001:db8::1
          interface 1
        }
        register network 1
        enable network 1
        """;
    static final String TARGET = """
        target 1 {
          ipaddr6 2001:db8::11
          tcpopen 80,3,10
          ping6 3,10
          agent6 10000,3,10
        }
        register target 1
        enable target 1
        """;

    HcBench bench;
    PacketBusManager bus6;
    Dispatcher port6;

    @BeforeEach
    void setUp() {
        bench = new HcBench(0);
        // The receiver as its component registers: IPv4 and IPv6, TCP, ICMP, ICMPv6, UDP.
        bus6 = new PacketBusManager();
        bus6.add(bench.receiver, Map.of(
            ProcessorProperties.NAME, "hc.probes",
            ProcessorProperties.MODULE, "hc",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 500,
            ProcessorProperties.ETHERTYPE, new Integer[] {Frame.ETH_IPV4, Frame.ETH_IPV6},
            ProcessorProperties.IP_PROTOCOL,
            new Integer[] {Frame.PROTO_ICMPV6, Frame.PROTO_TCP, Frame.PROTO_ICMP, Frame.PROTO_UDP}));
        port6 = bus6.newDispatcher("eth0");
    }

    @AfterEach
    void tearDown() {
        port6.close();
        bench.close();
    }

    void learnTarget() {
        bench.neighbours.insertStaticIpv6(IpAddresses.parseIpv6("2001:db8::11").getAddress(), 0, HcBench.TARGET_MAC,
            HcBench.PORT);
    }

    Frame receive(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        byte[] buf = new byte[1518];
        System.arraycopy(b, 0, buf, 0, b.length);
        Frame f = new Frame(buf, b.length);
        port6.dispatch(new Frame[] {f}, 1, HcBench.PORT, HcBench.PORT_MAC);
        return f;
    }

    static String hex(Frame f) {
        return HexFormat.of().formatHex(Arrays.copyOf(f.data(), f.length()));
    }

    String show() {
        StringBuilder sb = new StringBuilder();
        bench.engine.render(sb);
        return sb.toString();
    }

    @Test
    void theThreeProbesAreTheGoldenFramesAndTheirAnswersBringTheTargetUp() {
        learnTarget();
        bench.apply(CONFIG + TARGET);
        bench.engine.tick();
        assertEquals(3, bench.ports.count());
        assertEquals(SYN6, HcBench.hex(bench.ports.sent.get(0)));
        assertEquals(ECHO6, HcBench.hex(bench.ports.sent.get(1)));
        assertEquals(AGENT6, HcBench.hex(bench.ports.sent.get(2)));

        bench.now += MS;
        Frame synAck = receive(SYNACK6);
        assertEquals(HcBench.PORT, synAck.outPort(), "the SYN-ACK is turned into the RST");
        assertEquals(RST6, hex(synAck));
        assertEquals(-1, receive(ECHO6_REPLY).outPort());
        assertEquals(-1, receive(AGENT6_REPLY).outPort());
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1), show());
        String shown = show();
        assertTrue(shown.contains("2001:db8::11"), shown);
        assertTrue(shown.contains("ping6: echo reply in 1.0 ms"), shown);
        assertTrue(shown.contains("agent6 10000: load 42"), shown);
        assertTrue(shown.contains("tcpopen 80: SYN-ACK in 1.0 ms"), shown);
        assertTrue(!shown.contains("not run"), shown);
    }

    @Test
    void aRefusedTcpopenOverIpv6TakesTheTargetDown() {
        learnTarget();
        bench.apply(CONFIG + "target 1 { ipaddr6 2001:db8::11 tcpopen 80,3,10 }\nregister target 1\nenable target 1\n");
        bench.engine.tick();
        bench.now += MS;
        receive(SYNACK6);
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        for (int i = 0; i < 4; i++) {
            bench.advance(3 * S);
            byte[] probe = bench.ports.last();
            // The same RST+ACK, re-aimed at the slot (source port) of the latest probe.
            byte[] rst = HexFormat.of().parseHex(RSTACK6);
            int slotPort = ((probe[54] & 0xff) << 8) | (probe[55] & 0xff);
            rst[56] = (byte) (slotPort >>> 8);
            rst[57] = (byte) slotPort;
            int csum = ((rst[70] & 0xff) << 8) | (rst[71] & 0xff);
            csum = bng.core.api.Checksums.update16(csum, 61000, slotPort);
            rst[70] = (byte) (csum >>> 8);
            rst[71] = (byte) csum;
            receive(HexFormat.of().formatHex(rst));
        }
        bench.advance(S);
        assertEquals(TargetHealth.DOWN, bench.health.state(1), show());
        assertTrue(show().contains("connection refused"), show());
    }

    @Test
    void withoutANeighbourEntryTheProbeIsNotSentAndSaysWhy() {
        bench.apply(CONFIG + "target 1 { ipaddr6 2001:db8::11 ping6 3,10 }\nregister target 1\nenable target 1\n");
        bench.engine.tick();
        assertEquals(0, bench.ports.count());
        assertTrue(show().contains("ping6: no neighbour entry for 2001:db8::11"), show());
    }

    @Test
    void aTargetOutsideEveryReal6PrefixCannotBeProbed() {
        learnTarget();
        bench.apply(CONFIG + "target 1 { ipaddr6 2001:db8:1::11 ping6 3,10 }\nregister target 1\nenable target 1\n");
        bench.engine.tick();
        assertTrue(show().contains("no enabled network with a real6 address contains 2001:db8:1::11"), show());
    }
}
