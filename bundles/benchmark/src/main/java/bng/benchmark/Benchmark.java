package bng.benchmark;

import bng.core.api.Frame;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.PromptCommand;
import bng.core.api.RunningConfig;
import bng.core.api.ShowTopic;
import bng.core.config.Configuration;
import bng.core.config.InterfaceDef;
import bng.core.config.Setting;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * BalanceNG's built-in benchmark (reference §7.3, §11): {@code benchmark IF1 IF2} at the prompt
 * starts a run in the background with the {@code set bmpsize / bmduration / bmwsize} of the running
 * configuration; {@code show benchmark} reports it, in BalanceNG's layout, while it runs and once
 * it finished; {@code benchmark stop} ends it early.
 *
 * <p>On the bus it is a director at priority 0 for EtherType 0x88B5 only, so it sees benchmark
 * frames before any other director and no other frame at all; it consumes frames that carry the
 * benchmark's magic (they must never be forwarded) and leaves any other 0x88B5 frame alone.
 */
@Component(immediate = true, service = {PacketProcessor.class, PromptCommand.class, ShowTopic.class}, property = {
    ProcessorProperties.NAME + "=benchmark.receiver",
    ProcessorProperties.MODULE + "=benchmark",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=0",
    ProcessorProperties.ETHERTYPE + ":Integer=" + BenchmarkRun.ETHERTYPE,
    PromptCommand.COMMAND + "=benchmark",
    PromptCommand.USAGE + "=benchmark IF1 IF2 | benchmark stop",
    PromptCommand.DESCRIPTION + "=send bmpsize-byte frames out of IF1 for bmduration s (window bmwsize), count them in on IF2",
    ShowTopic.TOPIC + "=benchmark",
    ShowTopic.DESCRIPTION + "=the running or last benchmark"
})
public final class Benchmark implements PacketProcessor, PromptCommand, ShowTopic {
    private static final System.Logger LOG = System.getLogger(Benchmark.class.getName());

    @Reference
    Ports ports;

    @Reference
    RunningConfig running;

    volatile BenchmarkRun current;
    /** Benchmark frames that belong to no counting run (an earlier run's, or on another port). */
    private final LongAdder stale = new LongAdder();
    private Thread reporter;
    /** {@link BenchmarkRun#STALL_NANOS}; tests that hold frames back on purpose raise it. */
    long stallNanos = BenchmarkRun.STALL_NANOS;

    @Deactivate
    synchronized void deactivate() {
        BenchmarkRun r = current;
        if (r != null) {
            r.stop(5000);
        }
        Thread t = reporter;
        if (t != null) {
            t.interrupt();
        }
    }

    // ---------------------------------------------------------------- the bus (port threads)

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        byte[] d = f.data();
        if (f.length() < BenchmarkRun.HEADER
            || ((d[BenchmarkRun.OFF_ETHERTYPE] & 0xff) << 8 | d[BenchmarkRun.OFF_ETHERTYPE + 1] & 0xff) != BenchmarkRun.ETHERTYPE
            || (long) BenchmarkRun.LONG.get(d, BenchmarkRun.OFF_MAGIC) != BenchmarkRun.MAGIC) {
            return; // someone else's 0x88B5 frame
        }
        ctx.consume();
        BenchmarkRun r = current;
        if (r != null && ctx.inPort() == r.receivePort && (int) BenchmarkRun.INT.get(d, BenchmarkRun.OFF_RUN) == r.runId
            && r.isCounting()) {
            r.receive(d);
        } else {
            stale.increment();
        }
    }

    // ---------------------------------------------------------------- the prompt

    @Override
    public synchronized boolean execute(List<String> args, StringBuilder out) {
        if (args.size() == 1 && args.get(0).equals("stop")) {
            BenchmarkRun r = current;
            if (r == null || r.isFinished()) {
                out.append("benchmark: none is running\n");
                return false;
            }
            r.stop(5000);
            out.append("benchmark stopped\n");
            return true;
        }
        if (args.size() != 2) {
            out.append("usage: benchmark IF1 IF2 | benchmark stop (IF: interface id or name)\n");
            return false;
        }
        BenchmarkRun r = current;
        if (r != null && !r.isFinished()) {
            out.append("benchmark: one is running already (show benchmark; benchmark stop ends it)\n");
            return false;
        }
        Configuration c = running.current();
        InterfaceDef send = find(c, args.get(0));
        InterfaceDef receive = find(c, args.get(1));
        for (int k = 0; k < 2; k++) {
            InterfaceDef i = k == 0 ? send : receive;
            if (i == null) {
                out.append("benchmark: no interface ").append(args.get(k)).append(" in the configuration\n");
                return false;
            }
            if (!ports.isUp(i.id())) {
                out.append("benchmark: interface ").append(i.id()).append(" is not up (show interfaces)\n");
                return false;
            }
        }
        int size = (int) c.setting(Setting.BMPSIZE);
        int window = (int) c.setting(Setting.BMWSIZE);
        int duration = (int) c.setting(Setting.BMDURATION);
        BenchmarkRun next = new BenchmarkRun(ports, send.id(), receive.id(), size, window, duration,
            ThreadLocalRandom.current().nextInt(), stallNanos);
        current = next;
        next.start();
        watch(next);
        LOG.log(System.Logger.Level.INFO, "benchmark started: interface {0} -> {1}, {2} bytes, window {3}, {4} s",
            Integer.toString(send.id()), Integer.toString(receive.id()), Integer.toString(size), Integer.toString(window),
            Integer.toString(duration));
        out.append("benchmark running: interface ").append(send.id()).append(" -> ").append(receive.id())
            .append(", ").append(size).append(" bytes, window ").append(window).append(", ").append(duration)
            .append(" s (show benchmark)\n");
        return true;
    }

    /** Logs the outcome once the run is over (a thread of its own, bounded by the run). */
    private void watch(BenchmarkRun run) {
        Thread t = new Thread(() -> {
            try {
                run.await((run.durationSeconds + 30L) * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            if (run.isFinished()) {
                LOG.log(System.Logger.Level.INFO, "benchmark finished: interface {0} -> {1}, sent {2}, received {3}, "
                    + "lost {4}, {5} packets/s, {6} bytes/s", Integer.toString(run.sendPort), Integer.toString(run.receivePort),
                    Long.toString(run.sent()),
                    Long.toString(run.received()), Long.toString(run.lost()), Long.toString(run.packetsPerSecond()),
                    Long.toString(run.bytesPerSecond()));
            }
        }, "bng-benchmark-report");
        t.setDaemon(true);
        reporter = t;
        t.start();
    }

    private static InterfaceDef find(Configuration c, String word) {
        for (InterfaceDef i : c.interfaces().values()) {
            if (word.equals(Integer.toString(i.id())) || word.equals(i.name())) {
                return i;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- show benchmark

    @Override
    public void show(List<String> args, StringBuilder out) {
        BenchmarkRun r = current;
        if (r == null) {
            out.append("  no benchmark has run (benchmark IF1 IF2 starts one)\n");
            return;
        }
        boolean done = r.isFinished();
        out.append(done ? "  benchmark finished with the following results:\n" : "  benchmark active and running:\n");
        line(out, "duration (seconds)", r.durationSeconds);
        line(out, "packetsize", r.size);
        line(out, "window size", r.window);
        line(out, "packets sent", r.sent());
        line(out, "packets received", r.received());
        if (done) {
            line(out, "lost packets", r.lost());
            line(out, "packets per second", r.packetsPerSecond());
            line(out, "bytes per second", r.bytesPerSecond());
        } else {
            line(out, "seconds remaining", r.secondsRemaining());
        }
        // bng's own lines, only when there is something to say
        if (r.sendErrors() > 0) {
            line(out, "send errors", r.sendErrors());
        }
        if (r.stalls() > 0) {
            line(out, "window timeouts", r.stalls());
        }
        if (r.outOfOrder() > 0) {
            line(out, "out of order", r.outOfOrder());
        }
        long s = stale.sum();
        if (s > 0) {
            line(out, "stale frames", s);
        }
    }

    private static void line(StringBuilder out, String label, long value) {
        out.append("    ").append(label);
        for (int i = label.length(); i < 19; i++) {
            out.append(' ');
        }
        out.append(": ").append(value).append('\n');
    }
}
