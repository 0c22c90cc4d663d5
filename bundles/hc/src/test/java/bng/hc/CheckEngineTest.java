package bng.hc;

import static bng.hc.HcBench.MS;
import static bng.hc.HcBench.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.TargetHealth;
import bng.core.api.TargetHealth.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The state machine on a clock the test moves (no sleeping): every probe the engine sends goes out
 * through the Ports adapter, the target's answer (built by {@link Segments}) comes back through
 * the real bus and receiver, and the states land in core's real HealthBoard.
 */
class CheckEngineTest {
    HcBench bench;

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

    /** The target answers the last probe sent (SYN-ACK, RST or echo reply) after {@code rtt}. */
    void answer(int flags, long rtt) {
        bench.now += rtt;
        byte[] probe = bench.ports.last();
        Frame f = bench.receive(probe[23] == Frame.PROTO_ICMP ? Segments.echoReply(probe)
                : Segments.answer(probe, flags, 0x1000));
        assertTrue(f.outPort() >= 0 || f.length() > 0);
    }

    void answerSynAck() {
        answer(Probes.TCP_SYN | Probes.TCP_ACK, MS);
    }

    Status status(int target) {
        return bench.health.all().stream().filter(s -> s.target() == target).findFirst().orElseThrow();
    }

    static final String T1 = "target 1 { ipaddr 198.18.0.11 tcpopen 80,3,10 }\nregister target 1\nenable target 1\n";

    @Test
    void unknownUntilTheFirstSuccessThenUp() {
        bench(T1);
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1));
        bench.engine.tick();
        assertEquals(1, bench.ports.count(), "the first probe leaves at once");
        bench.advance(2 * S);
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1), "no answer yet: still unknown, no sessions");
        bench.advance(1 * S); // t = 3 s: the second probe
        assertEquals(2, bench.ports.count());
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertEquals("tcpopen 80: SYN-ACK in 1.0 ms", status(1).reason());
    }

    @Test
    void probesEveryIntervalOnTheDot() {
        bench(T1);
        bench.engine.tick();
        bench.advance(30 * S);
        assertEquals(11, bench.ports.count(), "t = 0, 3, ..., 30");
    }

    @Test
    void upGoesDownAfterTimeoutSecondsWithoutSuccessAndComesBack() {
        bench(T1);
        bench.engine.tick();
        answerSynAck(); // success at t = 1 ms
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        bench.advance(9_800 * MS); // t = 9.9 s: probes at 3, 6, 9 unanswered
        assertEquals(TargetHealth.UP, bench.health.state(1), "10 s have not passed since the success");
        bench.advance(200 * MS); // t = 10.1 s
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertEquals("tcpopen 80: no answer for 10 s", status(1).reason());

        bench.advance(2 * S); // t = 12.1: a probe went out at 12
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertTrue(status(1).reason().startsWith("tcpopen 80: SYN-ACK in "), status(1).reason());
    }

    @Test
    void refusedProbesTakeTheTargetDownWithThatReason() {
        bench(T1);
        bench.engine.tick();
        answerSynAck();
        bench.advance(2_950 * MS);
        for (int i = 0; i < 4; i++) { // t = 3, 6, 9, 12: refused every time
            bench.advance(100 * MS);
            answer(Probes.TCP_RST | Probes.TCP_ACK, MS);
            bench.advance(2_900 * MS - MS);
        }
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertEquals("tcpopen 80: connection refused (RST)", status(1).reason());
    }

    @Test
    void neverAnsweringGoesFromUnknownToDownAfterTheTimeout() {
        bench(T1);
        bench.engine.tick();
        bench.advance(9_900 * MS);
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1));
        bench.advance(200 * MS);
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
    }

    @Test
    void noArpEntryIsAFailureWithItsReasonAndNothingIsSent() {
        bench = new HcBench(0); // no ARP entry for the target
        bench.apply(HcBench.NETWORK + "target 1 { ipaddr 198.18.0.11 ping 2,5 }\nregister target 1\nenable target 1\n");
        bench.engine.tick();
        assertEquals(0, bench.ports.count(), "hc does not resolve: the arp module does");
        StringBuilder show = new StringBuilder();
        bench.engine.render(show);
        assertTrue(show.toString().contains("ping: no ARP entry for 198.18.0.11"), show::toString);
        bench.advance(5_100 * MS);
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertEquals("ping: no ARP entry for 198.18.0.11", status(1).reason());

        bench.arp(); // the arp module learnt it; the next probe (t = 6) goes out
        bench.advance(1 * S);
        assertEquals(1, bench.ports.count());
        answer(0, MS);
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
    }

    @Test
    void aTargetWithSeveralChecksIsUpOnlyWhenAllAreUp() {
        bench(T1 + "target 1 ping 3,10\n");
        bench.engine.tick(); // SYN, then echo request
        assertEquals(2, bench.ports.count());
        byte[] syn = bench.ports.sent.get(0);
        bench.receive(Segments.answer(syn, Probes.TCP_SYN | Probes.TCP_ACK, 1));
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1), "tcpopen up, ping still unknown");
        answer(0, MS); // echo reply
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertTrue(status(1).reason().contains("tcpopen 80: SYN-ACK") && status(1).reason().contains("ping: echo reply"),
            status(1).reason());

        // From now on only the TCP port answers: ping's timeout takes the whole target down.
        for (int i = 0; i < 4; i++) {
            bench.advance(3 * S - 200 * MS);
            bench.advance(100 * MS);
            byte[] lastSyn = bench.ports.sent.get(bench.ports.count() - 2);
            bench.receive(Segments.answer(lastSyn, Probes.TCP_SYN | Probes.TCP_ACK, 1));
            bench.advance(100 * MS);
        }
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertEquals("ping: no answer for 10 s", status(1).reason());
    }

    @Test
    void aTargetWithoutChecksIsUpOnceEnabled() {
        bench("target 2 ipaddr 198.18.0.12\nregister target 2\nenable target 2\n");
        assertEquals(TargetHealth.UP, bench.health.state(2));
        assertEquals("no check configured: assumed operational", status(2).reason());
    }

    @Test
    void disablingOrRemovingATargetForgetsItsHealth() {
        bench(T1);
        bench.engine.tick();
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1));
        bench.apply("disable target 1\n");
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1));
        assertTrue(bench.health.all().isEmpty());
        int sent = bench.ports.count();
        bench.advance(10 * S);
        assertEquals(sent, bench.ports.count(), "a disabled target is not probed");
    }

    @Test
    void changingOneTargetLeavesTheOthersStatesAlone() {
        bench(T1 + "target 2 { ipaddr 198.18.0.12 tcpopen 80,3,10 }\nregister target 2\nenable target 2\n");
        bench.neighbours.insertStaticIpv4(0xc612000c, 0x02_00_00_00_00_0cL, HcBench.PORT);
        bench.engine.tick();
        assertEquals(2, bench.ports.count());
        answerSynAck(); // target 2's SYN was the last one sent; only it is up
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(2));
        long since = status(2).sinceMillis();
        bench.apply("target 1 tcpopen 81,3,10\n");
        bench.engine.tick();
        assertEquals(TargetHealth.UP, bench.health.state(2));
        assertEquals(since, status(2).sinceMillis());
    }

    @Test
    void aTargetOutsideEveryNetworkFailsWithThatReason() {
        bench("target 3 { ipaddr 198.19.0.11 ping 1,3 }\nregister target 3\nenable target 3\n");
        bench.advance(3_100 * MS);
        assertEquals(TargetHealth.DOWN, bench.health.state(3));
        assertEquals("ping: no enabled network with a real address contains 198.19.0.11", status(3).reason());
    }

    @Test
    void showHcListsEachCheck() {
        bench(T1);
        bench.engine.tick();
        answerSynAck();
        bench.advance(100 * MS);
        StringBuilder out = new StringBuilder();
        bench.engine.render(out);
        String text = out.toString();
        assertTrue(text.startsWith("target address"), text);
        assertTrue(text.contains("1      198.18.0.11     tcpopen 80    up      0.1s     in 2.9s   tcpopen 80: SYN-ACK in 1.0 ms"),
            text);
    }

    @Test
    void stopFreesEveryProbeSlotAndKeepsTheStates() {
        bench(T1);
        bench.engine.tick();
        answerSynAck();
        bench.advance(3 * S);
        assertEquals(ProbeTable.PENDING, bench.table.state(1));
        bench.engine.stop();
        assertEquals(ProbeTable.IDLE, bench.table.state(1));
        assertEquals(TargetHealth.UP, bench.health.state(1), "frozen, not forgotten");
    }

    /** Ticks (moving the fake clock) until the script's run is over: the command runs in real time. */
    void untilScriptDone() throws InterruptedException {
        long end = System.nanoTime() + 5 * S;
        while (System.nanoTime() < end) {
            Thread.sleep(20);
            bench.now += 10 * MS; // stay well inside the interval
            bench.engine.tick();
            StringBuilder out = new StringBuilder();
            bench.engine.render(out);
            if (!out.toString().contains("running")) {
                return;
            }
        }
        throw new AssertionError("script still running");
    }

    @Test
    void aScriptThatExitsZeroIsUpAndOneThatFailsSaysWhy() throws Exception {
        bench("target 4 { ipaddr 198.18.0.14 script \"true\" }\nregister target 4\nenable target 4\n");
        bench.engine.tick();
        untilScriptDone();
        assertEquals(TargetHealth.UP, bench.health.state(4));
        assertEquals("script: exit 0", status(4).reason());
        assertEquals(0, bench.ports.count(), "a script sends nothing itself");
    }

    @Test
    void aFailingScriptTakesTheTargetDownWithItsOutput() throws Exception {
        java.nio.file.Path script = java.nio.file.Files.createTempFile("hc-check", ".sh");
        try {
            java.nio.file.Files.writeString(script,
                "#!/bin/sh\necho \"no answer from $BNG_TARGET_ADDRESS (target $BNG_TARGET)\"\nexit 3\n");
            script.toFile().setExecutable(true);
            bench("target 4 { ipaddr 198.18.0.14 script \"" + script + "\" }\nregister target 4\nenable target 4\n");
            bench.engine.tick();
            untilScriptDone();
            bench.advance(15 * S); // scripts run again meanwhile, on real time; the clock decides
            untilScriptDone();
            assertEquals(TargetHealth.DOWN, bench.health.state(4));
            assertEquals("script: exit 3: no answer from 198.18.0.14 (target 4)", status(4).reason());
        } finally {
            java.nio.file.Files.delete(script);
        }
    }

    @Test
    void aScriptThatHangsIsKilledAfterItsLimit() {
        ScriptRunner runner = new ScriptRunner(bench(T1).scriptThreads);
        long start = System.nanoTime();
        ScriptRunner.Run run = runner.start("sleep 30", java.util.Map.of(), 1);
        long end = start + 5 * S;
        while (!run.done && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertTrue(run.done);
        assertEquals("killed after 1 s", run.result);
        assertTrue(System.nanoTime() - start < 3 * S);
    }

    @Test
    void aMissingCommandIsAFailureNotAnException() {
        ScriptRunner runner = new ScriptRunner(bench(T1).scriptThreads);
        ScriptRunner.Run run = runner.start("/nonexistent/check", java.util.Map.of(), 1);
        long end = System.nanoTime() + 5 * S;
        while (!run.done && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertTrue(run.result.startsWith("cannot run /nonexistent/check"), run.result);
    }

    @Test
    void theGatewayIsPingedFromTheRealAddressAndGoesUpAndDown() {
        bench("gateway { ipaddr 198.18.0.254 ping 3,8 }\n");
        bench.neighbours.insertStaticIpv4(0xc61200fe, 0x02_00_00_00_00_feL, HcBench.PORT);
        bench.engine.tick();
        assertEquals(1, bench.ports.count());
        byte[] request = bench.ports.last();
        assertEquals(Frame.PROTO_ICMP, request[23]);
        assertEquals(0xc6120002, Segments.u32(request, 26), "from real");
        assertEquals(0xc61200fe, Segments.u32(request, 30), "to the gateway");
        answer(0, MS);
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.engine.gatewayState());
        assertTrue(bench.health.all().isEmpty(), "the gateway is not a target");
        bench.advance(8 * S);
        assertEquals(TargetHealth.DOWN, bench.engine.gatewayState());
        StringBuilder out = new StringBuilder();
        bench.engine.render(out);
        assertTrue(out.toString().contains("gw     198.18.0.254    ping          down"), out::toString);

        bench.apply("gateway { ping 2,5 }\n"); // a new check starts unknown
        assertEquals(TargetHealth.UNKNOWN, bench.engine.gatewayState());
    }

    @Test
    void aTimeoutNotLongerThanTheIntervalGetsOneIntervalAndASecond() {
        bench("target 1 { ipaddr 198.18.0.11 tcpopen 80,5,5 }\nregister target 1\nenable target 1\n");
        bench.engine.tick();
        answerSynAck(); // success at t = 1 ms; probes at 5, 10 unanswered
        bench.advance(5_900 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1), "5 s = the interval: one late answer must not flap it");
        bench.advance(100 * MS); // t = 6.0 s: 5 + 1 s without success
        assertEquals(TargetHealth.DOWN, bench.health.state(1));
        assertEquals("tcpopen 80: no answer for 5 s", status(1).reason());
    }

    @Test
    void everyTransitionOfOneTarget() {
        bench(T1);
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1)); // enabled: unknown
        bench.engine.tick();
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1)); // unknown -> up
        bench.advance(10 * S);
        assertEquals(TargetHealth.DOWN, bench.health.state(1)); // up -> down
        bench.advance(2 * S);
        answerSynAck();
        bench.advance(100 * MS);
        assertEquals(TargetHealth.UP, bench.health.state(1)); // down -> up
        bench.apply("disable target 1\n");
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1)); // up -> disabled: forgotten
        bench.apply("enable target 1\n");
        bench.engine.tick();
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1)); // enabled again: unknown until checked
        bench.advance(10_100 * MS);
        assertEquals(TargetHealth.DOWN, bench.health.state(1)); // unknown -> down
    }
}
