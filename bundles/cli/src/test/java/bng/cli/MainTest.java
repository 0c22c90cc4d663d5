package bng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client as a user runs it, against a fake daemon: a bng.jar-named process and an in-test socket server. */
class MainTest {
    @TempDir Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void useTempRunDir() {
        System.setProperty("bng.rundir", dir.toString());
    }

    @AfterEach
    void forgetRunDir() {
        System.clearProperty("bng.rundir");
    }

    int run(String input, String... args) {
        return Main.run(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noArgumentsPrintsTheBannerAndUsage() {
        assertEquals(1, run(""));
        assertTrue(out().contains("This is bng "), out());
        assertTrue(out().contains("(BalanceNG-compatible)"), out());
        assertTrue(out().contains(Main.USAGE), out());
    }

    @Test
    void badArgumentsPrintTheProblemAndUsage() {
        assertEquals(1, run("", "launch"));
        assertEquals("bng: unknown command launch\n" + Main.USAGE + "\n", err());
    }

    @Test
    void checkReportsFileLineAndColumn() throws Exception {
        Path conf = dir.resolve("broken.conf");
        Files.writeString(conf, "// a comment\nmodules ping\n  frobnicate 1\n");
        assertEquals(1, run("", "-c", conf.toString(), "check"));
        assertTrue(err().startsWith(conf + ":3:3: "), err());
        assertEquals("", out());
    }

    @Test
    void checkOfAValidFileIsSilent() throws Exception {
        Path conf = dir.resolve("ok.conf");
        Files.writeString(conf, "modules ping\n");
        assertEquals(0, run("", "-c", conf.toString(), "check"));
        assertEquals("", out() + err());
    }

    @Test
    void checkOfAMissingFileSaysItCannotRead() {
        Path conf = dir.resolve("missing.conf");
        assertEquals(1, run("", "-c", conf.toString(), "check"));
        assertEquals(conf + ": cannot read: no such file\n", err());
    }

    @Test
    void checkOfALatin1FileNamesWhereItIsNotUtf8() throws Exception {
        Path conf = dir.resolve("latin1.conf");
        Files.write(conf, "// f\u00fcr das B\u00fcro\nnetwork 1 name B\u00fcro\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(1, run("", "-c", conf.toString(), "check"));
        assertTrue(err().startsWith(conf + ":2:17: not configuration text: bytes that are not UTF-8"), err());
        assertEquals(1, err().lines().count(), err());
    }

    @Test
    void notRunningInstance() {
        assertEquals(3, run("", "status"));
        assertEquals("BalanceNG: not running\n", out());
        assertEquals(1, run("", "control", "4"));
        assertEquals(0, run("", "stop", "4"));
    }

    @Test
    void startRefusesABrokenConfigurationAndStartsNothing() throws Exception {
        Path conf = dir.resolve("broken.conf");
        Files.writeString(conf, "modules ping\nnonsense\n");
        assertEquals(1, run("", "-c", conf.toString(), "start"));
        assertTrue(err().contains(conf + ":2:1: "), err());
        assertEquals("", out());
        assertTrue(Files.notExists(dir.resolve("bng.0.log")));
    }

    /** Net-SNMP pass reads stdout only: every failure leaves it empty and says why on stderr. */
    @Test
    void snmpPassHelperRefusesBadRequestsWithNothingOnStdout() {
        assertEquals(1, run("", "-g"));
        assertTrue(err().contains("usage: bng [-i instance] -g|-n OID [instance]"), err());
        assertEquals(1, run("", "-n", ".1.3.x"));
        assertTrue(err().contains("not an OID: .1.3.x"), err());
        assertEquals(1, run("", "-g", ".1.3.6.1.4.1.2771.1.5", "-n", ".1"));
        assertEquals(1, run("", "-i", "3", "-g", ".1.3.6.1.4.1.2771.1.5", "4"));
        assertEquals(1, run("", "-g", ".1.3.6.1.4.1.2771.1.5", "5"));
        assertTrue(err().contains("no control socket"), err());
        assertEquals("", out());
    }

    @Test
    void statusControlAndReloadTalkToTheRunningInstance() throws Exception {
        InstanceFiles files = new InstanceFiles(dir, 2);
        Process daemon = new ProcessBuilder("bash", "-c", "sleep 30; true", "runtime/target/bng.jar").start();
        try (FakeControlServer server = new FakeControlServer(files.socket())) {
            Files.writeString(files.pidFile(), daemon.pid() + "\n");

            assertEquals(0, run("", "status", "2"));
            assertEquals("running, config test.conf\nmodules: ping\n", out());
            out.reset();

            assertEquals(0, run("", "reload", "2"));
            assertEquals("test.conf: reloaded\n", out());
            out.reset();

            assertEquals(0, run("show lines\nbad\nserver 1 {\n}\n", "-i", "2", "control"));
            assertEquals("one\n\ntwo\nthree\nbad: unknown statement\n", out());
            out.reset();

            assertEquals(1, run("show status\ndie\nshow status\n", "control", "2"));
            assertTrue(err().contains("connection lost"), err());
            out.reset();

            assertEquals(1, run("", "start", "2"));
            assertEquals("BalanceNG: already running with PID " + daemon.pid() + "\n", out());
        } finally {
            daemon.destroyForcibly().waitFor();
        }
    }

    @Test
    void stopAsksOverTheSocketAndCleansUp() throws Exception {
        InstanceFiles files = new InstanceFiles(dir, 0);
        Process daemon = new ProcessBuilder("bash", "-c", "sleep 30; true", "runtime/target/bng.jar").start();
        try (FakeControlServer server = new FakeControlServer(files.socket())) {
            Files.writeString(files.pidFile(), daemon.pid() + "\n");
            // The fake server only says BYE; stand in for the runtime, which exits after it.
            Thread.ofVirtual().start(() -> {
                while (!server.shutdownRequested) Thread.onSpinWait();
                daemon.destroy();
            });
            assertEquals(0, run("", "stop"));
            assertTrue(server.shutdownRequested);
            assertEquals("BalanceNG: shutdown of PID " + daemon.pid() + " complete\n", out());
            assertTrue(Files.notExists(files.pidFile()));
        } finally {
            daemon.destroyForcibly().waitFor();
        }
    }

    @Test
    void stopFallsBackToSigtermWhenTheSocketIsDead() throws Exception {
        InstanceFiles files = new InstanceFiles(dir, 41);
        Process daemon = new ProcessBuilder("bash", "-c", "sleep 30; true", "runtime/target/bng.jar").start();
        try {
            Files.writeString(files.pidFile(), daemon.pid() + "\n");
            assertEquals(0, run("", "stop", "41"));
            assertEquals("BalanceNG: shutdown of instance 41 PID " + daemon.pid() + " complete\n", out());
            assertTrue(Files.notExists(files.pidFile()));
        } finally {
            daemon.destroyForcibly().waitFor();
        }
    }
}
