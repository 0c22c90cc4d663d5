package bng.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code bng control}: a terminal session with the server's prompts, or — when standard input is
 * not a terminal — a script run: every line sent, every answer printed, no prompts, exit 0 at end.
 */
public final class ControlSession {
    private ControlSession() {}

    public static int run(Path socket, BufferedReader in, PrintStream out, PrintStream err, boolean interactive) {
        try (ControlClient client = ControlClient.connect(socket)) {
            String prompt = client.prompt();
            while (true) {
                if (interactive) {
                    out.print(prompt);
                    out.flush();
                }
                String line = in.readLine();
                if (line == null) {
                    if (interactive) out.println();
                    return 0;
                }
                if (interactive && (line.strip().equals("quit") || line.strip().equals("exit"))) return 0;
                ControlClient.Reply reply = client.send(line);
                out.print(reply.output());
                out.flush();
                if (reply.status() == ControlClient.Status.BYE) return 0;
                prompt = reply.prompt();
            }
        } catch (IOException e) {
            if (e instanceof ControlClient.ConnectionLostException lost) out.print(lost.partialOutput());
            out.flush();
            err.println("bng: " + Main.describe(e, socket));
            return 1;
        }
    }
}
