package bng.core.impl;

import bng.core.api.NeighbourCache;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The IPv6 half of the neighbour cache: the same copy-on-write open-addressing scheme as the IPv4
 * table, keyed by the address's two big-endian longs, so a lookup reads 16 bytes from the frame
 * into two locals, probes, and allocates nothing. Bounded like the IPv4 table (oldest dynamic
 * entry evicted when full), since a neighbour-advertisement flood must not grow it without bound.
 */
final class Ipv6NeighbourTable {
    static final int MAX_ENTRIES = 65_536;

    /** One generation; timestamps are refreshed in place, everything else is immutable. */
    private static final class Table {
        final int mask;
        final long[] hi;
        final long[] lo;
        final long[] mac;
        final int[] port;
        final long[] updated;
        final boolean[] fixed;
        final boolean[] used;
        final int size;

        Table(int capacity, int size) {
            int cap = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
            mask = cap - 1;
            hi = new long[cap];
            lo = new long[cap];
            mac = new long[cap];
            port = new int[cap];
            updated = new long[cap];
            fixed = new boolean[cap];
            used = new boolean[cap];
            this.size = size;
        }

        int slot(long h, long l) {
            int i = mix(h, l) & mask;
            while (used[i] && (hi[i] != h || lo[i] != l)) {
                i = (i + 1) & mask;
            }
            return i;
        }
    }

    /** A row while a new generation is built: address halves, mac, port, updated, static. */
    private record Row(long hi, long lo, long mac, int port, long updated, boolean fixed) {}

    private volatile Table table = new Table(16, 0);

    private static int mix(long h, long l) {
        long x = (h * 0x9E3779B97F4A7C15L) ^ l;
        x *= 0xC2B2AE3D27D4EB4FL;
        return (int) (x ^ (x >>> 32));
    }

    static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    long lookup(byte[] b, int off) {
        Table t = table;
        int i = t.slot(readLong(b, off), readLong(b, off + 8));
        return t.used[i] ? t.mac[i] : -1;
    }

    int portOf(byte[] b, int off) {
        Table t = table;
        int i = t.slot(readLong(b, off), readLong(b, off + 8));
        return t.used[i] ? t.port[i] : -1;
    }

    void put(byte[] b, int off, long mac, int port, boolean isStatic) {
        long h = readLong(b, off);
        long l = readLong(b, off + 8);
        long now = System.currentTimeMillis();
        Table t = table;
        int i = t.slot(h, l);
        if (t.used[i] && t.mac[i] == mac && t.port[i] == port && (t.fixed[i] || !isStatic)) {
            t.updated[i] = now; // a refresh: no new generation
            return;
        }
        synchronized (this) {
            List<Row> rows = rows(table);
            rows.removeIf(r -> r.hi == h && r.lo == l);
            if (rows.size() >= MAX_ENTRIES) {
                rows.stream().filter(r -> !r.fixed).min((x, y) -> Long.compare(x.updated, y.updated)).ifPresent(rows::remove);
            }
            rows.add(new Row(h, l, mac, port, now, isStatic));
            table = build(rows);
        }
    }

    synchronized int expire(long maxAgeMillis) {
        long cutoff = System.currentTimeMillis() - maxAgeMillis;
        List<Row> rows = rows(table);
        int before = rows.size();
        rows.removeIf(r -> !r.fixed && r.updated < cutoff);
        if (rows.size() != before) {
            table = build(rows);
        }
        return before - rows.size();
    }

    List<NeighbourCache.Entry> entries() {
        List<Row> rows = rows(table);
        rows.sort((x, y) -> x.hi != y.hi ? Long.compareUnsigned(x.hi, y.hi) : Long.compareUnsigned(x.lo, y.lo));
        List<NeighbourCache.Entry> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new NeighbourCache.Entry(toInet(r.hi, r.lo), r.mac, r.port, r.updated, r.fixed));
        }
        return out;
    }

    int capacity() {
        return table.mask + 1;
    }

    private static List<Row> rows(Table t) {
        List<Row> rows = new ArrayList<>(t.size + 1);
        for (int i = 0; i <= t.mask; i++) {
            if (t.used[i]) {
                rows.add(new Row(t.hi[i], t.lo[i], t.mac[i], t.port[i], t.updated[i], t.fixed[i]));
            }
        }
        return rows;
    }

    private static Table build(List<Row> rows) {
        Table t = new Table(rows.size(), rows.size());
        for (Row r : rows) {
            int i = t.slot(r.hi, r.lo);
            t.used[i] = true;
            t.hi[i] = r.hi;
            t.lo[i] = r.lo;
            t.mac[i] = r.mac;
            t.port[i] = r.port;
            t.updated[i] = r.updated;
            t.fixed[i] = r.fixed;
        }
        return t;
    }

    static InetAddress toInet(long hi, long lo) {
        byte[] a = new byte[16];
        for (int i = 0; i < 8; i++) {
            a[i] = (byte) (hi >>> (56 - 8 * i));
            a[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // sixteen bytes are always an address
        }
    }

    @Override
    public String toString() {
        return "Ipv6NeighbourTable" + Arrays.toString(entries().toArray());
    }
}
