package bng.arp;

import bng.core.api.NeighbourCache;
import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.TargetDef;
import java.net.Inet4Address;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Resolves the neighbours bng must reach: every enabled target, the gateway, and the addresses the
 * fast path asked for ({@link NeighbourCache#request}, e.g. rt's next hops). Once a second
 * ({@link #tick}) each one whose cache entry is missing or older than {@link #REFRESH_MILLIS} gets
 * a broadcast ARP request from its network's {@code real} address. An address that stays silent
 * is asked again after 1, 2, 4 then every {@link #MAX_BACKOFF_MILLIS} (never more than once a
 * second); an answer resets that. Dynamic entries older than {@link #EXPIRE_MILLIS} are removed.
 * A target that health checks say is down is asked for once its entry is older than
 * {@link #DOWN_REFRESH_MILLIS}: a target rebooted with a new MAC (a re-created VM, a replaced
 * NIC) would otherwise get its checks sent to the old MAC for up to a minute, and in DSR mode it
 * sends bng nothing that would teach the new one. Runs on the module's scheduler thread only.
 */
final class Resolver {
    static final long REFRESH_MILLIS = 60_000;
    static final long DOWN_REFRESH_MILLIS = 5_000;
    static final long EXPIRE_MILLIS = 300_000;
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 8_000;

    /** When an address may next be asked, and how long to wait after that ask. */
    private static final class Backoff {
        long next;
        long wait = FIRST_BACKOFF_MILLIS;
    }

    private final Ports ports;
    private final NeighbourCache cache;
    private final Map<Integer, Backoff> asked = new HashMap<>();
    private final byte[] buf = new byte[ArpFrames.FRAME_LENGTH];

    Resolver(Ports ports, NeighbourCache cache) {
        this.ports = ports;
        this.cache = cache;
    }

    /** The addresses to keep resolved: enabled targets' and the gateway's, in configuration order. */
    static Set<Integer> wanted(Configuration c) {
        Set<Integer> out = new LinkedHashSet<>();
        for (TargetDef t : c.targets().values()) {
            if (t.state() == ObjectState.ENABLED && t.ipaddr() != null) {
                out.add(Networks.toInt(t.ipaddr()));
            }
        }
        if (c.gateway() != null && c.gateway().ipaddr() != null) {
            out.add(Networks.toInt(c.gateway().ipaddr()));
        }
        return out;
    }

    /** One round; returns how many requests left. */
    int tick(Configuration c, long now) {
        return tick(c, now, id -> false);
    }

    /** One round, {@code down} telling which targets health checks report down; returns how many requests left. */
    int tick(Configuration c, long now, IntPredicate down) {
        cache.expire(EXPIRE_MILLIS);
        Set<Integer> wanted = wanted(c);
        Set<Integer> suspect = new HashSet<>();
        for (TargetDef t : c.targets().values()) {
            if (t.state() == ObjectState.ENABLED && t.ipaddr() != null && down.test(t.id())) {
                suspect.add(Networks.toInt(t.ipaddr()));
            }
        }
        for (int requested : cache.takeRequests()) {
            wanted.add(requested); // a next hop the fast path missed (rt): asked like a target
        }
        asked.keySet().retainAll(wanted);
        if (wanted.isEmpty()) {
            return 0;
        }
        Map<Integer, Long> fresh = freshness();
        int sent = 0;
        for (int address : wanted) {
            Long updated = fresh.get(address);
            long refresh = suspect.contains(address) ? DOWN_REFRESH_MILLIS : REFRESH_MILLIS;
            if (updated != null && (updated == Long.MAX_VALUE || now - updated < refresh)) {
                asked.remove(address); // resolved (or static): the next miss starts from 1 s again
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
            b.wait = Math.min(b.wait * 2, MAX_BACKOFF_MILLIS);
        }
        return sent;
    }

    /** Last update per cached address; static entries count as always fresh. */
    private Map<Integer, Long> freshness() {
        Map<Integer, Long> m = new HashMap<>();
        for (NeighbourCache.Entry e : cache.entries()) {
            if (e.address() instanceof Inet4Address a) {
                m.put(Networks.toInt(a), e.isStatic() ? Long.MAX_VALUE : e.updatedMillis());
            }
        }
        return m;
    }

    private boolean ask(Configuration c, int address) {
        NetworkDef n = Networks.containing(c, address, true);
        if (n == null || n.real() == null) {
            return false; // off-link, or no source to ask from: nothing to resolve here
        }
        int port = ports.portOfNetwork(n.id());
        long mac = port < 0 ? -1 : ports.mac(port);
        if (mac < 0) {
            return false;
        }
        int len = ArpFrames.request(buf, mac, Networks.toInt(n.real()), address);
        return ports.send(port, buf, len);
    }
}
