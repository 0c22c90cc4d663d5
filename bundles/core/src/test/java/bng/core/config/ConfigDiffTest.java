package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
    private static Configuration parse(String text, Configuration base) {
        ConfigResult r = ConfigParser.parse("t.conf", text, base);
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    private static final String BASE = """
        target 1 { ipaddr 198.18.0.11 port 80 }
        target 2 { ipaddr 198.18.0.12 port 80 }
        server 1 { ipaddr 198.18.0.100 port 80 targets 1,2 }
        register targets 1,2
        enable targets 1,2
        """;

    @Test
    void anUnrelatedChangeTouchesOnlyItsObject() {
        Configuration a = parse(BASE, Configuration.empty());
        Configuration b = parse("target 2 weight 5\ntarget 3 { ipaddr 198.18.0.13 port 80 }\n", a);
        ConfigDiff d = ConfigDiff.of(a, b);
        assertEquals(Set.of(3), d.targets().added());
        assertEquals(Set.of(2), d.targets().changed());
        assertTrue(d.targets().removed().isEmpty());
        assertTrue(d.servers().isEmpty(), "server 1 is untouched");
        assertTrue(d.networks().isEmpty());
    }

    @Test
    void aStateChangeIsAChangeAndIdenticalSnapshotsAreEmpty() {
        Configuration a = parse(BASE, Configuration.empty());
        Configuration b = parse("disable target 1\n", a);
        assertEquals(Set.of(1), ConfigDiff.of(a, b).targets().changed());
        assertTrue(ConfigDiff.of(a, parse(BASE, Configuration.empty())).isEmpty());
        assertEquals(Set.of(1, 2), ConfigDiff.of(a, Configuration.empty()).targets().removed());
    }
}
