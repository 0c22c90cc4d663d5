package bng.bgp;

import bng.core.api.TargetHealth;
import bng.core.config.BgpDef;
import bng.core.config.Configuration;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.TargetDef;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Decides which VIPs this node announces: an enabled server with an IPv4 address is announced
 * while at least one of its enabled targets (primary or backup) is up in core's health board, and
 * withdrawn otherwise; nothing is announced while the {@code bgp} statement lacks what a session
 * needs. A node that is down announces nothing because its daemon loses the liveness interface
 * ({@link LivenessInterface}), not because of anything decided here.
 */
final class AnnouncementPlan {
    private AnnouncementPlan() {}

    /** What the bgp statement still lacks for a BGP session, or null when complete. */
    static String incomplete(BgpDef bgp) {
        if (bgp == null) {
            return "no bgp statement";
        }
        StringJoiner missing = new StringJoiner(", ");
        if (bgp.asn() == null) {
            missing.add("asn");
        }
        if (bgp.neighbors().isEmpty()) {
            missing.add("neighbor");
        }
        if (bgp.peeras() == null) {
            missing.add("peeras");
        }
        return missing.length() == 0 ? null : "bgp lacks " + missing;
    }

    static List<Announcement> of(Configuration c, TargetHealth health) {
        String incomplete = incomplete(c.bgp());
        List<Announcement> out = new ArrayList<>();
        for (ServerDef s : c.servers().values()) {
            if (s.ipaddr() == null) {
                continue; // an IPv6-only server: IPv6 announcements are not built yet
            }
            if (incomplete != null) {
                out.add(new Announcement(s.id(), s.ipaddr(), false, incomplete));
            } else if (s.state() != ObjectState.ENABLED) {
                out.add(new Announcement(s.id(), s.ipaddr(), false,
                        "server " + s.state().name().toLowerCase(java.util.Locale.ROOT) + ", not enabled"));
            } else {
                out.add(judge(c, s, health));
            }
        }
        return out;
    }

    private static Announcement judge(Configuration c, ServerDef s, TargetHealth health) {
        StringJoiner up = new StringJoiner(",");
        StringJoiner notUp = new StringJoiner(", ");
        List<Integer> all = new ArrayList<>(s.targets());
        all.addAll(s.backup());
        for (int id : all) {
            TargetDef t = c.targets().get(id);
            if (t == null || t.state() != ObjectState.ENABLED) {
                notUp.add(id + " not enabled");
            } else if (health.state(id) == TargetHealth.UP) {
                up.add(Integer.toString(id));
            } else {
                notUp.add(id + " " + TargetHealth.name(health.state(id)));
            }
        }
        if (up.length() > 0) {
            return new Announcement(s.id(), s.ipaddr(), true, "targets up: " + up);
        }
        return new Announcement(s.id(), s.ipaddr(), false,
                all.isEmpty() ? "server has no targets" : "no target up (" + notUp + ")");
    }
}
