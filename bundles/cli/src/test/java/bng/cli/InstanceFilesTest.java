package bng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceFilesTest {
    @TempDir Path dir;

    @Test
    void eachInstanceHasItsOwnFiles() {
        InstanceFiles zero = new InstanceFiles(Path.of("/run/bng"), 0);
        assertEquals(Path.of("/run/bng/bng.0.pid"), zero.pidFile());
        assertEquals(Path.of("/run/bng/bng.0.sock"), zero.socket());
        assertEquals(Path.of("/run/bng/bng.0.log"), zero.logFile());
        assertEquals(Path.of("/run/bng/bng.41.sock"), new InstanceFiles(Path.of("/run/bng"), 41).socket());
    }

    @Test
    void defaultConfigFollowsBalanceNG() {
        assertEquals(Path.of("/etc/bng.conf"), InstanceFiles.defaultConfig(0));
        assertEquals(Path.of("/etc/bng.7.conf"), InstanceFiles.defaultConfig(7));
    }

    @Test
    void messagesNameOnlyOtherInstances() {
        assertEquals("", new InstanceFiles(dir, 0).instanceWords());
        assertEquals("instance 41 ", new InstanceFiles(dir, 41).instanceWords());
    }

    @Test
    void runDirIsCreatedOwnerOnly() throws Exception {
        InstanceFiles files = new InstanceFiles(dir.resolve("run/bng"), 0);
        files.createRunDir();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.runDir())));
        assertFalse(files.runDirForbidden());
        files.createRunDir(); // again: no error
    }
}
