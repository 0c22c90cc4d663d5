package bng.core.api;

import java.net.InetAddress;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * IPv4 and IPv6 neighbours: who has which MAC on which port. Kept by core so it outlives
 * the arp module (no arp = no answers and no new resolution, the cache stays). Lookups are
 * lock-free and allocate nothing; learning is rare and may take a lock.
 */
@ProviderType
public interface NeighbourCache {
    /** The MAC of {@code address}, or -1 when unknown. */
    long lookupIpv4(int address);

    /** The port {@code address} was learnt on, or -1 when unknown. */
    int portOfIpv4(int address);

    /**
     * Wall-clock time (ms) of the last learn or refresh of {@code address}'s entry (static entries
     * too: the neighbour's own ARP refreshes them), or -1 when unknown. hc's {@code arp} check.
     */
    default long updatedIpv4(int address) {
        for (Entry e : entries()) {
            if (e.address() instanceof java.net.Inet4Address a && java.nio.ByteBuffer.wrap(a.getAddress()).getInt() == address) {
                return e.updatedMillis();
            }
        }
        return -1;
    }

    /** Records (or refreshes) a dynamic entry learnt from an ARP request or reply. */
    void learnIpv4(int address, long mac, int port);

    /** Inserts a static entry (BalanceNG's {@code arp-insert}); it never ages out. */
    void insertStaticIpv4(int address, long mac, int port);

    /** The MAC of the IPv6 address at {@code b[off, off+16)}, or -1 when unknown. Lock-free, allocates nothing. */
    long lookupIpv6(byte[] b, int off);

    /** The port the IPv6 address at {@code b[off, off+16)} was learnt on, or -1 when unknown. */
    int portOfIpv6(byte[] b, int off);

    /** Records (or refreshes) a dynamic entry learnt from neighbour discovery (RFC 4861 §7.2.5, §7.2.3). */
    void learnIpv6(byte[] b, int off, long mac, int port);

    /** Inserts a static IPv6 entry; it never ages out. */
    void insertStaticIpv6(byte[] b, int off, long mac, int port);

    /**
     * Asks for {@code address} to be resolved: the fast path's way to say "I needed this neighbour
     * and it was unknown" (rt's next hops). No lock, no allocation; a request can be lost when
     * many arrive at once, and the next packet asks again. The arp module's resolver takes the
     * requests once a second and sends ARP requests for them (with its usual back-off).
     */
    void request(int address);

    /** The addresses requested since the last call (at most a few dozen), and forgets them. */
    int[] takeRequests();

    /**
     * The IPv6 twin of {@link #request}: asks for the address at {@code b[off, off+16)} to be
     * resolved (slb's NAT replies to a client it has not met). No lock, no allocation; racy like
     * {@link #request}. arp's IPv6 resolver takes them once a second.
     */
    default void requestIpv6(byte[] b, int off) {
    }

    /** The IPv6 addresses requested since the last call (16 bytes each), and forgets them. */
    default byte[][] takeRequestsIpv6() {
        return new byte[0][];
    }

    /** Removes entries not refreshed for {@code maxAgeMillis} (static ones stay); returns how many went. */
    int expire(long maxAgeMillis);

    /** Snapshot for {@code show arp}: IPv4 entries first, then IPv6. */
    List<Entry> entries();

    /** @param updatedMillis wall-clock time of the last learn or refresh */
    record Entry(InetAddress address, long mac, int port, long updatedMillis, boolean isStatic) {}
}
