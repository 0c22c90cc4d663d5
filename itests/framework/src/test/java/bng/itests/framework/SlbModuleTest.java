package bng.itests.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import bng.core.api.TargetHealth;
import bng.core.config.ConfigResult;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/**
 * slb inside the real framework: the module bundle installed by the {@code modules} line, its
 * processor on the real bus behind the in-memory wire; SYNs to the VIP come back out of the wire
 * with a target's MAC; slb is removed (sessions stay in core) and added back (clients keep their
 * targets).
 */
class SlbModuleTest {
    private static final int VIP = EchoFrames.ip(198, 18, 0, 100);
    private static final int CLIENTS = EchoFrames.ip(198, 18, 0, 128);
    private static final long T1_MAC = Macs.parse("02:00:00:00:01:11");
    private static final long T2_MAC = Macs.parse("02:00:00:00:01:12");
    private static final String CONFIG = """
        modules   master,ping,slb
        interface 1 {
                  name itest0
                  access memory
        }
        network 1 {
                  addr 198.18.0.0
                  mask 255.255.255.0
                  real 198.18.0.2
                  interface 1
        }
        register  interface 1
        enable    interface 1
        register  network 1
        enable    network 1
        server 1 { ipaddr 198.18.0.100 port 80 protocol tcp targets 1,2 }
        target 1 { ipaddr 198.18.0.11 dsr enable }
        target 2 { ipaddr 198.18.0.12 dsr enable }
        register server 1
        enable server 1
        register targets 1,2
        enable targets 1,2
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
    TargetHealth health;
    @InjectService(timeout = 5000)
    SessionTable sessions;

    @AfterEach
    void stop() {
        sessions.clear(-1);
        if (modules.modules().stream().noneMatch(m -> m.name().equals("slb") && m.state().equals("running"))) {
            modules.add("slb");
        }
    }

    /** A TCP segment from a client to the VIP, port 80, correct checksums. */
    static byte[] segment(long dstMac, int client, int flags) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20);
        byte[] a = b.array();
        Macs.write(a, 0, dstMac);
        Macs.write(a, 6, EchoFrames.HOST_MAC);
        b.putShort(12, (short) Frame.ETH_IPV4);
        b.put(14, (byte) 0x45).putShort(16, (short) 40).put(22, (byte) 64).put(23, (byte) Frame.PROTO_TCP)
            .putInt(26, client).putInt(30, VIP);
        b.putShort(24, (short) Checksums.checksum(a, 14, 20));
        b.putShort(34, (short) 40000).putShort(36, (short) 80).putInt(38, 1).put(46, (byte) 0x50).put(47, (byte) flags)
            .putShort(48, (short) 64240);
        int sum = Checksums.sum(a, 34, 20, Checksums.pseudoHeader4(client, VIP, Frame.PROTO_TCP, 20));
        b.putShort(50, (short) Checksums.finish(sum));
        return a;
    }

    /** The next frame bng sends to the VIP's port 80, or null after {@code millis}. */
    static byte[] nextToVip(MemoryWires.Host host, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            byte[] f = host.poll(50, TimeUnit.MILLISECONDS);
            if (f != null && f.length >= 54 && ByteBuffer.wrap(f).getInt(30) == VIP) {
                return f;
            }
        }
        return null;
    }

    @Test
    void synsLeaveForTheTargetsAndSessionsOutliveTheModule() throws Exception {
        ConfigResult r = running.apply("itest-slb", CONFIG);
        assertTrue(r.ok(), () -> "config: " + r.errors());
        neighbours.insertStaticIpv4(EchoFrames.ip(198, 18, 0, 11), T1_MAC, 1);
        neighbours.insertStaticIpv4(EchoFrames.ip(198, 18, 0, 12), T2_MAC, 1);
        health.report(1, TargetHealth.UP, "itest");
        health.report(2, TargetHealth.UP, "itest");
        long deadline = System.currentTimeMillis() + 5000;
        while (bus.processors().stream().noneMatch(p -> p.module().equals("slb")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        MemoryWires.Host host = wires.host("itest0");
        host.clear();

        int[] per = new int[3];
        long[] targetOf = new long[10];
        for (int c = 0; c < 10; c++) {
            byte[] syn = segment(host.portMac(), CLIENTS + c, SessionTable.TCP_SYN);
            assertTrue(host.send(syn));
            byte[] out = nextToVip(host, 2000);
            assertTrue(out != null, "SYN " + c + " came back out towards a target");
            long dst = Macs.read(out, 0);
            assertTrue(dst == T1_MAC || dst == T2_MAC, Macs.format(dst));
            assertEquals(host.portMac(), Macs.read(out, 6), "source MAC = bng's port");
            assertTrue(Arrays.equals(syn, 12, syn.length, out, 12, out.length), "nothing but the MACs changed");
            per[dst == T1_MAC ? 1 : 2]++;
            targetOf[c] = dst;
        }
        assertEquals(5, per[1], "round robin over two up targets");
        assertEquals(10, sessions.size());

        assertEquals("module slb removed", modules.remove("slb"));
        assertEquals(10, sessions.size(), "the sessions live in core");
        host.send(segment(host.portMac(), CLIENTS, SessionTable.TCP_ACK));
        assertNull(nextToVip(host, 300), "nothing balances without slb");

        assertTrue(modules.add("slb").startsWith("module slb running"));
        deadline = System.currentTimeMillis() + 5000;
        while (bus.processors().stream().noneMatch(p -> p.module().equals("slb")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        host.clear();
        for (int c = 0; c < 10; c++) {
            host.send(segment(host.portMac(), CLIENTS + c, SessionTable.TCP_ACK));
            byte[] out = nextToVip(host, 2000);
            assertTrue(out != null, "ACK " + c + " forwarded by its session");
            assertEquals(targetOf[c], Macs.read(out, 0), "client " + c + " stays on its target across the reinstall");
        }
    }
}
