package bng.core.impl;

import bng.core.api.RunningConfig;
import bng.core.api.ShowTopic;
import bng.core.config.IpAddresses;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import java.net.InetAddress;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code show networks}: each network's addresses, interface and life-cycle state. */
@Component(property = {ShowTopic.TOPIC + "=networks", ShowTopic.DESCRIPTION + "=networks, their addresses and state"})
public final class NetworksTopic implements ShowTopic {
    @Reference
    RunningConfig running;

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-4s %-10s %-5s %-18s %-15s %-15s %-8s %s%n",
            "id", "state", "if", "network", "real", "virt", "nat", "name"));
        for (NetworkDef n : running.current().networks().values()) {
            String net = n.addr() == null ? "-" : IpAddresses.format(n.addr()) + (n.mask() == null ? "" : "/" + n.mask());
            out.append(String.format("%-4d %-10s %-5s %-18s %-15s %-15s %-8s %s", n.id(), state(n.state()),
                n.interfaceId() == null ? "-" : n.interfaceId().toString(), net, text(n.real()), text(n.virt()),
                n.nat() == null ? "-" : n.nat().toString().toLowerCase(), n.name() == null ? "" : n.name()).stripTrailing())
                .append('\n');
            if (n.real6() != null || n.virt6() != null) {
                out.append(String.format("     %-10s %-5s %-18s %s %s%n", "", "", "ipv6 /" + (n.mask6() == null ? "-" : n.mask6()),
                    "real6 " + text(n.real6()), "virt6 " + text(n.virt6())));
            }
        }
    }

    static String state(ObjectState s) {
        return switch (s) {
            case ENABLED -> "enabled";
            case REGISTERED -> "registered";
            case DEFINED -> "defined";
        };
    }

    private static String text(InetAddress a) {
        return a == null ? "-" : IpAddresses.format(a);
    }
}
