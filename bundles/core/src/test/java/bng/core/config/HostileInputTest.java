package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** No input makes the parser throw, hang or report an internal error (fixed seeds, bounded sizes). */
class HostileInputTest {
    private static final List<String> VOCABULARY = List.of("hostname", "modules", "set", "interface", "interfaces",
            "network", "networks", "gateway", "vrrp", "server", "servers", "target", "targets", "register", "enable",
            "disable", "unregister", "name", "access", "raw", "threads", "trackval", "addr", "mask", "real", "virt",
            "mask6", "real6", "virt6", "nat", "inside", "outside", "syncpeer", "ipaddr", "ipaddr6", "port", "protocol",
            "tcp", "udp", "method", "rr", "rndagent", "sessionid", "src+port", "proxy", "prx", "prx6", "backup",
            "tcpopen", "ping", "ping6", "agent", "agent6", "arp", "script", "alert", "upalert", "dsr", "weight", "vrid", "priority", "tracking",
            "ipforwarding", "sessions", "0", "1", "2", "3", "80", "65536", "99999999999999999999", "-1", "1,2",
            "1,1", "1,,", ",", "80,3,10", "3,8", "198.18.0.1", "198.18.0.0", "255.255.255.0", "24", "2001:db8::1",
            "::", "1::2::3", "{", "}", "\n", "\n", "\n", "//", "\"", "\"quoted text\"", "\t", "\r\n", "\u0000",
            "\uD83D\uDE00", "\uFFFF");

    private static void assertSurvives(String text) {
        ConfigResult r = ConfigParser.parse("fuzz", text, Configuration.empty());
        assertEquals(r.errors().isEmpty(), r.configuration() != null);
        r.errors().forEach(e -> assertFalse(e.message().startsWith("internal error"), e::toString));
        ConfigParser.needsMore(text);
        if (r.ok()) { // whatever parsed must also save and parse back
            assertEquals(r.configuration(), ConfigParser.parse("saved", ConfigWriter.save(r.configuration(), "t"),
                    Configuration.empty()).configuration());
        }
    }

    @Test
    void randomTokenStreams() {
        Random random = new Random(42);
        for (int i = 0; i < 3000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(60); n > 0; n--) {
                text.append(VOCABULARY.get(random.nextInt(VOCABULARY.size()))).append(random.nextInt(4) == 0 ? "" : " ");
            }
            assertSurvives(text.toString());
        }
    }

    @Test
    void randomBytes() {
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            byte[] bytes = new byte[random.nextInt(2000)];
            random.nextBytes(bytes);
            assertSurvives(new String(bytes, StandardCharsets.UTF_8));
            assertSurvives(new String(bytes, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void pathologicalShapes() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertSurvives("{".repeat(200_000));
            assertSurvives("target 1 " + "{".repeat(100_000) + "}".repeat(100_000));
            assertSurvives("}".repeat(100_000));
            assertSurvives("target 1 name " + "x".repeat(1 << 20));
            assertSurvives("target 1 name \"" + "x".repeat(1 << 20));
            assertSurvives("server 1 targets " + "1,".repeat(500_000));
            assertSurvives("register targets " + "7,".repeat(30_000) + "7");
            assertSurvives("target " + "9".repeat(100_000));
            assertSurvives("target 1 ipaddr6 " + ":".repeat(1 << 20));
            assertSurvives("\n".repeat(1 << 20));
            assertSurvives("target 1 weight 5\n".repeat(50_000));
        });
    }

    @Test
    void errorsAndListedIdsAreBounded() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            // A file of garbage gives the first errors and how many more, not one per line.
            List<ConfigError> errors = ConfigParser.parse("g.conf", "wibble\n".repeat(10_000), Configuration.empty())
                    .errors();
            assertEquals(ConfigParser.MAX_ERRORS + 1, errors.size());
            assertEquals("g.conf:101:1: 9900 more errors from here on are not shown", errors.getLast().toString());
            // Thousands of 1-65532 ranges would fill memory: the text may list 1048576 ids in all.
            StringBuilder text = new StringBuilder();
            for (int i = 1; i <= 3000; i++) {
                text.append("server ").append(i).append(" targets 1-65532\n");
            }
            errors = ConfigParser.parse("r.conf", text.toString(), Configuration.empty()).errors();
            assertEquals("r.conf:17:19: server 17 targets: more than 1048576 ids are listed in this text (BalanceNG's "
                    + "limits, 512 servers and 1024 targets, need at most 524288)", errors.get(16).toString());
            // 65532 targets listed one by one: linear, not quadratic, in the list's length.
            StringBuilder all = new StringBuilder();
            StringBuilder list = new StringBuilder();
            for (int i = 1; i <= Values.MAX_SERVER_TARGET_ID; i++) {
                all.append("target ").append(i).append('\n');
                list.append(i == 1 ? "" : ",").append(i);
            }
            all.append("server 1 targets ").append(list).append("\nregister targets ").append(list).append('\n');
            assertTrue(ConfigParser.parse("l.conf", all.toString(), Configuration.empty()).ok());
        });
    }
}
