package bng.access.pcap;

import bng.core.access.AllMulticast;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import bng.core.access.AccessPort;
import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver on real packets: a veth pair whose host end bng opens (no address: bng owns its
 * addresses itself) and whose peer lives in a throw-away namespace with 198.18.200.2/24, checksum
 * offloads left on. The namespace's kernel is the other host: its ARP requests and pings must
 * arrive, bng's ARP reply and echo request must reach it, and its UDP (sent with a partial
 * checksum) must come in complete. Needs root; the link and namespace go even on failure.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
public class LibpcapPortTest {
    private static final String SUFFIX = Long.toString(ProcessHandle.current().pid() % 100000);
    private static final String NS = "bngpcapT" + SUFFIX;
    private static final String HOST = "bngt" + SUFFIX;
    private static final String PEER = "bngp" + SUFFIX;
    private static final long HOST_MAC = 0x02_00_00_00_c8_01L;
    private static final long PEER_MAC = 0x02_00_00_00_c8_02L;
    private static final int HOST_IP = 0xc612c801; // 198.18.200.1, owned by "bng" only
    private static final int PEER_IP = 0xc612c802; // 198.18.200.2, the namespace's

    private final List<byte[]> seen = new ArrayList<>();
    private final Frame[] burst = new Frame[16];
    private final List<AccessPort> opened = new ArrayList<>();

    @BeforeEach
    void createPeer() throws Exception {
        if (!Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t")) {
            fail("LibpcapPortTest needs root (it creates a veth pair and a namespace, and captures)");
        }
        for (int i = 0; i < burst.length; i++) {
            burst[i] = new Frame(LibpcapPort.SNAPLEN);
        }
        try {
            sh("ip", "netns", "add", NS);
            sh("ip", "-n", NS, "link", "set", "lo", "up");
            // No IPv6 chatter (DAD, router solicitations) from the peer: only what the test sends.
            sh("ip", "netns", "exec", NS, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
            sh("ip", "link", "add", HOST, "address", Macs.format(HOST_MAC), "type", "veth",
                "peer", "name", PEER, "address", Macs.format(PEER_MAC), "netns", NS);
            sh("sysctl", "-qw", "net.ipv6.conf." + HOST + ".disable_ipv6=1", "net.ipv4.conf." + HOST + ".forwarding=0");
            sh("ip", "-n", NS, "addr", "add", "198.18.200.2/24", "dev", PEER);
            sh("ip", "-n", NS, "link", "set", PEER, "up");
            sh("ip", "link", "set", HOST, "up");
        } catch (Exception | AssertionError e) {
            removePeer();
            throw e;
        }
    }

    @AfterEach
    void removePeer() throws Exception {
        for (AccessPort p : opened) {
            p.close();
        }
        opened.clear();
        run("ip", "link", "del", HOST);
        run("ip", "netns", "del", NS);
    }

    @Test
    void framesTravelBothWaysWithArpEchoAndPartialChecksums() throws Exception {
        LibpcapPort port = open(new PcapAccessDriver());
        assertEquals(HOST_MAC, port.mac());

        Process ping = new ProcessBuilder("ip", "netns", "exec", NS, "ping", "-n", "-c", "5", "-i", "0.2", "-W", "1",
            "198.18.200.1").redirectErrorStream(true).start();
        try {
            // 1. The namespace asks for 198.18.200.1: the request arrives byte for byte.
            byte[] request = await(port, f -> f.isArp() && f.u16(f.l3Offset() + 6) == 1);
            assertEquals("ffffffffffff" + "02000000c8020806" + "0001080006040001" + "02000000c802c612c802"
                + "000000000000c612c801", HexFormat.of().formatHex(request, 0, 42));

            // 2. bng's answer reaches the namespace's kernel: its ping follows with an echo request.
            assertEquals(1, send(port, arpReply()));
            byte[] echo = await(port, f -> f.isIpv4() && f.ipProtocol() == Frame.PROTO_ICMP
                && f.u8(f.l4Offset()) == 8 && f.ipv4Dst() == HOST_IP);
            Frame e = decoded(echo);
            assertEquals(HOST_MAC, e.dstMac());
            assertEquals(PEER_MAC, e.srcMac());
            assertEquals(PEER_IP, e.ipv4Src());

            // 3. bng pings the namespace: the kernel there answers, and the reply comes back in.
            byte[] payload = "bng access raw, echo through libpcap".getBytes(StandardCharsets.US_ASCII);
            assertEquals(1, send(port, echoRequest(0x6263, 7, payload)));
            byte[] reply = await(port, f -> f.isIpv4() && f.ipProtocol() == Frame.PROTO_ICMP
                && f.u8(f.l4Offset()) == 0 && f.u16(f.l4Offset() + 4) == 0x6263);
            Frame r = decoded(reply);
            assertEquals(PEER_IP, r.ipv4Src());
            assertEquals(HOST_IP, r.ipv4Dst());
            assertEquals(7, r.u16(r.l4Offset() + 6));
            assertArrayEquals(payload, Arrays.copyOfRange(reply, r.l4Offset() + 8, r.l3End()));

            // 4. UDP from a socket over veth leaves the namespace with CHECKSUM_PARTIAL (offloads on):
            //    the port completes it, so the frame would leave bng correct.
            long partialBefore = port.partialChecksumsCompleted();
            sh("ip", "netns", "exec", NS, "bash", "-c", "echo -n bng-partial > /dev/udp/198.18.200.1/9");
            byte[] udp = await(port, f -> f.isIpv4() && f.ipProtocol() == Frame.PROTO_UDP && f.dstPort() == 9);
            Frame u = decoded(udp);
            int sum = Checksums.pseudoHeader4(u.ipv4Src(), u.ipv4Dst(), Frame.PROTO_UDP, u.l4Length());
            assertEquals(0xffff, Checksums.fold(Checksums.sum(udp, u.l4Offset(), u.l4Length(), sum)),
                "the UDP checksum verifies");
            assertEquals(partialBefore + 1, port.partialChecksumsCompleted(),
                "the kernel sent it partial and the port completed it");

            long[] c = port.counters();
            assertEquals(seen.size(), c[0], "received counter");
            assertEquals(2, c[1], "sent counter");
            assertNoOwnFrames();
        } finally {
            ping.destroyForcibly();
            ping.waitFor(2, TimeUnit.SECONDS);
        }
    }

    @Test
    void framesAPortSentAreNotCapturedByAnotherPortOnTheSameInterface() throws Exception {
        // One socket never sees its own output; PCAP_D_IN keeps a second one (another bng port,
        // packet-io.md pitfall 6) from seeing it too.
        LibpcapPort a = open(new PcapAccessDriver());
        LibpcapPort b = open(new PcapAccessDriver());
        assertEquals(1, send(a, arpRequestForPeer()));
        // The namespace's reply proves b is capturing; a's request must not be among what b got.
        byte[] got = await(b, f -> f.isArp() && f.u16(f.l3Offset() + 6) == 2);
        assertEquals(PEER_MAC, decoded(got).srcMac());
        drainFor(a, 200);
        drainFor(b, 200);
        assertNoOwnFrames();
    }

    @Test
    void receivingAllocatesNothingPerFrame() throws Exception {
        LibpcapPort port = open(new PcapAccessDriver());
        sh("ip", "-n", NS, "neigh", "replace", "198.18.200.1", "lladdr", Macs.format(HOST_MAC), "dev", PEER);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Warm-up: C2 compiles the receive path (interpreted and C1 code may allocate for a downcall).
        for (int i = 0; i < 50_000; i++) {
            port.receive(burst, burst.length, 0);
        }
        for (int i = 0; i < 600; i++) {
            port.receive(burst, burst.length, 1);
        }
        int frames = 0;
        long bytes = 0;
        for (int round = 0; round < 3; round++) { // the last round counts
            // 2000 UDP datagrams, each with a partial checksum the port completes (it sums those).
            Process flood = new ProcessBuilder("ip", "netns", "exec", NS, "bash", "-c",
                "for i in $(seq 2000); do echo -n bng-flood-$i > /dev/udp/198.18.200.1/9; done")
                .redirectErrorStream(true).start();
            long before = mx.getCurrentThreadAllocatedBytes();
            int n = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (n < 2000 && System.nanoTime() < until) {
                n += port.receive(burst, burst.length, 20);
            }
            bytes = mx.getCurrentThreadAllocatedBytes() - before;
            frames = n;
            flood.destroyForcibly();
            flood.waitFor(2, TimeUnit.SECONDS);
        }
        assertTrue(frames >= 1000, "the flood arrived: " + frames + " frames");
        System.out.printf("receive: %d frames, %d bytes allocated (%.2f per frame)%n", frames, bytes,
            (double) bytes / frames);
        assertTrue(bytes < frames, "receiving allocates less than a byte per frame: " + bytes + " for " + frames);

        byte[] echo = echoRequest(0x6264, 1, new byte[18]);
        Frame[] out = {new Frame(echo, echo.length)};
        for (int i = 0; i < 20_000; i++) {
            port.transmit(out, 1);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        int sent = 0;
        for (int i = 0; i < 2000; i++) {
            sent += port.transmit(out, 1);
        }
        bytes = mx.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("transmit: %d frames, %d bytes allocated%n", sent, bytes);
        assertEquals(2000, sent);
        assertTrue(bytes < sent, "transmitting allocates less than a byte per frame: " + bytes + " for " + sent);
    }

    @Test
    void aPortWhoseInterfaceVanishesFailsOnceWithIOException() throws Exception {
        LibpcapPort port = open(new PcapAccessDriver());
        sh("ip", "link", "del", HOST);
        IOException e = assertThrows(IOException.class, () -> {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until) {
                port.receive(burst, burst.length, 50);
            }
        });
        assertTrue(e.getMessage().startsWith(HOST + ": "), e.getMessage());
        System.out.println("vanished interface: " + e.getMessage());
        assertEquals(0, port.transmit(new Frame[] {new Frame(arpReply(), 42)}, 1), "sending fails quietly");
    }

    @Test
    void aMissingInterfaceIsNamed() {
        IOException e = assertThrows(IOException.class, () -> new PcapAccessDriver().open("bngnosuch7"));
        assertEquals("interface bngnosuch7 does not exist", e.getMessage());
        assertEquals("no permission to capture on eth0: bng needs root or CAP_NET_RAW",
            LibpcapAccessDriver.activationError("eth0", Libpcap.ERROR_PERM_DENIED, "socket: Operation not permitted"));
    }

    // ---------------------------------------------------------------- frames

    private byte[] arpReply() {
        byte[] b = new byte[42];
        Macs.write(b, 0, PEER_MAC);
        Macs.write(b, 6, HOST_MAC);
        Frame f = new Frame(b, b.length);
        f.put16(12, Frame.ETH_ARP);
        f.put32(14, 0x0001_0800);
        f.put32(18, 0x0604_0002); // hlen 6, plen 4, op reply
        Macs.write(b, 22, HOST_MAC);
        f.put32(28, HOST_IP);
        Macs.write(b, 32, PEER_MAC);
        f.put32(38, PEER_IP);
        return b;
    }

    private byte[] arpRequestForPeer() {
        byte[] b = arpReply();
        Frame f = new Frame(b, b.length);
        f.setDstMac(Macs.BROADCAST);
        f.put16(20, 1);
        Macs.write(b, 32, 0);
        return b;
    }

    private byte[] echoRequest(int id, int seq, byte[] payload) {
        int l3 = 14;
        int l4 = l3 + 20;
        byte[] b = new byte[l4 + 8 + payload.length];
        Frame f = new Frame(b, b.length);
        f.setDstMac(PEER_MAC);
        f.setSrcMac(HOST_MAC);
        f.put16(12, Frame.ETH_IPV4);
        f.put16(l3, 0x4500);
        f.put16(l3 + 2, b.length - l3);
        f.put16(l3 + 4, 0x1c46);
        f.put16(l3 + 6, 0x4000);
        f.put16(l3 + 8, 0x4001); // TTL 64, ICMP
        f.put32(l3 + 12, HOST_IP);
        f.put32(l3 + 16, PEER_IP);
        f.put16(l3 + 10, Checksums.checksum(b, l3, 20));
        f.put16(l4, 0x0800);
        f.put16(l4 + 4, id);
        f.put16(l4 + 6, seq);
        System.arraycopy(payload, 0, b, l4 + 8, payload.length);
        f.put16(l4 + 2, Checksums.checksum(b, l4, b.length - l4));
        return b;
    }

    private static Frame decoded(byte[] b) {
        Frame f = new Frame(b, b.length);
        assertEquals(Frame.OK, f.decode(), "a sound frame");
        return f;
    }

    // ---------------------------------------------------------------- port helpers

    @Test
    void openingThePortLetsEveryMulticastFrameInForNeighbourDiscovery() throws Exception {
        assertTrue(!AllMulticast.isOn(HOST), "a fresh veth has IFF_ALLMULTI off");
        open(new PcapAccessDriver());
        assertTrue(AllMulticast.isOn(HOST), "solicited-node groups bng's kernel never joined must reach the capture");
    }

    @Test
    void aBurstArrivingWhileThePortThreadIsAwayIsHeldNotDropped() throws Exception {
        // 8,000 full-size frames land while nobody reads (a GC pause, a descheduled thread): the
        // kernel buffer must hold them all. With a 9234-byte snaplen libpcap's slots were so large
        // that 8 MB held ~870 frames; the snaplen now follows the MTU and the buffer is 32 MB.
        LibpcapPort port = open(new PcapAccessDriver());
        int count = 8_000;
        String mac = Macs.format(HOST_MAC).replace(":", "");
        String python = "import socket\n"
            + "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n"
            + "s.bind(('" + PEER + "', 0))\n"
            + "f = bytes.fromhex('" + mac + "') + bytes.fromhex('" + Macs.format(PEER_MAC).replace(":", "") + "')"
            + " + b'\\x88\\xb5' + bytes(1500)\n"
            + "for i in range(" + count + "): s.send(f)\n";
        Process burst = new ProcessBuilder("ip", "netns", "exec", NS, "python3", "-c", python)
            .redirectErrorStream(true).start();
        assertTrue(burst.waitFor(15, TimeUnit.SECONDS), "the burst was sent");
        String out = new String(burst.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, burst.exitValue(), out);
        int n = 0;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (n < count && System.nanoTime() < until) {
            int got = port.receive(this.burst, this.burst.length, 20);
            for (int i = 0; i < got; i++) {
                if (this.burst[i].u16(12) == 0x88b5) {
                    n++;
                }
            }
        }
        long[] counters = port.counters();
        System.out.printf("burst: %d of %d frames received, counters %s%n", n, count, Arrays.toString(counters));
        assertEquals(count, n, "every frame of the burst was held; port counters " + Arrays.toString(counters));
        assertEquals(0, counters[2], "nothing dropped");
    }

    private LibpcapPort open(LibpcapAccessDriver driver) throws IOException {
        LibpcapPort p = (LibpcapPort) driver.open(HOST);
        opened.add(p);
        return p;
    }

    private static int send(AccessPort port, byte[] frame) {
        return port.transmit(new Frame[] {new Frame(frame, frame.length)}, 1);
    }

    /** Receives until a frame matches (every frame is kept in {@link #seen}); fails after 3 s. */
    private byte[] await(AccessPort port, Predicate<Frame> wanted) throws IOException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) {
            int n = port.receive(burst, burst.length, 50);
            for (int i = 0; i < n; i++) {
                byte[] copy = Arrays.copyOf(burst[i].data(), burst[i].length());
                seen.add(copy);
                Frame f = new Frame(copy, copy.length);
                f.decode();
                if (wanted.test(f)) {
                    return copy;
                }
            }
        }
        fail("no such frame within 3 s on " + port.interfaceName() + "; received " + seen.size() + " others");
        return null;
    }

    private void drainFor(AccessPort port, int millis) throws IOException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until) {
            int n = port.receive(burst, burst.length, 20);
            for (int i = 0; i < n; i++) {
                seen.add(Arrays.copyOf(burst[i].data(), burst[i].length()));
            }
        }
    }

    private void assertNoOwnFrames() {
        assertTrue(!seen.isEmpty(), "frames were received");
        for (byte[] b : seen) {
            assertTrue(Macs.read(b, 6) != HOST_MAC, "a frame bng sent came back in: " + HexFormat.of().formatHex(b));
        }
    }

    // ---------------------------------------------------------------- commands

    private static void sh(String... argv) throws IOException, InterruptedException {
        String out = run(argv);
        assertNotNull(out, String.join(" ", argv));
    }

    /** Runs a command; returns its output, or null (after failing the caller via sh) on a non-zero exit. */
    private static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            System.err.println(String.join(" ", argv) + ": exit " + p.exitValue() + ": " + out.strip());
            return null;
        }
        return out;
    }
}
