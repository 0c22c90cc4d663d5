package bng.cli;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The client side of the control protocol over the instance's UNIX-domain socket.
 *
 * <p>The server greets with {@code \0READY <prompt>}; each line sent is answered by output lines
 * and exactly one status line starting with NUL: {@code READY <prompt>}, {@code ERROR <prompt>},
 * {@code MORE <continuation prompt>} or {@code BYE}. Every read has a deadline so that a server
 * that hangs or dies never hangs a script.
 */
public final class ControlClient implements Closeable {

    public enum Status { READY, ERROR, MORE, BYE }

    /** One answer: the output lines (each ending in a newline), how the statement ended, the next prompt. */
    public record Reply(String output, Status status, String prompt) {}

    /** The server went away mid-answer; what it had sent is kept so the user still sees it. */
    public static final class ConnectionLostException extends IOException {
        private final String partialOutput;

        ConnectionLostException(String message, String partialOutput) {
            super(message);
            this.partialOutput = partialOutput;
        }

        public String partialOutput() {
            return partialOutput;
        }
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;
    private final Path socket;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private String prompt;
    private boolean closedByServer;

    private ControlClient(Path socket, SocketChannel channel, Selector selector, Duration timeout) {
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
        readBuffer.flip();
    }

    public static ControlClient connect(Path socket) throws IOException {
        return connect(socket, DEFAULT_TIMEOUT);
    }

    /** Connects and reads the greeting; fails unless the server says {@code READY}. */
    public static ControlClient connect(Path socket, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            ControlClient client = new ControlClient(socket, channel, selector, timeout);
            Reply greeting = client.readReply();
            if (greeting.status() == Status.BYE && !greeting.output().isBlank()) {
                throw new IOException(greeting.output().strip()); // refused: the server says why
            }
            if (greeting.status() != Status.READY) {
                throw new IOException(socket + ": the server did not greet with READY but " + greeting.status());
            }
            client.prompt = greeting.prompt();
            return client;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) selector.close();
            throw e;
        }
    }

    /** The prompt the server gave last. */
    public String prompt() {
        return prompt;
    }

    /** Sends one line (without its newline) and reads the whole answer. */
    public Reply send(String line) throws IOException {
        if (closedByServer) throw new IOException(socket + ": the server has closed the session");
        if (line.indexOf('\n') >= 0) throw new IllegalArgumentException("one line at a time");
        write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        Reply reply = readReply();
        if (reply.status() == Status.BYE) closedByServer = true;
        else prompt = reply.prompt();
        return reply;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            selector.close();
        }
    }

    private Reply readReply() throws IOException {
        StringBuilder output = new StringBuilder();
        while (true) {
            String line;
            try {
                line = readLine();
            } catch (IOException e) {
                throw new ConnectionLostException(e.getMessage(), output.toString());
            }
            if (line.isEmpty() || line.charAt(0) != '\0') {
                output.append(line).append('\n');
                continue;
            }
            String status = line.substring(1);
            int space = status.indexOf(' ');
            String word = space < 0 ? status : status.substring(0, space);
            String rest = space < 0 ? "" : status.substring(space + 1);
            try {
                return new Reply(output.toString(), Status.valueOf(word), rest);
            } catch (IllegalArgumentException e) {
                throw new IOException(socket + ": unknown status line from the server: " + word);
            }
        }
    }

    /** One line without its newline; the deadline runs from the start of the line. */
    private String readLine() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            while (readBuffer.hasRemaining()) {
                byte b = readBuffer.get();
                if (b == '\n') {
                    String line = pending.toString(StandardCharsets.UTF_8);
                    pending.reset();
                    return line;
                }
                pending.write(b);
            }
            readBuffer.clear();
            int n = channel.read(readBuffer);
            readBuffer.flip();
            if (n < 0) {
                throw new IOException(socket + ": connection lost: the server closed it before finishing its answer");
            }
            if (n == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0 && System.nanoTime() >= deadline) {
                    throw new IOException(socket + ": no answer from the server within " + timeout.toSeconds() + " s");
                }
                selector.selectedKeys().clear();
            }
        }
    }

    private void write(ByteBuffer data) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (data.hasRemaining()) {
            if (channel.write(data) == 0) {
                // The server is not reading; wait for room rather than spin.
                if (System.nanoTime() >= deadline) {
                    throw new IOException(socket + ": the server does not read within " + timeout.toSeconds() + " s");
                }
                try (Selector writable = Selector.open()) {
                    channel.register(writable, SelectionKey.OP_WRITE);
                    writable.select(100);
                }
            }
        }
    }
}
