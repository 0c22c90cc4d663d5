package bng.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.SessionTable;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.MastershipManager;
import bng.core.impl.NeighbourTable;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** bngsync: its frames byte for byte, and two nodes' session tables kept equal through real buses. */
class SyncTest {
    /** From src/test/resources/bngsync_golden.py: 198.18.0.2 -> .3, seq 5, one add and one removal; the ack. */
    static final String SESSIONS = "020000000003020000000002080045000048000540004011ae76c6120002c612000328c728c70034cf4c424e47530101000200000005c61200149c4000010000000101020000c61200159c4100010000000202000000";
    static final String ACK = "020000000002020000000003080045000028000540004011ae96c6120003c612000228c728c700149765424e47530102000000000005000000000000";

    static final int CLIENT = Ipv4.parse("198.18.0.20");

    static String config(String real, String peer, String extra) {
        return """
            interface 1 { name synctest1 }
            register interface 1
            enable interface 1
            network 1 { addr 198.18.0.0 mask 24 real %s syncpeer %s interface 1 }
            register network 1
            enable network 1
            %s
            """.formatted(real, peer, extra);
    }

    final class Node implements Ports {
        final long mac;
        final SessionStore store = new SessionStore(100_000);
        final AddressBook book = new AddressBook();
        final MastershipManager mastership = new MastershipManager(book);
        final SyncReceiver receiver = new SyncReceiver();
        final BngSync sync = new BngSync();
        final PacketBusManager bus = new PacketBusManager();
        final Dispatcher dispatcher;
        Node peer;
        boolean linkUp = true;
        int frames;

        Node(long mac, String text) {
            this.mac = mac;
            receiver.sessions = store;
            sync.ports = this;
            sync.neighbours = new NeighbourTable();
            sync.mastership = mastership;
            sync.sessions = store;
            sync.receiver = receiver;
            bus.add(receiver, Map.of(ProcessorProperties.NAME, "vrrp.bngsync", ProcessorProperties.MODULE, "vrrp",
                ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR, ProcessorProperties.PRIORITY, 450,
                ProcessorProperties.ETHERTYPE, Frame.ETH_IPV4, ProcessorProperties.IP_PROTOCOL, 17));
            dispatcher = bus.newDispatcher("t");
            Configuration c = VrrpManagerTest.parse(text);
            book.configurationChanged(Configuration.empty(), c);
            mastership.configurationChanged(Configuration.empty(), c);
            sync.configurationChanged(Configuration.empty(), c);
        }

        @Override
        public long mac(int port) {
            return mac;
        }

        @Override
        public boolean isUp(int port) {
            return true;
        }

        @Override
        public boolean send(int port, byte[] frame, int length) {
            frames++;
            if (linkUp) {
                peer.dispatcher.dispatch(new Frame[] {new Frame(Arrays.copyOf(frame, 9234), length)}, 1, 1, peer.mac);
            }
            return true;
        }

        @Override
        public int portOfNetwork(int networkId) {
            return 1;
        }
    }

    final Node master = new Node(0x02_00_00_00_00_02L, config("198.18.0.2", "198.18.0.3", ""));
    final Node backup = new Node(0x02_00_00_00_00_03L,
        config("198.18.0.3", "198.18.0.2", "modules vrrp\nvrrp { vrid 7 priority 100 network 1 }"));

    SyncTest() {
        master.peer = backup;
        backup.peer = master;
    }

    long now;

    /** {@code n} rounds of both nodes, 100 ms apart. */
    void rounds(int n) {
        for (int i = 0; i < n; i++, now += BngSync.TICK_MILLIS) {
            master.sync.round(now);
            backup.sync.round(now);
        }
    }

    static long key(int i) {
        return SessionTable.key(CLIENT + i / 1000, 30000 + i % 1000, 1);
    }

    @Test
    void theSessionsDatagramIsExact() {
        byte[] b = new byte[SyncFrames.MAX_FRAME];
        Arrays.fill(b, (byte) 0x5a);
        SyncFrames.record(b, 0, SessionTable.key(CLIENT, 40000, 1), 1, SessionTable.CHANGE_ADDED,
            SessionTable.STATE_ESTABLISHED, 0);
        SyncFrames.record(b, 1, SessionTable.key(CLIENT + 1, 40001, 1), 2, SessionTable.CHANGE_REMOVED, 0, 0);
        int len = SyncFrames.finish(b, SyncFrames.TYPE_SESSIONS, 5, 2, 0x02_00_00_00_00_02L, 0x02_00_00_00_00_03L,
            Ipv4.parse("198.18.0.2"), Ipv4.parse("198.18.0.3"));
        assertEquals(SESSIONS, HexFormat.of().formatHex(b, 0, len));
        Arrays.fill(b, (byte) 0x5a);
        len = SyncFrames.finish(b, SyncFrames.TYPE_ACK, 5, 0, 0x02_00_00_00_00_03L, 0x02_00_00_00_00_02L,
            Ipv4.parse("198.18.0.3"), Ipv4.parse("198.18.0.2"));
        assertEquals(ACK, HexFormat.of().formatHex(b, 0, len));
    }

    void deliver(Node to, String hex) {
        byte[] b = Arrays.copyOf(HexFormat.of().parseHex(hex), 9234);
        to.dispatcher.dispatch(new Frame[] {new Frame(b, hex.length() / 2)}, 1, 1, to.mac);
    }

    @Test
    void aReceivedDatagramGoesIntoTheTableAndAGapAsksForEverything() {
        long k = SessionTable.key(CLIENT, 40000, 1);
        deliver(backup, SESSIONS);
        assertEquals(1, backup.store.lookup(k));
        assertEquals(1, backup.receiver.added);
        assertEquals(1, backup.receiver.removed);
        assertEquals(1, backup.receiver.gaps, "sequence 5 first: we missed 0..4");
        assertTrue(backup.receiver.askResync.get());
        deliver(backup, SESSIONS.replace("0000000101020000", "0000000101020001")); // a reserved bit: checksum now wrong
        assertEquals(1, backup.receiver.malformed);
        deliver(master, SESSIONS); // from .2 to .2's peer: not for the master
        assertEquals(0, master.receiver.packets);
        assertEquals(1, master.bus.counters().unhandled());
    }

    @Test
    void theMastersNewAndRemovedSessionsReachTheBackup() {
        for (int i = 0; i < 1000; i++) {
            master.store.insert(key(i), 1 + i % 2, true, SessionTable.TCP_SYN | SessionTable.TCP_ACK);
        }
        rounds(1);
        assertEquals(1000, backup.store.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(1 + i % 2, backup.store.lookup(key(i)));
        }
        assertEquals(16, master.sync.sentPackets, "1000 sessions in datagrams of 64");
        for (int i = 0; i < 100; i++) {
            master.store.remove(key(i));
        }
        rounds(1);
        assertEquals(900, backup.store.size());
        assertEquals(0, backup.receiver.gaps);
        assertEquals(0, backup.sync.sentPackets, "a backup sends nothing unasked");
        StringBuilder show = new StringBuilder();
        backup.sync.render(show);
        assertTrue(show.toString().startsWith("""
              bngsync is active
              we are talking (and expecting) IPv4 UDP port 10439
              the MAC address for syncpeer is not known (sending to broadcast)
              bngsync IPv4 packets received: 18
              bngsync IPv6 packets received: 0
            """), show.toString());
    }

    @Test
    void aProxiedConnectionsPortGoesWithItSoTheTargetsRepliesMapBackOnTheNewMaster() {
        long conn = key(7);
        master.store.insert(conn, 2, true, SessionTable.TCP_SYN | SessionTable.TCP_ACK);
        int port = master.store.proxyPort(conn, 2);
        long plain = key(8); // a connection that proxies nothing: no port travels, none is claimed
        master.store.insert(plain, 1, true, SessionTable.TCP_SYN | SessionTable.TCP_ACK);
        rounds(1);
        assertEquals(conn, backup.store.proxied(2, port), "the target's reply to prx:" + port + " finds the connection");
        assertEquals(port, backup.store.heldProxyPort(conn, 2));
        assertEquals(port, backup.store.proxyPort(conn, 2), "the client side's next packet keeps the same port");
        assertEquals(0, backup.store.heldProxyPort(plain, 1));
        assertEquals(0, backup.receiver.proxyPortsRefused);
        backup.store.remove(conn);
        assertEquals(0, backup.store.proxied(2, port), "removing the session frees the port");
    }

    @Test
    void aLostDatagramIsRepairedByAFullResync() {
        for (int i = 0; i < 100; i++) {
            master.store.insert(key(i), 1, false, 0);
        }
        master.linkUp = false;
        rounds(1);
        master.linkUp = true;
        assertEquals(0, backup.store.size());
        master.store.insert(key(100), 2, false, 0);
        rounds(3);
        assertEquals(1, backup.store.size(), "only the newest so far");
        rounds(20); // a resync follows the last one after at least RESYNC_SPACING_MILLIS
        assertEquals(1, backup.receiver.gaps);
        assertEquals(1, master.receiver.resyncRequests);
        assertEquals(101, backup.store.size(), "everything after the resync");
        assertEquals(2, backup.store.lookup(key(100)));
        assertFalse(backup.receiver.askResync.get());
    }

    @Test
    void withSessionsyncackTheBackupAcknowledgesEachDatagram() {
        Node acking = new Node(0x02_00_00_00_00_03L,
            config("198.18.0.3", "198.18.0.2", "modules vrrp\nvrrp { vrid 7 priority 100 network 1 }\nset sessionsyncack 1"));
        master.peer = acking;
        acking.peer = master;
        for (int i = 0; i < 200; i++) {
            master.store.insert(key(i), 1, false, 0);
        }
        for (int i = 0; i < 3; i++) {
            master.sync.round(i * 100L);
            acking.sync.round(i * 100L);
        }
        assertEquals(200, acking.store.size());
        assertEquals(1, master.receiver.acks, "the last datagram of the round is acknowledged");
    }
}
