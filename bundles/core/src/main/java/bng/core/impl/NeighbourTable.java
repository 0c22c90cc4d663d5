package bng.core.impl;

import bng.core.api.Macs;
import bng.core.api.NeighbourCache;
import bng.core.api.ShowTopic;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The neighbour cache: an open-addressing table (int address → MAC, port) behind one volatile
 * field. Lookups on the fast path are a probe and no lock; refreshes of an unchanged mapping only
 * touch the entry's timestamp. A new address fills a free slot in place (its fields written, then
 * the slot published by a release store that lookups read with acquire), so learning n neighbours
 * costs O(n), not a copy of the table each (an ARP flood of on-link senders made that quadratic,
 * docs/reliability.md), and a neighbour's new MAC on the same port is one atomic store; the table is
 * rebuilt, at twice the size, only when it is 3/4 full, and copy-on-write when an entry changes
 * port or kind (static/dynamic) or entries leave. Capacity is bounded: an ARP flood cannot
 * grow it without bound (when full, the oldest dynamic entry is evicted). IPv6 neighbours live
 * in an {@link Ipv6NeighbourTable}.
 */
@Component(service = {NeighbourCache.class, ShowTopic.class}, property = {ShowTopic.TOPIC + "=arp",
    ShowTopic.DESCRIPTION + "=the neighbour cache (ARP and IPv6 neighbour discovery)"})
public final class NeighbourTable implements NeighbourCache, ShowTopic {
    static final int MAX_ENTRIES = 65_536;
    private static final VarHandle USED = MethodHandles.arrayElementVarHandle(boolean[].class);
    private static final VarHandle MAC = MethodHandles.arrayElementVarHandle(long[].class);

    /** One generation of the table. Slots: address, mac, port; timestamps are refreshed in place. */
    private static final class Table {
        final int mask;
        final int[] addr;
        final long[] mac;
        final int[] port;
        final long[] updated;
        final boolean[] fixed;
        final boolean[] used;
        /** Entries in use; grows in place under the table's lock. */
        int size;

        Table(int capacity, int size) {
            int cap = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
            mask = cap - 1;
            addr = new int[cap];
            mac = new long[cap];
            port = new int[cap];
            updated = new long[cap];
            fixed = new boolean[cap];
            used = new boolean[cap];
            this.size = size;
        }

        /** The slot holding {@code a}, or the free slot where it would go. */
        int slot(int a) {
            int i = mix(a) & mask;
            while (isUsed(i) && addr[i] != a) {
                i = (i + 1) & mask;
            }
            return i;
        }

        /** Acquire: a slot seen in use shows the fields written before it was published. */
        boolean isUsed(int i) {
            return (boolean) USED.getAcquire(used, i);
        }

        boolean hasRoomInPlace() {
            return size + 1 <= (mask + 1) / 4 * 3;
        }
    }

    private volatile Table table = new Table(16, 0);
    private final Ipv6NeighbourTable ipv6 = new Ipv6NeighbourTable();

    /** Pending resolution requests, by hash of the address (0 = none): plain racy writes, see {@link #request}. */
    private final int[] requests = new int[REQUEST_SLOTS];
    static final int REQUEST_SLOTS = 64;

    @Override
    public void request(int address) {
        if (address != 0) {
            requests[mix(address) & (REQUEST_SLOTS - 1)] = address;
        }
    }

    @Override
    public int[] takeRequests() {
        int[] out = new int[REQUEST_SLOTS];
        int n = 0;
        for (int i = 0; i < REQUEST_SLOTS; i++) {
            int a = requests[i];
            if (a != 0) {
                requests[i] = 0;
                out[n++] = a;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Pending IPv6 requests as two longs a slot (0, 0 = none). Two port threads writing one slot at
     * once can leave the halves of two addresses: the resolver then solicits an address nobody
     * asked for once (it only asks inside connected networks), and the next packet asks again.
     */
    private final long[] requestsHi = new long[REQUEST_SLOTS];
    private final long[] requestsLo = new long[REQUEST_SLOTS];

    @Override
    public void requestIpv6(byte[] b, int off) {
        long hi = read64(b, off);
        long lo = read64(b, off + 8);
        if ((hi | lo) != 0) {
            int i = mix((int) (hi ^ (hi >>> 32) ^ lo ^ (lo >>> 32))) & (REQUEST_SLOTS - 1);
            requestsHi[i] = hi;
            requestsLo[i] = lo;
        }
    }

    @Override
    public byte[][] takeRequestsIpv6() {
        byte[][] out = new byte[REQUEST_SLOTS][];
        int n = 0;
        for (int i = 0; i < REQUEST_SLOTS; i++) {
            long hi = requestsHi[i];
            long lo = requestsLo[i];
            if ((hi | lo) != 0) {
                requestsHi[i] = 0;
                requestsLo[i] = 0;
                byte[] a = new byte[16];
                for (int k = 0; k < 8; k++) {
                    a[k] = (byte) (hi >>> (56 - 8 * k));
                    a[8 + k] = (byte) (lo >>> (56 - 8 * k));
                }
                out[n++] = a;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static long read64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** For tests: how many times the table was copied, and how many entries went in in place. */
    long rebuilds;
    long insertedInPlace;

    private static int mix(int a) {
        int h = a * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @Override
    public long lookupIpv4(int address) {
        Table t = table;
        int i = t.slot(address);
        // slot() may have stopped at a free slot that an insert of another address fills right
        // after: check that the slot, now seen in use, holds this address.
        return t.isUsed(i) && t.addr[i] == address ? (long) MAC.getAcquire(t.mac, i) : -1;
    }

    @Override
    public long updatedIpv4(int address) {
        Table t = table;
        int i = t.slot(address);
        return t.isUsed(i) && t.addr[i] == address ? t.updated[i] : -1;
    }

    @Override
    public int portOfIpv4(int address) {
        Table t = table;
        int i = t.slot(address);
        return t.isUsed(i) && t.addr[i] == address ? t.port[i] : -1;
    }

    @Override
    public void learnIpv4(int address, long mac, int port) {
        put(address, mac, port, false);
    }

    @Override
    public void insertStaticIpv4(int address, long mac, int port) {
        put(address, mac, port, true);
    }

    @Override
    public long lookupIpv6(byte[] b, int off) {
        return ipv6.lookup(b, off);
    }

    @Override
    public int portOfIpv6(byte[] b, int off) {
        return ipv6.portOf(b, off);
    }

    @Override
    public void learnIpv6(byte[] b, int off, long mac, int port) {
        ipv6.put(b, off, mac, port, false);
    }

    @Override
    public void insertStaticIpv6(byte[] b, int off, long mac, int port) {
        ipv6.put(b, off, mac, port, true);
    }

    private void put(int address, long mac, int port, boolean isStatic) {
        long now = System.currentTimeMillis();
        Table t = table;
        int i = t.slot(address);
        if (t.isUsed(i) && t.addr[i] == address && t.mac[i] == mac && t.port[i] == port && (t.fixed[i] || !isStatic)) {
            t.updated[i] = now; // the common case: a refresh, no new generation
            return;
        }
        synchronized (this) {
            t = table;
            i = t.slot(address);
            if (t.isUsed(i) && t.port[i] == port && t.fixed[i] == isStatic) {
                // A neighbour moved to another MAC on the same port (gratuitous ARP): one atomic
                // store, so a flood of moves costs no copies either.
                MAC.setRelease(t.mac, i, mac);
                t.updated[i] = now;
                return;
            }
            if (!t.isUsed(i) && t.hasRoomInPlace() && t.size < MAX_ENTRIES) {
                // A new address: fill the free slot, then publish it (release) for the lookups.
                t.addr[i] = address;
                t.mac[i] = mac;
                t.port[i] = port;
                t.updated[i] = now;
                t.fixed[i] = isStatic;
                USED.setRelease(t.used, i, true);
                t.size++;
                insertedInPlace++;
                return;
            }
            List<long[]> rows = rows(table);
            rows.removeIf(r -> (int) r[0] == address);
            if (rows.size() >= MAX_ENTRIES) {
                rows.stream().filter(r -> r[4] == 0).min((a, b) -> Long.compare(a[3], b[3])).ifPresent(rows::remove);
            }
            rows.add(new long[] {address, mac, port, now, isStatic ? 1 : 0});
            table = build(rows);
            rebuilds++;
        }
    }

    private static List<long[]> rows(Table t) {
        List<long[]> rows = new ArrayList<>(t.size + 1);
        for (int i = 0; i <= t.mask; i++) {
            if (t.isUsed(i)) {
                rows.add(new long[] {t.addr[i], t.mac[i], t.port[i], t.updated[i], t.fixed[i] ? 1 : 0});
            }
        }
        return rows;
    }

    private static Table build(List<long[]> rows) {
        Table t = new Table(rows.size(), rows.size());
        for (long[] r : rows) {
            int i = t.slot((int) r[0]);
            t.used[i] = true;
            t.addr[i] = (int) r[0];
            t.mac[i] = r[1];
            t.port[i] = (int) r[2];
            t.updated[i] = r[3];
            t.fixed[i] = r[4] != 0;
        }
        return t;
    }

    @Override
    public synchronized int expire(long maxAgeMillis) {
        long cutoff = System.currentTimeMillis() - maxAgeMillis;
        List<long[]> rows = rows(table);
        int before = rows.size();
        rows.removeIf(r -> r[4] == 0 && r[3] < cutoff);
        if (rows.size() != before) {
            table = build(rows);
        }
        return before - rows.size() + ipv6.expire(maxAgeMillis);
    }

    @Override
    public List<Entry> entries() {
        List<long[]> rows = rows(table);
        rows.sort((a, b) -> Integer.compareUnsigned((int) a[0], (int) b[0]));
        List<Entry> l = new ArrayList<>(rows.size());
        for (long[] r : rows) {
            l.add(new Entry(toInet((int) r[0]), r[1], (int) r[2], r[3], r[4] != 0));
        }
        l.addAll(ipv6.entries());
        return l;
    }

    static InetAddress toInet(int a) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        long now = System.currentTimeMillis();
        out.append(String.format("%-16s %-17s %-5s %-8s %s%n", "address", "mac", "port", "type", "age"));
        for (Entry e : entries()) {
            // IPv6 addresses are longer than the column: the row runs wider, IPv4 rows keep their layout.
            out.append(String.format("%-16s %-17s %-5d %-8s %s%n", bng.core.config.IpAddresses.format(e.address()), Macs.format(e.mac()), e.port(),
                e.isStatic() ? "static" : "dynamic", e.isStatic() ? "-" : ((now - e.updatedMillis()) / 1000) + "s"));
        }
    }

    /** For tests: the table's slot count (bounded by {@link #MAX_ENTRIES}). */
    int capacity() {
        return table.mask + 1;
    }

    @Override
    public String toString() {
        return "NeighbourTable" + Arrays.toString(entries().toArray());
    }
}
