package bng.core.config;

import java.net.Inet4Address;
import java.util.List;

/**
 * {@code bgp { asn, routerid, neighbor, peeras, hold }}: how this node announces the VIPs of its
 * servers to the routers, through the routing daemon the {@code bgp} module drives (not a
 * BalanceNG statement: BalanceNG has no scale-out). Fields are null when unset.
 *
 * @param asn this node's AS number (RFC 6793 four-octet, 1..4294967295)
 * @param routerid the BGP identifier (RFC 4271 §4.2); a node address
 * @param neighbors the routers to peer with ({@code neighbor 198.18.0.1} or {@code neighbor 198.18.0.1,198.18.0.9})
 * @param peeras the routers' AS number
 * @param hold the hold time proposed to the routers in seconds (RFC 4271 §4.2: 0 or 3..65535)
 */
public record BgpDef(Long asn, Inet4Address routerid, List<Inet4Address> neighbors, Long peeras, Integer hold) {

    public BgpDef {
        neighbors = List.copyOf(neighbors);
    }

    /** Mutable counterpart used while statements are applied. */
    static final class Builder {
        Long asn;
        Inet4Address routerid;
        List<Inet4Address> neighbors = List.of();
        Long peeras;
        Integer hold;

        Builder() {
        }

        Builder(BgpDef d) {
            asn = d.asn;
            routerid = d.routerid;
            neighbors = d.neighbors;
            peeras = d.peeras;
            hold = d.hold;
        }

        BgpDef build() {
            return new BgpDef(asn, routerid, neighbors, peeras, hold);
        }
    }
}
