package bng.core.impl;

import bng.core.api.RunningConfig;
import bng.core.api.SessionTable;
import bng.core.api.ShowTopic;
import bng.core.api.TargetHealth;
import bng.core.config.IpAddresses;
import bng.core.config.ObjectState;
import bng.core.config.TargetDef;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code show targets}: each target's checks, its state ({@code draining} when not enabled in the
 * configuration but some of its sessions continue, {@code disabled} when none is left, else hc's
 * {@code up}/{@code down}/{@code unknown}), since when (last transition,
 * local time) and why, and its session and packet counters. The reason is free text, so it is
 * the last column.
 */
@Component(property = {ShowTopic.TOPIC + "=targets", ShowTopic.DESCRIPTION + "=targets, their health, since when and why, and counters"})
public final class TargetsTopic implements ShowTopic {
    static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Reference
    RunningConfig running;
    @Reference
    TargetHealth health;
    @Reference
    SessionTable sessions;

    @Override
    public void show(List<String> args, StringBuilder out) {
        Map<Integer, TargetHealth.Status> statuses = new HashMap<>();
        for (TargetHealth.Status s : health.all()) {
            statuses.put(s.target(), s);
        }
        TextTable t = new TextTable("id", "address", "port", "checks", "state", "since", "sessions", "packets", "reason");
        for (TargetDef d : running.current().targets().values()) {
            TargetHealth.Status st = statuses.get(d.id());
            boolean enabled = d.state() == ObjectState.ENABLED;
            SessionTable.Counters n = sessions.targetCounters(d.id());
            boolean draining = !enabled && n.active() > 0;
            String reason = st == null || st.reason().isEmpty() ? null : st.reason();
            if (draining) {
                long left = sessions.drainMillis(d.id());
                reason = "disabled: " + n.active() + (n.active() == 1 ? " session continues" : " sessions continue")
                    + (left < 0 ? "" : ", removed in " + (left + 999) / 1000 + " s");
            }
            t.row(d.id(), d.ipaddr() != null ? IpAddresses.format(d.ipaddr())
                    : d.ipaddr6() != null ? IpAddresses.format(d.ipaddr6()) : null, d.port(), checks(d),
                enabled ? TargetHealth.name(health.state(d.id())) : draining ? "draining" : "disabled",
                st == null || !enabled ? null : SINCE.format(java.time.Instant.ofEpochMilli(st.sinceMillis())),
                n.active(), n.packets(), reason);
        }
        t.appendTo(out);
    }

    static String checks(TargetDef d) {
        List<String> l = new ArrayList<>();
        if (d.tcpopen() != null) {
            l.add("tcpopen " + d.tcpopen());
        }
        if (d.ping() != null) {
            l.add("ping " + d.ping());
        }
        if (d.ping6() != null) {
            l.add("ping6 " + d.ping6());
        }
        if (d.agent() != null) {
            l.add("agent " + d.agent());
        }
        if (d.agent6() != null) {
            l.add("agent6 " + d.agent6());
        }
        if (d.arp() != null) {
            l.add("arp " + d.arp());
        }
        if (d.script() != null) {
            l.add("script");
        }
        return l.isEmpty() ? "-" : String.join(" ", l);
    }
}
