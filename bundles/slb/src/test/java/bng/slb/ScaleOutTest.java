package bng.slb;

import static bng.slb.ServerBalancerTest.ack;
import static bng.slb.ServerBalancerTest.config;
import static bng.slb.ServerBalancerTest.ip;
import static bng.slb.ServerBalancerTest.syn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scale-out (issue 11, docs/scale-out.md): bng nodes behind ECMP share no state, so a flow keeps
 * its target only if every node picks the same one. Each {@link Node} here is built independently
 * — its own bus, session table, health board, neighbour cache and balancer, and a configuration
 * text that writes the targets in another order — and real frames go through each.
 */
class ScaleOutTest {
    static final int VIP = ip("198.18.1.100");
    static final int FLOWS = 2000;

    static final String NODE_A = """
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.2 interface 1 }
        register network 1
        enable network 1
        server 1 { ipaddr 198.18.1.100 port 80 protocol tcp method hash targets 1,2,3,4 }
        target 1 { ipaddr 198.18.0.11 port 80 dsr enable }
        target 2 { ipaddr 198.18.0.12 port 80 dsr enable }
        target 3 { ipaddr 198.18.0.13 port 80 dsr enable }
        target 4 { ipaddr 198.18.0.14 port 80 dsr enable }
        register server 1
        enable server 1
        register targets 1,2,3,4
        enable targets 1,2,3,4
        """;
    /** Node B: the same targets written in reverse order and listed in another order by the server. */
    static final String NODE_B = """
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.3 interface 1 }
        register network 1
        enable network 1
        target 4 { ipaddr 198.18.0.14 port 80 dsr enable }
        target 3 { ipaddr 198.18.0.13 port 80 dsr enable }
        target 2 { ipaddr 198.18.0.12 port 80 dsr enable }
        target 1 { ipaddr 198.18.0.11 port 80 dsr enable }
        server 1 { ipaddr 198.18.1.100 port 80 protocol tcp method hash targets 3,1,4,2 }
        register server 1
        enable server 1
        register targets 4,3,2,1
        enable targets 4,3,2,1
        """;

    /** One bng node's data path, built from nothing. */
    static final class Node implements AutoCloseable {
        final HealthBoard health = new HealthBoard();
        final ServerBalancer balancer = new ServerBalancer();
        final Dispatcher port;

        Node(String text) {
            NeighbourTable neighbours = new NeighbourTable();
            for (int t = 1; t <= 4; t++) {
                neighbours.learnIpv4(ip("198.18.0.1" + t), 0x02_00_00_00_00_10L + t, 1);
                health.report(t, TargetHealth.UP, "test");
            }
            balancer.mastership = new bng.core.impl.MastershipManager(new bng.core.impl.AddressBook()); // no vrrp: master
            balancer.owned = new bng.core.impl.AddressBook(); // no source the balancer must refuse as its own
            balancer.sessions = new SessionStore(2 * FLOWS);
            balancer.health = health;
            balancer.neighbours = neighbours;
            balancer.ports = new ServerBalancerTest.PortsAdapter();
            balancer.configurationChanged(Configuration.empty(), config(text));
            PacketBusManager bus = new PacketBusManager();
            bus.add(balancer, Map.of(ProcessorProperties.NAME, "slb.balancer", ProcessorProperties.MODULE, "slb",
                ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR, ProcessorProperties.PRIORITY, 2000,
                ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4, ProcessorProperties.IP_PROTOCOL, Frame.PROTO_TCP));
            port = bus.newDispatcher("eth0");
        }

        /** The last octet of the target address the frame left for (from its MAC), or -1 when dropped. */
        int send(byte[] bytes) {
            Frame f = ServerBalancerTest.frame(bytes);
            port.dispatch(new Frame[] {f}, 1, ServerBalancerTest.IN_PORT, ServerBalancerTest.PORT_MAC);
            return f.outPort() < 0 ? -1 : (int) (f.dstMac() & 0xff);
        }

        void down(int target) {
            health.report(target, TargetHealth.DOWN, "test");
        }

        @Override
        public void close() {
            port.close();
        }
    }

    static int client(int i) {
        return ip("198.19.0.0") + 1 + i; // 198.19.0.1 .. : distinct clients
    }

    static int[] synsThrough(Node n) {
        int[] to = new int[FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            to[i] = n.send(syn(client(i), 40000 + i % 20000, VIP));
        }
        return to;
    }

    @Test
    void twoIndependentNodesPickTheSameTargetForEveryFlow() {
        try (Node a = new Node(NODE_A); Node b = new Node(NODE_B)) {
            int[] viaA = synsThrough(a);
            int[] viaB = synsThrough(b);
            int[] perTarget = new int[0x15];
            for (int i = 0; i < FLOWS; i++) {
                assertTrue(viaA[i] >= 0x11 && viaA[i] <= 0x14, "flow " + i + " forwarded");
                assertEquals(viaA[i], viaB[i], "flow " + i);
                perTarget[viaA[i]]++;
            }
            for (int t = 0x11; t <= 0x14; t++) {
                assertTrue(perTarget[t] > FLOWS / 4 * 0.8 && perTarget[t] < FLOWS / 4 * 1.2,
                    "target " + t + " has " + perTarget[t] + " of " + FLOWS + " flows");
            }
        }
    }

    @Test
    void aFlowMovedToANodeThatNeverSawItsSynReachesTheSameTarget() {
        try (Node a = new Node(NODE_A); Node b = new Node(NODE_B)) {
            int[] viaA = synsThrough(a);
            for (int i = 0; i < FLOWS; i++) {
                assertEquals(viaA[i], b.send(ack(client(i), 40000 + i % 20000, VIP)), "flow " + i);
            }
            assertEquals(FLOWS, b.balancer.binder.adopted);
            assertEquals(0, b.balancer.binder.noSession);
            // adopted flows have sessions now: a second segment follows the session
            assertEquals(viaA[7], b.send(ack(client(7), 40000 + 7, VIP)));
            assertEquals(FLOWS, b.balancer.binder.adopted);
        }
    }

    @Test
    void aTargetGoingDownMovesOnlyItsOwnFlowsAndTheSameWayOnEveryNode() {
        int[] before;
        try (Node a = new Node(NODE_A)) {
            before = synsThrough(a);
        }
        try (Node a = new Node(NODE_A); Node b = new Node(NODE_B)) {
            a.down(2);
            b.down(2);
            int[] viaA = synsThrough(a);
            int[] viaB = synsThrough(b);
            int moved = 0;
            int[] movedTo = new int[0x15];
            for (int i = 0; i < FLOWS; i++) {
                assertEquals(viaA[i], viaB[i], "flow " + i);
                if (before[i] == 0x12) {
                    moved++;
                    movedTo[viaA[i]]++;
                    assertTrue(viaA[i] != 0x12 && viaA[i] > 0, "flow " + i + " left the down target");
                } else {
                    assertEquals(before[i], viaA[i], "flow " + i + " of a target that stayed up did not move");
                }
            }
            assertTrue(moved > FLOWS / 4 * 0.8, moved + " flows were on target 2");
            for (int t : new int[] {0x11, 0x13, 0x14}) {
                assertTrue(movedTo[t] > 0, "target 2's flows spread, also to " + t + ": " + java.util.Arrays.toString(movedTo));
            }
        }
    }
}
