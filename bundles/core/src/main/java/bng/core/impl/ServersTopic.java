package bng.core.impl;

import bng.core.api.RunningConfig;
import bng.core.api.SessionTable;
import bng.core.api.ShowTopic;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.config.IpAddresses;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.TargetDef;
import java.util.List;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code show servers}: the configured virtual servers with their state and counters. Core's, not
 * slb's: it combines configuration, target health and the session table, all of which live in
 * core, so it answers with slb removed too.
 *
 * <p>State: {@code disabled} when the server is not enabled; else {@code up} when at least one of
 * its enabled targets (primary or backup) is up, {@code unknown} when none is up but some is still
 * unchecked, {@code down} otherwise.
 */
@Component(property = {ShowTopic.TOPIC + "=servers", ShowTopic.DESCRIPTION + "=virtual servers, their state and counters"})
public final class ServersTopic implements ShowTopic {
    @Reference
    RunningConfig running;
    @Reference
    TargetHealth health;
    @Reference
    SessionTable sessions;

    @Override
    public void show(List<String> args, StringBuilder out) {
        Configuration c = running.current();
        TextTable t = new TextTable("id", "address", "port", "protocol", "method", "targets", "backup", "state", "sessions",
            "packets-in", "bytes-in");
        for (ServerDef s : c.servers().values()) {
            SessionTable.Counters n = sessions.serverCounters(s.id());
            t.row(s.id(), s.ipaddr() != null ? IpAddresses.format(s.ipaddr())
                    : s.ipaddr6() != null ? IpAddresses.format(s.ipaddr6()) : null, s.port(),
                s.protocol() == null ? "any" : s.protocol().keyword(), s.method().keyword(), ids(s.targets()),
                ids(s.backup()), state(c, s, health), n.active(), n.packets(), n.bytes());
        }
        t.appendTo(out);
    }

    static String ids(List<Integer> ids) {
        return ids.isEmpty() ? "-" : ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    static String state(Configuration c, ServerDef s, TargetHealth health) {
        if (s.state() != ObjectState.ENABLED) {
            return "disabled";
        }
        boolean unknown = false;
        for (List<Integer> list : List.of(s.targets(), s.backup())) {
            for (int id : list) {
                TargetDef t = c.targets().get(id);
                if (t == null || t.state() != ObjectState.ENABLED) {
                    continue;
                }
                int h = health.state(id);
                if (h == TargetHealth.UP) {
                    return "up";
                }
                unknown |= h == TargetHealth.UNKNOWN;
            }
        }
        return unknown ? "unknown" : "down";
    }
}
