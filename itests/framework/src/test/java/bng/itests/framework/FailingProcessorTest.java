package bng.itests.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.access.MemoryWires;
import bng.core.api.PacketBus;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import bng.core.api.RunningConfig;
import bng.core.config.ConfigResult;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Isolation of a broken processor in the real framework (issue 10, faults): a director registered
 * by this test ahead of ping throws on every ICMP frame; the bus counts each failure against it
 * alone and goes on, so ping keeps answering every request; once it is unregistered the counting
 * stops. A processor of a module that throws is the same case: the bus only sees the service.
 */
class FailingProcessorTest {
    private static final int OWNED = EchoFrames.ip(198, 18, 0, 2);
    private static final String CONFIG = """
        modules   master,ping
        interface 1 {
                  name itest1
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

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    RunningConfig running;

    @InjectService(timeout = 5000)
    MemoryWires wires;

    @InjectService(timeout = 5000)
    PacketBus bus;

    @Test
    void aThrowingProcessorIsCountedAndSkippedWhilePingKeepsAnswering() throws Exception {
        ConfigResult r = running.apply("itest", CONFIG);
        assertTrue(r.ok(), () -> "config: " + r.errors());
        MemoryWires.Host host = wires.host("itest1");
        AtomicLong calls = new AtomicLong();
        PacketProcessor broken = ctx -> {
            calls.incrementAndGet();
            throw new IllegalStateException("deliberately broken (test)");
        };
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ProcessorProperties.NAME, "test.broken");
        props.put(ProcessorProperties.MODULE, "test");
        props.put(ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR);
        props.put(ProcessorProperties.PRIORITY, 10);
        props.put(ProcessorProperties.ETHERTYPE, 0x0800);
        props.put(ProcessorProperties.IP_PROTOCOL, 1);
        long failuresBefore = bus.counters().processorFailures();
        ServiceRegistration<PacketProcessor> reg = context.registerService(PacketProcessor.class, broken, props);
        try {
            long deadline = System.currentTimeMillis() + 5000;
            while (bus.processors().stream().noneMatch(p -> p.name().equals("test.broken"))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            int requests = 200;
            int replies = 0;
            for (int seq = 0; seq < requests; seq++) {
                host.send(EchoFrames.request(host.portMac(), OWNED, 0x4343, seq));
                // Other frames bng sends on the wire (an announcement, a resolution) are not answers: skip them.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                for (byte[] f; (f = host.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS)) != null; ) {
                    if (EchoFrames.replySequence(f, OWNED) == seq) {
                        replies++;
                        break;
                    }
                }
            }
            assertEquals(requests, replies, "ping answers every request although the processor before it throws");
            PacketBus.ProcessorInfo info = bus.processors().stream().filter(p -> p.name().equals("test.broken"))
                .findFirst().orElseThrow();
            assertEquals(requests, calls.get(), "the broken processor saw every request");
            assertEquals(requests, info.failures(), "each of its failures is counted against it");
            assertEquals(requests, bus.counters().processorFailures() - failuresBefore, "and in the bus total");
            assertTrue(bus.processors().stream().filter(p -> p.module().equals("ping")).allMatch(p -> p.failures() == 0),
                "ping itself never failed");
        } finally {
            reg.unregister();
        }
        long after = bus.counters().processorFailures();
        host.send(EchoFrames.request(host.portMac(), OWNED, 0x4343, 999));
        byte[] f = host.poll(2, TimeUnit.SECONDS);
        assertTrue(f != null && EchoFrames.replySequence(f, OWNED) == 999, "ping answers after the removal");
        assertEquals(after, bus.counters().processorFailures(), "no more failures once it is gone");
    }
}
