package bng.metrics;

import bng.core.api.SessionTable;
import bng.core.config.Configuration;
import bng.core.config.ServerDef;
import bng.core.config.TargetDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * BalanceNG's MIB subtree (enterprise 2771, Inlab) as far as it is known (reference §8), answered
 * for Net-SNMP's {@code pass} protocol: three lines — OID, type, value — or nothing.
 *
 * <pre>
 * .1.3.6.1.4.1.2771.1.5        string   node name (hostname, else the machine's)
 * .1.3.6.1.4.1.2771.1.60.3.S   string   server S's name (its address:port; the language has no name)
 * .1.3.6.1.4.1.2771.1.60.15.S  counter  bytes bng sent to clients for server S (0 in DSR: replies bypass bng)
 * .1.3.6.1.4.1.2771.1.60.17.S  counter  bytes bng received from clients for server S
 * .1.3.6.1.4.1.2771.1.70.3.T   string   target T's name (its address[:port])
 * .1.3.6.1.4.1.2771.1.70.27.T  counter  bytes bng sent to target T
 * .1.3.6.1.4.1.2771.1.70.29.T  counter  bytes bng received from target T (0 in DSR)
 * </pre>
 * Counters are SNMP Counter32 (RFC 2578 §7.1.6: they wrap at 2^32, as pollers expect).
 */
final class SnmpMib {
    static final int[] ROOT = {1, 3, 6, 1, 4, 1, 2771, 1};

    record Entry(int[] oid, String type, String value) {
        String oidText() {
            StringBuilder b = new StringBuilder();
            for (int c : oid) {
                b.append('.').append(c);
            }
            return b.toString();
        }

        /** The three lines of Net-SNMP's pass protocol. */
        String lines() {
            return oidText() + "\n" + type + "\n" + value + "\n";
        }
    }

    private final List<Entry> entries;

    /** The subtree now, in OID order. */
    SnmpMib(Configuration c, SessionTable sessions, String nodeName) {
        List<Entry> l = new ArrayList<>();
        l.add(new Entry(oid(5), "string", nodeName));
        List<ServerDef> servers = List.copyOf(c.servers().values());
        List<TargetDef> targets = List.copyOf(c.targets().values());
        for (ServerDef s : servers) {
            l.add(new Entry(oid(60, 3, s.id()), "string", Names.server(s)));
        }
        for (ServerDef s : servers) {
            l.add(new Entry(oid(60, 15, s.id()), "counter", "0"));
        }
        for (ServerDef s : servers) {
            l.add(new Entry(oid(60, 17, s.id()), "counter", counter32(sessions.serverCounters(s.id()).bytes())));
        }
        for (TargetDef t : targets) {
            l.add(new Entry(oid(70, 3, t.id()), "string", Names.target(t)));
        }
        for (TargetDef t : targets) {
            l.add(new Entry(oid(70, 27, t.id()), "counter", counter32(sessions.targetCounters(t.id()).bytes())));
        }
        for (TargetDef t : targets) {
            l.add(new Entry(oid(70, 29, t.id()), "counter", "0"));
        }
        l.sort((a, b) -> Arrays.compare(a.oid, b.oid));
        entries = List.copyOf(l);
    }

    List<Entry> entries() {
        return entries;
    }

    /** The object at exactly {@code oid}. */
    Optional<Entry> get(int[] oid) {
        return entries.stream().filter(e -> Arrays.equals(e.oid, oid)).findFirst();
    }

    /** The first object after {@code oid} in lexicographic OID order (RFC 1157 §4.1.3). */
    Optional<Entry> next(int[] oid) {
        return entries.stream().filter(e -> Arrays.compare(e.oid, oid) > 0).findFirst();
    }

    /** {@code .1.3.6...} or {@code 1.3.6...}; null when not an OID. */
    static int[] parse(String text) {
        String t = text.startsWith(".") ? text.substring(1) : text;
        if (t.isEmpty()) {
            return null;
        }
        String[] parts = t.split("\\.", -1);
        int[] oid = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                long v = Long.parseLong(parts[i]);
                if (v < 0 || v > 0xffff_ffffL) {
                    return null;
                }
                oid[i] = (int) v;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return oid;
    }

    static String counter32(long v) {
        return Long.toString(v & 0xffff_ffffL);
    }

    private static int[] oid(int... tail) {
        int[] o = Arrays.copyOf(ROOT, ROOT.length + tail.length);
        System.arraycopy(tail, 0, o, ROOT.length, tail.length);
        return o;
    }
}
