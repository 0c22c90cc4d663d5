import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * bngagent: the small program a target runs for bng's {@code agent PORT,INTERVAL,TIMEOUT} check.
 * It answers each UDP request {@code "bnga" TOKEN(4)} with {@code "bnga" TOKEN(4) LOAD(4)} (network
 * byte order) from the port it was asked on. LOAD is the 1-minute load average times 100 (from
 * /proc/loadavg), or, when a command is given, that command's exit status (killed after 2 s:
 * no answer, so the check fails).
 *
 * <p>One file, no dependencies, Java 11 or newer: {@code java BngAgent.java [-b ADDRESS] PORT
 * [COMMAND ARGS...]}, e.g. {@code java BngAgent.java 439} or
 * {@code java BngAgent.java -b 198.18.0.11 439 /usr/local/bin/load.sh}.
 */
public final class BngAgent {
    static final int MAGIC = 0x626e6761; // "bnga"

    public static void main(String[] args) throws IOException {
        int i = 0;
        String bind = "0.0.0.0";
        if (args.length > 1 && args[0].equals("-b")) {
            bind = args[1];
            i = 2;
        }
        if (args.length <= i) {
            System.err.println("usage: bngagent [-b ADDRESS] PORT [COMMAND ARGS...]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[i]);
        String[] command = Arrays.copyOfRange(args, i + 1, args.length);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bind), port))) {
            System.out.println("bngagent: listening on " + bind + ":" + socket.getLocalPort());
            System.out.flush();
            byte[] in = new byte[64];
            while (true) {
                DatagramPacket request = new DatagramPacket(in, in.length);
                socket.receive(request);
                ByteBuffer q = ByteBuffer.wrap(in, 0, request.getLength());
                if (request.getLength() < 8 || q.getInt() != MAGIC) {
                    continue; // not for us
                }
                int token = q.getInt();
                long load = command.length == 0 ? loadAverage() : run(command);
                if (load < 0) {
                    continue;
                }
                byte[] out = ByteBuffer.allocate(12).putInt(MAGIC).putInt(token).putInt((int) load).array();
                socket.send(new DatagramPacket(out, out.length, request.getSocketAddress()));
            }
        }
    }

    /** The 1-minute load average times 100, or 0 where /proc/loadavg does not exist. */
    static long loadAverage() {
        try {
            String text = new String(Files.readAllBytes(Path.of("/proc/loadavg")), StandardCharsets.US_ASCII);
            return Math.round(Double.parseDouble(text.split(" ")[0]) * 100);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The command's exit status, or -1 when it could not run or took longer than 2 s. */
    static long run(String[] command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
