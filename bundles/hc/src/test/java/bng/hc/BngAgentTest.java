package bng.hc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The target-side agent ({@code tools/bngagent/BngAgent.java}) as a real process on loopback,
 * spoken to over a real UDP socket in the format hc's receiver expects.
 */
class BngAgentTest {
    static final Path SOURCE = Path.of("../../tools/bngagent/BngAgent.java");

    static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the agent, sends one request with {@code token}, returns the reply's fields. */
    static int[] ask(int token, String... command) throws Exception {
        assertTrue(Files.isRegularFile(SOURCE), SOURCE.toAbsolutePath().toString());
        int port = freeUdpPort();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
            SOURCE.toString(), "-b", "127.0.0.1", String.valueOf(port)));
        cmd.addAll(List.of(command));
        Process agent = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertEquals("bngagent: listening on 127.0.0.1:" + port, first);
            byte[] request = ByteBuffer.allocate(8).putInt(Probes.AGENT_MAGIC).putInt(token).array();
            socket.setSoTimeout(5_000);
            socket.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
            byte[] in = new byte[64];
            DatagramPacket reply = new DatagramPacket(in, in.length);
            socket.receive(reply);
            assertEquals(Probes.AGENT_REPLY, reply.getLength());
            assertEquals(port, reply.getPort(), "answered from the port it was asked on");
            ByteBuffer r = ByteBuffer.wrap(in, 0, reply.getLength());
            return new int[] {r.getInt(), r.getInt(), r.getInt()};
        } finally {
            agent.destroyForcibly().waitFor();
        }
    }

    @Test
    void answersWithTheTokenAndTheLoadAverage() throws Exception {
        int[] reply = ask(0x12345678);
        assertEquals(Probes.AGENT_MAGIC, reply[0]);
        assertEquals(0x12345678, reply[1]);
        assertTrue(reply[2] >= 0, "load x 100: " + reply[2]);
    }

    @Test
    void aCommandsExitStatusIsTheLoad() throws Exception {
        int[] reply = ask(7, "sh", "-c", "exit 42");
        assertEquals(7, reply[1]);
        assertEquals(42, reply[2]);
    }
}
