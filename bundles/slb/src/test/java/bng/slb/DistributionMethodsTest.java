package bng.slb;

import static bng.slb.ServerBalancerTest.config;
import static bng.slb.ServerBalancerTest.ip;
import static bng.slb.ServerBalancerTest.syn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every distribution method, through the real bus: SYNs of distinct clients to a server with that
 * method over targets 1..4 of weights 1, 2, 3, 4, counting where they go. Random methods run from
 * a fixed seed, so the counts are the same on every run; the bounds say what the method promises.
 */
class DistributionMethodsTest {
    static final String[] METHODS = {"rr", "wrr", "random", "wrandom", "hash", "first", "session", "bandwidth",
        "agent", "rndagent"};
    static final int CLIENT = ip("198.18.0.16");

    static String text() {
        StringBuilder c = new StringBuilder("""
            modules slb
            interface 1 name eth0
            register interface 1
            enable interface 1
            network 1 { addr 198.18.0.0 mask 24 real 198.18.0.2 interface 1 }
            register network 1
            enable network 1
            """);
        for (int i = 0; i < METHODS.length; i++) {
            c.append("server ").append(i + 1).append(" { ipaddr 198.18.0.").append(101 + i)
                .append(" port 80 protocol tcp sessionid src+port method ").append(METHODS[i]).append(" targets 1,2,3,4 }\n");
        }
        for (int t = 1; t <= 4; t++) {
            c.append("target ").append(t).append(" { ipaddr 198.18.0.1").append(t).append(" weight ").append(t)
                .append(" dsr enable }\n");
        }
        c.append("register servers 1,2,3,4,5,6,7,8,9,10\nenable servers 1,2,3,4,5,6,7,8,9,10\nregister targets 1,2,3,4\nenable targets 1,2,3,4\n");
        return c.toString();
    }

    PacketBusManager bus;
    Dispatcher port;
    ServerBalancer balancer;
    SessionStore sessions;
    HealthBoard health;
    int nextPort = 1024;

    @BeforeEach
    void setUp() {
        sessions = new SessionStore(100_000);
        health = new HealthBoard();
        NeighbourTable neighbours = new NeighbourTable();
        for (int t = 1; t <= 4; t++) {
            neighbours.learnIpv4(ip("198.18.0.1" + t), 0x02_00_00_00_00_10L + t, 1);
            health.report(t, TargetHealth.UP, "test");
        }
        balancer = new ServerBalancer();
        balancer.mastership = new bng.core.impl.MastershipManager(new bng.core.impl.AddressBook()); // no vrrp: master
        balancer.owned = new bng.core.impl.AddressBook(); // no source the balancer must refuse as its own
        balancer.sessions = sessions;
        balancer.health = health;
        balancer.neighbours = neighbours;
        balancer.ports = new ServerBalancerTest.PortsAdapter();
        balancer.configurationChanged(Configuration.empty(), config(text()));
        balancer.seed(42);
        bus = new PacketBusManager();
        bus.add(balancer, Map.of(
            ProcessorProperties.NAME, "slb.balancer",
            ProcessorProperties.MODULE, "slb",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 2000,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4,
            ProcessorProperties.IP_PROTOCOL, new Integer[] {Frame.PROTO_TCP, Frame.PROTO_UDP}));
        port = bus.newDispatcher("eth0");
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    static int vip(String method) {
        return ip("198.18.0." + (101 + Arrays.asList(METHODS).indexOf(method)));
    }

    /** One new connection (a SYN from a fresh client and port) to the method's server; the target it went to. */
    int connect(String method, int client) {
        Frame f = ServerBalancerTest.frame(syn(client, nextPort++, vip(method)));
        port.dispatch(new Frame[] {f}, 1, 1, ServerBalancerTest.PORT_MAC);
        return ServerBalancerTest.targetOf(f);
    }

    int[] spread(String method, int connections) {
        int[] per = new int[5];
        for (int c = 0; c < connections; c++) {
            per[connect(method, CLIENT + c)]++;
        }
        return per;
    }

    static void within(int expected, int actual, double tolerance, String what) {
        assertTrue(Math.abs(actual - expected) <= expected * tolerance, what + ": expected " + expected + " ± "
            + (int) (tolerance * 100) + "%, got " + actual);
    }

    @Test
    void rrTakesTurns() {
        assertArrayEquals(new int[] {0, 100, 100, 100, 100}, spread("rr", 400));
    }

    @Test
    void wrrFollowsTheWeightsExactlyOverEachCycle() {
        assertArrayEquals(new int[] {0, 100, 200, 300, 400}, spread("wrr", 1000));
        // Smooth: the heaviest target never takes more than two in a row within a cycle of 10.
        int[] seq = new TargetPool(new int[] {1, 2, 3, 4}, new int[] {1, 2, 3, 4}, new long[4], false).sequence;
        assertEquals(10, seq.length);
        for (int i = 2; i < seq.length; i++) {
            assertTrue(!(seq[i] == 4 && seq[i - 1] == 4 && seq[i - 2] == 4), Arrays.toString(seq));
        }
    }

    @Test
    void wrrSkipsATargetThatIsDown() {
        health.report(4, TargetHealth.DOWN, "test");
        int[] per = spread("wrr", 600);
        assertEquals(0, per[4]);
        assertEquals(600, per[1] + per[2] + per[3]);
    }

    @Test
    void randomSpreadsEvenly() {
        int[] per = spread("random", 4000);
        for (int t = 1; t <= 4; t++) {
            within(1000, per[t], 0.15, "target " + t);
        }
    }

    @Test
    void wrandomFollowsTheWeights() {
        int[] per = spread("wrandom", 10_000);
        for (int t = 1; t <= 4; t++) {
            within(1000 * t, per[t], 0.12, "target " + t);
        }
    }

    @Test
    void hashIsWeightAwareAndStable() {
        int[] per = spread("hash", 10_000);
        for (int t = 1; t <= 4; t++) {
            within(1000 * t, per[t], 0.15, "target " + t);
        }
        sessions.clear(-1);
        assertEquals(connect("hash", CLIENT + 7), connect("hash", CLIENT + 7), "one client, one target");
    }

    @Test
    void firstTakesTheFirstOperationalInListOrder() {
        assertArrayEquals(new int[] {0, 50, 0, 0, 0}, spread("first", 50));
        health.report(1, TargetHealth.DOWN, "test");
        assertArrayEquals(new int[] {0, 0, 50, 0, 0}, spread("first", 50));
    }

    @Test
    void sessionFillsTheTargetsWithFewestActiveSessions() {
        // Target 1 already holds 3 sessions of another server.
        for (int c = 0; c < 3; c++) {
            sessions.insert(SessionTable.key(ip("198.18.0.200") + c, 0, 99), 1, true, SessionTable.TCP_SYN);
        }
        int[] per = spread("session", 9);
        assertArrayEquals(new int[] {0, 0, 3, 3, 3}, per);
        per = spread("session", 8);
        assertArrayEquals(new int[] {0, 2, 2, 2, 2}, per, "then all are equal: turns");
    }

    @Test
    void bandwidthPicksTheTargetThatMovedTheFewestBytesLastSecond() {
        sessions.count(99, 1, 10_000);
        sessions.count(99, 2, 5_000);
        sessions.count(99, 3, 100);
        sessions.count(99, 4, 2_000);
        balancer.chooser().sampleBandwidth(4);
        assertEquals(3, connect("bandwidth", CLIENT));
        assertEquals(3, connect("bandwidth", CLIENT + 1), "a rate holds for the second it was sampled in");
        sessions.count(99, 3, 50_000);
        balancer.chooser().sampleBandwidth(4);
        int t = connect("bandwidth", CLIENT + 2);
        assertTrue(t != 3, "target 3 moved the most in the last second (and targets 1, 2, 4 nothing): " + t);
    }

    @Test
    void agentPicksTheLowestLoadAndReportsOverNone() {
        health.reportLoad(1, 50);
        health.reportLoad(2, 10);
        health.reportLoad(3, 30);
        assertArrayEquals(new int[] {0, 0, 20, 0, 0}, spread("agent", 20));
        health.reportLoad(2, 90);
        assertArrayEquals(new int[] {0, 0, 0, 20, 0}, spread("agent", 20));
    }

    @Test
    void rndagentDrawsByInverseLoad() {
        health.reportLoad(1, 0);
        health.reportLoad(2, 1);
        health.reportLoad(3, 3);
        int[] per = spread("rndagent", 7000);
        within(4000, per[1], 0.1, "load 0");
        within(2000, per[2], 0.1, "load 1");
        within(1000, per[3], 0.15, "load 3");
        assertTrue(per[4] <= 5, "no report weighs (almost) nothing: " + per[4]);
    }

    @Test
    void choosingAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        BalancePlan p = new BalancePlan(config(text()), new java.util.ArrayList<>());
        health.reportLoad(1, 3);
        long sum = 0;
        for (int i = 0; i < 20_000; i++) {
            sum += balancer.choose(p, i % METHODS.length, CLIENT + i);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sum += balancer.choose(p, i % METHODS.length, CLIENT + i);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 50_000, "allocated " + allocated + " bytes for 100000 choices");
        assertTrue(sum > 0);
    }

    @Test
    void everyMethodFallsBackToTheBackupsAndDropsWhenNothingIsUp() {
        for (int t = 1; t <= 4; t++) {
            health.report(t, TargetHealth.DOWN, "test");
        }
        for (String m : METHODS) {
            assertEquals(-1, connect(m, CLIENT), m);
        }
        assertEquals(METHODS.length, balancer.binder.noTarget);
    }
}
