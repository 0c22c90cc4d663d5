package bng.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.access.AccessDriver;
import bng.core.access.MemoryWires;
import bng.core.api.Frame;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.Dispatcher;
import bng.core.impl.MemoryAccessDriver;
import bng.core.impl.PacketBusManager;
import bng.core.impl.PortManager;
import bng.core.impl.RunningConfigManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark over core's real ports on the in-memory access: two wires, bng owning both ends'
 * ports (real {@code PortManager}, real port threads, real bus), and a "cable" thread that carries
 * what leaves interface 1 into interface 2 — faithfully, holding frames back, or losing some.
 */
class BenchmarkTest {
    static final String CONFIG = """
        modules   benchmark
        set       bmduration 1
        set       bmpsize 200
        set       bmwsize 8
        interface 1 {
                  name bm1
                  access memory
        }
        interface 2 {
                  name bm2
                  access memory
        }
        register  interfaces 1,2
        enable    interfaces 1,2
        """;

    final MemoryAccessDriver wires = new MemoryAccessDriver();
    final PacketBusManager bus = new PacketBusManager();
    final RunningConfigManager running = new RunningConfigManager();
    PortManager ports;
    Benchmark benchmark;
    Runnable removeFromBus;
    Thread cable;
    final AtomicBoolean cableOn = new AtomicBoolean(true);

    @BeforeEach
    void ports() {
        ConfigResult r = running.apply("test.conf", CONFIG);
        assertTrue(r.ok(), r.errors().toString());
        ports = PortManager.standalone(bus, Map.<String, AccessDriver>of("memory", wires));
        ports.configurationChanged(Configuration.empty(), running.current());
        benchmark = new Benchmark();
        benchmark.ports = ports;
        benchmark.running = running;
        removeFromBus = bus.add(benchmark, properties());
        for (int i = 0; i < 100 && !(ports.isUp(1) && ports.isUp(2)); i++) {
            sleep(10);
        }
    }

    static Map<String, Object> properties() {
        return Map.of(ProcessorProperties.NAME, "benchmark.receiver", ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 0, ProcessorProperties.ETHERTYPE, BenchmarkRun.ETHERTYPE);
    }

    @AfterEach
    void close() throws InterruptedException {
        benchmark.deactivate();
        cableOn.set(false);
        if (cable != null) {
            cable.join(5000);
        }
        removeFromBus.run();
        ports.closeAll();
    }

    /**
     * Carries frames from wire bm1's far end to wire bm2's far end: drops the n-th (from 1) when
     * {@code drop} says so; the first {@code holdMillis} it forwards nothing. Bounded by
     * {@link #cableOn} and 30 s.
     */
    void cable(java.util.function.LongPredicate drop, long holdMillis, AtomicLong carried, AtomicLong dropped, AtomicLong heldAtRelease) {
        MemoryWires.Host from = wires.host("bm1");
        MemoryWires.Host to = wires.host("bm2");
        cable = new Thread(() -> {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(30);
            java.util.ArrayDeque<byte[]> held = new java.util.ArrayDeque<>();
            boolean holding = holdMillis > 0;
            try {
                while (cableOn.get() && System.nanoTime() < deadline) {
                    byte[] f = from.poll(5, TimeUnit.MILLISECONDS);
                    if (holding && System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(holdMillis)) {
                        holding = false;
                        heldAtRelease.set(held.size());
                        while (!held.isEmpty()) {
                            to.send(held.poll());
                            carried.incrementAndGet();
                        }
                    }
                    if (f == null) {
                        continue;
                    }
                    if (holding) {
                        held.add(f);
                    } else if (drop.test(carried.get() + dropped.get() + 1)) {
                        dropped.incrementAndGet();
                    } else {
                        to.send(f);
                        carried.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-cable");
        cable.start();
    }

    String prompt(String... words) {
        StringBuilder out = new StringBuilder();
        boolean ok = benchmark.execute(List.of(words), out);
        assertTrue(ok, out.toString());
        return out.toString();
    }

    String show() {
        StringBuilder out = new StringBuilder();
        benchmark.show(List.of(), out);
        return out.toString();
    }

    static long value(String show, String label) {
        Matcher m = Pattern.compile("(?m)^    " + Pattern.quote(label) + " *: (\\d+)$").matcher(show);
        assertTrue(m.find(), label + " in\n" + show);
        return Long.parseLong(m.group(1));
    }

    BenchmarkRun finish() throws InterruptedException {
        BenchmarkRun run = benchmark.current;
        assertTrue(run.await(10_000), "the run ends after bmduration plus the drain");
        return run;
    }

    @Test
    void framesOutOfInterfaceOneComeBackOnTwoAndShowBenchmarkUsesBalanceNgsLayout() throws Exception {
        AtomicLong carried = new AtomicLong();
        cable(n -> false, 0, carried, new AtomicLong(), new AtomicLong());
        assertTrue(show().contains("no benchmark has run"), show());
        assertTrue(prompt("1", "bm2").contains("interface 1 -> 2, 200 bytes, window 8, 1 s"));
        String live = show();
        assertTrue(live.startsWith("  benchmark active and running:\n    duration (seconds) : 1\n    packetsize         : 200\n"
            + "    window size        : 8\n    packets sent       : "), live);
        assertTrue(live.matches("(?s).*\n    packets received   : \\d+\n    seconds remaining  : [01]\n"), live);
        StringBuilder busy = new StringBuilder();
        assertFalse(benchmark.execute(List.of("1", "2"), busy), "one run at a time");
        assertTrue(busy.toString().contains("running already"), busy.toString());

        BenchmarkRun run = finish();
        String done = show();
        assertTrue(done.matches("""
              benchmark finished with the following results:
                duration \\(seconds\\) : 1
                packetsize         : 200
                window size        : 8
                packets sent       : \\d+
                packets received   : \\d+
                lost packets       : 0
                packets per second : \\d+
                bytes per second   : \\d+
            """), done);
        long sent = value(done, "packets sent");
        assertTrue(sent > 100, "frames went round: " + done);
        assertEquals(sent, value(done, "packets received"), done);
        assertEquals(sent, carried.get(), "the cable saw every frame once");
        long pps = value(done, "packets per second");
        assertTrue(Math.abs(pps - sent) <= sent / 10 + 1, "received over ~1 s: " + pps + " vs " + sent);
        assertEquals(pps * 200, value(done, "bytes per second"), 200, done);
        assertEquals(0, run.sendErrors());
    }

    @Test
    void neverMoreThanTheWindowInFlight() throws Exception {
        AtomicLong carried = new AtomicLong();
        AtomicLong held = new AtomicLong(-1);
        // held back for 150 ms; a silent window is written off only after 5 s here (200 ms in service),
        // so a slow test machine cannot turn the hold into a write-off
        benchmark.stallNanos = TimeUnit.SECONDS.toNanos(5);
        cable(n -> false, 150, carried, new AtomicLong(), held);
        prompt("1", "2");
        BenchmarkRun run = finish();
        assertEquals(8, held.get(), "the sender stopped at bmwsize frames in flight");
        assertEquals(0, run.lost(), show());
        assertEquals(run.sent(), run.received());
        assertEquals(0, run.stalls());
    }

    @Test
    void lostFramesAreCountedAndTheRunGoesOn() throws Exception {
        AtomicLong carried = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        cable(n -> n % 7 == 0, 0, carried, dropped, new AtomicLong());
        prompt("1", "2");
        finish();
        String done = show();
        long sent = value(done, "packets sent");
        assertTrue(dropped.get() > 10, "the cable lost frames: " + dropped);
        assertEquals(dropped.get(), value(done, "lost packets"), done);
        assertEquals(sent - dropped.get(), value(done, "packets received"), done);
        assertTrue(sent > 100, done);
    }

    /** A whole window lost: after 200 ms of silence it is written off and the run goes on. */
    @Test
    void aLostWindowDoesNotStallTheRun() throws Exception {
        AtomicLong dropped = new AtomicLong();
        cable(n -> n <= 8, 0, new AtomicLong(), dropped, new AtomicLong());
        prompt("1", "2");
        BenchmarkRun run = finish();
        String done = show();
        assertEquals(8, dropped.get());
        assertEquals(8, value(done, "lost packets"), done);
        assertEquals(1, value(done, "window timeouts"), done);
        assertTrue(run.received() > 100, "sending went on after the write-off: " + done);
    }

    @Test
    void refusesUnknownOrDownInterfacesAndStopEndsARun() throws Exception {
        StringBuilder out = new StringBuilder();
        assertFalse(benchmark.execute(List.of("1", "9"), out));
        assertTrue(out.toString().contains("no interface 9"), out.toString());
        out.setLength(0);
        assertFalse(benchmark.execute(List.of("1"), out));
        assertTrue(out.toString().startsWith("usage: benchmark IF1 IF2"), out.toString());
        cable(n -> false, 0, new AtomicLong(), new AtomicLong(), new AtomicLong());
        assertTrue(running.apply("prompt", "set bmduration 60").ok());
        prompt("bm1", "bm2");
        sleep(200);
        long t0 = System.nanoTime();
        assertTrue(prompt("stop").contains("stopped"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(6));
        assertTrue(benchmark.current.isFinished());
        assertTrue(show().contains("duration (seconds) : 60"), show());
        assertTrue(benchmark.current.sent() > 0, show());
    }

    /** Another protocol's 0x88B5 frame is left alone (not consumed); a benchmark frame never goes on. */
    @Test
    void onlyBenchmarkFramesAreConsumed() {
        Dispatcher d = bus.newDispatcher("test");
        Frame f = new Frame(new byte[200], 60);
        f.data()[12] = (byte) 0x88;
        f.data()[13] = (byte) 0xb5;
        Frame[] one = {f};
        d.dispatch(one, 1, 2, 0x02_00_00_00_00_02L);
        BenchmarkRun.LONG.set(f.data(), BenchmarkRun.OFF_MAGIC, BenchmarkRun.MAGIC);
        d.dispatch(one, 1, 2, 0x02_00_00_00_00_02L);
        d.close();
        String s = show();
        assertTrue(s.contains("no benchmark has run"), s);
        var entry = bus.processors().stream().filter(p -> p.name().equals("benchmark.receiver")).findFirst().orElseThrow();
        assertEquals(2, entry.packets());
        assertEquals(1, entry.handled(), "only the frame with the magic");
    }

    /**
     * The sender's loop and the receiver allocate nothing per frame: ports that hand each burst
     * straight to the receive port's dispatcher (no driver copy), a warm-up run, then a measured one.
     */
    @Test
    void sendAndReceiveAllocateNothingPerFrame() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Dispatcher d = bus.newDispatcher("loop");
        Ports loop = new Ports() {
            @Override public long mac(int port) { return 0x02_00_00_00_00_00L | port; }
            @Override public boolean isUp(int port) { return true; }
            @Override public boolean send(int port, byte[] frame, int length) { return false; }
            @Override public int portOfNetwork(int networkId) { return -1; }
            @Override public int transmit(int port, Frame[] frames, int count) {
                d.dispatch(frames, count, 2, 0x02_00_00_00_00_02L);
                return count;
            }
        };
        long[] measured = new long[2];
        for (int round = 0; round < 2; round++) {
            BenchmarkRun run = new BenchmarkRun(loop, 1, 2, 1514, 16, 1, 42 + round);
            benchmark.current = run;
            int r = round;
            Thread t = new Thread(() -> {
                long a0 = mx.getCurrentThreadAllocatedBytes();
                run.run();
                measured[0] = mx.getCurrentThreadAllocatedBytes() - a0;
                measured[1] = run.received();
                assertEquals(run.sent(), run.received(), "round " + r);
            });
            t.start();
            t.join(10_000);
        }
        d.close();
        assertTrue(measured[1] > 100_000, "frames in the measured second: " + measured[1]);
        assertTrue(measured[0] < 4096, measured[0] + " bytes allocated for " + measured[1] + " frames");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
