package bng.arp;

import bng.core.api.Macs;
import bng.core.api.NeighbourCache;
import bng.core.api.Ports;
import bng.core.api.PromptCommand;
import bng.core.api.RunningConfig;
import bng.core.config.IpAddresses;
import bng.core.config.NetworkDef;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code arp-insert IP MAC} (BalanceNG reference §7.3): a static neighbour entry, e.g. to simulate a
 * target. IP is a dotted quad or its IPv4-mapped form ({@code ::ffff:198.18.0.11}, as BalanceNG's
 * own example writes it). The entry lands on the port of the configured network holding IP.
 */
@Component(immediate = true, property = {
    PromptCommand.COMMAND + "=arp-insert",
    PromptCommand.USAGE + "=arp-insert IP MAC",
    PromptCommand.DESCRIPTION + "=insert a static neighbour (ARP) entry on the port of IP's network"
})
public final class ArpInsertCommand implements PromptCommand {
    @Reference
    NeighbourCache neighbours;

    @Reference
    RunningConfig config;

    @Reference
    Ports ports;

    @Override
    public boolean execute(List<String> args, StringBuilder out) {
        if (args.size() != 2) {
            out.append("usage: arp-insert IP MAC\n");
            return false;
        }
        int address;
        Integer parsed = parseIpv4(args.get(0));
        if (parsed == null) {
            out.append("arp-insert: not an IPv4 address: ").append(args.get(0)).append('\n');
            return false;
        }
        address = parsed;
        long mac;
        try {
            mac = Macs.parse(args.get(1));
        } catch (IllegalArgumentException e) {
            out.append("arp-insert: not a MAC address: ").append(args.get(1)).append('\n');
            return false;
        }
        if (mac == 0 || Macs.isMulticast(mac)) {
            out.append("arp-insert: ").append(Macs.format(mac)).append(" is not a unicast MAC address\n");
            return false;
        }
        NetworkDef n = Networks.containing(config.current(), address, true);
        if (n == null) {
            n = Networks.containing(config.current(), address, false);
        }
        if (n == null) {
            out.append("arp-insert: ").append(Networks.format(address)).append(" is in no configured network\n");
            return false;
        }
        // Port ids are interface ids: a network whose port is not open yet still names its port.
        int port = ports.portOfNetwork(n.id());
        if (port < 0 && n.interfaceId() != null) {
            port = n.interfaceId();
        }
        if (port < 0) {
            out.append("arp-insert: network ").append(n.id()).append(" has no interface\n");
            return false;
        }
        neighbours.insertStaticIpv4(address, mac, port);
        out.append("inserted ").append(Networks.format(address)).append(" at ").append(Macs.format(mac))
            .append(" on port ").append(port).append(" (network ").append(n.id()).append("), static\n");
        return true;
    }

    /** A dotted quad or ::ffff:a.b.c.d, as an int; null otherwise. */
    static Integer parseIpv4(String text) {
        Inet4Address v4 = IpAddresses.parseIpv4(text);
        if (v4 != null) {
            return Networks.toInt(v4);
        }
        Inet6Address v6 = IpAddresses.parseIpv6(text);
        if (v6 == null) {
            return null;
        }
        byte[] b = v6.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        if ((b[10] & 0xff) != 0xff || (b[11] & 0xff) != 0xff) {
            return null;
        }
        return ((b[12] & 0xff) << 24) | ((b[13] & 0xff) << 16) | ((b[14] & 0xff) << 8) | (b[15] & 0xff);
    }
}
