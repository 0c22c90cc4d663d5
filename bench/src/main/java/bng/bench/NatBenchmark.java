package bng.bench;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.SessionTable;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import bng.nat.Translator;
import bng.rt.Router;
import java.lang.reflect.Field;
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
 * Generic NAT's cost per packet on a bus carrying the real modules nat (7000) and rt (8000), as in
 * reference E1: 64 UDP frames from 64 inside connections (198.18.1.5, ports 40000..40063) to a host
 * beyond the gateway. {@code mode=rt}: the same networks without {@code nat} roles, rt routes them
 * untranslated (the baseline); {@code nat-out}: nat maps (steady state: the mappings exist) and
 * rewrites source address and port, rt routes; {@code nat-in}: the replies to bng's outside virt are
 * mapped back. Every invocation first restores the 64 frames from pristine copies (rt lowers the
 * TTL, nat rewrites), in every mode alike, so differences between modes are nat's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NatBenchmark {
    static final int BURST = 64;
    static final int LEN = 64;
    static final long BNG = 0x02_00_00_00_00_01L;
    static final long HOST_MAC = 0x02_00_00_00_01_05L;
    static final long ROUTER_MAC = 0x02_00_00_00_00_feL;
    static final int HOST = 0xc6_12_01_05; // 198.18.1.5
    static final int FAR = 0xc6_13_00_14; // 198.19.0.20
    static final int OUTSIDE = 0xc6_12_00_fd; // 198.18.0.253
    static final int ROUTER = 0xc6_12_00_fe; // 198.18.0.254

    static final String CONFIG = """
        modules nat,rt
        set ipforwarding 1
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.252 virt 198.18.0.253 nat outside interface 1 }
        network 2 { addr 198.18.1.0 mask 24 real 198.18.1.253 virt 198.18.1.254 nat inside interface 1 }
        register networks 1,2
        enable networks 1,2
        gateway { ipaddr 198.18.0.254 }
        """;

    @Param({"rt", "nat-out", "nat-in"})
    public String mode;

    private Dispatcher dispatcher;
    private Frame[] frames;
    private byte[][] pristine;
    public SessionStore sessions;

    static void inject(Object o, String field, Object value) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(o, value);
    }

    @Setup(Level.Trial)
    public void setUp() throws ReflectiveOperationException {
        String text = mode.equals("rt") ? CONFIG.replace(" nat outside", "").replace(" nat inside", "") : CONFIG;
        ConfigResult r = ConfigParser.parse("bench.conf", text, Configuration.empty());
        if (!r.ok()) {
            throw new IllegalStateException(r.errors().toString());
        }
        Configuration c = r.configuration();
        sessions = new SessionStore(100_000);
        sessions.configurationChanged(Configuration.empty(), c);
        AddressBook owned = new AddressBook();
        owned.configurationChanged(Configuration.empty(), c);
        NeighbourTable neighbours = new NeighbourTable();
        neighbours.learnIpv4(HOST, HOST_MAC, 1);
        neighbours.learnIpv4(ROUTER, ROUTER_MAC, 1);
        Ports ports = new Ports() {
            @Override
            public long mac(int p) {
                return p == 1 ? BNG : -1;
            }

            @Override
            public boolean isUp(int p) {
                return p == 1;
            }

            @Override
            public boolean send(int p, byte[] frame, int length) {
                return false;
            }

            @Override
            public int portOfNetwork(int networkId) {
                return 1;
            }
        };
        Translator nat = new Translator();
        inject(nat, "sessions", sessions);
        inject(nat, "owned", owned);
        nat.configurationChanged(Configuration.empty(), c);
        Router router = new Router();
        inject(router, "owned", owned);
        inject(router, "neighbours", neighbours);
        inject(router, "ports", ports);
        router.configurationChanged(Configuration.empty(), c);
        PacketBusManager bus = new PacketBusManager();
        bus.add(nat, Map.of(ProcessorProperties.PRIORITY, 7000, ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4));
        bus.add(router, Map.of(ProcessorProperties.PRIORITY, 8000, ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4));
        dispatcher = bus.newDispatcher("bench");
        frames = new Frame[BURST];
        pristine = new byte[BURST][];
        for (int i = 0; i < BURST; i++) {
            pristine[i] = udp(BNG, HOST_MAC, HOST, 40000 + i, FAR, 53);
            frames[i] = new Frame(pristine[i].clone(), LEN);
        }
        // Fail loudly rather than measure frames that go nowhere; this also makes the mappings.
        if (dispatcher.dispatch(frames, BURST, 1, BNG) != BURST) {
            throw new IllegalStateException("outbound frames were not forwarded");
        }
        if (mode.equals("nat-in")) {
            for (int i = 0; i < BURST; i++) {
                long key = SessionTable.key(HOST, 40000 + i, SessionTable.NAT_UDP);
                pristine[i] = udp(BNG, ROUTER_MAC, FAR, 53, OUTSIDE, sessions.proxyPort(key, SessionTable.NAT_UDP));
            }
            restore();
            if (dispatcher.dispatch(frames, BURST, 1, BNG) != BURST) {
                throw new IllegalStateException("inbound frames were not forwarded");
            }
        }
        restore();
    }

    private void restore() {
        for (int i = 0; i < BURST; i++) {
            System.arraycopy(pristine[i], 0, frames[i].data(), 0, LEN);
            frames[i].setLength(LEN);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dispatcher.close();
    }

    /** Restore 64 frames, dispatch them as one burst; per packet. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burst() {
        restore();
        return dispatcher.dispatch(frames, BURST, 1, BNG);
    }

    /** Ethernet II / IPv4 (DF, TTL 64) / UDP with a 22-byte payload: 64 bytes, checksums right. */
    static byte[] udp(long dstMac, long srcMac, int src, int sport, int dst, int dport) {
        byte[] b = new byte[LEN];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (dstMac >>> (40 - 8 * i));
            b[6 + i] = (byte) (srcMac >>> (40 - 8 * i));
        }
        put16(b, 12, Frame.ETH_IPV4);
        int ip = 14;
        int udp = 34;
        int udpLen = LEN - udp;
        b[ip] = 0x45;
        put16(b, ip + 2, LEN - ip);
        put16(b, ip + 6, 0x4000);
        b[ip + 8] = 64;
        b[ip + 9] = (byte) Frame.PROTO_UDP;
        put32(b, ip + 12, src);
        put32(b, ip + 16, dst);
        put16(b, ip + 10, Checksums.checksum(b, ip, 20));
        put16(b, udp, sport);
        put16(b, udp + 2, dport);
        put16(b, udp + 4, udpLen);
        int csum = Checksums.finish(Checksums.sum(b, udp, udpLen, Checksums.pseudoHeader4(src, dst, Frame.PROTO_UDP, udpLen)));
        put16(b, udp + 6, csum == 0 ? 0xffff : csum);
        return b;
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
