package bng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void plainCommandIsInstanceZeroWithTheDefaultFile() throws Exception {
        CommandLine line = CommandLine.parse("start");
        assertEquals(new CommandLine(false, Optional.empty(), 0, "start"), line);
        assertEquals(Path.of("/etc/bng.conf"), line.config());
    }

    @Test
    void instanceAfterTheCommandPicksItsOwnFile() throws Exception {
        CommandLine line = CommandLine.parse("start", "41");
        assertEquals(41, line.instance());
        assertEquals(Path.of("/etc/bng.41.conf"), line.config());
    }

    @Test
    void dashIGivesTheInstanceToo() throws Exception {
        assertEquals(41, CommandLine.parse("-i", "41", "stop").instance());
        assertEquals(41, CommandLine.parse("-i", "41", "stop", "41").instance());
    }

    @Test
    void allOptionsTogether() throws Exception {
        CommandLine line = CommandLine.parse("-f", "-c", "my.conf", "start", "2");
        assertTrue(line.foreground());
        assertEquals(Path.of("my.conf"), line.config());
        assertEquals(2, line.instance());
        assertFalse(CommandLine.parse("status").foreground());
    }

    @Test
    void everyCommandIsKnown() throws Exception {
        for (String c : new String[] {"start", "stop", "restart", "reload", "status", "control", "check"}) {
            assertEquals(c, CommandLine.parse(c).command());
        }
    }

    @Test
    void wrongLinesSayWhatIsWrong() {
        assertMessage("no command given", "-f");
        assertMessage("unknown command frobnicate", "frobnicate");
        assertMessage("unknown option -x", "-x", "start");
        assertMessage("-c needs a file name", "-c");
        assertMessage("-i needs an instance number", "-i");
        assertMessage("instance must be a number 0 or greater, not abc", "start", "abc");
        assertMessage("instance must be a number 0 or greater, not -3", "-i", "-3", "start");
        assertMessage("instance given twice: -i 1 and 2", "-i", "1", "start", "2");
        assertMessage("unexpected argument extra", "start", "1", "extra");
    }

    private static void assertMessage(String message, String... args) {
        assertEquals(message, assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(args)).getMessage());
    }
}
