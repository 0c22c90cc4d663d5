package bng.hc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The real pieces wired as the framework would: a parsed configuration, core's HealthBoard and
 * NeighbourTable, the real bus with the real {@link HealthProbeReceiver}, a {@link CheckEngine} on
 * a clock the test moves, and a Ports adapter that keeps what the engine sends. Fixed randomness
 * (ISN 0x12345678) and a fixed first probe slot make the frames exact.
 */
final class HcBench implements AutoCloseable {
    static final int PORT = 1;
    static final long PORT_MAC = 0x02_00_00_00_00_01L;
    static final long TARGET_MAC = 0x02_00_00_00_00_0bL;
    static final int REAL = 0xc6120002; // 198.18.0.2
    static final int TARGET = 0xc612000b; // 198.18.0.11
    static final int ISN = 0x12345678;
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    static final String NETWORK = """
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 {
          addr 198.18.0.0
          mask 24
          real 198.18.0.2
          interface 1
        }
        register network 1
        enable network 1
        """;

    long now = 1_000 * S; // any origin: only differences matter
    final RecordingPorts ports = new RecordingPorts(PORT, PORT_MAC, 1);
    final NeighbourTable neighbours = new NeighbourTable();
    final HealthBoard health = new HealthBoard();
    final ProbeTable table;
    final HealthProbeReceiver receiver;
    final PacketBusManager bus = new PacketBusManager();
    final Dispatcher dispatcher;
    final ExecutorService scriptThreads = Executors.newVirtualThreadPerTaskExecutor();
    final CheckEngine engine;
    Configuration config = Configuration.empty();

    HcBench(int firstSlot) {
        table = new ProbeTable(firstSlot);
        receiver = new HealthProbeReceiver(table, () -> now);
        bus.add(receiver, Map.of(
            ProcessorProperties.NAME, "hc.probes",
            ProcessorProperties.MODULE, "hc",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 500,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4,
            ProcessorProperties.IP_PROTOCOL, new Integer[] {Frame.PROTO_TCP, Frame.PROTO_ICMP, Frame.PROTO_UDP}));
        dispatcher = bus.newDispatcher("eth0");
        // nextInt() is the high half of nextLong(): ISN 0x12345678 on every probe.
        engine = new CheckEngine(ports, neighbours, health, table, () -> now, () -> (long) ISN << 32,
            new ScriptRunner(scriptThreads));
    }

    /** Applies statements on top of the current configuration, as a prompt commit would. */
    HcBench apply(String text) {
        ConfigResult parsed = ConfigParser.parse("hc-test.conf", text, config);
        assertTrue(parsed.ok(), () -> parsed.errors().toString());
        config = parsed.configuration();
        engine.apply(config);
        return this;
    }

    HcBench arp() {
        neighbours.insertStaticIpv4(TARGET, TARGET_MAC, PORT);
        return this;
    }

    /** Moves the clock in ticks of the scheduler's period, ticking the engine at each. */
    void advance(long nanos) {
        long end = now + nanos;
        while (now + HealthChecker.TICK_MILLIS * MS <= end) {
            now += HealthChecker.TICK_MILLIS * MS;
            engine.tick();
        }
        now = end;
    }

    /** A frame arriving on the port; returns it after the bus is done with it. */
    Frame receive(byte[] bytes) {
        byte[] buf = new byte[1518];
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        Frame f = new Frame(buf, bytes.length);
        dispatcher.dispatch(new Frame[] {f}, 1, PORT, PORT_MAC);
        return f;
    }

    Frame receive(String hex) {
        return receive(HexFormat.of().parseHex(hex));
    }

    static byte[] bytes(Frame f) {
        return Arrays.copyOf(f.data(), f.length());
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        dispatcher.close();
        scriptThreads.shutdownNow();
    }
}
