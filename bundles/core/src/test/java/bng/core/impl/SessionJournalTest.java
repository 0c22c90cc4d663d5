package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bng.core.api.SessionTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session table's change journal (bngsync's source) and sessions inserted from the peer. */
class SessionJournalTest {
    static final int CLIENT = 0xc6120010; // 198.18.0.16

    final SessionStore store = new SessionStore(1000);
    final List<String> seen = new ArrayList<>();

    long read(long from) {
        return store.changes(from, (key, target, state, op) -> seen.add(
            (op == SessionTable.CHANGE_ADDED ? "+" : "-") + SessionTable.keyPort(key) + ">" + target + " " + state));
    }

    @Test
    void newAndRemovedSessionsAreChangesInOrder() {
        long k1 = SessionTable.key(CLIENT, 40000, 1);
        long k2 = SessionTable.key(CLIENT, 40001, 1);
        store.insert(k1, 11, true, SessionTable.TCP_SYN);
        store.insert(k2, 12, false, 0);
        store.insert(k1, 12, true, SessionTable.TCP_SYN); // already there: no change
        store.remove(k1);
        assertEquals(3, read(0));
        assertEquals(List.of("+40000>11 1", "+40001>12 4", "-40000>11 0"), seen);
        assertEquals(3, store.changeSequence());
        seen.clear();
        assertEquals(3, read(3), "nothing new");
        assertEquals(List.of(), seen);
        store.advance(700_000); // past every timeout
        store.sweepAll();
        assertEquals(4, read(3));
        assertEquals(List.of("-40001>12 0"), seen);
    }

    @Test
    void aReaderTooFarBehindIsToldToResync() {
        for (int i = 0; i < SessionJournal.SIZE + 10; i++) {
            long k = SessionTable.key(CLIENT + i, 1, 1);
            store.insert(k, 1, false, 0);
            store.remove(k);
            store.advance(3 * SessionStore.TICK_MILLIS); // tombstones become reusable
        }
        assertEquals(-1, read(0));
        assertEquals(store.changeSequence(), read(store.changeSequence() - 5));
        assertEquals(5, seen.size());
    }

    @Test
    void syncedSessionsAreInsertedReboundAndNotJournalled() {
        long k = SessionTable.key(CLIENT, 40000, 1);
        store.insertSynced(k, 11, SessionTable.STATE_ESTABLISHED);
        assertEquals(11, store.lookup(k));
        store.insertSynced(k, 12, SessionTable.STATE_ESTABLISHED);
        assertEquals(12, store.lookup(k));
        assertEquals(0, store.changeSequence());
        assertEquals(1, store.size());
        int[] state = {-1};
        store.forEach(-1, -1, 0, true, (c, p, srv, t, st, idle) -> state[0] = st);
        assertEquals(SessionTable.STATE_ESTABLISHED, state[0]);
    }
}
