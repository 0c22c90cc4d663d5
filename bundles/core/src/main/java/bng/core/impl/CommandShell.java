package bng.core.impl;

import bng.core.api.ModuleManager;
import bng.core.api.PromptCommand;
import bng.core.api.RunningConfig;
import bng.core.api.ShowTopic;
import bng.core.config.ConfigError;
import bng.core.config.ConfigResult;
import bng.core.config.ConfigWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * BalanceNG's prompt language: the commands ({@code show}, {@code module}, {@code save},
 * {@code reload}, {@code help}, ...) and, for everything else, configuration statements exactly
 * as in a file, through bng's own parser. Gogo's commands stay reachable behind {@code gogo},
 * so none of Gogo's built-ins ({@code set}, {@code help}) ever shadows a BalanceNG word.
 */
@Component(service = CommandShell.class, immediate = true)
public final class CommandShell {
    /** What a statement gave: text for the operator and whether it succeeded. */
    public record Result(String output, boolean ok) {
        static Result ok(String s) {
            return new Result(s, true);
        }

        static Result error(String s) {
            return new Result(s, false);
        }
    }

    private static final String[][] COMMANDS = {
        {"show TOPIC", "show a part of the running state (show alone lists the topics)"},
        {"module add NAME", "install and start a module's bundle while traffic flows (also: module NAME)"},
        {"module remove NAME", "stop and uninstall a module's bundle; its state stays in core"},
        {"module update NAME [JAR]", "replace a module's bundle by its jar in the modules directory (or JAR); state stays in core"},
        {"save", "write the running configuration to the configuration file"},
        {"reload", "re-read the configuration file; a file with errors changes nothing"},
        {"help", "this list"},
        {"gogo COMMAND", "run a Gogo shell command (lb, inspect, ...)"},
        {"quit", "leave the prompt"},
        {"shutdown", "stop this bng instance"},
        {"STATEMENT", "any configuration statement as in a file: server 1 { ... }, register, enable, disable, set ..."},
    };

    @Reference
    RunningConfig running;

    @Reference
    ModuleManager modules;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    volatile CommandProcessor gogo;

    private final Map<String, Topic> topics = new ConcurrentSkipListMap<>();
    private final Map<String, Command> commands = new ConcurrentSkipListMap<>();

    private record Command(PromptCommand command, String usage, String description) {}

    /** Words a module's command may not take: core's commands and the configuration's keywords. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("show", "module", "help", "?", "save", "reload",
        "gogo", "quit", "exit", "shutdown", "hostname", "modules", "set", "interface", "network", "gateway", "vrrp", "bgp",
        "server", "target", "register", "enable", "disable", "unregister");

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindCommand(PromptCommand c, Map<String, Object> props) {
        Object name = props.get(PromptCommand.COMMAND);
        if (name != null && !RESERVED.contains(name.toString())) {
            commands.put(name.toString(), new Command(c, String.valueOf(props.getOrDefault(PromptCommand.USAGE, name)),
                String.valueOf(props.getOrDefault(PromptCommand.DESCRIPTION, ""))));
        }
    }

    void unbindCommand(PromptCommand c, Map<String, Object> props) {
        Object name = props.get(PromptCommand.COMMAND);
        if (name != null) {
            commands.computeIfPresent(name.toString(), (k, v) -> v.command() == c ? null : v);
        }
    }

    private record Topic(ShowTopic topic, String description) {}

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindTopic(ShowTopic t, Map<String, Object> props) {
        Object name = props.get(ShowTopic.TOPIC);
        if (name != null) {
            topics.put(name.toString(), new Topic(t, String.valueOf(props.getOrDefault(ShowTopic.DESCRIPTION, ""))));
        }
    }

    void unbindTopic(ShowTopic t, Map<String, Object> props) {
        Object name = props.get(ShowTopic.TOPIC);
        if (name != null) {
            topics.computeIfPresent(name.toString(), (k, v) -> v.topic() == t ? null : v);
        }
    }

    /** The prompt: {@code HOSTNAME# } when the configuration names a host, else {@code bng# }. */
    public String prompt() {
        String h = running.current().hostname();
        return (h == null || h.isBlank() ? "bng" : h) + "# ";
    }

    /** Runs one complete statement (a block may span lines). Never throws. */
    public Result execute(String statement) {
        try {
            return dispatch(statement);
        } catch (RuntimeException e) {
            return Result.error("error: " + e);
        }
    }

    private Result dispatch(String statement) {
        String text = statement.strip();
        if (text.isEmpty() || text.startsWith("//")) {
            return Result.ok("");
        }
        List<String> words = Arrays.asList(text.split("\\s+"));
        String first = words.get(0);
        List<String> rest = words.subList(1, words.size());
        return switch (first) {
            case "show" -> show(rest);
            case "module" -> module(rest);
            case "help", "?" -> Result.ok(help());
            case "save" -> save(rest);
            case "reload" -> reload();
            case "gogo" -> gogo(text.substring(4).strip());
            default -> commands.containsKey(first) ? command(commands.get(first), rest) : statement(statement);
        };
    }

    /** Topics a module brings, for the answer when that module does not run. */
    private static final Map<String, String> MODULE_TOPICS = Map.of("vrrp", "vrrp", "bngsync", "vrrp", "hc", "hc",
            "nat", "nat", "rt", "rt", "slb", "slb", "slb6", "slb", "nd", "arp", "benchmark", "benchmark", "bgp", "bgp");

    private Result show(List<String> args) {
        if (args.isEmpty()) {
            return Result.ok(topicList());
        }
        Topic t = topics.get(args.get(0));
        if (t == null) {
            t = topics.get(args.get(0) + "s"); // "show server", "show target": the singular a user types
        }
        if (t == null) {
            String module = MODULE_TOPICS.get(args.get(0));
            if (module != null) {
                return Result.error("show " + args.get(0) + ": module " + module + " is not running (modules line, or "
                        + "module add " + module + ")");
            }
            return Result.error("show: unknown topic '" + args.get(0) + "'; topics:\n" + topicList());
        }
        StringBuilder out = new StringBuilder();
        t.topic().show(args.subList(1, args.size()), out);
        return Result.ok(out.toString());
    }

    private String topicList() {
        StringBuilder sb = new StringBuilder();
        topics.forEach((name, t) -> sb.append(String.format("  show %-12s %s%n", name, t.description())));
        return sb.toString();
    }

    private Result module(List<String> args) {
        if (args.size() == 1 && !args.get(0).equals("add") && !args.get(0).equals("remove") && !args.get(0).equals("update")) {
            args = List.of("add", args.get(0)); // BalanceNG's own form: `module benchmark`
        }
        boolean update = args.size() >= 2 && args.size() <= 3 && args.get(0).equals("update");
        if (!update && (args.size() != 2 || !(args.get(0).equals("add") || args.get(0).equals("remove")))) {
            return Result.error("usage: module add NAME | module remove NAME | module update NAME [JAR]");
        }
        String name = args.get(1);
        if (update) {
            if (!(modules instanceof ModuleManagerImpl impl)) {
                return Result.error("module update: not available in this runtime");
            }
            String out = impl.update(name, args.size() == 3 ? args.get(2) : null);
            return new Result(out + "\n", out.contains(" updated (") && out.endsWith("; running"));
        }
        String out = args.get(0).equals("add") ? modules.add(name) : modules.remove(name);
        boolean ok = out.endsWith("removed") || out.contains(" running") || out.contains("always runs");
        return new Result(out + "\n", ok);
    }

    private static Result command(Command c, List<String> args) {
        StringBuilder out = new StringBuilder();
        boolean ok = c.command().execute(args, out);
        return new Result(out.toString(), ok);
    }

    private String help() {
        StringBuilder sb = new StringBuilder("commands:\n");
        for (String[] c : COMMANDS) {
            sb.append(String.format("  %-20s %s%n", c[0], c[1]));
        }
        commands.forEach((name, c) -> sb.append(String.format("  %-20s %s%n", c.usage(), c.description())));
        sb.append("show topics:\n").append(topicList());
        return sb.toString();
    }

    private Result save(List<String> args) {
        String file = args.isEmpty() ? running.sourceFile() : args.get(0);
        String text = ConfigWriter.save(running.current(), Version.VERSION);
        if (file == null) {
            return Result.ok(text);
        }
        try {
            Path p = Path.of(file);
            Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return Result.ok("configuration saved to " + file + "\n");
        } catch (IOException | RuntimeException e) {
            return Result.error("save: cannot write " + file + ": " + e.getMessage() + "\n");
        }
    }

    private Result reload() {
        ConfigResult r = running.reload();
        return r.ok() ? Result.ok("configuration reloaded from " + running.sourceFile() + "\n") : errors(r.errors());
    }

    private Result statement(String text) {
        ConfigResult r = running.apply("control", text);
        return r.ok() ? Result.ok("") : errors(r.errors());
    }

    private static Result errors(List<ConfigError> errors) {
        StringBuilder sb = new StringBuilder();
        for (ConfigError e : errors) {
            sb.append(e).append('\n');
        }
        return Result.error(sb.toString());
    }

    private Result gogo(String command) {
        CommandProcessor p = gogo;
        if (p == null) {
            return Result.error("gogo: the Gogo runtime is not installed\n");
        }
        if (command.isEmpty()) {
            return Result.error("usage: gogo COMMAND (for example: gogo lb)\n");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
             CommandSession s = p.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object value = s.execute(command);
            if (value != null) {
                out.println(s.format(value, org.apache.felix.service.command.Converter.INSPECT));
            }
            out.flush();
            return Result.ok(buf.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            return Result.error(buf.toString(StandardCharsets.UTF_8) + "gogo: " + e.getMessage() + "\n");
        }
    }

    /** Topic names, for tests and completion. */
    public List<String> topicNames() {
        return new ArrayList<>(new TreeMap<>(topics).keySet());
    }
}
