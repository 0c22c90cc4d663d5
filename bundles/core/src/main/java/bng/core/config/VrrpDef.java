package bng.core.config;

import java.net.Inet4Address;
import java.util.List;

/**
 * {@code vrrp { vrid, priority, network, tracking, peer }}; vrid, priority and peer are null when unset.
 *
 * @param networks ids of the networks carrying advertisements ({@code network 1} or, to send them
 *        redundantly, {@code network 1,3})
 * @param peer bng's own addition: the other node's address, to which advertisements go by unicast
 *        instead of to 224.0.0.18, for networks that carry no multicast
 */
public record VrrpDef(Integer vrid, Integer priority, List<Integer> networks, boolean tracking, Inet4Address peer) {

    public VrrpDef {
        networks = List.copyOf(networks);
    }

    public VrrpDef(Integer vrid, Integer priority, List<Integer> networks, boolean tracking) {
        this(vrid, priority, networks, tracking, null);
    }

    /** Mutable counterpart used while statements are applied. */
    static final class Builder {
        Integer vrid;
        Integer priority;
        List<Integer> networks = List.of();
        boolean tracking;
        Inet4Address peer;

        Builder() {
        }

        Builder(VrrpDef d) {
            vrid = d.vrid;
            priority = d.priority;
            networks = d.networks;
            tracking = d.tracking;
            peer = d.peer;
        }

        VrrpDef build() {
            return new VrrpDef(vrid, priority, networks, tracking, peer);
        }
    }
}
