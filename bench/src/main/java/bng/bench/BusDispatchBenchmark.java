package bng.bench;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import bng.core.impl.Dispatcher;
import bng.core.impl.PacketBusManager;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of the packet bus per 64-byte frame, as a port thread pays it: decode, chain lookup, and
 * three processors of the kind real modules are (an advisor, a DSR-like director, an observer).
 * {@code processors=0} runs the same dispatch with an empty bus, so the difference is what the
 * processors and their per-entry accounting cost over the decode.
 *
 * <p>Single-threaded on purpose: a Dispatcher belongs to one port thread, and that is the case the
 * "no allocation per packet" promise is about.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BusDispatchBenchmark {
    static final int BURST = 64;
    static final int FRAME_LEN = 64;
    static final int IN_PORT = 0;
    static final int OUT_PORT = 1;
    static final long PORT_MAC = 0x02_00_00_00_00_01L;
    static final long REAL_SERVER_MAC = 0x02_00_00_00_01_0aL;
    static final int VIP = 0xc6_12_00_64; // 198.18.0.100 (the project's test range)
    static final int VIP_PORT = 53;

    @Param({"3", "0"})
    public int processors;

    private PacketBusManager bus;
    private Dispatcher dispatcher;
    private Frame[] frames;
    // Public so the JIT cannot prove the processors' work dead.
    public Advisor advisor;
    public Observer observer;

    /** Counts frames by IP protocol, as a statistics module would. */
    public static final class Advisor implements PacketProcessor {
        public final long[] byProtocol = new long[256];

        @Override
        public void process(PacketContext ctx) {
            byProtocol[ctx.frame().ipProtocol() & 0xff]++; // -1 (not IP) lands in 255, reserved
        }
    }

    /** Direct server return: the VIP's traffic keeps its IP header and gets the real server's MAC. */
    public static final class Director implements PacketProcessor {
        @Override
        public void process(PacketContext ctx) {
            Frame f = ctx.frame();
            if (f.ipv4Dst() == VIP && f.dstPort() == VIP_PORT) {
                f.setDstMac(REAL_SERVER_MAC); // idempotent, so frames can be dispatched again unchanged
                ctx.send(OUT_PORT);
            }
        }
    }

    /** Sums what it sees, as a traffic meter would. */
    public static final class Observer implements PacketProcessor {
        public long bytes;

        @Override
        public void process(PacketContext ctx) {
            bytes += ctx.frame().length();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        bus = new PacketBusManager();
        advisor = new Advisor();
        observer = new Observer();
        if (processors == 3) {
            bus.add(advisor, Map.of(ProcessorProperties.BAND, ProcessorProperties.BAND_ADVISOR,
                ProcessorProperties.PRIORITY, 100));
            bus.add(new Director(), Map.of(ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
                ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4, ProcessorProperties.IP_PROTOCOL, Frame.PROTO_UDP));
            bus.add(observer, Map.of(ProcessorProperties.BAND, ProcessorProperties.BAND_OBSERVER));
        } else if (processors != 0) {
            throw new IllegalArgumentException("processors is 3 or 0");
        }
        dispatcher = bus.newDispatcher("bench");
        frames = new Frame[BURST];
        for (int i = 0; i < BURST; i++) {
            // Different clients (source address and port), one service: a burst as a VIP sees it.
            frames[i] = new Frame(udpFrame(0x0a_00_00_01 + i, 40000 + i), FRAME_LEN);
        }
        // Fail loudly rather than measure a bus that drops everything as malformed.
        if (dispatcher.dispatch(frames, BURST, IN_PORT, PORT_MAC) != (processors == 3 ? BURST : 0)) {
            throw new IllegalStateException("frames were not dispatched as expected");
        }
    }

    /** A driver sets the length after every receive; Dispatcher.decode() reads it. */
    @Setup(Level.Iteration)
    public void resetLengths() {
        for (Frame f : frames) {
            f.setLength(FRAME_LEN);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dispatcher.close();
    }

    /** (a) One frame per call: the fixed per-burst cost (sequence steps, table read) is not shared. */
    @Benchmark
    public int single() {
        return dispatcher.dispatch(frames, 1, IN_PORT, PORT_MAC);
    }

    /** (b) A full burst per call, reported per packet: how a loaded port runs. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burst() {
        return dispatcher.dispatch(frames, BURST, IN_PORT, PORT_MAC);
    }

    /** Ethernet II / IPv4 (20 bytes, DF) / UDP to VIP:53 with a 22-byte payload: 64 bytes, checksums right. */
    static byte[] udpFrame(int src, int srcPort) {
        byte[] b = new byte[FRAME_LEN];
        int ip = 14;
        int udp = ip + 20;
        int udpLen = FRAME_LEN - udp;
        writeMac(b, 0, PORT_MAC);
        writeMac(b, 6, 0x02_00_00_00_00_99L);
        put16(b, 12, Frame.ETH_IPV4);
        b[ip] = 0x45;
        put16(b, ip + 2, FRAME_LEN - ip);
        put16(b, ip + 4, srcPort); // identification
        put16(b, ip + 6, 0x4000);
        b[ip + 8] = 64;
        b[ip + 9] = (byte) Frame.PROTO_UDP;
        put32(b, ip + 12, src);
        put32(b, ip + 16, VIP);
        put16(b, ip + 10, Checksums.checksum(b, ip, 20));
        put16(b, udp, srcPort);
        put16(b, udp + 2, VIP_PORT);
        put16(b, udp + 4, udpLen);
        for (int i = udp + 8; i < FRAME_LEN; i++) {
            b[i] = (byte) i;
        }
        int sum = Checksums.sum(b, udp, udpLen, Checksums.pseudoHeader4(src, VIP, Frame.PROTO_UDP, udpLen));
        int csum = Checksums.finish(sum);
        put16(b, udp + 6, csum == 0 ? 0xffff : csum);
        return b;
    }

    private static void writeMac(byte[] b, int off, long mac) {
        for (int i = 5; i >= 0; i--) {
            b[off + i] = (byte) mac;
            mac >>>= 8;
        }
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }
}
