package bng.nat;

import bng.core.config.Configuration;
import bng.core.config.NatRole;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.Setting;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * What generic NAT needs of one configuration, as arrays: the enabled networks longest prefix first
 * (as rt routes them) with their NAT role and, for outside ones, the address connections leave with
 * (the network's {@code virt}), and the gateway. Immutable; per-packet lookups are scans (networks
 * are few).
 */
final class NatPlan {
    static final NatPlan OFF = new NatPlan(Configuration.empty());
    static final byte NONE = 0;
    static final byte INSIDE = 1;
    static final byte OUTSIDE = 2;

    /** {@code set ipforwarding 1} and at least one inside and one outside network. */
    final boolean active;
    final int[] addr;
    final int[] mask;
    final byte[] role;
    /** The outside network's virt (the translated source), 0 for the others. */
    final int[] natAddr;
    /** The distinct outside addresses, for the inbound match. */
    final int[] outside;
    final int gateway;

    NatPlan(Configuration c) {
        List<NetworkDef> nets = new ArrayList<>();
        for (NetworkDef n : c.networks().values()) {
            if (n.state() == ObjectState.ENABLED && n.addr() != null && n.mask() != null) {
                nets.add(n);
            }
        }
        nets.sort((a, b) -> Integer.compare(b.mask(), a.mask()));
        int size = nets.size();
        addr = new int[size];
        mask = new int[size];
        role = new byte[size];
        natAddr = new int[size];
        List<Integer> outs = new ArrayList<>();
        boolean anyInside = false;
        for (int k = 0; k < size; k++) {
            NetworkDef n = nets.get(k);
            mask[k] = n.mask() == 0 ? 0 : -1 << (32 - n.mask());
            addr[k] = ipv4(n.addr()) & mask[k];
            if (n.nat() == NatRole.INSIDE) {
                role[k] = INSIDE;
                anyInside = true;
            } else if (n.nat() == NatRole.OUTSIDE && n.virt() != null) {
                role[k] = OUTSIDE;
                natAddr[k] = ipv4(n.virt());
                if (!outs.contains(natAddr[k])) {
                    outs.add(natAddr[k]);
                }
            }
        }
        outside = outs.stream().mapToInt(Integer::intValue).toArray();
        gateway = c.gateway() == null || c.gateway().ipaddr() == null ? 0 : ipv4(c.gateway().ipaddr());
        active = c.setting(Setting.IPFORWARDING) == 1 && anyInside && outside.length > 0;
    }

    static int ipv4(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The network holding {@code a} (longest prefix), or -1. */
    int network(int a) {
        for (int k = 0; k < addr.length; k++) {
            if ((a & mask[k]) == addr[k]) {
                return k;
            }
        }
        return -1;
    }

    /** True when {@code a} lies in an inside network (by its longest-prefix network). */
    boolean isInside(int a) {
        int k = network(a);
        return k >= 0 && role[k] == INSIDE;
    }

    /**
     * The network a frame to {@code dst} leaves through, as rt routes it: the connected network
     * holding it, else the gateway's; -1 when there is no route.
     */
    int egress(int dst) {
        int k = network(dst);
        return k >= 0 || gateway == 0 ? k : network(gateway);
    }

    /** True when {@code a} is one of the outside (NAT) addresses. */
    boolean isOutsideAddress(int a) {
        for (int o : outside) {
            if (o == a) {
                return true;
            }
        }
        return false;
    }
}
