package bng.bgp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One BIRD 2 daemon per bng instance, driven through its own programs: {@code bird} started with
 * this instance's configuration file and control socket in the run directory, {@code birdc
 * configure} to apply a new configuration (BIRD reloads it without dropping sessions whose options
 * did not change), {@code birdc down} to stop it. A daemon left running by a bng that died is
 * found by its socket and taken over. Every command is bounded by {@link #TIMEOUT_SECONDS}.
 */
final class BirdDaemon {
    static final int TIMEOUT_SECONDS = 10;

    final Path config;
    final Path socket;
    final Path pidFile;
    final Path log;

    BirdDaemon(Path dir, String instance) {
        config = dir.resolve("bird." + instance + ".conf");
        socket = dir.resolve("bird." + instance + ".ctl");
        pidFile = dir.resolve("bird." + instance + ".pid");
        log = dir.resolve("bird." + instance + ".log");
    }

    /** Debian's bird2 puts both programs in /usr/sbin; PATH is the fallback. */
    static String program(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        return name;
    }

    boolean installed() {
        return Files.isExecutable(Path.of(program("bird")));
    }

    /** True when a daemon answers on this instance's socket. */
    boolean running() {
        if (!Files.exists(socket)) {
            return false;
        }
        Result r = birdc("show", "status");
        return r.ok() && r.output.contains("Daemon is up");
    }

    /** Writes the configuration and makes the daemon run it: reconfigures a running one, else starts one. */
    void apply(String text) throws IOException {
        Files.createDirectories(config.getParent());
        Path tmp = config.resolveSibling(config.getFileName() + ".new");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (running()) {
            Result r = birdc("configure");
            if (!r.ok() || !r.output.contains("Reconfigur")) {
                throw new IOException("birdc configure failed: " + r.output.strip());
            }
            return;
        }
        Files.deleteIfExists(socket); // a stale socket of a daemon that died
        Result r = run(List.of(program("bird"), "-c", config.toString(), "-s", socket.toString(), "-P",
                pidFile.toString()));
        if (!r.ok()) {
            throw new IOException("bird did not start: " + r.output.strip());
        }
        for (int i = 0; i < 50 && !running() && !exited(); i++) {
            sleep(100);
        }
        if (!running()) {
            throw new IOException("bird started but does not answer on " + socket + lastLogLine());
        }
    }

    /** True when BIRD wrote its pid file and that process is gone (it exits on a fatal error). */
    private boolean exited() {
        try {
            String pid = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            return !pid.isEmpty() && !Files.exists(Path.of("/proc", pid));
        } catch (IOException e) {
            return false; // no pid file yet
        }
    }

    /** BIRD's last log line (it logs why it exited there, e.g. no router id), for messages. */
    private String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : "; its log ends: " + lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the daemon: its sessions close with a Cease (RFC 4486), so routers withdraw at once. */
    void stop() {
        if (running()) {
            birdc("down");
        }
    }

    Result birdc(String... args) {
        List<String> cmd = new ArrayList<>(List.of(program("birdc"), "-s", socket.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** The outcome of one command: exit status (-1 when it timed out or could not start) and output. */
    record Result(int status, String output) {
        boolean ok() {
            return status == 0;
        }
    }

    static Result run(List<String> cmd) {
        Path out = null;
        try {
            out = Files.createTempFile("bng-bgp", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", cmd) + ": no answer in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, String.join(" ", cmd) + ": interrupted");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
