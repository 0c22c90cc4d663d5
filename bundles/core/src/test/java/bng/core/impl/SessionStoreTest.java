package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.SessionTable;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SessionStoreTest {
    static final int CLIENT = 0xc6120010; // 198.18.0.16
    static final int SYN = SessionTable.TCP_SYN;
    static final int ACK = SessionTable.TCP_ACK;

    static Configuration config(String text) {
        ConfigResult r = ConfigParser.parse("t.conf", text, Configuration.empty());
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    static int state(SessionStore s, long key) {
        int[] st = {-1};
        s.forEach(-1, -1, SessionTable.keyClient(key), false, (c, p, srv, t, state, idle) -> {
            if (SessionTable.key(c, p, srv) == key) {
                st[0] = state;
            }
        });
        return st[0];
    }

    @Test
    void theKeyPacksClientPortAndServer() {
        long k = SessionTable.key(CLIENT, 40000, 7);
        assertEquals(CLIENT, SessionTable.keyClient(k));
        assertEquals(40000, SessionTable.keyPort(k));
        assertEquals(7, SessionTable.keyServer(k));
        assertEquals(0xc6120010_9c40_0007L, k);
    }

    @Test
    void aSessionIsFoundAgainAndCounted() {
        SessionStore s = new SessionStore(100);
        long k = SessionTable.key(CLIENT, 40000, 1);
        assertEquals(-1, s.lookup(k));
        int slot = s.insert(k, 2, true, SYN);
        assertTrue(slot >= 0);
        assertEquals(2, s.lookup(k));
        assertEquals(2, s.target(s.find(k)));
        assertEquals(slot, s.insert(k, 3, true, SYN), "a second insert keeps the first binding");
        assertEquals(2, s.lookup(k));
        assertEquals(1, s.size());
        assertEquals(new SessionTable.Counters(1, 1, 0, 0), s.serverCounters(1));
        assertEquals(new SessionTable.Counters(1, 1, 0, 0), s.targetCounters(2));
        s.count(1, 2, 60);
        assertEquals(new SessionTable.Counters(1, 1, 1, 60), s.targetCounters(2));
        assertTrue(s.remove(k));
        assertFalse(s.remove(k));
        assertEquals(-1, s.lookup(k));
        assertEquals(0, s.size());
        assertEquals(0, s.serverCounters(1).active());
        assertEquals(1, s.serverCounters(1).newSessions());
    }

    @Test
    void aFullTableRefusesNewSessionsAndKeepsTheOldOnes() {
        SessionStore s = new SessionStore(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(s.insert(SessionTable.key(CLIENT + i, 0, 1), 1, false, 0) >= 0);
        }
        assertEquals(-1, s.insert(SessionTable.key(CLIENT + 9, 0, 1), 1, false, 0));
        assertEquals(1, s.refused());
        for (int i = 0; i < 4; i++) {
            assertEquals(1, s.lookup(SessionTable.key(CLIENT + i, 0, 1)), "established sessions are never evicted");
        }
        assertTrue(s.remove(SessionTable.key(CLIENT, 0, 1)));
        assertTrue(s.insert(SessionTable.key(CLIENT + 9, 0, 1), 1, false, 0) >= 0, "room again after a removal");
    }

    @Test
    void tcpStatesFollowTheClientsFlags() {
        SessionStore s = new SessionStore(16);
        long k = SessionTable.key(CLIENT, 40000, 1);
        int slot = s.insert(k, 1, true, SYN);
        assertEquals(SessionTable.STATE_SYN, state(s, k));
        s.touch(slot, SYN); // a retransmitted SYN
        assertEquals(SessionTable.STATE_SYN, state(s, k));
        s.touch(slot, ACK);
        assertEquals(SessionTable.STATE_ESTABLISHED, state(s, k));
        s.touch(slot, ACK | SessionTable.TCP_FIN);
        assertEquals(SessionTable.STATE_CLOSING, state(s, k));
        s.touch(slot, SYN);
        assertEquals(SessionTable.STATE_SYN, state(s, k), "port reused: a new connection");
        s.touch(slot, SessionTable.TCP_RST);
        assertEquals(SessionTable.STATE_CLOSING, state(s, k));
    }

    @Test
    void sessionsExpireByStateAndKey() {
        SessionStore s = new SessionStore(16);
        s.configurationChanged(Configuration.empty(), config("""
            set synctimeout 5
            set tcptimeout 100
            set udptimeout 20
            set sessiontimeout 300
            set sessions 16
            """));
        long syn = SessionTable.key(CLIENT, 1001, 1);
        long est = SessionTable.key(CLIENT, 1002, 1);
        long closing = SessionTable.key(CLIENT, 1003, 1);
        long udp = SessionTable.key(CLIENT, 1004, 1);
        long sticky = SessionTable.key(CLIENT + 1, 0, 1);
        s.insert(syn, 1, true, SYN);
        s.touch(s.insert(est, 1, true, SYN), ACK);
        s.touch(s.insert(closing, 1, true, SYN), SessionTable.TCP_FIN | ACK);
        s.insert(udp, 1, false, 0);
        s.touch(s.insert(sticky, 1, true, SYN), ACK | SessionTable.TCP_FIN);
        assertEquals(0, s.sweepAll());
        s.advance(6_000); // past synctimeout
        assertEquals(1, s.sweepAll());
        assertEquals(-1, s.lookup(syn));
        s.advance(5_000); // 11 s: past the fixed 10 s of a closing connection
        assertEquals(1, s.sweepAll());
        assertEquals(-1, s.lookup(closing));
        s.advance(10_000); // 21 s: past udptimeout
        assertEquals(1, s.sweepAll());
        assertEquals(-1, s.lookup(udp));
        s.advance(80_000); // 101 s: past tcptimeout
        assertEquals(1, s.sweepAll());
        assertEquals(-1, s.lookup(est));
        assertEquals(1, s.lookup(sticky), "sessionid src: the binding outlives the connection's FIN");
        s.advance(200_000);
        assertEquals(1, s.sweepAll());
        assertEquals(0, s.size());
        assertEquals(0, s.targetCounters(1).active());
    }

    @Test
    void aTouchKeepsASessionAlive() {
        SessionStore s = new SessionStore(16);
        long k = SessionTable.key(CLIENT, 5000, 1);
        int slot = s.insert(k, 1, false, 0);
        for (int i = 0; i < 10; i++) {
            s.advance(50_000);
            s.touch(slot, 0);
            assertEquals(0, s.sweepAll());
        }
        assertEquals(1, s.lookup(k));
    }

    @Test
    void clearTakesOneServerOrAll() {
        SessionStore s = new SessionStore(64);
        for (int i = 0; i < 10; i++) {
            s.insert(SessionTable.key(CLIENT + i, 0, 1 + i % 2), 3, false, 0);
        }
        assertEquals(5, s.clear(2));
        assertEquals(5, s.size());
        assertEquals(0, s.serverCounters(2).active());
        assertEquals(5, s.serverCounters(1).active());
        assertEquals(5, s.clear(-1));
        assertEquals(0, s.size());
        assertEquals(0, s.targetCounters(3).active());
    }

    @Test
    void slotsReusedAfterRemovalStillFindEveryKey() {
        SessionStore s = new SessionStore(32);
        Set<Long> live = new HashSet<>();
        java.util.Random r = new java.util.Random(7);
        for (int round = 0; round < 20_000; round++) {
            s.advance(SessionStore.TICK_MILLIS); // tombstones become reusable two ticks on
            long k = SessionTable.key(CLIENT + r.nextInt(64), 0, 1);
            if (live.contains(k) ? s.remove(k) : s.insert(k, 1, false, 0) >= 0) {
                if (!live.remove(k)) {
                    live.add(k);
                }
            }
        }
        for (int c = 0; c < 64; c++) {
            long k = SessionTable.key(CLIENT + c, 0, 1);
            assertEquals(live.contains(k) ? 1 : -1, s.lookup(k));
        }
        assertEquals(live.size(), s.size());
    }

    @Test
    void aNewCapacityRecreatesTheTableAndKeepsTheSessions() {
        SessionStore s = new SessionStore(16);
        long k = SessionTable.key(CLIENT, 0, 1);
        int old = s.insert(k, 4, false, 0);
        s.configurationChanged(Configuration.empty(), config("set sessions 1000\n"));
        assertEquals(1000, s.capacity());
        assertEquals(4, s.lookup(k));
        assertEquals(-1, s.target(old), "a slot of the old table is no longer good");
        assertEquals(4, s.target(s.find(k)));
        assertEquals(1, s.targetCounters(4).active());
    }

    /** Two threads insert the same keys in opposite orders; every key ends in the table exactly once. */
    @Test
    void concurrentInsertsNeverLoseOrDuplicateAKey() throws Exception {
        for (int round = 0; round < 20; round++) {
            SessionStore s = new SessionStore(4096);
            // Tombstones first, so claims can land on different free slots.
            for (int i = 0; i < 2000; i++) {
                s.insert(SessionTable.key(0xc6130000 + i, 0, 9), 1, false, 0);
            }
            s.clear(9);
            s.advance(1_000);
            int n = 2000;
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            int[][] seen = new int[2][n];
            for (int th = 0; th < 2; th++) {
                int me = th;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int j = 0; j < n; j++) {
                            int i = me == 0 ? j : n - 1 - j;
                            int slot = s.insert(SessionTable.key(CLIENT + i, 0, 1), 1 + me, false, 0);
                            seen[me][i] = s.target(slot);
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertEquals(null, failure.get());
            int[] copies = new int[n];
            s.forEach(1, -1, 0, true, (c, p, srv, t, st, idle) -> copies[c - CLIENT]++);
            for (int i = 0; i < n; i++) {
                assertEquals(1, copies[i], "key " + i + " must be there exactly once");
                int bound = s.lookup(SessionTable.key(CLIENT + i, 0, 1));
                assertEquals(bound, seen[0][i], "both threads see the one binding");
                assertEquals(bound, seen[1][i], "both threads see the one binding");
            }
            assertEquals(n, s.size());
            assertEquals(n, s.serverCounters(1).active());
            assertEquals(n, s.serverCounters(1).newSessions());
        }
    }

    @Test
    void aDisabledTargetsSessionsLastTheDrainTimeoutThenGo() {
        String targets = """
            target 1 ipaddr 198.18.0.11
            target 2 ipaddr 198.18.0.12
            target 3 ipaddr 198.18.0.13
            register targets 1,2,3
            enable targets 1,2,3
            """;
        Configuration on = config(targets + "set draintimeout 60\n");
        SessionStore s = new SessionStore(16);
        s.configurationChanged(Configuration.empty(), on);
        long a = SessionTable.key(CLIENT, 0, 1);
        long b = SessionTable.key(CLIENT + 1, 0, 1);
        long c = SessionTable.key(CLIENT + 2, 0, 1);
        s.insert(a, 1, true, SYN);
        s.insert(b, 2, true, SYN);
        s.insert(c, 3, true, SYN);
        assertEquals(-1, s.drainMillis(1));
        Configuration off = config(targets + "set draintimeout 60\ndisable target 1\nunregister target 3\n");
        s.configurationChanged(on, off);
        assertEquals(60_000, s.drainMillis(1));
        assertEquals(0, s.drainMillis(3), "unregistered: its sessions go at once");
        assertEquals(1, s.sweepAll());
        assertEquals(-1, s.lookup(c));
        s.advance(25_000);
        s.touch(s.find(a), ACK); // still in use: draining is not idleness
        s.touch(s.find(b), ACK);
        s.advance(25_000);
        s.touch(s.find(a), ACK);
        s.touch(s.find(b), ACK);
        assertEquals(0, s.sweepAll());
        assertEquals(1, s.lookup(a), "an established session continues while its target drains");
        s.advance(10_000);
        assertEquals(0, s.drainMillis(1));
        assertEquals(1, s.sweepAll());
        assertEquals(-1, s.lookup(a), "removed at the drain timeout");
        assertEquals(2, s.lookup(b));
        // Enabled again: no drain any more, its new sessions stay.
        s.configurationChanged(off, on);
        assertEquals(-1, s.drainMillis(1));
        s.insert(a, 1, true, SYN);
        s.advance(120_000);
        s.touch(s.find(a), ACK);
        assertEquals(0, s.sweepAll());
        assertEquals(1, s.lookup(a));
    }
}
