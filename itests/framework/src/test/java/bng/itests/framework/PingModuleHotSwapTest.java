package bng.itests.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.access.MemoryWires;
import bng.core.api.ModuleManager;
import bng.core.api.PacketBus;
import bng.core.api.RunningConfig;
import bng.core.config.ConfigResult;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/**
 * The module story inside a real framework: ICMP echo frames go through the in-memory access,
 * the real bus and the real ping bundle; the bundle is uninstalled while a sender keeps sending
 * (replies stop, the bus reports no failure), then installed again (replies resume).
 */
class PingModuleHotSwapTest {
    private static final String WIRE = "itest0";
    private static final int OWNED = EchoFrames.ip(198, 18, 0, 2);
    private static final String CONFIG = """
        modules   master,ping
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
        """;

    @InjectService(timeout = 5000)
    RunningConfig running;

    @InjectService(timeout = 5000)
    MemoryWires wires;

    @InjectService(timeout = 5000)
    ModuleManager modules;

    @InjectService(timeout = 5000)
    PacketBus bus;

    private MemoryWires.Host host;
    private Thread sender;
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Throwable> senderFailure = new AtomicReference<>();

    @BeforeEach
    void start() {
        ConfigResult r = running.apply("itest", CONFIG);
        assertTrue(r.ok(), () -> "config: " + r.errors());
        host = wires.host(WIRE);
        // Bounded: at most 20 s or 40,000 requests, one every 0.5 ms.
        sender = Thread.ofPlatform().name("echo-sender").start(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try {
                for (int seq = 0; sending.get() && seq < 40_000 && System.nanoTime() < deadline; seq++) {
                    host.send(EchoFrames.request(host.portMac(), OWNED, 0x4242, seq & 0xffff));
                    sent.incrementAndGet();
                    Thread.sleep(0, 500_000);
                }
            } catch (Throwable t) {
                senderFailure.set(t);
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        sending.set(false);
        sender.join(5000);
        if (modules.modules().stream().noneMatch(m -> m.name().equals("ping") && m.state().equals("running"))) {
            modules.add("ping");
        }
    }

    @Test
    void repliesStopWhenPingIsUninstalledAndResumeWhenItIsBack() throws Exception {
        assertTrue(replies(20, 5000) >= 20, "ping answers while its module runs");

        long failuresBefore = bus.counters().processorFailures();
        String removed = modules.remove("ping");
        assertEquals("module ping removed", removed);
        assertFalse(bus.processors().stream().anyMatch(p -> p.module().equals("ping")), "ping's processor left the bus");
        assertTrue(modules.modules().stream().anyMatch(m -> m.name().equals("ping") && m.state().equals("removed")));
        host.clear(); // replies already on the wire from before the removal
        int sentBefore = sent.get();
        assertEquals(0, replies(1, 1000), "no replies once ping is gone");
        assertTrue(sent.get() - sentBefore > 100, "the sender kept sending meanwhile");
        assertEquals(failuresBefore, bus.counters().processorFailures(), "no processor failed during the removal");

        String added = modules.add("ping");
        assertTrue(added.startsWith("module ping running"), added);
        assertTrue(replies(20, 5000) >= 20, "replies resume once ping is back");
        assertEquals(null, senderFailure.get());
    }

    /** Counts sound echo replies until {@code want} arrived or the time is up. */
    private int replies(int want, long millis) throws InterruptedException {
        int got = 0;
        long deadline = System.currentTimeMillis() + millis;
        while (got < want && System.currentTimeMillis() < deadline) {
            byte[] f = host.poll(50, TimeUnit.MILLISECONDS);
            if (f != null && EchoFrames.replySequence(f, OWNED) >= 0) {
                got++;
            }
        }
        return got;
    }
}
