package bng.core.impl;

import bng.core.api.SessionTable;
import bng.core.api.ShowTopic;
import bng.core.config.IpAddresses;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code show sessions [server N] [target N] [client IP]}: the session table, sorted by server,
 * client and port, at most {@link #MAX_ROWS} rows (a summary line says how many matched), then the
 * table's size, capacity and refusals. Port {@code -} means the session is keyed by the client
 * address only ({@code sessionid src}). Generic NAT's mappings (ids above
 * {@link SessionTable#MAX_CONFIG_ID}) are counted, not listed, unless asked for by id: {@code show nat}.
 */
@Component(property = {ShowTopic.TOPIC + "=sessions", ShowTopic.DESCRIPTION + "=client sessions [server N] [target N] [client IP]"})
public final class SessionsTopic implements ShowTopic {
    static final int MAX_ROWS = 10_000;
    static final String USAGE = "usage: show sessions [server N] [target N] [client IP]\n";

    @Reference
    SessionTable sessions;

    private record Row(int client, int port, int server, int target, int state, long idleMillis) {}

    @Override
    public void show(List<String> args, StringBuilder out) {
        int server = -1;
        int target = -1;
        int client = 0;
        boolean anyClient = true;
        try {
            for (int i = 0; i < args.size(); i += 2) {
                String word = args.get(i);
                String value = args.get(i + 1);
                switch (word) {
                    case "server" -> server = Integer.parseInt(value);
                    case "target" -> target = Integer.parseInt(value);
                    case "client" -> {
                        Inet4Address a = IpAddresses.parseIpv4(value);
                        byte[] b = a.getAddress();
                        client = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
                        anyClient = false;
                    }
                    default -> throw new IllegalArgumentException(word);
                }
            }
        } catch (RuntimeException e) {
            out.append(USAGE);
            return;
        }
        List<Row> rows = new ArrayList<>();
        int[] matched = {0};
        int[] nat = {0};
        boolean natAsked = server > SessionTable.MAX_CONFIG_ID || target > SessionTable.MAX_CONFIG_ID;
        sessions.forEach(server, target, client, anyClient, (c, p, s, t, st, idle) -> {
            if (s > SessionTable.MAX_CONFIG_ID && !natAsked) {
                nat[0]++; // generic NAT's mappings: show nat
            } else if (matched[0]++ < MAX_ROWS) {
                rows.add(new Row(c, p, s, t, st, idle));
            }
        });
        rows.sort(Comparator.comparingInt(Row::server).thenComparing(r -> r.client() & 0xffff_ffffL).thenComparingInt(Row::port));
        TextTable table = new TextTable("client", "port", "server", "target", "state", "idle");
        for (Row r : rows) {
            table.row(ipv4(r.client()), r.port() == 0 ? "-" : r.port(), r.server(), r.target(),
                SessionTable.stateName(r.state()), r.idleMillis() / 1000 + "s");
        }
        table.appendTo(out);
        if (matched[0] > rows.size()) {
            out.append(String.format("(%d more not shown)%n", matched[0] - rows.size()));
        }
        out.append(String.format("%d sessions, capacity %d, refused %d%n", sessions.size(), sessions.capacity(),
            sessions.refused()));
        if (nat[0] > 0) {
            out.append(String.format("(%d of them generic NAT mappings: show nat)%n", nat[0]));
        }
    }

    static String ipv4(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }
}
