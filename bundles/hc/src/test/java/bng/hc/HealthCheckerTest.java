package bng.hc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.api.TargetHealth;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The component as the framework runs it, on real time: one scheduler thread for any number of
 * targets, probes on their way within a tick, an answer through the bus turning a target up, and
 * deactivation stopping the thread while TargetHealth keeps the states.
 */
class HealthCheckerTest {

    static Configuration config(int targets) {
        StringBuilder text = new StringBuilder(HcBench.NETWORK);
        for (int i = 1; i <= targets; i++) {
            text.append("target ").append(i).append(" { ipaddr 198.18.0.").append(10 + i)
                .append(" tcpopen 80,1,3 }\n");
        }
        text.append("register targets 1");
        for (int i = 2; i <= targets; i++) {
            text.append(',').append(i);
        }
        text.append("\nenable targets 1");
        for (int i = 2; i <= targets; i++) {
            text.append(',').append(i);
        }
        text.append('\n');
        ConfigResult r = ConfigParser.parse("hc.conf", text.toString(), Configuration.empty());
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 3_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    static byte[] latestSynTo(RecordingPorts ports, int lastOctet) {
        synchronized (ports) {
            for (byte[] s : ports.sent.reversed()) {
                if ((s[33] & 0xff) == lastOctet) {
                    return s;
                }
            }
        }
        throw new AssertionError("no SYN to .".concat(String.valueOf(lastOctet)));
    }

    static long schedulerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("bng-hc") && t.isAlive()).count();
    }

    @Test
    void oneThreadChecksEveryTargetAndDeactivationFreezesTheStates() throws Exception {
        HealthChecker hc = new HealthChecker();
        RecordingPorts ports = new RecordingPorts(HcBench.PORT, HcBench.PORT_MAC, 1);
        NeighbourTable neighbours = new NeighbourTable();
        HealthBoard health = new HealthBoard();
        for (int i = 1; i <= 40; i++) {
            neighbours.insertStaticIpv4(0xc612000a + i, 0x02_00_00_00_00_00L + 10 + i, HcBench.PORT);
        }
        hc.ports = ports;
        hc.neighbours = neighbours;
        hc.health = health;
        hc.receiver = new HealthProbeReceiver();
        PacketBusManager bus = new PacketBusManager();
        bus.add(hc.receiver, Map.of(ProcessorProperties.PRIORITY, 500,
            ProcessorProperties.IP_PROTOCOL, new Integer[] {Frame.PROTO_TCP, Frame.PROTO_ICMP, Frame.PROTO_UDP}));
        Dispatcher port = bus.newDispatcher("eth0");

        hc.activate();
        try {
            hc.configurationChanged(Configuration.empty(), config(40));
            await(() -> ports.count() >= 40, "a SYN to each of 40 targets");
            assertEquals(1, schedulerThreads(), "one thread, not one per target");

            // Target 1 answers its latest SYN; should a new probe overtake the answer (1 s cadence on a
            // slow machine), that SYN-ACK is only reset and the next attempt answers the newer SYN.
            for (int attempt = 0; attempt < 5 && health.state(1) != TargetHealth.UP; attempt++) {
                byte[] synAck = Segments.answer(latestSynTo(ports, 11), Probes.TCP_SYN | Probes.TCP_ACK, 7);
                byte[] buf = new byte[1518];
                System.arraycopy(synAck, 0, buf, 0, synAck.length);
                Frame f = new Frame(buf, synAck.length);
                port.dispatch(new Frame[] {f}, 1, HcBench.PORT, HcBench.PORT_MAC);
                assertEquals(HcBench.PORT, f.outPort(), "the SYN-ACK is answered with a RST");
                long end = System.nanoTime() + 300_000_000L;
                while (health.state(1) != TargetHealth.UP && System.nanoTime() < end) {
                    Thread.sleep(10);
                }
            }
            assertEquals(TargetHealth.UP, health.state(1));
            StringBuilder show = new StringBuilder();
            hc.show(List.of(), show);
            assertTrue(show.toString().contains("198.18.0.11     tcpopen 80    up"), show::toString);
        } finally {
            hc.deactivate();
            port.close();
        }
        assertEquals(0, schedulerThreads(), "deactivate stops the scheduler");
        int frozen = health.state(1);
        int sent = ports.count();
        Thread.sleep(1_200);
        assertEquals(sent, ports.count(), "no probes after deactivation");
        assertEquals(frozen, health.state(1), "TargetHealth keeps the state");
        StringBuilder show = new StringBuilder();
        hc.show(List.of(), show);
        assertTrue(show.toString().startsWith("hc: not available"), show::toString);
    }
}
