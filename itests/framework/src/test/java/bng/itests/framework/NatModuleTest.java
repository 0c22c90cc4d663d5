package bng.itests.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.access.MemoryWires;
import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;
import bng.core.api.ModuleManager;
import bng.core.api.NeighbourCache;
import bng.core.api.PacketBus;
import bng.core.api.RunningConfig;
import bng.core.api.SessionTable;
import bng.core.config.ConfigResult;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/**
 * nat inside the real framework, installed by the {@code modules} line with rt: a UDP datagram an
 * inside host sends beyond the gateway comes out of the in-memory wire from bng's outside virt;
 * with nat removed the next one leaves untranslated (rt alone) while the mapping stays in core's
 * session table, and once nat is back the reply to the mapped port reaches the host.
 */
class NatModuleTest {
    private static final int HOST = EchoFrames.ip(198, 18, 1, 5);
    private static final int FAR = EchoFrames.ip(198, 19, 0, 20);
    private static final int OUTSIDE = EchoFrames.ip(198, 18, 0, 253);
    private static final int ROUTER = EchoFrames.ip(198, 18, 0, 254);
    private static final long HOST_MAC = Macs.parse("02:00:00:00:01:05");
    private static final long ROUTER_MAC = Macs.parse("02:00:00:00:00:fe");
    private static final String CONFIG = """
        modules   master,nat,rt
        set       ipforwarding 1
        interface 1 {
                  name itestnat0
                  access memory
        }
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.252 virt 198.18.0.253 nat outside interface 1 }
        network 2 { addr 198.18.1.0 mask 24 real 198.18.1.253 virt 198.18.1.254 nat inside interface 1 }
        register  interface 1
        enable    interface 1
        register  networks 1,2
        enable    networks 1,2
        gateway   { ipaddr 198.18.0.254 }
        """;

    @InjectService(timeout = 5000)
    RunningConfig running;
    @InjectService(timeout = 5000)
    MemoryWires wires;
    @InjectService(timeout = 5000)
    ModuleManager modules;
    @InjectService(timeout = 5000)
    PacketBus bus;
    @InjectService(timeout = 5000)
    NeighbourCache neighbours;
    @InjectService(timeout = 5000)
    SessionTable sessions;

    @AfterEach
    void stop() {
        sessions.clear(-1);
    }

    /** Ethernet / IPv4 / UDP with 4 payload bytes, checksums right. */
    static byte[] udp(long dstMac, long srcMac, int src, int sport, int dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 12);
        byte[] a = b.array();
        Macs.write(a, 0, dstMac);
        Macs.write(a, 6, srcMac);
        b.putShort(12, (short) Frame.ETH_IPV4);
        b.put(14, (byte) 0x45).putShort(16, (short) 32).put(22, (byte) 64).put(23, (byte) Frame.PROTO_UDP)
            .putInt(26, src).putInt(30, dst);
        b.putShort(24, (short) Checksums.checksum(a, 14, 20));
        b.putShort(34, (short) sport).putShort(36, (short) dport).putShort(38, (short) 12).putInt(42, 0x01020304);
        int c = Checksums.finish(Checksums.sum(a, 34, 12, Checksums.pseudoHeader4(src, dst, Frame.PROTO_UDP, 12)));
        b.putShort(40, (short) (c == 0 ? 0xffff : c));
        return a;
    }

    /** The next frame bng sends to {@code dstMac}, decoded, or null after {@code millis}. */
    static Frame next(MemoryWires.Host host, long dstMac, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            byte[] f = host.poll(50, TimeUnit.MILLISECONDS);
            if (f != null && Macs.read(f, 0) == dstMac) {
                Frame v = new Frame(f, f.length);
                assertEquals(Frame.OK, v.decode(), "bng sent a sound frame");
                return v;
            }
        }
        return null;
    }

    void awaitProcessor(String module, boolean present) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (bus.processors().stream().anyMatch(p -> p.module().equals(module)) != present
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void insideTrafficLeavesFromTheOutsideVirtAndMappingsOutliveTheModule() throws Exception {
        ConfigResult r = running.apply("itest-nat", CONFIG);
        assertTrue(r.ok(), () -> "config: " + r.errors());
        neighbours.insertStaticIpv4(ROUTER, ROUTER_MAC, 1);
        neighbours.insertStaticIpv4(HOST, HOST_MAC, 1);
        awaitProcessor("nat", true);
        awaitProcessor("rt", true);
        MemoryWires.Host host = wires.host("itestnat0");
        host.clear();

        host.send(udp(host.portMac(), HOST_MAC, HOST, 5353, FAR, 53));
        Frame out = next(host, ROUTER_MAC, 2000);
        assertNotNull(out, "the datagram left toward the gateway");
        assertEquals(OUTSIDE, out.ipv4Src(), "from bng's outside virt");
        int port = out.srcPort();
        assertTrue(port >= SessionTable.PROXY_PORT_FIRST, "port " + port);
        assertEquals(63, out.ttl(), "rt forwarded it (TTL one lower)");

        assertEquals("module nat removed", modules.remove("nat"));
        awaitProcessor("nat", false);
        host.send(udp(host.portMac(), HOST_MAC, HOST, 5353, FAR, 53));
        Frame plain = next(host, ROUTER_MAC, 2000);
        assertNotNull(plain, "rt still routes");
        assertEquals(HOST, plain.ipv4Src(), "without nat nothing is translated");
        assertTrue(sessions.find(SessionTable.key(HOST, 5353, SessionTable.NAT_UDP)) >= 0, "the mapping lives in core");

        assertTrue(modules.add("nat").startsWith("module nat running"));
        awaitProcessor("nat", true);
        host.send(udp(host.portMac(), ROUTER_MAC, FAR, 53, OUTSIDE, port));
        Frame back = next(host, HOST_MAC, 2000);
        assertNotNull(back, "the reply to the mapped port reached the host after nat came back");
        assertEquals(HOST, back.ipv4Dst());
        assertEquals(5353, back.dstPort());
    }
}
