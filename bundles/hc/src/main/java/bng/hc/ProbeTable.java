package bng.hc;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Preallocated probe slots shared by the scheduler thread (claims and frees them) and the port
 * threads (record answers). Slot {@code i} is TCP or UDP source port {@code FIRST_PORT + i} for a
 * {@code tcpopen} or {@code agent} probe, or ICMP echo sequence {@code i} for a {@code ping} probe. The slot's
 * fields are written before its state turns {@link #PENDING} (a volatile write), so a port thread
 * that reads PENDING sees them; an answer is one compare-and-set, without locks or allocation.
 */
final class ProbeTable {
    /** Source ports 61000-61999 are reserved for probes (outside Linux's default ephemeral range too). */
    static final int FIRST_PORT = 61_000;
    static final int SIZE = 1_000;

    static final int IDLE = 0;
    static final int PENDING = 1;
    static final int ANSWERED = 2;
    static final int REFUSED = 3;

    static final int KIND_TCP = 1;
    static final int KIND_ICMP = 2;
    static final int KIND_UDP = 3;
    /** The same probes over IPv6 (the remote address is then in {@link #remoteHi}/{@link #remoteLo}). */
    static final int KIND_TCP6 = 4;
    static final int KIND_ICMP6 = 5;
    static final int KIND_UDP6 = 6;

    // Written by the scheduler while the slot is IDLE; kept after it is freed so a late SYN-ACK is
    // still recognised (and reset).
    final int[] kind = new int[SIZE];
    final int[] local = new int[SIZE];
    final int[] remote = new int[SIZE];
    final int[] remotePort = new int[SIZE];
    /** IPv6 probes: the target's address as two big-endian longs. */
    final long[] remoteHi = new long[SIZE];
    final long[] remoteLo = new long[SIZE];
    /** TCP: the SYN's initial sequence number; UDP: the agent request's token. */
    final int[] isn = new int[SIZE];
    /** The load figure an agent reported, written by the port thread before its compare-and-set. */
    final int[] load = new int[SIZE];
    /** Clock reading when the answer came, written by the port thread before its compare-and-set. */
    final long[] answerNanos = new long[SIZE];
    private final AtomicIntegerArray state = new AtomicIntegerArray(SIZE);
    private int cursor; // scheduler thread only

    ProbeTable(int firstCursor) {
        cursor = Math.floorMod(firstCursor, SIZE);
    }

    /**
     * Claims the next idle slot after the last one claimed (so a port is reused only after the
     * others, not while the target may still remember it). Returns the slot or -1 when all are busy.
     */
    int claim(int kindOf, int localAddr, int remoteAddr, int port, int initialSeq) {
        return claim(kindOf, localAddr, remoteAddr, port, initialSeq, 0, 0);
    }

    /** As {@link #claim(int, int, int, int, int)}, for an IPv6 probe to {@code remoteHi6:remoteLo6}. */
    int claim(int kindOf, int localAddr, int remoteAddr, int port, int initialSeq, long remoteHi6, long remoteLo6) {
        for (int n = 0; n < SIZE; n++) {
            int i = cursor;
            cursor = cursor + 1 == SIZE ? 0 : cursor + 1;
            if (state.get(i) == IDLE) {
                kind[i] = kindOf;
                local[i] = localAddr;
                remote[i] = remoteAddr;
                remotePort[i] = port;
                isn[i] = initialSeq;
                remoteHi[i] = remoteHi6;
                remoteLo[i] = remoteLo6;
                answerNanos[i] = 0;
                state.set(i, PENDING);
                return i;
            }
        }
        return -1;
    }

    int state(int slot) {
        return state.get(slot);
    }

    /** Port thread: records an answer to a pending probe; false when it was not pending (late, or freed). */
    boolean answer(int slot, int result, long nanos) {
        if (state.get(slot) != PENDING) {
            return false;
        }
        answerNanos[slot] = nanos;
        return state.compareAndSet(slot, PENDING, result);
    }

    void free(int slot) {
        state.set(slot, IDLE);
    }
}
