package bng.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The parsed arguments of {@code bng [-f] [-c FILE] [-i N] COMMAND [N]}, as BalanceNG takes them:
 * options first, then the command, then an optional instance (which {@code -i} may give instead).
 */
public record CommandLine(boolean foreground, Optional<Path> configFile, int instance, String command) {

    /** The commands a user may type; {@code preflight} is bin/bng's own step before it runs {@code -f start}. */
    public static final List<String> COMMANDS =
            List.of("start", "stop", "restart", "reload", "status", "control", "check");

    /** A wrong command line; the message says what was wrong, the caller prints the usage. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static CommandLine parse(String... args) throws UsageException {
        boolean foreground = false;
        Path config = null;
        Integer instance = null;
        int i = 0;
        for (; i < args.length && args[i].startsWith("-"); i++) {
            switch (args[i]) {
                case "-f" -> foreground = true;
                case "-c" -> {
                    if (++i == args.length) throw new UsageException("-c needs a file name");
                    config = Path.of(args[i]);
                }
                case "-i" -> {
                    if (++i == args.length) throw new UsageException("-i needs an instance number");
                    instance = instanceNumber(args[i]);
                }
                default -> throw new UsageException("unknown option " + args[i]);
            }
        }
        if (i == args.length) throw new UsageException("no command given");
        String command = args[i++];
        if (!COMMANDS.contains(command)) throw new UsageException("unknown command " + command);
        if (i < args.length) {
            int positional = instanceNumber(args[i++]);
            if (instance != null && instance != positional) {
                throw new UsageException("instance given twice: -i " + instance + " and " + positional);
            }
            instance = positional;
        }
        if (i < args.length) throw new UsageException("unexpected argument " + args[i]);
        return new CommandLine(foreground, Optional.ofNullable(config), instance == null ? 0 : instance, command);
    }

    private static int instanceNumber(String text) throws UsageException {
        try {
            int n = Integer.parseInt(text);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("instance must be a number 0 or greater, not " + text);
        }
    }

    /** The configuration file: {@code -c}, else {@code /etc/bng.conf} (instance 0) or {@code /etc/bng.N.conf}. */
    public Path config() {
        return configFile.orElseGet(() -> InstanceFiles.defaultConfig(instance));
    }
}
