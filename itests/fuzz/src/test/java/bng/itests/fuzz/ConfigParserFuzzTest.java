package bng.itests.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.config.ConfigError;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.ConfigWriter;
import bng.core.config.Configuration;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link ConfigParser#parse} on any text, alone and on top of a real configuration: it never
 * throws, and never reaches its own last-resort "internal error" (that catch keeps the prompt alive,
 * but an internal error is a bug); a text it accepts is written by {@link ConfigWriter} and read
 * back without error.
 */
class ConfigParserFuzzTest {
    private static final Configuration BASE = ConfigParser.parse("base.conf", BusRig.CONFIG, Configuration.empty())
        .configuration();

    @FuzzTest
    void parse(String text) {
        check(ConfigParser.parse("fuzz.conf", text, Configuration.empty()));
        check(ConfigParser.parse("fuzz.conf", text, BASE));
        ConfigParser.needsMore(text);
    }

    private static void check(ConfigResult r) {
        assertNotNull(r);
        for (ConfigError e : r.errors()) {
            assertTrue(!e.message().startsWith("internal error"), () -> "parser bug: " + e);
        }
        if (r.ok()) {
            String written = ConfigWriter.save(r.configuration(), "fuzz");
            ConfigResult again = ConfigParser.parse("written.conf", written, Configuration.empty());
            assertTrue(again.ok(), () -> "what the writer wrote does not parse: " + again.errors() + "\n" + written);
        }
    }
}
