package bng.rt;

import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.Setting;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * The routing table of one configuration: the connected networks (enabled, with address, mask and
 * interface) as parallel arrays, longest prefix first, and the default route (the {@code gateway}).
 * Immutable; the per-packet lookup is a scan (networks are few).
 */
final class Routes {
    static final Routes OFF = new Routes(Configuration.empty());

    final boolean forwarding;
    final int[] addr;
    final int[] mask;
    final int[] port;
    /** The network's {@code real} address (ICMP errors come from it), 0 when unset. */
    final int[] real;
    final int gateway;

    Routes(Configuration c) {
        forwarding = c.setting(Setting.IPFORWARDING) == 1;
        List<NetworkDef> nets = new ArrayList<>();
        for (NetworkDef n : c.networks().values()) {
            if (n.state() == ObjectState.ENABLED && n.addr() != null && n.mask() != null && n.interfaceId() != null) {
                nets.add(n);
            }
        }
        nets.sort((a, b) -> Integer.compare(b.mask(), a.mask()));
        addr = new int[nets.size()];
        mask = new int[nets.size()];
        port = new int[nets.size()];
        real = new int[nets.size()];
        for (int k = 0; k < nets.size(); k++) {
            NetworkDef n = nets.get(k);
            mask[k] = n.mask() == 0 ? 0 : -1 << (32 - n.mask());
            addr[k] = ipv4(n.addr()) & mask[k];
            port[k] = n.interfaceId();
            real[k] = n.real() == null ? 0 : ipv4(n.real());
        }
        gateway = c.gateway() == null || c.gateway().ipaddr() == null ? 0 : ipv4(c.gateway().ipaddr());
    }

    static int ipv4(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The index of the connected network holding {@code a} (longest prefix), or -1. */
    int connected(int a) {
        for (int k = 0; k < addr.length; k++) {
            if ((a & mask[k]) == addr[k]) {
                return k;
            }
        }
        return -1;
    }

    /** True for the broadcast address of a connected network (not to be forwarded). */
    boolean isDirectedBroadcast(int a) {
        for (int k = 0; k < addr.length; k++) {
            if (mask[k] != -1 && (a | mask[k]) == -1 && (a & mask[k]) == addr[k]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The address ICMP errors about a frame from {@code src} on {@code inPort} come from: the real
     * address of the network on that port holding the source, else of any network on that port; 0
     * when none has one.
     */
    int errorSource(int inPort, int src) {
        int any = 0;
        for (int k = 0; k < addr.length; k++) {
            if (port[k] != inPort || real[k] == 0) {
                continue;
            }
            if ((src & mask[k]) == addr[k]) {
                return real[k];
            }
            if (any == 0) {
                any = real[k];
            }
        }
        return any;
    }
}
