package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Puts crafted frames on a namespace's wire as they are, through python3's AF_PACKET socket (no
 * package beyond python3 itself): one frame per hex line, each sent {@code repeat} times. A frame
 * the kernel refuses (e.g. larger than the MTU) fails the send and the test.
 */
final class RawSender {
    private static final String SCRIPT = """
        import socket, sys, time
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((sys.argv[2], 0))
        chunk, pause = int(sys.argv[4]), int(sys.argv[5]) / 1000.0
        frames = [bytes.fromhex(l.strip()) for l in open(sys.argv[1]) if l.strip()]
        sent = 0
        for _ in range(int(sys.argv[3])):
            for f in frames:
                s.send(f)
                sent += 1
                if chunk and sent % chunk == 0:
                    time.sleep(pause)
        print("sent", sent)
        """;

    private RawSender() {}

    static int send(String ns, String dev, Path dir, String name, List<byte[]> frames, int repeat) throws IOException {
        return send(ns, dev, dir, name, frames, repeat, 0, 0);
    }

    /** Paced: a pause of {@code pauseMillis} after every {@code chunk} frames (0: as fast as the socket takes them). */
    static int send(String ns, String dev, Path dir, String name, List<byte[]> frames, int repeat, int chunk,
            int pauseMillis) throws IOException {
        Path file = dir.resolve(name + ".hex");
        StringBuilder sb = new StringBuilder();
        for (byte[] f : frames) {
            sb.append(HexFormat.of().formatHex(f)).append('\n');
        }
        Files.writeString(file, sb);
        Sh.Result r = Sh.run(300, Sh.in(ns, "python3", "-c", SCRIPT, file.toString(), dev, Integer.toString(repeat),
            Integer.toString(chunk), Integer.toString(pauseMillis)));
        assertEquals(0, r.exit(), "raw sender: " + r.out());
        assertEquals("sent " + frames.size() * repeat, r.out().strip());
        return frames.size() * repeat;
    }
}
