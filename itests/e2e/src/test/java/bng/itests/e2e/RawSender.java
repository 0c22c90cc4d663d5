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
        import socket, sys
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((sys.argv[2], 0))
        frames = [bytes.fromhex(l.strip()) for l in open(sys.argv[1]) if l.strip()]
        sent = 0
        for _ in range(int(sys.argv[3])):
            for f in frames:
                s.send(f)
                sent += 1
        print("sent", sent)
        """;

    private RawSender() {}

    static int send(String ns, String dev, Path dir, String name, List<byte[]> frames, int repeat) throws IOException {
        Path file = dir.resolve(name + ".hex");
        StringBuilder sb = new StringBuilder();
        for (byte[] f : frames) {
            sb.append(HexFormat.of().formatHex(f)).append('\n');
        }
        Files.writeString(file, sb);
        Sh.Result r = Sh.run(300, Sh.in(ns, "python3", "-c", SCRIPT, file.toString(), dev, Integer.toString(repeat)));
        assertEquals(0, r.exit(), "raw sender: " + r.out());
        assertEquals("sent " + frames.size() * repeat, r.out().strip());
        return frames.size() * repeat;
    }
}
