package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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
}
