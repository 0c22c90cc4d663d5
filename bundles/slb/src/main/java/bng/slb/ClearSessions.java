package bng.slb;

import bng.core.api.PromptCommand;
import bng.core.api.SessionTable;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code clear sessions [server N]}: forgets all sessions, or those of one server. */
@Component(property = {PromptCommand.COMMAND + "=clear", PromptCommand.USAGE + "=clear sessions [server N]",
    PromptCommand.DESCRIPTION + "=forget client sessions (all, or one server's)"})
public final class ClearSessions implements PromptCommand {
    @Reference
    SessionTable sessions;

    @Override
    public boolean execute(List<String> args, StringBuilder out) {
        int server = -1;
        if (args.size() == 3 && args.get(0).equals("sessions") && args.get(1).equals("server")) {
            try {
                server = Integer.parseInt(args.get(2));
            } catch (NumberFormatException e) {
                server = 0;
            }
            if (server < 1 || server > 65_535) {
                out.append("clear sessions server: expected a server id 1..65535, found '").append(args.get(2)).append("'\n");
                return false;
            }
        } else if (!(args.size() == 1 && args.get(0).equals("sessions"))) {
            out.append("usage: clear sessions [server N]\n");
            return false;
        }
        int n = sessions.clear(server);
        out.append(n).append(n == 1 ? " session" : " sessions").append(" cleared\n");
        return true;
    }
}
