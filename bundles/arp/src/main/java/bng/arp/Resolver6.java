package bng.arp;

import bng.core.api.NeighbourCache;
import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.TargetDef;
import java.net.Inet6Address;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The IPv4 {@link Resolver}'s twin for IPv6: every enabled target's {@code ipaddr6} is kept
 * resolved with multicast neighbour solicitations (RFC 4861 §7.2.2) from its network's
 * {@code real6}, with the same refresh age and back-off, and so is every address the fast path
 * asked for ({@link NeighbourCache#requestIpv6}) that lies in a connected network. Multicast, not unicast, even to refresh:
 * Linux answers a multicast solicitation with the target link-layer option, a unicast one without.
 * (BalanceNG's {@code gateway} has no IPv6 address, so there is no IPv6 gateway to resolve.)
 * Expiry is the IPv4 resolver's job: {@link NeighbourCache#expire} covers both families.
 */
final class Resolver6 {
    private static final class Backoff {
        long next;
        long wait = Resolver.FIRST_BACKOFF_MILLIS;
    }

    private final Ports ports;
    private final NeighbourCache cache;
    private final Map<Inet6Address, Backoff> asked = new HashMap<>();
    private final byte[] buf = new byte[NdFrames.FRAME_LENGTH];

    Resolver6(Ports ports, NeighbourCache cache) {
        this.ports = ports;
        this.cache = cache;
    }

    static Set<Inet6Address> wanted(Configuration c) {
        Set<Inet6Address> out = new LinkedHashSet<>();
        for (TargetDef t : c.targets().values()) {
            if (t.state() == ObjectState.ENABLED && t.ipaddr6() != null) {
                out.add(t.ipaddr6());
            }
        }
        return out;
    }

    /** One round; returns how many solicitations left. */
    int tick(Configuration c, long now) {
        Set<Inet6Address> wanted = wanted(c);
        for (byte[] requested : cache.takeRequestsIpv6()) {
            try {
                // A neighbour the fast path missed (slb's NAT replies to a client): asked like a target.
                wanted.add((Inet6Address) java.net.InetAddress.getByAddress(requested));
            } catch (java.net.UnknownHostException e) {
                // 16 bytes are always an address
            }
        }
        asked.keySet().retainAll(wanted);
        if (wanted.isEmpty()) {
            return 0;
        }
        Map<Inet6Address, Long> fresh = new HashMap<>();
        for (NeighbourCache.Entry e : cache.entries()) {
            if (e.address() instanceof Inet6Address a) {
                fresh.put(a, e.isStatic() ? Long.MAX_VALUE : e.updatedMillis());
            }
        }
        int sent = 0;
        for (Inet6Address address : wanted) {
            Long updated = fresh.get(address);
            if (updated != null && (updated == Long.MAX_VALUE || now - updated < Resolver.REFRESH_MILLIS)) {
                asked.remove(address);
                continue;
            }
            Backoff b = asked.computeIfAbsent(address, k -> new Backoff());
            if (now < b.next) {
                continue;
            }
            if (ask(c, address)) {
                sent++;
            }
            b.next = now + b.wait;
            b.wait = Math.min(b.wait * 2, Resolver.MAX_BACKOFF_MILLIS);
        }
        return sent;
    }

    private boolean ask(Configuration c, Inet6Address address) {
        long hi = Networks6.hi(address);
        long lo = Networks6.lo(address);
        NetworkDef n = Networks6.containing(c, hi, lo);
        if (n == null || n.real6() == null) {
            return false; // off-link, or no source to ask from
        }
        int port = ports.portOfNetwork(n.id());
        long mac = port < 0 ? -1 : ports.mac(port);
        if (mac < 0) {
            return false;
        }
        int len = NdFrames.solicitation(buf, mac, Networks6.hi(n.real6()), Networks6.lo(n.real6()), hi, lo);
        return ports.send(port, buf, len);
    }
}
