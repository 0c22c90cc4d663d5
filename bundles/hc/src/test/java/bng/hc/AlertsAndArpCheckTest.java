package bng.hc;

import static bng.hc.HcBench.MS;
import static bng.hc.HcBench.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.TargetHealth;
import bng.core.api.TargetHealth.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notification hooks ({@code alert}, {@code upalert}: real commands, run on virtual threads,
 * with the target id, address, new state and reason as arguments), flapping on the fake clock, and
 * the {@code arp} reachability check (its exact request frame, success when the neighbour's entry
 * is refreshed after it, down after the timeout).
 */
class AlertsAndArpCheckTest {
    @TempDir
    Path dir;
    HcBench bench;
    Path log;
    Path script;

    @BeforeEach
    void setUp() throws Exception {
        log = dir.resolve("alerts.log");
        script = dir.resolve("notify.sh");
        // One line per run: the label given in the configuration, then the four arguments bng appends.
        Files.writeString(script, "#!/bin/sh\nlabel=$1; shift\necho \"$label|$1|$2|$3|$4\" >> " + log + "\n");
        script.toFile().setExecutable(true);
    }

    @AfterEach
    void tearDown() {
        if (bench != null) {
            bench.close();
        }
    }

    HcBench bench(String targets) {
        bench = new HcBench(0).arp();
        bench.apply(HcBench.NETWORK + targets);
        return bench;
    }

    String t1(String more) {
        return "target 1 { ipaddr 198.18.0.11 tcpopen 80,3,10 alert \"" + script + " alert\" upalert \"" + script
            + " upalert\" " + more + "}\nregister target 1\nenable target 1\n";
    }

    void answerSynAck() {
        bench.now += MS;
        bench.receive(Segments.answer(bench.ports.last(), Probes.TCP_SYN | Probes.TCP_ACK, 0x1000));
    }

    Status status(int target) {
        return bench.health.all().stream().filter(s -> s.target() == target).findFirst().orElseThrow();
    }

    /** The lines the notification script wrote, once there are {@code n} (the commands run in real time). */
    List<String> lines(int n) throws Exception {
        long end = System.nanoTime() + 10 * S;
        while (System.nanoTime() < end) {
            List<String> l = Files.exists(log) ? Files.readAllLines(log) : List.of();
            if (l.size() >= n) {
                return l;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the notification did not run: " + (Files.exists(log) ? Files.readAllLines(log) : "no log"));
    }

    String show() {
        StringBuilder out = new StringBuilder();
        bench.engine.render(out);
        return out.toString();
    }

    @Test
    void alertWhenATargetGoesDownAndUpalertWhenItComesBack() throws Exception {
        bench(t1(""));
        bench.engine.tick();
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        Thread.sleep(200);
        assertTrue(Files.notExists(log), "unknown -> up at start is no recovery: no upalert");
        bench.advance(10 * S); // no answer for 10 s
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertEquals(List.of("alert|1|198.18.0.11|down|tcpopen 80: no answer for 10 s"), lines(1));
        bench.advance(2 * S); // the probe of t = 12 s
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertTrue(lines(2).get(1).startsWith("upalert|1|198.18.0.11|up|tcpopen 80: SYN-ACK in "), lines(2)::toString);
        long end = System.nanoTime() + 5 * S;
        while (show().contains("running") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(show().lines().anyMatch(l -> l.startsWith("1 ") && l.contains("upalert") && l.endsWith("exit 0")), show());
    }

    @Test
    void aTargetThatNeverCameUpAlertsWhenItIsDeclaredDown() throws Exception {
        bench(t1(""));
        bench.advance(10_100 * MS);
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertEquals(List.of("alert|1|198.18.0.11|down|tcpopen 80: no answer for 10 s"), lines(1));
    }

    @Test
    void flappingReportsEveryTransitionOnceAndSingleMissesDoNotCount() throws Exception {
        bench(t1(""));
        bench.engine.tick();
        answerSynAck(); // up at t = 0
        for (int round = 0; round < 3; round++) {
            // Every third probe answered (one success every 9 s, timeout 10 s): up all along.
            for (int i = 0; i < 3; i++) {
                bench.advance(3 * S);
                if (i == 2) {
                    answerSynAck();
                }
                assertEquals(TargetHealth.UP, bench.health.state(1), "round " + round + " probe " + i);
            }
        }
        // Now down (12 s without success), up on one answer, down again, up again.
        bench.advance(12 * S);
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        bench.advance(100 * MS);
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1), "one success is enough to come back");
        bench.advance(10 * S);
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        bench.advance(3 * S);
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        List<String> l = lines(4);
        Thread.sleep(300);
        l = Files.readAllLines(log);
        assertEquals(4, l.size(), l::toString);
        assertEquals(2, l.stream().filter(s -> s.startsWith("alert|")).count());
        assertEquals(2, l.stream().filter(s -> s.startsWith("upalert|")).count());
    }

    @Test
    void anAlertThatHangsIsKilledAndNeverHoldsTheChecks() throws Exception {
        Path hang = dir.resolve("hang.sh");
        Files.writeString(hang, "#!/bin/sh\nsleep 30\n");
        hang.toFile().setExecutable(true);
        bench("target 1 { ipaddr 198.18.0.11 tcpopen 80,3,10 alert \"" + hang + "\" }\nregister target 1\nenable target 1\n");
        bench.engine.alertLimit = 1;
        bench.advance(10_100 * MS);
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertTrue(show().lines().anyMatch(l -> l.startsWith("1      198.18.0.11     alert         -  ")
            && l.endsWith("running")), show());
        // The scheduler goes on at once: the next probe leaves and its answer counts.
        long before = System.nanoTime();
        bench.advance(2 * S);
        answerSynAck();
        bench.advance(100 * MS);
        assertTrue(System.nanoTime() - before < S, "ticks do not wait for the alert");
        assertEquals(TargetHealth.UP, bench.health.state(1));
        long end = System.nanoTime() + 5 * S;
        while (!show().contains("killed after 1 s") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(show().contains("killed after 1 s"), show());
    }

    @Test
    void aMissingAlertCommandIsLoggedNotThrown() throws Exception {
        bench("target 1 { ipaddr 198.18.0.11 tcpopen 80,3,10 alert /nonexistent/page-ops }\nregister target 1\n"
            + "enable target 1\n");
        bench.advance(10_100 * MS);
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        long end = System.nanoTime() + 5 * S;
        while (!show().contains("cannot run") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(show().contains("cannot run /nonexistent/page-ops"), show());
        bench.advance(3 * S);
        assertTrue(bench.ports.count() > 4, "checks go on");
    }

    @Test
    void changingOnlyTheAlertKeepsTheChecksAndTheirTimers() {
        bench(t1(""));
        bench.engine.tick();
        answerSynAck();
        bench.advance(1 * S);
        int sent = bench.ports.count();
        bench.apply("target 1 alert \"/usr/local/bin/other\"\n");
        bench.advance(1_500 * MS); // t = 2.5 s: a fresh check would have probed at once
        assertEquals(sent, bench.ports.count());
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertTrue(show().contains("tcpopen 80    up"), show());
    }

    /** ARP request who-has 198.18.0.11 tell 198.18.0.2 from bng's port MAC, unicast to the known MAC. */
    static final String ARP_POLL = "02000000000b020000000001080600010800060400010200000000" + "01c6120002"
        + "000000000000c612000b";

    @Test
    void theArpCheckIsUpWhileTheNeighbourAnswersAndDownAfterItsTimeout() throws Exception {
        bench = new HcBench(0);
        bench.neighbours.learnIpv4(HcBench.TARGET, HcBench.TARGET_MAC, HcBench.PORT);
        bench.apply(HcBench.NETWORK + "target 1 { ipaddr 198.18.0.11 arp 2,5 }\nregister target 1\nenable target 1\n");
        Thread.sleep(5); // the entry above predates the first request
        bench.engine.tick();
        assertEquals(1, bench.ports.count());
        assertEquals(ARP_POLL, HcBench.hex(bench.ports.last()));
        bench.advance(500 * MS);
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1), "no answer yet");
        bench.neighbours.learnIpv4(HcBench.TARGET, HcBench.TARGET_MAC, HcBench.PORT); // the arp module learns its reply
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertTrue(status(1).reason().startsWith("arp: answered in "), status(1).reason());
        bench.advance(5 * S); // silent since
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertEquals("arp: no answer for 5 s", status(1).reason());
        assertEquals(3, bench.ports.count(), "t = 0, 2, 4 (down at 5.6: 5 s after the answer at 0.6)");
    }

    @Test
    void anUnknownNeighbourIsAskedByBroadcast() {
        bench = new HcBench(0);
        bench.apply(HcBench.NETWORK + "target 1 { ipaddr 198.18.0.11 arp 2,5 }\nregister target 1\nenable target 1\n");
        bench.engine.tick();
        byte[] request = bench.ports.last();
        assertEquals("ffffffffffff", HcBench.hex(request).substring(0, 12));
        assertEquals(Frame.ETH_ARP, (request[12] & 0xff) << 8 | (request[13] & 0xff));
    }
}
