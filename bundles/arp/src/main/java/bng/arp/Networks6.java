package bng.arp;

import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import java.net.Inet6Address;

/**
 * Where an IPv6 address lives in a configuration: a network has no IPv6 {@code addr}, so its
 * prefix is {@code real6} (else {@code virt6}) cut to {@code mask6}. Addresses as two longs.
 */
final class Networks6 {
    private Networks6() {}

    static long hi(Inet6Address a) {
        return NdFrames.readLong(a.getAddress(), 0);
    }

    static long lo(Inet6Address a) {
        return NdFrames.readLong(a.getAddress(), 8);
    }

    /** The network's own IPv6 address: {@code real6}, else {@code virt6}; null when it has none. */
    static Inet6Address own(NetworkDef n) {
        return n.real6() != null ? n.real6() : n.virt6();
    }

    static boolean contains(NetworkDef n, long hi, long lo) {
        Inet6Address base = own(n);
        if (base == null || n.mask6() == null) {
            return false;
        }
        int prefix = n.mask6();
        long maskHi = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        long maskLo = prefix <= 64 ? 0 : prefix >= 128 ? -1L : -1L << (128 - prefix);
        return ((hi(base) ^ hi) & maskHi) == 0 && ((lo(base) ^ lo) & maskLo) == 0;
    }

    /** The enabled network holding the address, the longest prefix first; null when none does. */
    static NetworkDef containing(Configuration c, long hi, long lo) {
        NetworkDef best = null;
        for (NetworkDef n : c.networks().values()) {
            if (n.state() == ObjectState.ENABLED && contains(n, hi, lo) && (best == null || n.mask6() > best.mask6())) {
                best = n;
            }
        }
        return best;
    }
}
