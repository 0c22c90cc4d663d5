package bng.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting and stopping one instance's daemon: the runtime ({@code bng.jar}) that bin/bng runs in
 * the foreground, detached into its own session and found again through the pid file and socket.
 */
public final class Daemon {
    private static final java.time.format.DateTimeFormatter LOG_TIME =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final Path home;
    private final Optional<Path> javaHome;
    private final InstanceFiles files;
    private final PidFile pidFile;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration startTimeout;

    public Daemon(Path home, Optional<Path> javaHome, InstanceFiles files, PrintStream out, PrintStream err,
            Duration startTimeout) {
        this.home = home;
        this.javaHome = javaHome;
        this.files = files;
        this.pidFile = new PidFile(files);
        this.out = out;
        this.err = err;
        this.startTimeout = startTimeout;
    }

    /**
     * What bin/bng runs before it execs the runtime for {@code -f start}: refuse a second daemon,
     * clean a dead one's files, validate. Prints the instance and the absolute config file (one a
     * line) for bin/bng, which cannot derive the default file name itself.
     */
    public int preflight(Path config) throws IOException {
        if (refuseIfRunning() || !prepare(config)) return 1;
        out.println(files.instance());
        out.println(config.toAbsolutePath());
        return 0;
    }

    public int start(Path config) throws IOException, InterruptedException {
        if (refuseIfRunning() || !prepare(config)) return 1;
        out.println("BalanceNG: starting up " + files.instanceWords() + "...");
        out.flush();
        Process child = spawn(config.toAbsolutePath());
        return awaitSocket(child) ? 0 : 1;
    }

    public int stop() throws IOException, InterruptedException {
        Optional<ProcessHandle> live = pidFile.liveProcess();
        if (live.isEmpty()) {
            pidFile.removeIfStale();
            out.println("BalanceNG: not running");
            return 0;
        }
        shutDown(live.get());
        return 0;
    }

    /**
     * Stop, then start — but only once the new start can succeed: the configuration is checked
     * first, and a file with errors leaves the running instance as it is (an operator's typo must
     * not take the farm down). Without {@code -c} ({@code configGiven} false) a running instance
     * restarts with the file it runs (what {@code bng status} says), as {@code reload} re-reads it.
     */
    public int restart(Path config, boolean configGiven) throws IOException, InterruptedException {
        Optional<ProcessHandle> live = pidFile.liveProcess();
        Path file = config;
        if (live.isPresent() && !configGiven) {
            file = runningConfig().orElse(config);
        }
        List<String> errors = ConfigCheck.errors(file);
        if (!errors.isEmpty()) {
            errors.forEach(err::println);
            live.ifPresent(p -> err.println("BalanceNG: not restarted: " + who(p) + " keeps running"));
            return 1;
        }
        if (live.isPresent()) shutDown(live.get());
        return start(file);
    }

    private String who(ProcessHandle p) {
        return files.instanceWords() + "PID " + p.pid();
    }

    /** The configuration file the running instance reads ({@code show status}'s config line), if it says. */
    private Optional<Path> runningConfig() {
        try (ControlClient client = ControlClient.connect(files.socket(), Duration.ofSeconds(10))) {
            ControlClient.Reply r = client.send("show status");
            return r.output().lines().filter(l -> l.startsWith("config:")).map(l -> l.substring(7).strip())
                    .filter(f -> !f.isEmpty() && !f.equals("-")).map(Path::of).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private boolean refuseIfRunning() {
        Optional<ProcessHandle> live = pidFile.liveProcess();
        live.ifPresent(p -> out.println("BalanceNG: already running with PID " + p.pid()));
        return live.isPresent();
    }

    private boolean prepare(Path config) throws IOException {
        files.createRunDir();
        pidFile.removeIfStale();
        List<String> errors = ConfigCheck.errors(config);
        errors.forEach(err::println);
        return errors.isEmpty();
    }

    private Process spawn(Path config) throws IOException {
        // setsid: the daemon leaves our session, so it outlives the terminal and this client.
        ProcessBuilder builder = new ProcessBuilder("setsid", home.resolve("bin/bng").toString(),
                "-f", "-c", config.toString(), "start", Integer.toString(files.instance()));
        builder.environment().put("BNG_RUN_DIR", files.runDir().toString());
        // the daemon logs to its own rotated file; its JVM's output goes to bng.N.out
        builder.environment().put("BNG_LOG_FILE", files.logFile().toString());
        javaHome.ifPresent(j -> builder.environment().put("BNG_JAVA_HOME", j.toString()));
        // the same line format as the daemon's (docs/architecture.md, "Logs")
        Files.writeString(files.logFile(), LOG_TIME.format(Instant.now()) + " INFO bng.cli.Daemon: starting instance "
                + files.instance() + " with " + config + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.redirectOutput(ProcessBuilder.Redirect.to(files.outFile().toFile()));
        builder.redirectErrorStream(true);
        return builder.start();
    }

    /** Up means the socket answers the protocol, not merely that the process lives. */
    private boolean awaitSocket(Process child) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(files.socket())) {
                try (ControlClient client = ControlClient.connect(files.socket(), Duration.ofSeconds(5))) {
                    printWarnings(client);
                    return true;
                } catch (IOException notYet) {
                    // the daemon binds before it answers; try again
                }
            }
            if (!child.isAlive()) {
                err.println("BalanceNG: start failed: the daemon exited with code " + child.exitValue());
                printLogTail();
                return false;
            }
            Thread.sleep(100);
        }
        err.println("BalanceNG: start failed: the control socket " + files.socket() + " did not answer within "
                + startTimeout.toSeconds() + " s");
        printLogTail();
        return false;
    }

    /** The running instance's own list of what to fix (missing modules, kernel addresses, forwarding). */
    private void printWarnings(ControlClient client) {
        try {
            ControlClient.Reply r = client.send("show warnings");
            if (r.status() == ControlClient.Status.READY) {
                r.output().lines().filter(l -> !l.isBlank()).forEach(l -> out.println("BalanceNG: warning: " + l));
            }
        } catch (IOException e) {
            // The instance is up; a lost warnings list is not a failed start.
        }
    }

    private void printLogTail() throws IOException {
        for (Path f : List.of(files.outFile(), files.logFile())) {
            List<String> lines = Files.exists(f) ? Files.readAllLines(f) : List.of();
            if (!lines.isEmpty()) {
                err.println("--- last lines of " + f + ":");
                lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(err::println);
            }
        }
    }

    private void shutDown(ProcessHandle process) throws IOException, InterruptedException {
        try (ControlClient client = ControlClient.connect(files.socket(), Duration.ofSeconds(10))) {
            client.send("shutdown");
        } catch (IOException noAnswer) {
            // A daemon that no longer answers still honours SIGTERM (the runtime's shutdown hook).
            process.destroy();
        }
        if (!awaitExit(process, Duration.ofSeconds(30))) {
            process.destroy();
            if (!awaitExit(process, Duration.ofSeconds(10))) {
                process.destroyForcibly();
                awaitExit(process, Duration.ofSeconds(10));
            }
        }
        pidFile.removeIfStale();
        out.println("BalanceNG: shutdown of " + files.instanceWords() + "PID " + process.pid() + " complete");
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) throws InterruptedException {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }
}
