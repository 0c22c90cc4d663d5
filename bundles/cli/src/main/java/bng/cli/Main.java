package bng.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code bng [-f] [-c FILE] [-i N] start|stop|restart|reload|status|control|check [N]} and the
 * SNMP pass helpers {@code bng -g|-n OID} ({@link SnmpPass}), run by bin/bng. A light client: no framework, so that scripts may call {@code bng control} in loops.
 *
 * <p>System properties (set by bin/bng): {@code bng.home} (the install), {@code bng.java} (the
 * Java 25 binary, handed on to the daemon), {@code bng.rundir} (pid files, sockets, logs).
 */
public final class Main {
    static final String USAGE = "usage: bng [-f] [-c FILE] start|stop|restart|reload|status|control|check [instance]";

    private Main() {}

    public static void main(String[] args) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        System.exit(run(args, System.in, System.out, System.err, terminal));
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        if (args.length == 0) {
            banner(out);
            return 1;
        }
        if (SnmpPass.applies(args)) {
            return SnmpPass.run(args, Path.of(System.getProperty("bng.rundir", "/run/bng")), out, err);
        }
        CommandLine line;
        try {
            line = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("bng: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        InstanceFiles files = new InstanceFiles(Path.of(System.getProperty("bng.rundir", "/run/bng")), line.instance());
        if (line.command().equals("check")) return check(line.config(), err);
        if (files.runDirForbidden()) {
            err.println("bng: " + files.runDir() + " is not accessible: the control files are root only (run bng as root) or its group's (BNG_CONTROL_GROUP)");
            return 1;
        }
        try {
            return dispatch(line, files, in, out, err, terminal);
        } catch (IOException e) {
            err.println("bng: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int dispatch(CommandLine line, InstanceFiles files, InputStream in, PrintStream out,
            PrintStream err, boolean terminal) throws IOException, InterruptedException {
        Daemon daemon = daemon(files, out, err);
        PidFile pidFile = new PidFile(files);
        return switch (line.command()) {
            case "start" -> line.foreground() ? daemon.preflight(line.config()) : daemon.start(line.config());
            case "stop" -> daemon.stop();
            case "restart" -> daemon.restart(line.config(), line.configFile().isPresent());
            case "status" -> pidFile.liveProcess().isEmpty() ? notRunning(out, 3) : ask(files, "show status", out, err);
            case "reload" -> pidFile.liveProcess().isEmpty() ? notRunning(out, 1) : ask(files, "reload", out, err);
            case "control" -> pidFile.liveProcess().isEmpty() ? notRunning(out, 1)
                    : ControlSession.run(files.socket(),
                            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), out, err, terminal);
            default -> throw new IllegalStateException(line.command());
        };
    }

    private static Daemon daemon(InstanceFiles files, PrintStream out, PrintStream err) {
        Path home = Path.of(System.getProperty("bng.home", "."));
        // bng.java is .../bin/java; the daemon is started with the same Java home.
        Optional<Path> javaHome = Optional.ofNullable(System.getProperty("bng.java"))
                .map(j -> Path.of(j).toAbsolutePath().getParent().getParent());
        Duration timeout = Duration.ofSeconds(Long.getLong("bng.start.timeout", 60));
        return new Daemon(home, javaHome, files, out, err, timeout);
    }

    static int check(Path config, PrintStream err) {
        List<String> errors = ConfigCheck.errors(config);
        errors.forEach(err::println);
        return errors.isEmpty() ? 0 : 1;
    }

    private static int notRunning(PrintStream out, int exitCode) {
        out.println("BalanceNG: not running");
        return exitCode;
    }

    /** One statement over the socket; exit 1 when the server reports it failed. */
    private static int ask(InstanceFiles files, String statement, PrintStream out, PrintStream err) {
        try (ControlClient client = ControlClient.connect(files.socket())) {
            ControlClient.Reply reply = client.send(statement);
            out.print(reply.output());
            return reply.status() == ControlClient.Status.ERROR ? 1 : 0;
        } catch (IOException e) {
            err.println("bng: " + describe(e, files.socket()));
            return 1;
        }
    }

    /** Says what a failed connection means for the user, root-only sockets included. */
    static String describe(IOException e, Path socket) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Permission denied") || e instanceof java.nio.file.AccessDeniedException) {
            return socket + ": permission denied: the control socket is root only (run bng as root) or its group's (BNG_CONTROL_GROUP)";
        }
        if (e instanceof NoSuchFileException || message.contains("No such file")) {
            return socket + ": no control socket: the instance is not running or not up yet";
        }
        if (e instanceof ConnectException || (e instanceof SocketException && message.contains("refused"))) {
            return socket + ": connection refused: no daemon listens (stale socket?)";
        }
        return message;
    }

    static void banner(PrintStream out) {
        String version = Optional.ofNullable(Main.class.getPackage().getImplementationVersion()).orElse("(development)");
        out.println();
        out.println("       This is bng " + version + " (BalanceNG-compatible)");
        out.println();
        out.println("  " + USAGE);
        out.println("  SNMP pass helper: bng [-i instance] -g|-n OID [instance]");
        out.println();
    }
}
