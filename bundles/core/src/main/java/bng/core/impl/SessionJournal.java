package bng.core.impl;

import bng.core.api.SessionTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session table's changes in order, for replication (bngsync): a ring of preallocated arrays
 * that any port thread appends to with one atomic increment (no lock, no allocation) and one
 * reader follows by sequence number. Each entry's sequence is published last (release), so the
 * reader knows an entry that is complete from one still being written, and one that was overwritten
 * because the reader fell more than {@link #SIZE} changes behind (then it must resync everything).
 */
final class SessionJournal {
    static final int SIZE = 1 << 16;
    private static final int MASK = SIZE - 1;
    private static final VarHandle SEQS = MethodHandles.arrayElementVarHandle(long[].class);

    private final AtomicLong head = new AtomicLong();
    private final long[] seqs = new long[SIZE];
    private final long[] keys = new long[SIZE];
    /** target | state << 16 | op << 24. */
    private final int[] values = new int[SIZE];

    void add(long key, int target, int state, int op) {
        long s = head.getAndIncrement();
        int i = (int) s & MASK;
        SEQS.setRelease(seqs, i, -1L); // being written
        keys[i] = key;
        values[i] = (target & 0xffff) | (state & 0xff) << 16 | (op & 0xff) << 24;
        SEQS.setRelease(seqs, i, s + 1);
    }

    long head() {
        return head.get();
    }

    /** See {@link SessionTable#changes}. */
    long read(long from, SessionTable.ChangeVisitor v) {
        long end = head.get();
        if (end - from > SIZE) {
            return -1;
        }
        long s = from;
        for (; s < end; s++) {
            int i = (int) s & MASK;
            long seq = (long) SEQS.getAcquire(seqs, i);
            if (seq != s + 1) {
                if (seq > s + 1) {
                    return -1; // overwritten: the reader fell behind
                }
                break; // not finished yet: next time
            }
            long key = keys[i];
            int value = values[i];
            if ((long) SEQS.getAcquire(seqs, i) != s + 1) {
                return -1;
            }
            v.change(key, value & 0xffff, (value >>> 16) & 0xff, value >>> 24);
        }
        return s;
    }
}
