package bng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.cli.ControlClient.Reply;
import bng.cli.ControlClient.Status;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlClientTest {
    @TempDir Path dir;
    Path socket;
    FakeControlServer server;

    @BeforeEach
    void startServer() throws IOException {
        socket = dir.resolve("bng.0.sock");
        server = new FakeControlServer(socket);
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    @Test
    void greetingGivesThePrompt() throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            assertEquals("bng# ", client.prompt());
        }
    }

    @Test
    void multiLineOutputEndsWithReady() throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            assertEquals(new Reply("one\n\ntwo\nthree\n", Status.READY, "bng# "), client.send("show lines"));
            assertEquals(new Reply("", Status.READY, "bng# "), client.send("set x 1"));
        }
    }

    @Test
    void errorCarriesTheMessageAndTheSessionGoesOn() throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            assertEquals(new Reply("bad: unknown statement\n", Status.ERROR, "bng# "), client.send("bad"));
            assertEquals(Status.READY, client.send("show status").status());
        }
    }

    @Test
    void openBlockAsksForMoreUntilClosed() throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            assertEquals(new Reply("", Status.MORE, "> "), client.send("server 1 {"));
            assertEquals("> ", client.prompt());
            assertEquals(Status.MORE, client.send("  ipaddr 198.18.0.1").status());
            assertEquals(new Reply("", Status.READY, "bng# "), client.send("}"));
        }
    }

    @Test
    void byeEndsTheSession() throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            assertEquals(Status.BYE, client.send("quit").status());
            IOException e = assertThrows(IOException.class, () -> client.send("show status"));
            assertTrue(e.getMessage().contains("closed the session"), e.getMessage());
        }
    }

    @Test
    void serverDyingMidAnswerIsAClearError() throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            IOException e = assertThrows(IOException.class, () -> client.send("die"));
            assertTrue(e.getMessage().contains("connection lost"), e.getMessage());
        }
    }

    @Test
    void silentServerTimesOutInsteadOfHanging() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (ControlClient client = ControlClient.connect(socket, Duration.ofMillis(500))) {
                IOException e = assertThrows(IOException.class, () -> client.send("hang"));
                assertTrue(e.getMessage().contains("no answer"), e.getMessage());
            }
        });
    }

    @Test
    void serverThatNeverGreetsTimesOut() throws IOException {
        Path mute = dir.resolve("mute.sock");
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(mute));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                IOException e = assertThrows(IOException.class, () -> ControlClient.connect(mute, Duration.ofMillis(300)));
                assertTrue(e.getMessage().contains("no answer"), e.getMessage());
            });
        }
    }

    @Test
    void missingSocketFailsToConnect() {
        assertThrows(IOException.class, () -> ControlClient.connect(dir.resolve("none.sock")));
    }

    @Test
    void utf8SurvivesTheTrip() throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            assertEquals(Status.READY, client.send("set hostname \u00e4\u00f6\u00fc").status());
        }
    }
}
