package bng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSessionTest {
    @TempDir Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int session(String input, boolean interactive) throws Exception {
        Path socket = dir.resolve("bng.0.sock");
        try (FakeControlServer server = new FakeControlServer(socket)) {
            return ControlSession.run(socket, new BufferedReader(new StringReader(input)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    interactive);
        }
    }

    @Test
    void terminalSessionShowsTheServersPromptsAndEndsOnQuit() throws Exception {
        assertEquals(0, session("show status\nserver 1 {\n}\nquit\nshow status\n", true));
        assertEquals("bng# running, config test.conf\nmodules: ping\nbng# > bng# ", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scriptRunPrintsOnlyTheAnswers() throws Exception {
        assertEquals(0, session("show status\nbad\n", false));
        assertEquals("running, config test.conf\nmodules: ping\nbad: unknown statement\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void byeFromTheServerEndsTheScript() throws Exception {
        assertEquals(0, session("shutdown\nshow status\n", false));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void connectionLostMidScriptIsExitOne() throws Exception {
        assertEquals(1, session("die\nshow status\n", false));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("connection lost"));
        assertEquals("partial output\n", out.toString(StandardCharsets.UTF_8));
    }
}
