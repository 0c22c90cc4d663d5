package bng.core.impl;

import bng.core.api.ConfigListener;
import bng.core.api.SessionTable;
import bng.core.config.Configuration;
import bng.core.config.ObjectState;
import bng.core.config.Setting;
import bng.core.config.TargetDef;
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
    static final int MAX_PROBE = 128;
    /** Sessions per slot at capacity: 0.7 keeps linear probes short (≈ 6 slots for a miss in a fresh table). */
    static final double LOAD_FACTOR = 0.7;
    static final int MIN_SLOTS = 2 * MAX_PROBE;
    static final long TICK_MILLIS = 100;
    /** A connection (src+port) that saw FIN or RST is kept this long for the last segments. */
    static final int CLOSING_TIMEOUT_SECONDS = 10;
    static final int INDEX_BITS = 28;
    static final int INDEX_MASK = (1 << INDEX_BITS) - 1;

    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle CHARS = MethodHandles.arrayElementVarHandle(char[].class);
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
        /** Slots: capacity / {@link #LOAD_FACTOR}, not a power of two (homes by multiply-shift). */
        final int slots;
        final long[] keys;
        /** Target id 1..65535, 0 = none (free, being claimed, or being removed). */
        final char[] targets;
        final int[] seen;
        final byte[] states;
        volatile int live;

        Table(int capacity, int generation) {
            this.capacity = capacity;
            this.generation = generation & 7;
            long want = (long) Math.ceil(Math.max(16, capacity) / LOAD_FACTOR);
            slots = (int) Math.min(Math.max(MIN_SLOTS, want), 1 << INDEX_BITS);
            keys = new long[slots];
            targets = new char[slots];
            seen = new int[slots];
            states = new byte[slots];
        }

        int home(long key) {
            return (int) (((mix(key) >>> 32) * slots) >>> 32); // Lemire's multiply-shift range reduction
        }

        /** The slot {@code p} positions after {@code home} (p < slots). */
        int at(int home, int p) {
            int i = home + p;
            return i >= slots ? i - slots : i;
        }
    }

    /** MurmurHash3's 64-bit finalizer. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * SNAT proxy ports: a second open-addressing index keyed by (target id << 16 | proxy port), the
     * value the connection's session key. A connection's port is the first of
     * {@link #PROXY_ATTEMPTS} hash-derived candidates that was free toward its target, so the
     * forward path finds it again by hashing (no per-session field) and a reply finds the
     * connection by one probe. Created on the first proxied connection.
     */
    static final class ProxyIndex {
        final int mask;
        final int[] keys;
        final long[] conns;

        ProxyIndex(int capacity) {
            int slots = Integer.highestOneBit(Math.max(1024, Math.min(capacity, MAX_PROXIED)) * 2 - 1) << 1;
            mask = slots - 1;
            keys = new int[slots];
            conns = new long[slots];
        }

        int home(int key) {
            return (int) mix(key) & mask;
        }

        /** The connection at {@code key}, or 0 (absent, or claimed and not yet published). */
        long get(int key) {
            int h = home(key);
            for (int p = 0; p < MAX_PROBE; p++) {
                int i = (h + p) & mask;
                int k = (int) INTS.getAcquire(keys, i);
                if (k == key) {
                    return (long) KEYS.getAcquire(conns, i);
                }
                if (k == EMPTY_PROXY) {
                    return 0;
                }
            }
            return 0;
        }

        /** Binds {@code key} to {@code conn} unless it is bound already; true when it bound it. */
        boolean claim(int key, long conn) {
            int h = home(key);
            int free = -1;
            int freeWas = EMPTY_PROXY;
            for (int p = 0; p < MAX_PROBE; p++) {
                int i = (h + p) & mask;
                int k = (int) INTS.getAcquire(keys, i);
                if (k == key) {
                    return false;
                }
                if (k == EMPTY_PROXY || k == TOMB_PROXY) {
                    if (free < 0) {
                        free = i;
                        freeWas = k;
                    }
                    if (k == EMPTY_PROXY) {
                        break;
                    }
                }
            }
            if (free < 0 || !INTS.compareAndSet(keys, free, freeWas, key)) {
                return false; // window full, or raced for the slot: the caller tries its next candidate
            }
            KEYS.setRelease(conns, free, conn);
            return true;
        }

        /** Unbinds {@code key} if it holds {@code conn}. */
        boolean release(int key, long conn) {
            int h = home(key);
            for (int p = 0; p < MAX_PROBE; p++) {
                int i = (h + p) & mask;
                int k = (int) INTS.getAcquire(keys, i);
                if (k == key) {
                    if (KEYS.compareAndSet(conns, i, conn, 0L)) {
                        INTS.setRelease(keys, i, TOMB_PROXY);
                        return true;
                    }
                    return false;
                }
                if (k == EMPTY_PROXY) {
                    return false;
                }
            }
            return false;
        }
    }

    static final int EMPTY_PROXY = 0;
    /** Not a valid key: proxy ports start at 1024. */
    static final int TOMB_PROXY = 1;
    static final int PROXY_ATTEMPTS = 16;
    static final int PROXY_PORTS = 65_536 - PROXY_PORT_FIRST;
    /** Proxied connections at most (the index is sized for this many, or for the capacity if smaller). */
    static final int MAX_PROXIED = 1 << 22;

    private volatile ProxyIndex proxies;
    private int proxySweepCursor;

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

    /**
     * Per target: the tick from which the sweeper removes its sessions, or -1. Set when an enabled
     * target is disabled ({@code draintimeout} later) or unregistered or removed (at once), cleared
     * when it is enabled again. Written under the monitor, read by the sweeper (also under it).
     */
    private final int[] drainUntil = new int[MAX_ID + 1];

    private ScheduledExecutorService ticker;
    private long startNanos;

    public SessionStore() {
        this((int) Setting.SESSIONS.defaultValue());
    }

    /** A table of {@code capacity} sessions with the default timeouts and no ticker (tests). */
    public SessionStore(int capacity) {
        table = new Table(capacity, 0);
        java.util.Arrays.fill(drainUntil, -1);
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
            sweep(Math.max(1024, t.slots / 100));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "session sweep failed", e);
        }
    }

    @Override
    public synchronized void configurationChanged(Configuration previous, Configuration current) {
        timeouts(current);
        drains(previous, current);
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

    /** A target leaving service drains (disabled) or loses its sessions (unregistered, removed). */
    private void drains(Configuration previous, Configuration current) {
        int now = (int) tick;
        int drainTicks = (int) current.setting(Setting.DRAINTIMEOUT) * 10;
        for (TargetDef was : previous.targets().values()) {
            if (was.state() != ObjectState.ENABLED) {
                continue;
            }
            TargetDef is = current.targets().get(was.id());
            if (is == null || is.state() == ObjectState.DEFINED) {
                drainUntil[was.id()] = now;
            } else if (is.state() == ObjectState.REGISTERED) {
                drainUntil[was.id()] = now + drainTicks;
            }
        }
        for (TargetDef is : current.targets().values()) {
            if (is.state() == ObjectState.ENABLED) {
                drainUntil[is.id()] = -1;
            }
        }
    }

    @Override
    public synchronized long drainMillis(int target) {
        if (target < 0 || target > MAX_ID || drainUntil[target] < 0) {
            return -1;
        }
        return Math.max(0, drainUntil[target] - tick) * TICK_MILLIS;
    }

    private void recreate(Table old, int capacity) {
        Table t = new Table(capacity, old.generation + 1);
        int copied = 0;
        int lost = 0;
        for (int i = 0; i < old.slots; i++) {
            long k = (long) KEYS.getAcquire(old.keys, i);
            int tg = targetAt(old, i);
            if (!isKey(k) || tg < 0) {
                continue;
            }
            int j = freeSlot(t, k);
            if (j < 0 || t.live >= capacity) {
                lost++;
                continue;
            }
            t.keys[j] = k;
            t.targets[j] = (char) tg;
            t.seen[j] = old.seen[i];
            t.states[j] = old.states[i];
            t.live++;
            copied++;
        }
        table = t;
        // Recount the active sessions of the new table (an insert racing the swap may be off by one).
        java.util.Arrays.fill(serverActive, 0);
        java.util.Arrays.fill(targetActive, 0);
        for (int i = 0; i < t.slots; i++) {
            long k = t.keys[i];
            if (isKey(k) && t.targets[i] != 0) {
                INTS.getAndAdd(serverActive, SessionTable.keyServer(k), 1);
                INTS.getAndAdd(targetActive, t.targets[i], 1);
            }
        }
        LOG.log(System.Logger.Level.INFO, "session table re-created for {0} sessions ({1} slots): {2} copied, {3} dropped",
            capacity, t.slots, copied, lost);
    }

    private static int freeSlot(Table t, long key) {
        int home = t.home(key);
        for (int p = 0; p < MAX_PROBE; p++) {
            int i = t.at(home, p);
            if (t.keys[i] == EMPTY) {
                return i;
            }
        }
        return -1;
    }

    /** The target at slot {@code i} (acquire), or -1 when none. */
    private static int targetAt(Table t, int i) {
        int tg = (char) CHARS.getAcquire(t.targets, i);
        return tg == 0 ? -1 : tg;
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
            int i = t.at(home, p);
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
        int tg = targetAt(t, i);
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
        if (!isKey(key) || target < 1 || target > MAX_ID) {
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
                int i = t.at(home, p);
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
            CHARS.setRelease(t.targets, free, (char) target);
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
            if ((long) KEYS.getAcquire(t.keys, t.at(home, p)) == key) {
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
    /** How long an insert waits for another thread to publish the session it claimed first. */
    private static final long PUBLISH_WAIT_NANOS = 100_000_000L;

    private static int published(Table t, int i, long key) {
        // The inserting thread is between claiming the key and publishing the target: wait for it,
        // by time rather than by count, since on a loaded machine it may be descheduled for a while.
        long deadline = 0;
        for (int spin = 0; targetAt(t, i) < 0; spin++) {
            if (spin < 1 << 8) {
                Thread.onSpinWait();
            } else {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + PUBLISH_WAIT_NANOS;
                } else if (now > deadline) {
                    break;
                }
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
        int tg = (char) CHARS.getAndSet(t.targets, i, (char) 0);
        if (tg == 0) {
            return false; // not yet published, or someone else removed it
        }
        if ((long) KEYS.getAcquire(t.keys, i) != key) {
            CHARS.setRelease(t.targets, i, (char) tg); // removed and reused meanwhile: not ours
            return false;
        }
        INTS.getAndAdd(serverActive, SessionTable.keyServer(key), -1);
        INTS.getAndAdd(targetActive, tg, -1);
        KEYS.setRelease(t.keys, i, tombstone(tick));
        LIVE.getAndAdd(t, -1);
        if (journalled) {
            releaseProxy(key, tg); // a duplicate copy's removal leaves the session (and its port) alive
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
        if (!isKey(key) || target < 1 || target > MAX_ID) {
            return -1;
        }
        Table t = table;
        int i = indexOf(t, key);
        if (i >= 0) {
            if ((char) CHARS.getAcquire(t.targets, i) == target) {
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

    /** The {@code attempt}-th candidate proxy port of connection {@code conn} toward {@code target}. */
    static int proxyCandidate(long conn, int target, int attempt) {
        long h = mix(mix(conn ^ (long) target << 48) + attempt * 0x9e3779b97f4a7c15L);
        return PROXY_PORT_FIRST + (int) Long.remainderUnsigned(h, PROXY_PORTS);
    }

    @Override
    public int proxyPort(long conn, int target) {
        ProxyIndex x = proxies;
        if (x == null) {
            x = createProxies();
        }
        int t = target & MAX_ID;
        for (int a = 0; a < PROXY_ATTEMPTS; a++) {
            int port = proxyCandidate(conn, t, a);
            if (x.get(t << 16 | port) == conn) {
                return port;
            }
        }
        for (int a = 0; a < PROXY_ATTEMPTS; a++) {
            int port = proxyCandidate(conn, t, a);
            if (x.claim(t << 16 | port, conn)) {
                return port;
            }
        }
        return -1;
    }

    @Override
    public int heldProxyPort(long conn, int target) {
        ProxyIndex x = proxies;
        if (x == null) {
            return 0;
        }
        int t = target & MAX_ID;
        for (int a = 0; a < PROXY_ATTEMPTS; a++) {
            int port = proxyCandidate(conn, t, a);
            if (x.get(t << 16 | port) == conn) {
                return port;
            }
        }
        return 0;
    }

    @Override
    public boolean claimProxyPort(long conn, int target, int port) {
        if (port < PROXY_PORT_FIRST || port > 65_535 || conn == 0) {
            return false;
        }
        ProxyIndex x = proxies;
        if (x == null) {
            x = createProxies();
        }
        int k = (target & MAX_ID) << 16 | port;
        return x.get(k) == conn || x.claim(k, conn);
    }

    private synchronized ProxyIndex createProxies() {
        if (proxies == null) {
            proxies = new ProxyIndex(table.capacity);
        }
        return proxies;
    }

    @Override
    public long proxied(int target, int port) {
        ProxyIndex x = proxies;
        return x == null || port < PROXY_PORT_FIRST || port > 65_535 ? 0 : x.get((target & MAX_ID) << 16 | port);
    }

    /** Frees the proxy port of a connection that is going (nothing when it had none). */
    private void releaseProxy(long conn, int target) {
        ProxyIndex x = proxies;
        if (x == null || SessionTable.keyPort(conn) == 0) {
            return;
        }
        int t = target & MAX_ID;
        for (int a = 0; a < PROXY_ATTEMPTS; a++) {
            if (x.release(t << 16 | proxyCandidate(conn, t, a), conn)) {
                return;
            }
        }
    }

    /** Frees proxy ports whose connection is no longer in the table (it went while its port was taken). */
    private int sweepProxies(int slots) {
        ProxyIndex x = proxies;
        if (x == null) {
            return 0;
        }
        int n = 0;
        int i = proxySweepCursor & x.mask;
        for (int c = 0; c < slots && c <= x.mask; c++, i = (i + 1) & x.mask) {
            int k = (int) INTS.getAcquire(x.keys, i);
            long conn = (long) KEYS.getAcquire(x.conns, i);
            if (k != EMPTY_PROXY && k != TOMB_PROXY && conn != 0 && lookup(conn) != k >>> 16 && x.release(k, conn)) {
                n++;
            }
        }
        proxySweepCursor = i;
        return n;
    }

    @Override
    public int activeSessions(int target) {
        return target < 0 || target > MAX_ID ? 0 : Math.max(0, targetActive[target]);
    }

    @Override
    public long targetBytes(int target) {
        return target < 0 || target > MAX_ID ? 0 : targetBytes[target];
    }

    @Override
    public int target(int slot) {
        Table t = table;
        int i = index(t, slot);
        return i < 0 ? -1 : targetAt(t, i);
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
        for (int i = 0; i < t.slots; i++) {
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
        if (SessionTable.keyPort(key) == 0 && SessionTable.keyServer(key) <= MAX_CONFIG_ID) {
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
        int i = sweepCursor < t.slots ? sweepCursor : 0;
        for (int c = 0; c < slots && c < t.slots; c++, i = i + 1 == t.slots ? 0 : i + 1) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (!isKey(k) || t.targets[i] == 0) {
                continue;
            }
            int d = drainUntil[t.targets[i] & MAX_ID];
            if ((now - t.seen[i] > timeoutTicks(k, t.states[i]) || (d >= 0 && now >= d)) && removeAt(t, i, k)) {
                n++;
            } else if (indexOf(t, k) != i && removeAt(t, i, k, false)) {
                n++; // a late duplicate (see insert): lookups find the earlier copy, this one is garbage
            }
        }
        sweepCursor = i;
        return n + sweepProxies(slots);
    }

    /** Sweeps the whole table once (tests, and a {@code set sessions} change). */
    public int sweepAll() {
        return sweep(table.slots);
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

    /** Slots of the current table (measurements). */
    public int slots() {
        return table.slots;
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
        for (int i = 0; i < t.slots; i++) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            int tg = targetAt(t, i);
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
