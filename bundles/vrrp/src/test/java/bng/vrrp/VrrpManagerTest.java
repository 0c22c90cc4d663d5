package bng.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.Mastership.State;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.TargetHealth;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.GatewayBoard;
import bng.core.impl.MastershipManager;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two whole nodes (manager, receiver, real bus, core's AddressBook and MastershipManager) whose
 * port 1 is one wire: what one sends the other's bus receives. One fake clock drives both.
 */
class VrrpManagerTest {
    static final int VIP = Ipv4.parse("198.18.0.100");
    static final int VIRT = Ipv4.parse("198.18.0.3");

    long now;

    static String config(String real, int priority, String extra) {
        return """
            modules vrrp,arp,slb
            interface 1 { name vrrptest1 }
            interface 2 { name vrrptest2 trackval 150 }
            register interfaces 1,2
            enable interfaces 1,2
            vrrp { vrid 7 priority %d network 1 tracking enable }
            network 1 { addr 198.18.0.0 mask 24 real %s virt 198.18.0.3 interface 1 }
            register network 1
            enable network 1
            server 1 { ipaddr 198.18.0.100 port 80 protocol tcp }
            register server 1
            enable server 1
            gateway { ipaddr 198.18.0.254 ping 1,3 }
            %s
            """.formatted(priority, real, extra);
    }

    static Configuration parse(String text) {
        ConfigResult r = ConfigParser.parse("t.conf", text, Configuration.empty());
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    final class Node implements Ports {
        final long mac;
        final AddressBook book = new AddressBook();
        final MastershipManager mastership = new MastershipManager(book);
        final GatewayBoard gateway = new GatewayBoard();
        final VrrpReceiver receiver = new VrrpReceiver();
        final VrrpManager manager = new VrrpManager();
        final PacketBusManager bus = new PacketBusManager();
        final Dispatcher dispatcher;
        final List<String> sent = new ArrayList<>();
        final boolean[] up = {true, true, true};
        Node peer;
        Configuration config;

        Node(long mac, String text) {
            this.mac = mac;
            bus.add(receiver, Map.of(ProcessorProperties.NAME, "vrrp.adverts", ProcessorProperties.MODULE, "vrrp",
                ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR, ProcessorProperties.PRIORITY, 400,
                ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4, ProcessorProperties.IP_PROTOCOL, 112));
            dispatcher = bus.newDispatcher("t");
            manager.ports = this;
            manager.neighbours = new NeighbourTable();
            manager.mastership = mastership;
            manager.gateway = gateway;
            manager.receiver = receiver;
            manager.clock = () -> now;
            apply(text);
        }

        void apply(String text) {
            Configuration previous = config == null ? Configuration.empty() : config;
            config = parse(text);
            book.configurationChanged(previous, config);
            mastership.configurationChanged(previous, config);
            manager.apply(manager.configure(config));
        }

        State state() {
            return mastership.state();
        }

        @Override
        public long mac(int port) {
            return up[port] ? mac : -1;
        }

        @Override
        public boolean isUp(int port) {
            return up[port];
        }

        @Override
        public boolean send(int port, byte[] frame, int length) {
            if (!up[port]) {
                return false;
            }
            sent.add(HexFormat.of().formatHex(frame, 0, length));
            if (peer != null && peer.up[port]) {
                Frame f = new Frame(Arrays.copyOf(frame, 9234), length);
                peer.dispatcher.dispatch(new Frame[] {f}, 1, port, peer.mac);
            }
            return true;
        }

        @Override
        public int portOfNetwork(int networkId) {
            return networkId == 1 ? 1 : -1;
        }
    }

    final Node a = new Node(0x02_00_00_00_00_02L, config("198.18.0.2", 200, ""));
    final Node b = new Node(0x02_00_00_00_00_04L, config("198.18.0.4", 100, ""));

    VrrpManagerTest() {
        a.peer = b;
        b.peer = a;
    }

    /** Runs both nodes' scheduler rounds for {@code millis}; returns the time at which {@code until} first held. */
    long run(long millis, java.util.function.BooleanSupplier until) {
        long end = now + millis;
        for (; now < end; now += VrrpManager.TICK_MILLIS) {
            a.manager.tick();
            b.manager.tick();
            if (until != null && until.getAsBoolean()) {
                return now;
            }
        }
        return -1;
    }

    @Test
    void theHigherPriorityBecomesMasterAndOnlyItOwnsTheFloatingAddresses() {
        assertEquals(State.BACKUP, a.state());
        assertFalse(a.book.ownsIpv4(VIP), "nobody owns the VIP before the election");
        long t = run(10_000, () -> a.state() == State.MASTER);
        assertEquals(3250, t, 50, "A's master-down interval, 3218 ms");
        run(10_000, null);
        assertEquals(State.MASTER, a.state());
        assertEquals(State.BACKUP, b.state());
        assertTrue(a.book.ownsIpv4(VIP) && a.book.ownsIpv4(VIRT));
        assertFalse(b.book.ownsIpv4(VIP) || b.book.ownsIpv4(VIRT));
        assertTrue(b.book.ownsIpv4(Ipv4.parse("198.18.0.4")), "a backup still answers for its real address");
        assertEquals(Golden.V2, a.sent.get(0), "A's advert, byte for byte");
        assertEquals(10, a.sent.size(), "one advert a second: 3.25 s .. 12.25 s");
        assertEquals(List.of(), b.sent);
        assertEquals(0, b.receiver.rejected());
        assertEquals(Ipv4.parse("198.18.0.2"), b.manager.machine().masterAddress());
    }

    @Test
    void aStoppedMasterResignsAndTheBackupTakesOverAfterTheSkewTime() {
        run(5_000, null);
        a.manager.apply(null); // module stopped: priority 0
        assertEquals(Golden.V2_RESIGN, a.sent.getLast());
        assertEquals(State.INIT, a.state());
        long stop = now;
        long t = run(5_000, () -> b.state() == State.MASTER);
        assertEquals(609, t - stop, 100, "B's skew time (256 - 100) / 256 s");
        assertTrue(b.book.ownsIpv4(VIP));
        assertFalse(a.book.ownsIpv4(VIP));
    }

    @Test
    void aSilentMasterIsReplacedAfterTheMasterDownIntervalAndPreemptsOnReturn() {
        run(5_000, null);
        a.up[1] = false; // A's VRRP link is cut: its adverts are lost
        long cut = now;
        long t = run(10_000, () -> b.state() == State.MASTER);
        assertTrue(t - cut >= 3609 - 1000 && t - cut <= 3609 + 100, "within B's master-down interval: " + (t - cut));
        assertEquals(State.MASTER, a.state(), "A does not know: split brain while the link is down");
        List<String> announced = new ArrayList<>();
        a.mastership.addListener((from, to, why) -> announced.add(why));
        a.up[1] = true;
        run(1_100, null);
        assertEquals(State.MASTER, a.state(), "the lower one steps down on hearing A");
        assertEquals(State.BACKUP, b.state());
        assertEquals(1, announced.size(), "A announces again, after B's gratuitous ARP: " + announced);
        assertTrue(announced.get(0).startsWith("lower-priority advert from 198.18.0.4"), announced.get(0));
    }

    @Test
    void aRestartedHigherPriorityNodePreemptsTheBackupThatTookOver() {
        run(5_000, null);
        a.manager.apply(null);
        run(2_000, null);
        assertEquals(State.MASTER, b.state());
        a.manager.apply(a.manager.configure(a.config));
        long back = now;
        long t = run(10_000, () -> a.state() == State.MASTER && b.state() == State.BACKUP);
        assertEquals(3218, t - back, 100, "A waits its master-down interval, ignoring B's lower adverts");
    }

    @Test
    void withoutPreemptionTheRestartedNodeStaysBackup() {
        String noPreempt = "set vrrppreempt 0";
        a.apply(config("198.18.0.2", 200, noPreempt));
        b.apply(config("198.18.0.4", 100, noPreempt));
        run(5_000, null);
        a.manager.apply(null);
        run(2_000, null);
        a.manager.apply(a.manager.configure(a.config));
        run(10_000, null);
        assertEquals(State.BACKUP, a.state());
        assertEquals(State.MASTER, b.state());
    }

    @Test
    void aTrackedInterfaceGoingDownHandsMastershipOverAndItsReturnTakesItBack() {
        run(5_000, null);
        a.up[2] = false; // interface 2, trackval 150: 200 - 150 = 50 < 100
        long down = now;
        long t = run(10_000, () -> b.state() == State.MASTER && a.state() == State.BACKUP);
        assertTrue(t - down <= 1000 + 3609 + 100, "within the tracking round and B's master-down: " + (t - down));
        assertEquals(50, a.manager.machine().priority());
        StringBuilder show = new StringBuilder();
        a.manager.render(show);
        assertTrue(show.toString().contains("priority 200, effective 50, interface 2 down -150"), show.toString());
        a.up[2] = true;
        run(10_000, null);
        assertEquals(State.MASTER, a.state());
        assertEquals(State.BACKUP, b.state());
    }

    @Test
    void aFailedGatewayCostsTheSumOfTheTrackvalsUnlessGwtrackvalSaysOtherwise() {
        run(5_000, null);
        a.gateway.report(TargetHealth.DOWN, "ping: no reply");
        run(6_000, null);
        assertEquals(State.BACKUP, a.state());
        assertEquals(50, a.manager.machine().priority());
        a.gateway.report(TargetHealth.UP, "ping: reply");
        a.apply(config("198.18.0.2", 200, "set gwtrackval 20"));
        run(10_000, null);
        assertEquals(State.MASTER, a.state());
        a.gateway.report(TargetHealth.DOWN, "ping: no reply");
        run(6_000, null);
        assertEquals(180, a.manager.machine().priority());
        assertEquals(State.MASTER, a.state(), "180 still beats 100");
    }

    @Test
    void showVrrpSaysWhoIsMasterAndWhy() {
        run(5_000, null);
        StringBuilder a1 = new StringBuilder();
        a.manager.render(a1);
        StringBuilder b1 = new StringBuilder();
        b.manager.render(b1);
        String sa = a1.toString();
        String sb = b1.toString();
        assertTrue(sa.startsWith("  state MASTER\n  vrid 7, version 2\n  priority 200, effective 200\n"
            + "  master 198.18.0.2 (this node)\n"), sa);
        assertTrue(sa.contains("BACKUP -> MASTER: master down timer expired"), sa);
        assertTrue(sb.contains("  state BACKUP\n"), sb);
        assertTrue(sb.contains("  master 198.18.0.2 (priority 200)\n"), sb);
        assertTrue(sb.contains("adverts sent 0, received 2, bad 0"), sb);
    }

    @Test
    void unicastPeerVirtualMacAndVersion3AdvertsAreExact() {
        a.apply(config("198.18.0.2", 200, "").replace("tracking enable", "tracking enable peer 198.18.0.4"));
        a.manager.neighbours.learnIpv4(Ipv4.parse("198.18.0.4"), b.mac, 1);
        run(4_000, null);
        assertEquals(Golden.V2_UNICAST, a.sent.get(0));
        assertEquals(State.BACKUP, b.state(), "B hears unicast adverts as well");

        VrrpManagerTest fresh = new VrrpManagerTest();
        fresh.a.apply(config("198.18.0.2", 200, "set vrrpvmac 1"));
        fresh.run(4_000, null);
        assertEquals(Golden.V2_VMAC, fresh.a.sent.get(0));

        VrrpManagerTest v3 = new VrrpManagerTest();
        v3.a.apply(config("198.18.0.2", 200, "set vrrpversion 3"));
        v3.b.apply(config("198.18.0.4", 100, "set vrrpversion 3"));
        v3.run(10_000, null);
        assertEquals(Golden.V3, v3.a.sent.get(0));
        assertEquals(State.MASTER, v3.a.state());
        assertEquals(State.BACKUP, v3.b.state());
        assertEquals(0, v3.b.receiver.rejected());
    }

    @Test
    void aVersionMismatchIsCountedAndBothBecomeMaster() {
        b.apply(config("198.18.0.4", 100, "set vrrpversion 3"));
        run(10_000, null);
        assertEquals(State.MASTER, a.state());
        assertEquals(State.MASTER, b.state(), "B cannot hear A: split brain, visible in show vrrp");
        assertTrue(b.receiver.rejected[Adverts.BAD_VERSION] > 0);
    }
}
