package bng.metrics;

import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.TargetDef;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code /status.json}: servers and targets with state and counters, for the status page, which
 * turns the byte counters into rates itself (so a slow browser never loses traffic, only points).
 */
final class StatusJson {
    private final Supplier<Configuration> config;
    private final SessionTable sessions;
    private final TargetHealth health;

    StatusJson(Supplier<Configuration> config, SessionTable sessions, TargetHealth health) {
        this.config = config;
        this.sessions = sessions;
        this.health = health;
    }

    String render(long nowMillis) {
        Configuration c = config.get();
        StringBuilder j = new StringBuilder(512);
        j.append("{\"time\":").append(nowMillis);
        j.append(",\"hostname\":").append(quote(c.hostname() == null ? "" : c.hostname()));
        j.append(",\"servers\":[");
        String sep = "";
        for (ServerDef s : c.servers().values()) {
            SessionTable.Counters k = sessions.serverCounters(s.id());
            j.append(sep).append("{\"id\":").append(s.id())
                .append(",\"address\":").append(quote(Names.server(s)))
                .append(",\"state\":").append(quote(Names.serverState(s, c, health)))
                .append(",\"targets\":").append(ids(s.targets()))
                .append(",\"backup\":").append(ids(s.backup()));
            counters(j, k);
            j.append('}');
            sep = ",";
        }
        j.append("],\"targets\":[");
        sep = "";
        Map<Integer, TargetHealth.Status> why = health.all().stream()
            .collect(Collectors.toMap(TargetHealth.Status::target, s -> s));
        for (TargetDef t : c.targets().values()) {
            SessionTable.Counters k = sessions.targetCounters(t.id());
            TargetHealth.Status st = why.get(t.id());
            j.append(sep).append("{\"id\":").append(t.id())
                .append(",\"address\":").append(quote(Names.target(t)))
                .append(",\"state\":").append(quote(t.state() == ObjectState.ENABLED
                    ? TargetHealth.name(health.state(t.id())) : "disabled"))
                .append(",\"since\":").append(st == null ? 0 : st.sinceMillis())
                .append(",\"reason\":").append(quote(st == null ? "" : st.reason()));
            counters(j, k);
            j.append('}');
            sep = ",";
        }
        j.append("]}");
        return j.toString();
    }

    private static void counters(StringBuilder j, SessionTable.Counters k) {
        j.append(",\"packets\":").append(k.packets()).append(",\"bytes\":").append(k.bytes())
            .append(",\"newSessions\":").append(k.newSessions()).append(",\"activeSessions\":").append(k.active());
    }

    private static String ids(List<Integer> ids) {
        return ids == null ? "[]" : ids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    /** A JSON string (RFC 8259 §7): quote, backslash and control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
