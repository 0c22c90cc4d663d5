package bng.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server speaking the control protocol the way the runtime's shell does, with a scripted
 * behaviour for the words the tests use. Each connection is served on its own thread.
 */
final class FakeControlServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socket;
    volatile boolean shutdownRequested;

    FakeControlServer(Path socket) throws IOException {
        this.socket = socket;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofPlatform().daemon().name("fake-control-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                Thread.ofPlatform().daemon().start(() -> serve(channel));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            OutputStream out = Channels.newOutputStream(channel);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            send(out, "\0READY bng# \n");
            boolean inBlock = false;
            String line;
            while ((line = in.readLine()) != null) {
                String word = line.strip();
                if (inBlock) {
                    if (word.equals("}")) {
                        inBlock = false;
                        send(out, "\0READY bng# \n");
                    } else {
                        send(out, "\0MORE > \n");
                    }
                    continue;
                }
                switch (word) {
                    case "show status" -> send(out, "running, config test.conf\nmodules: ping\n\0READY bng# \n");
                    case "show lines" -> send(out, "one\n\ntwo\nthree\n\0READY bng# \n");
                    case "reload" -> send(out, "test.conf: reloaded\n\0READY bng# \n");
                    case "bad" -> send(out, "bad: unknown statement\n\0ERROR bng# \n");
                    case "quit" -> {
                        send(out, "\0BYE\n");
                        return;
                    }
                    case "shutdown" -> {
                        shutdownRequested = true;
                        send(out, "\0BYE\n");
                        return;
                    }
                    case "die" -> {
                        send(out, "partial output\n");
                        return;
                    }
                    case "hang" -> Thread.sleep(30_000);
                    default -> {
                        if (word.endsWith("{")) {
                            inBlock = true;
                            send(out, "\0MORE > \n");
                        } else {
                            send(out, "\0READY bng# \n");
                        }
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
