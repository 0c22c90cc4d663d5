package bng.arp;

import bng.core.api.OwnedAddresses;
import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import java.net.Inet6Address;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Unsolicited neighbour advertisements (RFC 4861 §7.2.6) of owned IPv6 addresses, the IPv6 twin
 * of {@link GratuitousArp}: each {@code real6}/{@code virt6} and server {@code ipaddr6}, to all
 * nodes with the override flag, scheduled by {@link Announcer} (three times a second apart by
 * default: §7.2.6 allows up to MAX_NEIGHBOR_ADVERTISEMENT = 3; on a VRRP takeover as often as
 * {@code vrrpgarpcount} says, like the IPv4 announcements).
 */
final class UnsolicitedNa extends Announcer<UnsolicitedNa.Announcement> {
    /** One owned address on one network (-1: no network holds it, announce on every port). */
    record Announcement(Inet6Address address, int networkId) implements Announcer.Announced {}

    private final OwnedAddresses owned;
    private final byte[] buf = new byte[NdFrames.FRAME_LENGTH];

    /** @param owned what this node answers for now: a VRRP backup announces no floating address */
    UnsolicitedNa(Ports ports, OwnedAddresses owned) {
        super(ports);
        this.owned = owned;
    }

    static Set<Announcement> announcements(Configuration c) {
        Set<Announcement> out = new LinkedHashSet<>();
        for (NetworkDef n : c.networks().values()) {
            if (n.state() == ObjectState.ENABLED) {
                if (n.real6() != null) {
                    out.add(new Announcement(n.real6(), n.id()));
                }
                if (n.virt6() != null) {
                    out.add(new Announcement(n.virt6(), n.id()));
                }
            }
        }
        for (ServerDef s : c.servers().values()) {
            if (s.state() == ObjectState.ENABLED && s.ipaddr6() != null) {
                NetworkDef n = Networks6.containing(c, Networks6.hi(s.ipaddr6()), Networks6.lo(s.ipaddr6()));
                out.add(new Announcement(s.ipaddr6(), n == null ? -1 : n.id()));
            }
        }
        return out;
    }

    @Override
    Set<Announcement> wanted(Configuration c) {
        return announcements(c);
    }

    @Override
    boolean owns(Announcement a) {
        return owned.ownsIpv6(a.address().getAddress(), 0);
    }

    @Override
    boolean sendOn(int port, long mac, Announcement a) {
        int len = NdFrames.unsolicited(buf, mac, Networks6.hi(a.address()), Networks6.lo(a.address()));
        return ports.send(port, buf, len);
    }
}
