package bng.itests.fuzz;

import static bng.itests.fuzz.Packets.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import bng.core.api.ConfigListener;
import bng.core.api.Frame;
import bng.core.api.Macs;
import bng.core.api.NeighbourCache;
import bng.core.api.PacketProcessor;
import bng.core.api.Ports;
import bng.core.api.TargetHealth;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The real bus with every real processor bound (hc's probe receiver at 500, ping and arp at 1000,
 * slb at 2000, with the properties of their own component descriptions) over core's real address
 * book, neighbour cache, health board and a small session table, fed one parsed configuration; and
 * the invariants every burst must keep:
 * <ul>
 *   <li>nothing is thrown past the bus, and no processor fails (the failures counter stays 0);</li>
 *   <li>every frame sent decodes as sound, leaves with its port's MAC as source, and is either a
 *       reply from an address bng owns back out of the port it came in on, or a frame to a virtual
 *       server forwarded unchanged beyond its MACs to a target's MAC of the neighbour cache;</li>
 *   <li>a reply never goes to a group MAC nor to a 0/8, 127/8, multicast or class E address (bng is
 *       no reflector for forged sources);</li>
 *   <li>the neighbour cache never learns an owned address or a group MAC; the session table never
 *       holds more than its capacity.</li>
 * </ul>
 */
final class BusRig {
    static final int REAL = ip("198.18.0.2");
    static final int VIP = ip("198.18.0.100");
    static final int UDP_VIP = ip("198.18.0.101");
    static final int CLIENT = ip("198.18.0.16");
    static final int T1 = ip("198.18.0.11");
    static final int T2 = ip("198.18.0.12");
    static final int T3 = ip("198.18.1.15");
    static final long T1_MAC = 0x02_00_00_00_00_11L;
    static final int SESSIONS = 64;
    /** Probe slots armed in hc's table: TCP to t1:80, echo to t2, agent (UDP) to t1:3333. */
    static final int TCP_SLOT = 0;
    static final int ICMP_SLOT = 1;
    static final int UDP_SLOT = 2;
    static final int PROBE_ISN = 0x1000_0000;
    static final int PROBE_PORT = 61_000;

    static final String CONFIG = """
        modules ping,arp,hc,slb
        interface 1 name eth0
        interface 2 name eth1
        register interfaces 1,2
        enable interfaces 1,2
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.2 interface 1 }
        network 2 { addr 198.18.1.0 mask 24 real 198.18.1.2 interface 2 }
        register networks 1,2
        enable networks 1,2
        server 1 { ipaddr 198.18.0.100 port 80 protocol tcp targets 1,2 backup 3 }
        server 2 { ipaddr 198.18.0.101 port 53 protocol udp sessionid src+port method hash targets 1,2 }
        target 1 { ipaddr 198.18.0.11 tcpopen 80,3,10 dsr enable }
        target 2 { ipaddr 198.18.0.12 ping 3,10 dsr enable }
        target 3 { ipaddr 198.18.1.15 dsr enable }
        register servers 1,2
        enable servers 1,2
        register targets 1,2,3
        enable targets 1,2,3
        """;

    final Configuration config;
    final AddressBook owned = new AddressBook();
    final PacketBusManager bus = new PacketBusManager();
    final Dispatcher[] ports = new Dispatcher[3];
    final Frame[] burst = new Frame[4];
    final byte[][] sentIn = new byte[4][];
    final int[] lengthIn = new int[4];
    final Frame check = new Frame(9234);
    private static final int[] TARGETS = {T1, T2, T3};
    private final long[] macBefore = new long[TARGETS.length];
    private final int[] portBefore = new int[TARGETS.length];
    private final PacketProcessor hc;
    private final PacketProcessor arp;
    private final PacketProcessor slb;
    NeighbourTable neighbours;
    /** (address, MAC, port) learnt during the current burst: a target may move and move back in one. */
    List<long[]> learnt = new ArrayList<>();
    SessionStore sessions;
    long sent;

    BusRig() {
        ConfigResult r = ConfigParser.parse("fuzz.conf", CONFIG, Configuration.empty());
        assertTrue(r.ok(), () -> r.errors().toString());
        config = r.configuration();
        owned.configurationChanged(Configuration.empty(), config);
        HealthBoard health = new HealthBoard();
        health.report(1, TargetHealth.UP, "fuzz");
        health.report(2, TargetHealth.UP, "fuzz");
        health.report(3, TargetHealth.UP, "fuzz");

        hc = (PacketProcessor) Components.construct("bng.hc.HealthProbeReceiver",
            new Class<?>[] {Components.type("bng.hc.ProbeTable"), LongSupplier.class},
            Components.construct("bng.hc.ProbeTable", new Class<?>[] {int.class}, 0), (LongSupplier) System::nanoTime);
        bus.add(hc, Components.properties(hc.getClass()));

        PacketProcessor ping = (PacketProcessor) Components.construct("bng.ping.EchoResponder", new Class<?>[0]);
        Components.set(ping, "owned", owned);
        bus.add(ping, Components.properties(ping.getClass()));

        arp = (PacketProcessor) Components.construct("bng.arp.ArpResponder", new Class<?>[0]);
        Components.set(arp, "owned", owned);
        if (arp instanceof ConfigListener l) {
            l.configurationChanged(Configuration.empty(), config);
        }
        bus.add(arp, Components.properties(arp.getClass()));

        slb = (PacketProcessor) Components.construct("bng.slb.ServerBalancer", new Class<?>[0]);
        Components.set(slb, "health", health);
        Components.set(slb, "ports", new TwoPorts());
        Components.set(slb, "owned", owned);
        Components.set(slb, "mastership", new bng.core.impl.MastershipManager(owned)); // no vrrp: master
        reset();
        ((ConfigListener) slb).configurationChanged(Configuration.empty(), config);
        bus.add(slb, Components.properties(slb.getClass()));

        assertEquals(4, bus.processors().size(), "ping, arp, hc and slb bound");
        ports[1] = bus.newDispatcher("eth0");
        ports[2] = bus.newDispatcher("eth1");
        for (int i = 0; i < burst.length; i++) {
            burst[i] = new Frame(9234);
        }
    }

    /**
     * Fresh neighbour cache, session table and armed probe slots, so each fuzz input is a story
     * of its own and a finding replays alone.
     */
    void reset() {
        neighbours = new NeighbourTable();
        neighbours.learnIpv4(T1, T1_MAC, 1);
        neighbours.learnIpv4(T2, 0x02_00_00_00_00_12L, 1);
        neighbours.learnIpv4(T3, 0x02_00_00_00_00_15L, 2);
        sessions = new SessionStore(SESSIONS);
        RecordingCache recording = new RecordingCache(neighbours);
        learnt = recording.learnt;
        Components.set(arp, "neighbours", recording);
        Components.set(slb, "neighbours", recording);
        Components.set(slb, "sessions", sessions);
        Object table = Components.construct("bng.hc.ProbeTable", new Class<?>[] {int.class}, 0);
        assertEquals(TCP_SLOT, Components.call(table, "claim", 1, REAL, T1, 80, PROBE_ISN));
        assertEquals(ICMP_SLOT, Components.call(table, "claim", 2, REAL, T2, 0, 0));
        assertEquals(UDP_SLOT, Components.call(table, "claim", 3, REAL, T1, 3333, PROBE_ISN));
        Components.set(hc, "table", table);
    }

    /** The real cache, with every learnt mapping of the current burst remembered for the checks. */
    static final class RecordingCache implements NeighbourCache {
        final NeighbourCache cache;
        final List<long[]> learnt = new ArrayList<>();

        RecordingCache(NeighbourCache cache) {
            this.cache = cache;
        }

        @Override
        public long lookupIpv4(int address) {
            return cache.lookupIpv4(address);
        }

        @Override
        public int portOfIpv4(int address) {
            return cache.portOfIpv4(address);
        }

        @Override
        public void learnIpv4(int address, long mac, int port) {
            learnt.add(new long[] {address, mac, port});
            cache.learnIpv4(address, mac, port);
        }

        @Override
        public void insertStaticIpv4(int address, long mac, int port) {
            learnt.add(new long[] {address, mac, port});
            cache.insertStaticIpv4(address, mac, port);
        }

        @Override
        public long lookupIpv6(byte[] b, int off) {
            return cache.lookupIpv6(b, off);
        }

        @Override
        public int portOfIpv6(byte[] b, int off) {
            return cache.portOfIpv6(b, off);
        }

        @Override
        public void learnIpv6(byte[] b, int off, long mac, int port) {
            cache.learnIpv6(b, off, mac, port);
        }

        @Override
        public void insertStaticIpv6(byte[] b, int off, long mac, int port) {
            cache.insertStaticIpv6(b, off, mac, port);
        }

        @Override
        public void request(int address) {
            cache.request(address);
        }

        @Override
        public int[] takeRequests() {
            return cache.takeRequests();
        }

        @Override
        public int expire(long maxAgeMillis) {
            return cache.expire(maxAgeMillis);
        }

        @Override
        public List<Entry> entries() {
            return cache.entries();
        }
    }

    static final class TwoPorts implements Ports {
        @Override
        public long mac(int port) {
            return port == 1 ? Packets.PORT1_MAC : port == 2 ? Packets.PORT2_MAC : -1;
        }

        @Override
        public boolean isUp(int port) {
            return port == 1 || port == 2;
        }

        @Override
        public boolean send(int port, byte[] frame, int length) {
            return false;
        }

        @Override
        public int portOfNetwork(int networkId) {
            return networkId;
        }
    }

    /** Dispatches {@code frames} as one burst on {@code port} (1 or 2) and checks every invariant. */
    void dispatch(int port, byte[]... frames) {
        int n = Math.min(frames.length, burst.length);
        for (int i = 0; i < n; i++) {
            Frame f = burst[i];
            int len = Math.min(frames[i].length, f.capacity());
            System.arraycopy(frames[i], 0, f.data(), 0, len);
            f.setLength(len);
            sentIn[i] = frames[i];
            lengthIn[i] = len;
        }
        long portMac = port == 1 ? Packets.PORT1_MAC : Packets.PORT2_MAC;
        // a frame later in the burst may move a target (ARP): either its MAC before or after counts
        for (int t = 0; t < TARGETS.length; t++) {
            macBefore[t] = neighbours.lookupIpv4(TARGETS[t]);
            portBefore[t] = neighbours.portOfIpv4(TARGETS[t]);
        }
        learnt.clear();
        int toSend = ports[port].dispatch(burst, n, port, portMac);
        assertEquals(0, bus.counters().processorFailures(), "no processor failed");
        int counted = 0;
        for (int i = 0; i < n; i++) {
            if (burst[i].outPort() >= 0) {
                counted++;
                checkSent(port, sentIn[i], lengthIn[i], burst[i]);
            }
        }
        assertEquals(toSend, counted, "dispatch counts what it marks for sending");
        sent += counted;
        checkState();
    }

    private void checkSent(int inPort, byte[] in, int inLength, Frame out) {
        int outPort = out.outPort();
        assertTrue(outPort == 1 || outPort == 2, "sent to a port that exists");
        System.arraycopy(out.data(), 0, check.data(), 0, out.length());
        check.setLength(out.length());
        assertEquals(Frame.OK, check.decode(), () -> "a sent frame is sound: " + Frame.errorName(check.error()));
        long portMac = outPort == 1 ? Packets.PORT1_MAC : Packets.PORT2_MAC;
        assertEquals(portMac, check.srcMac(), "leaves with its port's MAC");
        long inSrcMac = Macs.read(in, 6);
        // No reflection: nothing bng originates goes to a group MAC (RFC 1122 §3.3.6 spirit).
        assertTrue(!Macs.isMulticast(check.dstMac()) || !(check.isArp() || owned.ownsIpv4(check.ipv4Src())),
            "a reply never goes to a group MAC");
        if (check.isArp()) {
            int a = check.l3Offset();
            assertEquals(2, check.u16(a + 6), "only ARP replies are sent");
            assertTrue(owned.ownsIpv4(check.u32(a + 14)), "an ARP reply is for an owned address");
            assertEquals(inPort, outPort, "a reply leaves where the request came in");
            // RFC 826: the reply goes to the request's sender hardware address (Linux does the same)
            assertEquals(Macs.read(in, a + 8), check.dstMac(), () -> "a reply goes to the asker: in "
                + java.util.HexFormat.of().formatHex(in, 0, inLength) + " out "
                + java.util.HexFormat.of().formatHex(out.data(), 0, out.length()));
            return;
        }
        if (!check.isIpv4()) {
            fail("bng sent a frame that is neither ARP nor IPv4");
        }
        if (owned.ownsIpv4(check.ipv4Src())) {
            // ping's echo reply or hc's RST: from the address that was asked, back where it came from
            assertEquals(inPort, outPort, "a reply leaves where the request came in");
            assertEquals(inSrcMac, check.dstMac(), "a reply goes to the sender");
            Frame was = new Frame(in.clone(), inLength);
            was.decode();
            assertEquals(was.ipv4Dst(), check.ipv4Src(), "a reply comes from the address that was asked");
            assertTrue(unicast(check.ipv4Dst()), () -> "a reply goes to a unicast address (RFC 1122 §3.2.1.3), not "
                + Integer.toHexString(check.ipv4Dst()));
            return;
        }
        int dst = check.ipv4Dst();
        assertTrue(dst == VIP || dst == UDP_VIP, "only frames to a virtual server are forwarded");
        assertEquals(inLength, out.length(), "forwarding keeps the length");
        assertArrayEquals(Arrays.copyOfRange(in, 12, inLength), Arrays.copyOfRange(out.data(), 12, inLength),
            "DSR changes nothing beyond the MACs");
        long dstMac = check.dstMac();
        boolean toTarget = false;
        for (int t = 0; t < TARGETS.length; t++) {
            toTarget |= neighbours.lookupIpv4(TARGETS[t]) == dstMac && neighbours.portOfIpv4(TARGETS[t]) == outPort;
            toTarget |= macBefore[t] == dstMac && portBefore[t] == outPort;
            for (long[] l : learnt) {
                toTarget |= (int) l[0] == TARGETS[t] && l[1] == dstMac && (int) l[2] == outPort;
            }
        }
        assertTrue(toTarget, () -> "forwarded to a target's MAC on the target's port: out " + outPort + " "
            + java.util.HexFormat.of().formatHex(out.data(), 0, out.length()) + " cache " + neighbours.entries());
    }

    /** Not 0/8, 127/8, multicast 224/4, reserved 240/4 or the limited broadcast. */
    static boolean unicast(int a) {
        int first = a >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    private void checkState() {
        assertTrue(sessions.size() <= sessions.capacity(), "session table within its capacity");
        for (NeighbourCache.Entry e : neighbours.entries()) {
            int a = e.address() instanceof java.net.Inet4Address v4 ? Packets.ip(v4.getHostAddress()) : 0;
            assertTrue(!owned.ownsIpv4(a), "never learns an owned address");
            assertTrue(!Macs.isMulticast(e.mac()), "never learns a group MAC");
        }
    }
}
