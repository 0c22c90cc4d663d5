package bng.metrics;

import bng.core.api.PromptCommand;
import bng.core.api.RunningConfig;
import bng.core.api.SessionTable;
import bng.core.config.Configuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code snmp get OID} / {@code snmp next OID}: the running instance's answer for {@code bng -g} /
 * {@code bng -n} (Net-SNMP {@code pass}): three lines, or nothing when there is no such object.
 */
@Component(immediate = true, property = {
    PromptCommand.COMMAND + "=snmp",
    PromptCommand.USAGE + "=snmp get|next OID",
    PromptCommand.DESCRIPTION + "=BalanceNG's MIB (enterprise 2771) for Net-SNMP pass: OID, type, value"})
public final class SnmpCommand implements PromptCommand {
    @Reference
    RunningConfig running;
    @Reference
    SessionTable sessions;

    @Override
    public boolean execute(List<String> args, StringBuilder out) {
        int[] oid = args.size() == 2 ? SnmpMib.parse(args.get(1)) : null;
        if (oid == null || !(args.get(0).equals("get") || args.get(0).equals("next"))) {
            out.append("usage: snmp get|next OID\n");
            return false;
        }
        Configuration c = running.current();
        SnmpMib mib = new SnmpMib(c, sessions, nodeName(c));
        Optional<SnmpMib.Entry> e = args.get(0).equals("get") ? mib.get(oid) : mib.next(oid);
        e.ifPresent(x -> out.append(x.lines()));
        return true;
    }

    static String nodeName(Configuration c) {
        if (c.hostname() != null) {
            return c.hostname();
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            return "bng";
        }
    }
}
