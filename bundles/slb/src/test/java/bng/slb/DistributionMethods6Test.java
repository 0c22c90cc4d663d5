package bng.slb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.TargetHealth;
import bng.core.config.IpAddresses;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every distribution method over IPv6, through the real bus and {@link ServerBalancer6}: the same
 * servers as {@link DistributionMethodsTest} (targets 1..4 of weights 1, 2, 3, 4, here NAT targets
 * with an {@code ipaddr6}), SYNs of distinct IPv6 clients, counting where they go. The chooser is
 * the IPv4 one ({@link TargetChooser} over {@link Plan}), so the promises are the same.
 */
class DistributionMethods6Test {
    static final String[] METHODS = DistributionMethodsTest.METHODS;

    static String text() {
        StringBuilder c = new StringBuilder("""
            modules slb
            interface 1 name eth0
            register interface 1
            enable interface 1
            network 1 { mask6 64 real6 2001:db8::2 interface 1 }
            register network 1
            enable network 1
            """);
        for (int i = 0; i < METHODS.length; i++) {
            c.append("server ").append(i + 1).append(" { ipaddr6 2001:db8::").append(Integer.toHexString(0x101 + i))
                .append(" port 80 protocol tcp sessionid src+port method ").append(METHODS[i]).append(" targets 1,2,3,4 }\n");
        }
        for (int t = 1; t <= 4; t++) {
            c.append("target ").append(t).append(" { ipaddr6 2001:db8::1").append(t).append(" weight ").append(t).append(" }\n");
        }
        c.append("register servers 1,2,3,4,5,6,7,8,9,10\nenable servers 1,2,3,4,5,6,7,8,9,10\nregister targets 1,2,3,4\nenable targets 1,2,3,4\n");
        return c.toString();
    }

    PacketBusManager bus;
    Dispatcher port;
    ServerBalancer6 balancer;
    SessionStore sessions;
    HealthBoard health;
    int nextPort = 1024;

    @BeforeEach
    void setUp() {
        sessions = new SessionStore(100_000);
        health = new HealthBoard();
        NeighbourTable neighbours = new NeighbourTable();
        for (int t = 1; t <= 4; t++) {
            neighbours.learnIpv6(IpAddresses.parseIpv6("2001:db8::1" + t).getAddress(), 0, 0x02_00_00_00_00_10L + t, 1);
            health.report(t, TargetHealth.UP, "test");
        }
        balancer = ServerBalancer6Test.balancer(sessions, health, neighbours, text());
        balancer.seed(42);
        bus = new PacketBusManager();
        ServerBalancer6Test.add(bus, balancer);
        port = bus.newDispatcher("eth0");
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    /** One new connection from client 2001:db8:c::{client} to the method's server; the target it went to, or -1. */
    int connect(String method, int client) {
        String vip = "2001:db8::" + Integer.toHexString(0x101 + Arrays.asList(METHODS).indexOf(method));
        byte[] syn = ServerBalancer6Test.packet("2001:db8:c::" + Integer.toHexString(client), nextPort++, vip, 80, 0x02);
        Frame f = ServerBalancerTest.frame(syn);
        port.dispatch(new Frame[] {f}, 1, 1, ServerBalancerTest.PORT_MAC);
        return f.outPort() < 0 ? -1 : (f.data()[5] & 0xff) - 0x10;
    }

    int[] spread(String method, int connections) {
        int[] per = new int[5];
        for (int c = 0; c < connections; c++) {
            per[connect(method, 1 + c)]++;
        }
        return per;
    }

    @Test
    void theDeterministicMethodsGiveWhatTheyGiveOverIpv4() {
        assertArrayEquals(new int[] {0, 100, 100, 100, 100}, spread("rr", 400));
        assertArrayEquals(new int[] {0, 100, 200, 300, 400}, spread("wrr", 1000));
        assertArrayEquals(new int[] {0, 50, 0, 0, 0}, spread("first", 50));
        sessions.clear(-1); // the methods above left unequal numbers of active sessions
        assertArrayEquals(new int[] {0, 3, 3, 3, 3}, spread("session", 12), "fewest sessions, ties in turns");
        assertArrayEquals(new int[] {0, 3, 3, 3, 3}, spread("bandwidth", 12), "no bytes yet: ties in turns");
        health.reportLoad(1, 50);
        health.reportLoad(2, 10);
        health.reportLoad(3, 30);
        assertArrayEquals(new int[] {0, 0, 20, 0, 0}, spread("agent", 20));
    }

    @Test
    void theRandomAndHashedMethodsFollowTheWeights() {
        for (String m : new String[] {"wrandom", "hash"}) {
            int[] per = spread(m, 10_000);
            for (int t = 1; t <= 4; t++) {
                assertTrue(Math.abs(per[t] - 1000 * t) <= 150 * t, m + " target " + t + ": " + Arrays.toString(per));
            }
        }
        int[] random = spread("random", 4000);
        for (int t = 1; t <= 4; t++) {
            assertTrue(Math.abs(random[t] - 1000) <= 150, "random: " + Arrays.toString(random));
        }
        health.reportLoad(1, 0);
        health.reportLoad(2, 1);
        int[] rnd = spread("rndagent", 3000);
        assertTrue(rnd[1] > rnd[2] && rnd[2] > 0 && rnd[3] + rnd[4] <= 5, "rndagent: " + Arrays.toString(rnd));
    }

    @Test
    void hashKeepsAClientOnOneTargetWithoutASession() {
        int t = connect("hash", 7);
        sessions.clear(-1);
        assertEquals(t, connect("hash", 7));
        // An ACK without a session is adopted by the Maglev table (a flow another node started).
        byte[] ack = ServerBalancer6Test.packet("2001:db8:c::7", 999, "2001:db8::105", 80, 0x10);
        Frame f = ServerBalancerTest.frame(ack);
        port.dispatch(new Frame[] {f}, 1, 1, ServerBalancerTest.PORT_MAC);
        assertEquals(t, (f.data()[5] & 0xff) - 0x10);
        assertEquals(1, balancer.binder.adopted);
    }

    @Test
    void everyMethodDropsWhenNothingIsUp() {
        for (int t = 1; t <= 4; t++) {
            health.report(t, TargetHealth.DOWN, "test");
        }
        for (String m : METHODS) {
            assertEquals(-1, connect(m, 1), m);
        }
        assertEquals(METHODS.length, balancer.binder.noTarget);
    }
}
