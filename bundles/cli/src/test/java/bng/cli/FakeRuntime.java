package bng.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stands in for runtime/target/bng.jar in the bin/bng tests: writes the pid file, serves the
 * control socket, and exits after {@code shutdown} — what the real runtime promises the client.
 */
public final class FakeRuntime {
    public static void main(String[] args) throws Exception {
        InstanceFiles files = new InstanceFiles(Path.of(System.getProperty("bng.rundir")),
                Integer.parseInt(System.getProperty("bng.instance")));
        System.out.println("fake runtime: instance " + files.instance() + " config " + System.getProperty("bng.config")
                + " log " + System.getProperty("bng.log"));
        Files.writeString(files.pidFile(), ProcessHandle.current().pid() + "\n");
        try (FakeControlServer server = new FakeControlServer(files.socket())) {
            while (!server.shutdownRequested) Thread.sleep(20);
            Thread.sleep(50); // let the BYE reach the client before the socket goes
        }
        Files.deleteIfExists(files.pidFile());
        System.out.println("fake runtime: shut down");
    }
}
