package bng.core.config;

import java.util.List;

/**
 * {@code vrrp { vrid, priority, network, tracking }}; vrid and priority are null when unset.
 *
 * @param networks ids of the networks carrying advertisements ({@code network 1} or, to send them
 *        redundantly, {@code network 1,3})
 */
public record VrrpDef(Integer vrid, Integer priority, List<Integer> networks, boolean tracking) {

    public VrrpDef {
        networks = List.copyOf(networks);
    }

    /** Mutable counterpart used while statements are applied. */
    static final class Builder {
        Integer vrid;
        Integer priority;
        List<Integer> networks = List.of();
        boolean tracking;

        Builder() {
        }

        Builder(VrrpDef d) {
            vrid = d.vrid;
            priority = d.priority;
            networks = d.networks;
            tracking = d.tracking;
        }

        VrrpDef build() {
            return new VrrpDef(vrid, priority, networks, tracking);
        }
    }
}
