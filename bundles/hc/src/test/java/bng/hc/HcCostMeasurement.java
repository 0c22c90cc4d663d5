package bng.hc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bng.core.api.Frame;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.TargetHealth;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What 1,000 targets checked every second cost (docs/benchmarks.md): the engine's ticks on the
 * scheduler thread and the receiver's work on the port thread, in CPU time per second of checking.
 * Not a test of the default run: {@code mvn -o test -pl bundles/hc -Dtest=HcCostMeasurement
 * -Dbng.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "bng.bench", matches = "true")
class HcCostMeasurement {
    static final int TARGETS = 1_000;
    static final int SECONDS = 120;

    long now = 1_000 * HcBench.S;

    /** Ports that only keep the last frames, as a driver's queue would: hc's own cost, not the driver's. */
    static final class SinkPorts implements Ports {
        final List<byte[]> pending = new ArrayList<>();

        @Override
        public long mac(int port) {
            return port == 1 ? HcBench.PORT_MAC : -1;
        }

        @Override
        public boolean isUp(int port) {
            return port == 1;
        }

        @Override
        public boolean send(int port, byte[] frame, int length) {
            pending.add(java.util.Arrays.copyOf(frame, length)); // a driver copies too
            return true;
        }

        @Override
        public int portOfNetwork(int networkId) {
            return networkId == 1 ? 1 : -1;
        }
    }

    @Test
    void thousandTargetsEverySecond() {
        StringBuilder text = new StringBuilder("""
            interface 1 name eth0
            register interface 1
            enable interface 1
            network 1 { addr 198.18.0.0 mask 16 real 198.18.0.2 interface 1 }
            register network 1
            enable network 1
            """);
        NeighbourTable neighbours = new NeighbourTable();
        for (int i = 1; i <= TARGETS; i++) {
            int address = 0xc6120100 + i; // 198.18.1.1 ...
            text.append("target ").append(i).append(" { ipaddr ").append(CheckEngine.ip(address))
                .append(" tcpopen 80,1,3 }\nregister target ").append(i).append("\nenable target ").append(i).append('\n');
            neighbours.insertStaticIpv4(address, 0x02_00_00_00_00_00L + i, 1);
        }
        ConfigResult parsed = ConfigParser.parse("cost.conf", text.toString(), Configuration.empty());
        assertEquals(List.of(), parsed.errors());

        SinkPorts ports = new SinkPorts();
        HealthBoard health = new HealthBoard();
        ProbeTable table = new ProbeTable(0);
        HealthProbeReceiver receiver = new HealthProbeReceiver(table, () -> now);
        PacketBusManager bus = new PacketBusManager();
        bus.add(receiver, Map.of(ProcessorProperties.PRIORITY, 500,
            ProcessorProperties.IP_PROTOCOL, new Integer[] {Frame.PROTO_TCP, Frame.PROTO_ICMP, Frame.PROTO_UDP}));
        Dispatcher port = bus.newDispatcher("eth0");
        CheckEngine engine = new CheckEngine(ports, neighbours, health, table, () -> now,
            new java.util.SplittableRandom(1), new ScriptRunner(Executors.newVirtualThreadPerTaskExecutor()));
        engine.apply(parsed.configuration());

        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Frame[] burst = new Frame[64];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = new Frame(1518);
        }
        long engineNanos = 0;
        long receiverNanos = 0;
        long measuredFrom = SECONDS / 4; // warm-up
        for (int tick = 0; tick < SECONDS * 10; tick++) {
            now += HealthChecker.TICK_MILLIS * HcBench.MS;
            long t0 = cpu.getCurrentThreadCpuTime();
            engine.tick();
            long t1 = cpu.getCurrentThreadCpuTime();
            // Every target answers at once: the SYN-ACKs are made here (not measured), then dispatched.
            List<byte[]> answers = new ArrayList<>();
            for (byte[] syn : ports.pending) {
                answers.add(Segments.answer(syn, Probes.TCP_SYN | Probes.TCP_ACK, 1));
            }
            ports.pending.clear();
            long t2 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < answers.size(); i += burst.length) {
                int n = Math.min(burst.length, answers.size() - i);
                for (int j = 0; j < n; j++) {
                    byte[] a = answers.get(i + j);
                    System.arraycopy(a, 0, burst[j].data(), 0, a.length);
                    burst[j].setLength(a.length);
                    burst[j].setOutPort(-1);
                }
                port.dispatch(burst, n, 1, HcBench.PORT_MAC);
            }
            long t3 = cpu.getCurrentThreadCpuTime();
            if (tick >= measuredFrom * 10) {
                engineNanos += t1 - t0;
                receiverNanos += t3 - t2;
            }
        }
        long measuredSeconds = SECONDS - measuredFrom;
        for (int i = 1; i <= TARGETS; i++) {
            assertEquals(TargetHealth.UP, health.state(i));
        }
        System.out.printf("hc cost, %d targets, tcpopen every 1 s, all answering: scheduler %.2f ms CPU per second"
                + " (%.2f%% of a core), receiver %.2f ms CPU per second (%.2f%%)%n", TARGETS,
            engineNanos / 1e6 / measuredSeconds, engineNanos / 1e7 / measuredSeconds,
            receiverNanos / 1e6 / measuredSeconds, receiverNanos / 1e7 / measuredSeconds);
        port.close();
    }
}
