package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.RunningConfig;
import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code show servers}, {@code show targets}, {@code show sessions}: exact headers and rows. */
class SlbTopicsTest {
    static final String CONFIG = """
        server 1 {
          ipaddr 198.18.0.100
          port 80
          protocol tcp
          targets 1,2
          backup 3
        }
        server 2 { ipaddr 198.18.0.101 method hash targets 3 }
        target 1 { ipaddr 198.18.0.11 port 80 tcpopen 80,3,10 dsr enable }
        target 2 { ipaddr 198.18.0.12 port 80 tcpopen 80,3,10 ping 3,8 dsr enable }
        target 3 { ipaddr 198.18.0.13 }
        register servers 1,2
        register targets 1,2,3
        enable server 1
        enable targets 1,2
        """;

    Configuration config;
    HealthBoard health;
    SessionStore sessions;
    RunningConfig running;

    @BeforeEach
    void setUp() {
        ConfigResult r = ConfigParser.parse("t.conf", CONFIG, Configuration.empty());
        assertTrue(r.ok(), () -> r.errors().toString());
        config = r.configuration();
        health = new HealthBoard();
        sessions = new SessionStore(1000);
        running = new RunningConfig() {
            @Override
            public Configuration current() {
                return config;
            }

            @Override
            public bng.core.config.ConfigResult apply(String source, String text) {
                throw new UnsupportedOperationException();
            }

            @Override
            public bng.core.config.ConfigResult reload() {
                throw new UnsupportedOperationException();
            }

            @Override
            public String sourceFile() {
                return null;
            }
        };
    }

    String servers() {
        ServersTopic t = new ServersTopic();
        t.running = running;
        t.health = health;
        t.sessions = sessions;
        StringBuilder out = new StringBuilder();
        t.show(List.of(), out);
        return out.toString();
    }

    String targets() {
        TargetsTopic t = new TargetsTopic();
        t.running = running;
        t.health = health;
        t.sessions = sessions;
        StringBuilder out = new StringBuilder();
        t.show(List.of(), out);
        return out.toString();
    }

    String sessions(String... args) {
        SessionsTopic t = new SessionsTopic();
        t.sessions = sessions;
        StringBuilder out = new StringBuilder();
        t.show(List.of(args), out);
        return out.toString();
    }

    @Test
    void showServers() {
        health.report(1, TargetHealth.UP, "tcpopen 80: connected");
        sessions.insert(SessionTable.key(0xc6120010, 0, 1), 1, true, SessionTable.TCP_SYN);
        sessions.count(1, 1, 60);
        assertEquals("""
            id  address       port  protocol  method  targets  backup  state     sessions  packets-in  bytes-in
            1   198.18.0.100  80    tcp       rr      1,2      3       up        1         1           60
            2   198.18.0.101  -     any       hash    3        -       disabled  0         0           0
            """, servers());
    }

    @Test
    void aServerWithoutAnUpTargetIsUnknownThenDown() {
        assertTrue(servers().contains(" unknown "));
        health.report(1, TargetHealth.DOWN, "x");
        health.report(2, TargetHealth.DOWN, "x");
        assertTrue(servers().lines().toList().get(1).contains(" down "), "target 3 is not enabled, so it does not count");
    }

    @Test
    void showTargets() {
        health.report(2, TargetHealth.DOWN, "tcpopen 80: connection refused");
        long sinceMillis = health.all().getFirst().sinceMillis();
        String when = TargetsTopic.SINCE.format(java.time.Instant.ofEpochMilli(sinceMillis));
        sessions.insert(SessionTable.key(0xc6120010, 0, 1), 1, true, SessionTable.TCP_SYN);
        sessions.count(1, 1, 60);
        String dash = "-" + " ".repeat(when.length() - 1);
        String since = "since" + " ".repeat(when.length() - 5);
        assertEquals(
            "id  address      port  checks                    state     " + since + "  sessions  packets  reason\n"
            + "1   198.18.0.11  80    tcpopen 80,3,10           unknown   " + dash + "  1         1        -\n"
            + "2   198.18.0.12  80    tcpopen 80,3,10 ping 3,8  down      " + when + "  0         0        tcpopen 80: connection refused\n"
            + "3   198.18.0.13  -     -                         disabled  " + dash + "  0         0        -\n",
            targets());
    }

    @Test
    void aDisabledTargetDrainsThenIsDisabled() {
        health.report(1, TargetHealth.UP, "tcpopen 80: SYN-ACK in 0.3 ms");
        sessions.insert(SessionTable.key(0xc6120010, 0, 1), 1, true, SessionTable.TCP_SYN);
        Configuration disabled = ConfigParser.parse("t.conf", "set sessions 1000\nset draintimeout 20\ndisable target 1", config)
            .configuration();
        sessions.configurationChanged(config, disabled);
        health.forget(1); // what hc does for a target that is no longer enabled
        config = disabled;
        String row = targets().lines().toList().get(1);
        assertTrue(row.matches("1 +198\\.18\\.0\\.11 +80 +tcpopen 80,3,10 +draining +- +1 +0 +"
            + "disabled: 1 session continues, removed in 20 s"), row);
        sessions.advance(20_000);
        assertEquals(1, sessions.sweepAll());
        row = targets().lines().toList().get(1);
        assertTrue(row.matches("1 +198\\.18\\.0\\.11 +80 +tcpopen 80,3,10 +disabled +- +0 +0 +-"), row);
    }

    @Test
    void showSessionsWithFilters() {
        sessions.insert(SessionTable.key(0xc6120010, 0, 1), 1, true, SessionTable.TCP_SYN);
        sessions.insert(SessionTable.key(0xc6120011, 40000, 2), 3, false, 0);
        sessions.advance(3_000);
        assertEquals("""
            client       port   server  target  state  idle
            198.18.0.16  -      1       1       syn    3s
            198.18.0.17  40000  2       3       udp    3s
            2 sessions, capacity 1000, refused 0
            """, sessions());
        assertEquals("""
            client       port   server  target  state  idle
            198.18.0.17  40000  2       3       udp    3s
            2 sessions, capacity 1000, refused 0
            """, sessions("target", "3"));
        assertEquals("""
            client       port  server  target  state  idle
            198.18.0.16  -     1       1       syn    3s
            2 sessions, capacity 1000, refused 0
            """, sessions("client", "198.18.0.16", "server", "1"));
        assertEquals(SessionsTopic.USAGE, sessions("server"));
        assertEquals(SessionsTopic.USAGE, sessions("client", "nonsense"));
    }

    @Test
    void genericNatMappingsAreCountedNotListedUnlessAskedForById() {
        sessions.insert(SessionTable.key(0xc6120010, 0, 1), 1, true, SessionTable.TCP_SYN);
        sessions.insert(SessionTable.key(0xc6120105, 5353, SessionTable.NAT_UDP), SessionTable.NAT_UDP, false, 0);
        sessions.advance(3_000);
        assertEquals("""
            client       port  server  target  state  idle
            198.18.0.16  -     1       1       syn    3s
            2 sessions, capacity 1000, refused 0
            (1 of them generic NAT mappings: show nat)
            """, sessions());
        assertEquals("""
            client      port  server  target  state  idle
            198.18.1.5  5353  65534   65534   udp    3s
            2 sessions, capacity 1000, refused 0
            """, sessions("server", "65534"));
    }
}
