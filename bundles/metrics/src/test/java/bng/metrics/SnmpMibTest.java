package bng.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.SessionTable;
import bng.core.config.ConfigParser;
import bng.core.config.Configuration;
import bng.core.impl.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The walk a Net-SNMP agent makes through {@code bng -n}, and gets, over core's real counters. */
class SnmpMibTest {
    static final String CONFIG = """
        hostname lb1
        server 2 { ipaddr 198.18.0.101 port 53 protocol udp targets 10 }
        server 1 { ipaddr 198.18.0.100 port 80 protocol tcp targets 3,10 }
        target 3 { ipaddr 198.18.0.13 }
        target 10 { ipaddr 198.18.0.20 port 8080 }
        """;

    @Test
    void getNextWalksTheWholeSubtreeInOidOrder() {
        SnmpMib mib = mib();
        List<String> walked = new ArrayList<>();
        int[] oid = SnmpMib.parse(".1.3.6.1.4.1.2771");
        for (Optional<SnmpMib.Entry> e = mib.next(oid); e.isPresent(); e = mib.next(oid)) {
            walked.add(e.get().lines());
            oid = e.get().oid();
        }
        assertEquals(List.of(
            ".1.3.6.1.4.1.2771.1.5\nstring\nlb1\n",
            ".1.3.6.1.4.1.2771.1.60.3.1\nstring\n198.18.0.100:80\n",
            ".1.3.6.1.4.1.2771.1.60.3.2\nstring\n198.18.0.101:53\n",
            ".1.3.6.1.4.1.2771.1.60.15.1\ncounter\n0\n",
            ".1.3.6.1.4.1.2771.1.60.15.2\ncounter\n0\n",
            ".1.3.6.1.4.1.2771.1.60.17.1\ncounter\n1560\n",
            ".1.3.6.1.4.1.2771.1.60.17.2\ncounter\n100\n",
            ".1.3.6.1.4.1.2771.1.70.3.3\nstring\n198.18.0.13\n",
            ".1.3.6.1.4.1.2771.1.70.3.10\nstring\n198.18.0.20:8080\n",
            ".1.3.6.1.4.1.2771.1.70.27.3\ncounter\n1500\n",
            ".1.3.6.1.4.1.2771.1.70.27.10\ncounter\n60\n",
            ".1.3.6.1.4.1.2771.1.70.29.3\ncounter\n0\n",
            ".1.3.6.1.4.1.2771.1.70.29.10\ncounter\n0\n"), walked);
    }

    @Test
    void nextFromOutsideOrBetweenEntries() {
        SnmpMib mib = mib();
        // before the subtree (what snmpwalk of .1.3.6.1.4.1 asks first) and from a column prefix
        assertEquals(".1.3.6.1.4.1.2771.1.5", mib.next(SnmpMib.parse(".1.3.6.1.4.1")).orElseThrow().oidText());
        assertEquals(".1.3.6.1.4.1.2771.1.70.3.3", mib.next(SnmpMib.parse(".1.3.6.1.4.1.2771.1.70")).orElseThrow().oidText());
        // index 5 of column 60.3 does not exist: next is the first of column 60.15
        assertEquals(".1.3.6.1.4.1.2771.1.60.15.1", mib.next(SnmpMib.parse("1.3.6.1.4.1.2771.1.60.3.5")).orElseThrow().oidText());
        assertFalse(mib.next(SnmpMib.parse(".1.3.6.1.4.1.2771.1.70.29.10")).isPresent(), "end of the subtree");
        assertFalse(mib.next(SnmpMib.parse(".1.3.6.1.4.1.2772")).isPresent());
    }

    @Test
    void getAnswersOnlyExactObjects() {
        SnmpMib mib = mib();
        assertEquals(".1.3.6.1.4.1.2771.1.70.27.3\ncounter\n1500\n",
            mib.get(SnmpMib.parse(".1.3.6.1.4.1.2771.1.70.27.3")).orElseThrow().lines());
        assertEquals("lb1", mib.get(SnmpMib.parse(".1.3.6.1.4.1.2771.1.5")).orElseThrow().value());
        assertFalse(mib.get(SnmpMib.parse(".1.3.6.1.4.1.2771.1.70.27")).isPresent());
        assertFalse(mib.get(SnmpMib.parse(".1.3.6.1.4.1.2771.1.70.27.4")).isPresent());
    }

    @Test
    void parseRefusesWhatIsNotAnOid() {
        assertNull(SnmpMib.parse(""));
        assertNull(SnmpMib.parse(".1..3"));
        assertNull(SnmpMib.parse(".1.x"));
        assertNull(SnmpMib.parse(".1.-3"));
        assertTrue(SnmpMib.parse(".1.3.4294967295") != null);
    }

    @Test
    void commandPrintsPassLinesOrNothing() {
        SnmpCommand cmd = new SnmpCommand();
        cmd.sessions = sessions();
        Configuration c = ConfigParser.parse("t", CONFIG, Configuration.empty()).configuration();
        cmd.running = new bng.core.api.RunningConfig() {
            public Configuration current() { return c; }
            public String sourceFile() { return null; }
            public bng.core.config.ConfigResult apply(String s, String t) { throw new UnsupportedOperationException(); }
            public bng.core.config.ConfigResult reload() { throw new UnsupportedOperationException(); }
        };
        StringBuilder out = new StringBuilder();
        assertTrue(cmd.execute(List.of("next", ".1.3.6.1.4.1.2771.1.60.17.1"), out));
        assertEquals(".1.3.6.1.4.1.2771.1.60.17.2\ncounter\n100\n", out.toString());
        out.setLength(0);
        assertTrue(cmd.execute(List.of("get", ".1.3.6.1.4.1.2771.1.60.17.9"), out));
        assertEquals("", out.toString());
        assertFalse(cmd.execute(List.of("walk", ".1"), out));
    }

    private static SnmpMib mib() {
        Configuration c = ConfigParser.parse("t", CONFIG, Configuration.empty()).configuration();
        return new SnmpMib(c, sessions(), SnmpCommand.nodeName(c));
    }

    /** Server 1 carried 1500 + 60 bytes to targets 3 and 10; server 2 carried 2^32 + 100 (Counter32 wraps to 100). */
    private static SessionTable sessions() {
        SessionStore s = new SessionStore(100);
        s.count(1, 3, 1500);
        s.count(1, 10, 60);
        s.count(2, 11, Integer.MAX_VALUE);
        s.count(2, 11, Integer.MAX_VALUE);
        s.count(2, 11, 102);
        return s;
    }
}
