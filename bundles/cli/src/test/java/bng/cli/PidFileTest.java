package bng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
    @TempDir Path dir;

    InstanceFiles files() {
        return new InstanceFiles(dir, 0);
    }

    @Test
    void noPidFileMeansNotRunning() throws Exception {
        PidFile pidFile = new PidFile(files());
        assertEquals(Optional.empty(), pidFile.liveProcess());
        assertFalse(pidFile.removeIfStale());
    }

    @Test
    void garbageInThePidFileIsStale() throws Exception {
        Files.writeString(files().pidFile(), "not a number\n");
        PidFile pidFile = new PidFile(files());
        assertEquals(Optional.empty(), pidFile.liveProcess());
        assertTrue(pidFile.removeIfStale());
        assertFalse(Files.exists(files().pidFile()));
    }

    @Test
    void deadProcessLeavesStaleFilesThatAreRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(files().pidFile(), gone.pid() + "\n");
        Files.createFile(files().socket());
        PidFile pidFile = new PidFile(files());
        assertEquals(Optional.empty(), pidFile.liveProcess());
        assertTrue(pidFile.removeIfStale());
        assertFalse(Files.exists(files().pidFile()));
        assertFalse(Files.exists(files().socket()));
    }

    @Test
    void liveProcessThatIsNotBngIsStale() throws Exception {
        // A reused pid: this test JVM lives, but it does not run bng.jar.
        Files.writeString(files().pidFile(), ProcessHandle.current().pid() + "\n");
        assertEquals(Optional.empty(), new PidFile(files()).liveProcess());
    }

    @Test
    void liveBngProcessCountsAndIsKept() throws Exception {
        // bash -c '...' NAME: NAME is $0 and so part of the command line; "; true" keeps bash from exec'ing sleep.
        Process fake = new ProcessBuilder("bash", "-c", "sleep 30; true", "runtime/target/bng.jar").start();
        try {
            Files.writeString(files().pidFile(), fake.pid() + "\n");
            PidFile pidFile = new PidFile(files());
            assertEquals(fake.pid(), pidFile.liveProcess().orElseThrow().pid());
            assertFalse(pidFile.removeIfStale());
            assertTrue(Files.exists(files().pidFile()));
        } finally {
            fake.destroyForcibly().waitFor();
        }
    }
}
