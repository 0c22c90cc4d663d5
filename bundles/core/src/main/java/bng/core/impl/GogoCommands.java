package bng.core.impl;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * bng's commands as plain Gogo commands in one scope, so a Gogo console of the runtime takes
 * {@code show modules} as typed. Gogo's own {@code set} and {@code help} win there; BalanceNG's
 * are reached as {@code bng:set} / {@code bng:help} (the bng prompt has no such clash).
 */
@Component(service = GogoCommands.class, immediate = true, property = {
    "osgi.command.scope=bng",
    "osgi.command.function=show", "osgi.command.function=module", "osgi.command.function=save",
    "osgi.command.function=reload", "osgi.command.function=register", "osgi.command.function=unregister",
    "osgi.command.function=enable", "osgi.command.function=disable", "osgi.command.function=set",
    "osgi.command.function=help", "osgi.command.function=bng"
})
public final class GogoCommands {
    @Reference
    CommandShell shell;

    private String run(String word, String... args) {
        CommandShell.Result r = shell.execute(word + (args.length == 0 ? "" : " " + String.join(" ", args)));
        return r.output();
    }

    public String show(String... args) {
        return run("show", args);
    }

    public String module(String... args) {
        return run("module", args);
    }

    public String save(String... args) {
        return run("save", args);
    }

    public String reload() {
        return run("reload");
    }

    public String register(String... args) {
        return run("register", args);
    }

    public String unregister(String... args) {
        return run("unregister", args);
    }

    public String enable(String... args) {
        return run("enable", args);
    }

    public String disable(String... args) {
        return run("disable", args);
    }

    public String set(String... args) {
        return run("set", args);
    }

    public String help() {
        return run("help");
    }

    /** Any statement of the bng prompt, quoted: {@code bng "server 1 method hash"}. */
    public String bng(String... statement) {
        return run(String.join(" ", statement));
    }
}
