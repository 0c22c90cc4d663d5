package bng.arp;

import bng.core.api.OwnedAddresses;
import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import java.net.Inet4Address;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Gratuitous ARP announcements (RFC 5227 §3) of owned IPv4 addresses: every enabled network's
 * {@code real}/{@code virt} and every enabled server's VIP, scheduled by {@link Announcer}.
 */
final class GratuitousArp extends Announcer<GratuitousArp.Announcement> {
    /** One owned address on one network (-1: no network holds it, announce on every port). */
    record Announcement(int address, int networkId) implements Announcer.Announced {}

    private final OwnedAddresses owned;
    private final byte[] buf = new byte[ArpFrames.FRAME_LENGTH];

    /**
     * @param owned what this node answers for now: an address it stopped owning (a VRRP backup's
     *        {@code virt} and VIPs) is never announced, so a backup does not pull them to itself
     */
    GratuitousArp(Ports ports, OwnedAddresses owned) {
        super(ports);
        this.owned = owned;
    }

    /** The announcements a configuration calls for, in configuration order. */
    static Set<Announcement> announcements(Configuration c) {
        Set<Announcement> out = new LinkedHashSet<>();
        for (NetworkDef n : c.networks().values()) {
            if (n.state() == ObjectState.ENABLED) {
                add(out, n.real(), n.id());
                add(out, n.virt(), n.id());
            }
        }
        for (ServerDef s : c.servers().values()) {
            if (s.state() == ObjectState.ENABLED && s.ipaddr() != null) {
                int vip = Networks.toInt(s.ipaddr());
                NetworkDef n = Networks.containing(c, vip, true);
                out.add(new Announcement(vip, n == null ? -1 : n.id()));
            }
        }
        return out;
    }

    private static void add(Set<Announcement> out, Inet4Address a, int networkId) {
        if (a != null) {
            out.add(new Announcement(Networks.toInt(a), networkId));
        }
    }

    @Override
    Set<Announcement> wanted(Configuration c) {
        return announcements(c);
    }

    @Override
    boolean owns(Announcement a) {
        return owned.ownsIpv4(a.address());
    }

    @Override
    boolean sendOn(int port, long mac, Announcement a) {
        int len = ArpFrames.announcement(buf, mac, a.address());
        return ports.send(port, buf, len);
    }
}
