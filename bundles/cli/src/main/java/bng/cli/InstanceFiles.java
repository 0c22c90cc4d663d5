package bng.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Where one instance keeps its pid file, control socket and log: all in the run directory. */
public record InstanceFiles(Path runDir, int instance) {

    public static Path defaultConfig(int instance) {
        return Path.of(instance == 0 ? "/etc/bng.conf" : "/etc/bng." + instance + ".conf");
    }

    public Path pidFile() {
        return runDir.resolve("bng." + instance + ".pid");
    }

    public Path socket() {
        return runDir.resolve("bng." + instance + ".sock");
    }

    /** The daemon's log, rotated by the daemon itself (bng.N.log.1, .2, ...). */
    public Path logFile() {
        return runDir.resolve("bng." + instance + ".log");
    }

    /** What the daemon's JVM itself prints (crashes, before logging is set up); emptied at each start. */
    public Path outFile() {
        return runDir.resolve("bng." + instance + ".out");
    }

    /** "instance N " for BalanceNG's messages, empty for instance 0 — as BalanceNG prints them. */
    public String instanceWords() {
        return instance == 0 ? "" : "instance " + instance + " ";
    }

    /** Creates the run directory owner-only: the socket in it is the root-only way in (no TCP port). */
    public void createRunDir() throws IOException {
        if (!Files.isDirectory(runDir)) {
            Files.createDirectories(runDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** True when the run directory exists but this user may not look into it (not root). */
    public boolean runDirForbidden() {
        return Files.isDirectory(runDir) && !(Files.isExecutable(runDir) && Files.isReadable(runDir));
    }
}
