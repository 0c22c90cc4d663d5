package bng.bgp;

import bng.core.config.BgpDef;
import bng.core.config.IpAddresses;
import java.net.Inet4Address;
import java.util.List;

/**
 * The BIRD 2 configuration this node's daemon runs, generated whole from the {@code bgp}
 * statement and the VIPs to announce (BIRD 2.0 user's guide, chapters 3 and 6: static, BGP).
 *
 * <p>Each VIP is a static /32 route through the liveness interface with {@code check link}: BIRD
 * keeps the route only while that interface has its link, and it has it only while bng holds it
 * open ({@link LivenessInterface}), so a bng that dies, even by {@code kill -9}, has its VIPs
 * withdrawn by BIRD at once. The BGP sessions export nothing but these routes and import nothing:
 * the node routes nothing itself.
 */
final class BirdConfig {
    static final String STATIC_PROTOCOL = "bng_vips";

    private BirdConfig() {}

    static String render(BgpDef bgp, List<Inet4Address> vips, String liveness, String logFile) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by bng (module bgp) from its bgp statement; rewritten on every change.\n");
        if (logFile != null) {
            b.append("log \"").append(logFile).append("\" { info, remote, warning, error, auth, fatal, bug };\n");
        }
        if (bgp != null && bgp.routerid() != null) {
            b.append("router id ").append(IpAddresses.format(bgp.routerid())).append(";\n");
        }
        b.append("protocol device {\n  scan time 10;\n}\n");
        b.append("protocol static ").append(STATIC_PROTOCOL).append(" {\n  ipv4;\n  check link;\n");
        for (Inet4Address vip : vips) {
            b.append("  route ").append(IpAddresses.format(vip)).append("/32 via \"").append(liveness)
                    .append("\";\n");
        }
        b.append("}\n");
        if (AnnouncementPlan.incomplete(bgp) != null) {
            return b.toString();
        }
        int n = 0;
        for (Inet4Address neighbor : bgp.neighbors()) {
            b.append("protocol bgp router").append(++n).append(" {\n");
            b.append("  local as ").append(bgp.asn()).append(";\n");
            b.append("  neighbor ").append(IpAddresses.format(neighbor)).append(" as ").append(bgp.peeras())
                    .append(";\n");
            if (bgp.hold() != null) {
                b.append("  hold time ").append(bgp.hold()).append(";\n");
            }
            // A node that is gone must lose its routes, not have them kept stale (RFC 4724);
            // and a session should come back in seconds, not BIRD's default 120 s.
            b.append("  graceful restart off;\n  connect retry time 2;\n  error wait time 1, 10;\n");
            b.append("  ipv4 {\n    import none;\n    export where proto = \"").append(STATIC_PROTOCOL)
                    .append("\";\n  };\n}\n");
        }
        return b.toString();
    }
}
