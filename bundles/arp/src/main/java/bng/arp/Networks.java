package bng.arp;

import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import java.net.Inet4Address;

/** Where an IPv4 address lives in a configuration: the network whose {@code addr}/{@code mask} holds it. */
final class Networks {
    private Networks() {}

    static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static String format(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    static boolean contains(NetworkDef n, int address) {
        if (n.addr() == null || n.mask() == null) {
            return false;
        }
        int prefix = n.mask();
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (toInt(n.addr()) & mask) == (address & mask);
    }

    /**
     * The network holding {@code address}, the longest prefix first when networks overlap; only
     * enabled networks when {@code enabledOnly}. Null when none does.
     */
    static NetworkDef containing(Configuration c, int address, boolean enabledOnly) {
        NetworkDef best = null;
        for (NetworkDef n : c.networks().values()) {
            if ((!enabledOnly || n.state() == ObjectState.ENABLED) && contains(n, address)
                    && (best == null || n.mask() > best.mask())) {
                best = n;
            }
        }
        return best;
    }
}
