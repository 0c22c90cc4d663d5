package bng.core.impl;

import bng.core.api.ConfigListener;
import bng.core.api.SessionTable;
import bng.core.config.Configuration;
import bng.core.config.Setting;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The session table: open addressing (linear probing, at most {@link #MAX_PROBE} slots from a
 * key's home) over parallel primitive arrays: key, target, last-seen tick, state. No object per
 * session, nothing allocated per lookup or insert.
 *
 * <p>Concurrency: a slot's key goes EMPTY → key → tombstone → key' ... and is claimed by CAS, so
 * port threads insert without a lock; readers read the key (acquire), then the target. A claimed
 * slot's target is -1 until its claimer publishes it (release), and a remover takes the target
 * with getAndSet(-1) before it writes the tombstone, so exactly one party removes a session.
 * Keys always carry a server id (1..65535) in their low 16 bits; a tombstone has zero there and
 * the tick it was made at above, and is reused only two ticks later, when no insert that saw the
 * slot live can still be in flight. Two threads inserting the same key at once therefore claim
 * the same first free slot (the CAS decides); should they still land in two slots, the copy at the
 * later probe position yields to the earlier one (which every lookup finds first), and the sweeper
 * removes any copy that is not the first of its key. EMPTY never comes back, so a lookup of an
 * absent key in a churned table walks the whole window (64 slots, a few cache lines).
 *
 * <p>Time: a ticker thread advances a volatile tick every 100 ms (no clock read per packet) and
 * sweeps a slice of the arrays each tick, about a full pass every 10 s, so expiry is late by up to
 * ~10 s. A time wheel replaces the sweep with issue 6.
 *
 * <p>Capacity is {@code set sessions}; the table has the next power of two ≥ 2 × capacity slots. A
 * change of {@code set sessions} re-creates the table and copies the sessions over (a session
 * inserted into the old table during the copy, microseconds, is lost; its flow gets a new one if
 * it can: UDP or a new SYN).
 */
@Component(service = {SessionTable.class, ConfigListener.class}, immediate = true)
public final class SessionStore implements SessionTable, ConfigListener {
    private static final System.Logger LOG = System.getLogger(SessionStore.class.getName());
    static final int MAX_ID = 65_535;
    static final long EMPTY = 0;
    /** Ticks before a tombstone (a removed session's slot) may take a new key. */
    static final int TOMBSTONE_GRACE_TICKS = 2;
    static final int MAX_PROBE = 64;
    static final long TICK_MILLIS = 100;
    /** A connection (src+port) that saw FIN or RST is kept this long for the last segments. */
    static final int CLOSING_TIMEOUT_SECONDS = 10;
    static final int INDEX_BITS = 28;
    static final int INDEX_MASK = (1 << INDEX_BITS) - 1;

    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = KEYS;
    private static final VarHandle LIVE;

    static {
        try {
            LIVE = MethodHandles.lookup().findVarHandle(Table.class, "live", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One generation of the table; its slots are encoded with the generation (3 bits). */
    static final class Table {
        final int capacity;
        final int generation;
        final int mask;
        final long[] keys;
        final int[] targets;
        final int[] seen;
        final byte[] states;
        volatile int live;

        Table(int capacity, int generation) {
            this.capacity = capacity;
            this.generation = generation & 7;
            int slots = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 1;
            slots = Math.min(slots, 1 << INDEX_BITS);
            mask = slots - 1;
            keys = new long[slots];
            targets = new int[slots];
            java.util.Arrays.fill(targets, -1);
            seen = new int[slots];
            states = new byte[slots];
        }

        int home(long key) {
            long h = key;
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            return (int) h & mask;
        }
    }

    private volatile Table table;
    private volatile long tick;
    private volatile int synTicks;
    private volatile int tcpTicks;
    private volatile int udpTicks;
    private volatile int stickyTicks;
    private final int closingTicks = CLOSING_TIMEOUT_SECONDS * 10;
    private int sweepCursor;
    private final AtomicLong refused = new AtomicLong();
    private final SessionJournal journal = new SessionJournal();

    // Counters by id. Session counts are exact (atomic adds, once per session); packets and bytes
    // are plain adds: exact with one port thread per server, otherwise two threads counting the same
    // server in the same instant may lose an increment (statistics, not accounting).
    private final long[] serverNew = new long[MAX_ID + 1];
    private final int[] serverActive = new int[MAX_ID + 1];
    private final long[] serverPackets = new long[MAX_ID + 1];
    private final long[] serverBytes = new long[MAX_ID + 1];
    private final long[] targetNew = new long[MAX_ID + 1];
    private final int[] targetActive = new int[MAX_ID + 1];
    private final long[] targetPackets = new long[MAX_ID + 1];
    private final long[] targetBytes = new long[MAX_ID + 1];

    private ScheduledExecutorService ticker;
    private long startNanos;

    public SessionStore() {
        this((int) Setting.SESSIONS.defaultValue());
    }

    /** A table of {@code capacity} sessions with the default timeouts and no ticker (tests). */
    public SessionStore(int capacity) {
        table = new Table(capacity, 0);
        timeouts(Configuration.empty());
    }

    @Activate
    void activate() {
        startNanos = System.nanoTime();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bng-sessions");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::onTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        ticker.shutdownNow();
    }

    private void onTick() {
        try {
            tick = (System.nanoTime() - startNanos) / (TICK_MILLIS * 1_000_000);
            Table t = table;
            sweep(Math.max(1024, (t.mask + 1) / 100));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "session sweep failed", e);
        }
    }

    @Override
    public synchronized void configurationChanged(Configuration previous, Configuration current) {
        timeouts(current);
        int capacity = (int) current.setting(Setting.SESSIONS);
        Table old = table;
        if (capacity != old.capacity) {
            recreate(old, capacity);
        }
    }

    private void timeouts(Configuration c) {
        synTicks = (int) c.setting(Setting.SYNCTIMEOUT) * 10;
        tcpTicks = (int) c.setting(Setting.TCPTIMEOUT) * 10;
        udpTicks = (int) c.setting(Setting.UDPTIMEOUT) * 10;
        stickyTicks = (int) c.setting(Setting.SESSIONTIMEOUT) * 10;
    }

    private void recreate(Table old, int capacity) {
        Table t = new Table(capacity, old.generation + 1);
        int copied = 0;
        int lost = 0;
        for (int i = 0; i <= old.mask; i++) {
            long k = (long) KEYS.getAcquire(old.keys, i);
            int tg = (int) INTS.getAcquire(old.targets, i);
            if (!isKey(k) || tg < 0) {
                continue;
            }
            int j = freeSlot(t, k);
            if (j < 0 || t.live >= capacity) {
                lost++;
                continue;
            }
            t.keys[j] = k;
            t.targets[j] = tg;
            t.seen[j] = old.seen[i];
            t.states[j] = old.states[i];
            t.live++;
            copied++;
        }
        table = t;
        // Recount the active sessions of the new table (an insert racing the swap may be off by one).
        java.util.Arrays.fill(serverActive, 0);
        java.util.Arrays.fill(targetActive, 0);
        for (int i = 0; i <= t.mask; i++) {
            long k = t.keys[i];
            if (isKey(k) && t.targets[i] >= 0) {
                INTS.getAndAdd(serverActive, SessionTable.keyServer(k), 1);
                INTS.getAndAdd(targetActive, t.targets[i] & MAX_ID, 1);
            }
        }
        LOG.log(System.Logger.Level.INFO, "session table re-created for {0} sessions ({1} slots): {2} copied, {3} dropped",
            capacity, t.mask + 1, copied, lost);
    }

    private static int freeSlot(Table t, long key) {
        int home = t.home(key);
        for (int p = 0; p < MAX_PROBE; p++) {
            int i = (home + p) & t.mask;
            if (t.keys[i] == EMPTY) {
                return i;
            }
        }
        return -1;
    }

    private static int encode(Table t, int index) {
        return t.generation << INDEX_BITS | index;
    }

    /** The index of {@code slot} in {@code t}, or -1 when the slot is of another generation. */
    private static int index(Table t, int slot) {
        return slot >= 0 && (slot >>> INDEX_BITS) == t.generation ? slot & INDEX_MASK : -1;
    }

    private static int indexOf(Table t, long key) {
        int home = t.home(key);
        for (int p = 0; p < MAX_PROBE; p++) {
            int i = (home + p) & t.mask;
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k == key) {
                return i;
            }
            if (k == EMPTY) {
                return -1;
            }
        }
        return -1;
    }

    @Override
    public int lookup(long key) {
        Table t = table;
        int i = indexOf(t, key);
        if (i < 0) {
            return -1;
        }
        int tg = (int) INTS.getAcquire(t.targets, i);
        // Re-check the key: the slot may have been removed and reused between the two reads.
        return tg >= 0 && (long) KEYS.getAcquire(t.keys, i) == key ? tg : -1;
    }

    @Override
    public int find(long key) {
        Table t = table;
        int i = indexOf(t, key);
        return i < 0 ? -1 : encode(t, i);
    }

    @Override
    public int insert(long key, int target, boolean tcp, int tcpFlags) {
        return insert(key, target, tcp, tcpFlags, true);
    }

    private int insert(long key, int target, boolean tcp, int tcpFlags, boolean journalled) {
        if (!isKey(key) || target < 0 || target > MAX_ID) {
            return -1;
        }
        Table t = table;
        byte state = (byte) (!tcp ? STATE_UDP
            : (tcpFlags & (TCP_SYN | TCP_ACK)) == TCP_SYN ? STATE_SYN : STATE_ESTABLISHED);
        int home = t.home(key);
        for (int attempt = 0; attempt < 8; attempt++) {
            long now = tick;
            int free = -1;
            int freePos = -1;
            long freeWas = EMPTY;
            boolean again = false;
            for (int p = 0; p < MAX_PROBE; p++) {
                int i = (home + p) & t.mask;
                long k = (long) KEYS.getAcquire(t.keys, i);
                if (k == key) {
                    int slot = published(t, i, key);
                    if (slot >= 0) {
                        return slot;
                    }
                    again = true; // it was being removed: look again
                    break;
                }
                if (k == EMPTY) {
                    if (free < 0) {
                        free = i;
                        freePos = p;
                        freeWas = EMPTY;
                    }
                    break;
                }
                if (free < 0 && !isKey(k) && now - tombstoneTick(k) >= TOMBSTONE_GRACE_TICKS) {
                    free = i;
                    freePos = p;
                    freeWas = k;
                }
            }
            if (again) {
                continue;
            }
            if (free < 0 || !reserve(t)) {
                break;
            }
            if (!KEYS.compareAndSet(t.keys, free, freeWas, key)) {
                LIVE.getAndAdd(t, -1);
                continue; // someone took that slot: probe again (it may be our key)
            }
            t.seen[free] = (int) now;
            t.states[free] = state;
            int server = SessionTable.keyServer(key);
            INTS.getAndAdd(serverActive, server, 1);
            INTS.getAndAdd(targetActive, target, 1);
            INTS.setRelease(t.targets, free, target);
            if (!copyBefore(t, home, freePos, key)) {
                LONGS.getAndAdd(serverNew, server, 1L);
                LONGS.getAndAdd(targetNew, target, 1L);
                if (journalled) {
                    journal.add(key, target, state, CHANGE_ADDED);
                }
                return encode(t, free);
            }
            // Another thread claimed this key at an earlier position: that copy is the session
            // (lookups find it first); ours yields, and the next probe adopts the other.
            removeAt(t, free, key, false);
        }
        refused.incrementAndGet();
        return -1;
    }

    /** True when {@code key} sits at a probe position before {@code pos}. */
    private static boolean copyBefore(Table t, int home, int pos, long key) {
        for (int p = 0; p < pos; p++) {
            if ((long) KEYS.getAcquire(t.keys, (home + p) & t.mask) == key) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until the claimer of slot {@code i} has published its target: a few instructions, unless
     * that thread was descheduled in between, hence the yields. Returns the slot (still pending
     * only if the claimer stalls for milliseconds: the caller then sees -1 and drops one packet),
     * or -1 when the session went meanwhile.
     */
    private static int published(Table t, int i, long key) {
        for (int spin = 0; spin < 1 << 14 && (int) INTS.getAcquire(t.targets, i) < 0; spin++) {
            if (spin < 1 << 8) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
            if ((long) KEYS.getAcquire(t.keys, i) != key) {
                return -1;
            }
        }
        return (long) KEYS.getAcquire(t.keys, i) == key ? encode(t, i) : -1;
    }

    /** Real keys have a server id (1..65535) in their low 16 bits; EMPTY and tombstones do not. */
    static boolean isKey(long k) {
        return (k & 0xffff) != 0;
    }

    /** A tombstone records the tick it was made at, so it is not reused while inserts that saw
     * the slot live may still be in flight (which would let two of them claim different slots). */
    static long tombstone(long tick) {
        return (tick + 1) << 16;
    }

    static long tombstoneTick(long tomb) {
        return (tomb >>> 16) - 1;
    }

    private static boolean reserve(Table t) {
        if ((int) LIVE.getAndAdd(t, 1) >= t.capacity) {
            LIVE.getAndAdd(t, -1);
            return false;
        }
        return true;
    }

    /** Removes the session at {@code i} if it still holds {@code key}; exactly one caller wins. */
    private boolean removeAt(Table t, int i, long key) {
        return removeAt(t, i, key, true);
    }

    /** @param journalled false for a duplicate copy's removal: the session itself stays */
    private boolean removeAt(Table t, int i, long key, boolean journalled) {
        int tg = (int) INTS.getAndSet(t.targets, i, -1);
        if (tg < 0) {
            return false; // not yet published, or someone else removed it
        }
        if ((long) KEYS.getAcquire(t.keys, i) != key) {
            INTS.setRelease(t.targets, i, tg); // removed and reused meanwhile: not ours
            return false;
        }
        INTS.getAndAdd(serverActive, SessionTable.keyServer(key), -1);
        INTS.getAndAdd(targetActive, tg, -1);
        KEYS.setRelease(t.keys, i, tombstone(tick));
        LIVE.getAndAdd(t, -1);
        if (journalled) {
            journal.add(key, tg, 0, CHANGE_REMOVED);
        }
        return true;
    }

    @Override
    public long changeSequence() {
        return journal.head();
    }

    @Override
    public long changes(long from, ChangeVisitor v) {
        return journal.read(from, v);
    }

    @Override
    public int insertSynced(long key, int target, int state) {
        if (!isKey(key) || target < 0 || target > MAX_ID) {
            return -1;
        }
        Table t = table;
        int i = indexOf(t, key);
        if (i >= 0) {
            if ((int) INTS.getAcquire(t.targets, i) == target) {
                t.seen[i] = (int) tick;
                t.states[i] = (byte) state;
                return encode(t, i);
            }
            removeAt(t, i, key, false); // the peer re-bound it
        }
        boolean tcp = state != STATE_UDP;
        int slot = insert(key, target, tcp, state == STATE_SYN ? TCP_SYN : TCP_ACK, false);
        int j = index(t, slot);
        if (j >= 0 && state == STATE_CLOSING) {
            t.states[j] = (byte) state;
        }
        return slot;
    }

    @Override
    public int target(int slot) {
        Table t = table;
        int i = index(t, slot);
        return i < 0 ? -1 : (int) INTS.getAcquire(t.targets, i);
    }

    @Override
    public void touch(int slot, int tcpFlags) {
        Table t = table;
        int i = index(t, slot);
        if (i < 0) {
            return;
        }
        int now = (int) tick;
        if (t.seen[i] != now) {
            t.seen[i] = now; // plain write: a lost refresh costs at most one tick of idle time
        }
        int s = t.states[i];
        if (s == STATE_UDP) {
            return;
        }
        int next = s;
        if ((tcpFlags & (TCP_FIN | TCP_RST)) != 0) {
            next = STATE_CLOSING;
        } else if ((tcpFlags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
            if (s == STATE_CLOSING) {
                next = STATE_SYN; // the client reuses the port (or, with sessionid src, a new connection)
            }
        } else if (s == STATE_SYN) {
            next = STATE_ESTABLISHED;
        }
        if (next != s) {
            t.states[i] = (byte) next;
        }
    }

    @Override
    public boolean remove(long key) {
        Table t = table;
        int i = indexOf(t, key);
        return i >= 0 && removeAt(t, i, key);
    }

    @Override
    public int clear(int server) {
        Table t = table;
        int n = 0;
        for (int i = 0; i <= t.mask; i++) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (isKey(k) && (server < 0 || SessionTable.keyServer(k) == server) && removeAt(t, i, k)) {
                n++;
            }
        }
        return n;
    }

    /** Idle timeout in ticks of the session at {@code i}. */
    private int timeoutTicks(long key, int state) {
        if (state == STATE_SYN) {
            return synTicks;
        }
        if (SessionTable.keyPort(key) == 0) {
            return stickyTicks; // sessionid src: the client's binding, not one connection
        }
        return switch (state) {
            case STATE_ESTABLISHED -> tcpTicks;
            case STATE_CLOSING -> closingTicks;
            default -> udpTicks;
        };
    }

    /** Walks the next {@code slots} slots and removes expired sessions; returns how many went. */
    public synchronized int sweep(int slots) {
        Table t = table;
        int now = (int) tick;
        int n = 0;
        int i = sweepCursor & t.mask;
        for (int c = 0; c < slots && c <= t.mask; c++, i = (i + 1) & t.mask) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (!isKey(k) || t.targets[i] < 0) {
                continue;
            }
            if (now - t.seen[i] > timeoutTicks(k, t.states[i]) && removeAt(t, i, k)) {
                n++;
            } else if (indexOf(t, k) != i && removeAt(t, i, k, false)) {
                n++; // a late duplicate (see insert): lookups find the earlier copy, this one is garbage
            }
        }
        sweepCursor = i;
        return n;
    }

    /** Sweeps the whole table once (tests, and a {@code set sessions} change). */
    public int sweepAll() {
        return sweep(table.mask + 1);
    }

    /** Moves the coarse clock on by {@code millis} (tests; the ticker owns it when running). */
    public void advance(long millis) {
        tick = tick + millis / TICK_MILLIS;
    }

    @Override
    public void count(int server, int target, int bytes) {
        serverPackets[server & MAX_ID]++;
        serverBytes[server & MAX_ID] += bytes;
        targetPackets[target & MAX_ID]++;
        targetBytes[target & MAX_ID] += bytes;
    }

    @Override
    public int size() {
        return table.live;
    }

    @Override
    public int capacity() {
        return table.capacity;
    }

    @Override
    public long refused() {
        return refused.get();
    }

    @Override
    public Counters serverCounters(int server) {
        if (server < 0 || server > MAX_ID) {
            return new Counters(0, 0, 0, 0);
        }
        return new Counters(serverNew[server], Math.max(0, serverActive[server]), serverPackets[server], serverBytes[server]);
    }

    @Override
    public Counters targetCounters(int target) {
        if (target < 0 || target > MAX_ID) {
            return new Counters(0, 0, 0, 0);
        }
        return new Counters(targetNew[target], Math.max(0, targetActive[target]), targetPackets[target], targetBytes[target]);
    }

    @Override
    public void forEach(int server, int target, int client, boolean anyClient, Visitor v) {
        Table t = table;
        long now = tick;
        for (int i = 0; i <= t.mask; i++) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            int tg = (int) INTS.getAcquire(t.targets, i);
            if (!isKey(k) || tg < 0) {
                continue;
            }
            int c = SessionTable.keyClient(k);
            int s = SessionTable.keyServer(k);
            if ((server >= 0 && s != server) || (target >= 0 && tg != target) || (!anyClient && c != client)) {
                continue;
            }
            v.session(c, SessionTable.keyPort(k), s, tg, t.states[i], Math.max(0, now - t.seen[i]) * TICK_MILLIS);
        }
    }
}
