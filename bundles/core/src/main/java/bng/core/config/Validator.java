package bng.core.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that need the whole resulting configuration: references between objects resolve,
 * addresses lie in their network, DSR targets keep their server's port. A reference may be written
 * before the object it names exists, so these checks run after every statement was applied.
 * Problems are reported where the text wrote the attribute involved.
 */
final class Validator {
    private final Configuration config;
    private final Map<String, Position> sites;
    private final Values values;

    Validator(Configuration config, Map<String, Position> sites, Values values) {
        this.config = config;
        this.sites = sites;
        this.values = values;
    }

    void validate() {
        config.networks().values().forEach(this::checkNetwork);
        config.servers().values().forEach(this::checkServer);
        if (config.vrrp() != null) {
            for (int id : config.vrrp().networks()) {
                if (!config.networks().containsKey(id)) {
                    report("vrrp network: network " + id + " is not defined", "vrrp network " + id);
                }
            }
        }
        BgpDef bgp = config.bgp();
        if (bgp != null && bgp.routerid() != null && bgp.neighbors().contains(bgp.routerid())) {
            report("bgp routerid: " + IpAddresses.format(bgp.routerid()) + " is also a neighbor; a router id is "
                    + "this node's own address", "bgp routerid", "bgp neighbor");
        }
    }

    private void checkNetwork(NetworkDef n) {
        String owner = "network " + n.id();
        if (n.interfaceId() != null && !config.interfaces().containsKey(n.interfaceId())) {
            report(owner + " interface: interface " + n.interfaceId() + " is not defined", owner + " interface");
        }
        if (n.addr() != null && n.mask() != null) {
            String net = IpAddresses.format(IpAddresses.network(n.addr(), n.mask())) + "/" + n.mask();
            inside(owner, "real", n.real(), n.addr(), n.mask(), net);
            inside(owner, "virt", n.virt(), n.addr(), n.mask(), net);
            inside(owner, "syncpeer", n.syncpeer(), n.addr(), n.mask(), net);
        }
        if (n.nat() == NatRole.OUTSIDE) {
            // Generic NAT gives connections from inside networks this network's virt as source.
            if (n.virt() == null) {
                report(owner + " nat: an outside network needs a virt address (the source of translated connections)",
                        owner + " nat");
            } else {
                for (ServerDef s : config.servers().values()) {
                    if (n.virt().equals(s.ipaddr())) {
                        report(owner + " nat: virt " + IpAddresses.format(n.virt()) + " is also server " + s.id()
                                + "'s ipaddr; slb takes that address's traffic, so generic NAT cannot use it",
                                owner + " nat", owner + " virt", "server " + s.id() + " ipaddr");
                    }
                }
            }
        }
        if (n.real6() != null && n.mask6() != null) {
            inside(owner, "virt6", n.virt6(), n.real6(), n.mask6(), IpAddresses.format(IpAddresses.network(n.real6(), n.mask6())) + "/" + n.mask6());
        }
    }

    private void inside(String owner, String attribute, InetAddress a, InetAddress net, int prefix, String netText) {
        if (a != null && !IpAddresses.samePrefix(a, net, prefix)) {
            report(owner + " " + attribute + ": " + IpAddresses.format(a) + " is not inside " + netText,
                    owner + " " + attribute, owner + " addr", owner + " mask", owner + " real6", owner + " mask6");
        }
    }

    private void checkServer(ServerDef s) {
        String owner = "server " + s.id();
        List<Integer> all = new ArrayList<>(s.targets());
        Set<Integer> primary = new HashSet<>(s.targets()); // List.contains per id would be quadratic in 1-65532
        for (int id : s.backup()) {
            if (primary.contains(id)) {
                report(owner + " backup: target " + id + " is already a primary target", owner + " backup " + id);
            } else {
                all.add(id);
            }
        }
        // The first undefined target of a range is reported, the others counted: 1-65532 is one mistake.
        String pending = null;
        Position pendingAt = null;
        int more = 0;
        for (int id : all) {
            String list = primary.contains(id) ? "targets" : "backup";
            TargetDef t = config.targets().get(id);
            if (t == null) {
                Position at = sites.getOrDefault(owner + " " + list + " " + id, Position.UNKNOWN);
                if (at.equals(pendingAt) && !at.equals(Position.UNKNOWN)) {
                    more++;
                    continue;
                }
                undefined(pendingAt, pending, more);
                pending = owner + " " + list + ": target " + id + " is not defined";
                pendingAt = at;
                more = 0;
            } else if (t.dsr() && t.port() != null && s.port() != null && !t.port().equals(s.port())) {
                report("target " + id + " port " + t.port() + " differs from " + owner + " port " + s.port()
                        + "; a DSR target cannot rewrite ports", "target " + id + " port", "target " + id + " dsr",
                        owner + " port", owner + " " + list + " " + id);
            }
        }
        undefined(pendingAt, pending, more);
    }

    private void undefined(Position at, String message, int more) {
        if (message != null) {
            String others = more == 1 ? " more target" : " more targets";
            values.error(at, more == 0 ? message : message + " (and " + more + others + " of that range)");
        }
    }

    /** Reports at the first of the sites this text wrote. */
    private void report(String message, String... siteKeys) {
        Position at = Position.UNKNOWN;
        for (String key : siteKeys) {
            if (sites.containsKey(key)) {
                at = sites.get(key);
                break;
            }
        }
        values.error(at, message);
    }
}
