package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** {@code set metricsport} / {@code set metricsaddr}: the listener of issue 12. */
class MetricsSettingsTest {
    @Test
    void defaultsAreNoListenerOnLoopback() throws Exception {
        Configuration c = Configuration.empty();
        assertEquals(0, c.setting(Setting.METRICSPORT));
        assertEquals(InetAddress.getByName("127.0.0.1"), c.address(Setting.METRICSADDR));
        assertThrows(IllegalArgumentException.class, () -> c.setting(Setting.METRICSADDR));
    }

    @Test
    void addressIsKeptCanonicalAndSavedBack() throws Exception {
        Configuration c = ConfigParserTest.ok("""
                set { metricsport 9300 metricsaddr 2001:DB8:0:0:0:0:0:1 }
                """);
        assertEquals(9300, c.setting(Setting.METRICSPORT));
        assertEquals(InetAddress.getByName("2001:db8::1"), c.address(Setting.METRICSADDR));
        String saved = ConfigWriter.save(c, "t", ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertEquals(true, saved.contains("set       metricsaddr 2001:db8::1\n"), saved);
        assertEquals(c, ConfigParser.parse("saved", saved, Configuration.empty()).configuration());
    }
}
