package bng.itests.commandline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runtime/systemd/bng@.service as systemd reads it: {@code systemd-analyze verify} on an instance
 * of the template, with the install path pointed at this tree (verify checks that ExecStart
 * exists), must pass with no complaint at all — verify exits 0 even for unknown keys, so any
 * output is a failure too.
 */
class SystemdUnitTest {
    private static final Path HOME = Path.of(System.getProperty("bng.home", "../..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void systemdAnalyzeVerifyAcceptsTheTemplateUnit() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "SKIPPED: systemd-analyze is not installed (Debian package systemd): "
            + "the unit is not verified on this machine");
        String unit = Files.readString(HOME.resolve("runtime/systemd/bng@.service"));
        assertTrue(unit.contains("ExecStart=/opt/bng/bin/bng -f start %i"), unit);
        assertTrue(unit.contains("ExecReload=/opt/bng/bin/bng reload %i"), unit);
        assertTrue(unit.contains("CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN CAP_NET_BIND_SERVICE"), unit);
        Path instance = tmp.resolve("bng@41.service");
        Files.writeString(instance, unit.replace("/opt/bng", HOME.toString()));
        Process p = new ProcessBuilder(analyze.toString(), "verify", instance.toString())
            .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify ended");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "no warnings");
    }
}
