package bng.metrics;

import bng.core.config.IpAddresses;
import bng.core.config.ServerDef;
import bng.core.config.TargetDef;

/** How servers and targets are named to operators (the language has no name attribute for them). */
final class Names {
    private Names() {}

    /** {@code 198.18.0.100:80}, {@code [2001:db8::1]:80}, or the address alone when no port is set. */
    static String server(ServerDef s) {
        return address(s.ipaddr() != null ? IpAddresses.format(s.ipaddr()) : s.ipaddr6() != null
            ? "[" + IpAddresses.format(s.ipaddr6()) + "]" : null, s.port(), "server " + s.id());
    }

    static String target(TargetDef t) {
        return address(t.ipaddr() != null ? IpAddresses.format(t.ipaddr()) : t.ipaddr6() != null
            ? "[" + IpAddresses.format(t.ipaddr6()) + "]" : null, t.port(), "target " + t.id());
    }

    /**
     * A server's state for operators: {@code disabled} (not enabled), {@code up} (an enabled target
     * of it, primary or backup, is up: it can take clients) or {@code down}.
     */
    static String serverState(ServerDef s, bng.core.config.Configuration c, bng.core.api.TargetHealth health) {
        if (s.state() != bng.core.config.ObjectState.ENABLED) {
            return "disabled";
        }
        for (java.util.List<Integer> ids : java.util.Arrays.asList(s.targets(), s.backup())) {
            if (ids == null) {
                continue;
            }
            for (int id : ids) {
                TargetDef t = c.targets().get(id);
                if (t != null && t.state() == bng.core.config.ObjectState.ENABLED
                    && health.state(id) == bng.core.api.TargetHealth.UP) {
                    return "up";
                }
            }
        }
        return "down";
    }

    private static String address(String address, Integer port, String fallback) {
        if (address == null) {
            return fallback;
        }
        return port == null ? address : address + ":" + port;
    }
}
