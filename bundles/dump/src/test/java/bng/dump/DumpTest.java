package bng.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.impl.Dispatcher;
import bng.core.impl.PacketBusManager;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * Real frames through the real bus into the dump processor, written by the real writer through
 * pcap4j with a small size limit, and read back with pcap4j: the kept files hold exactly the last
 * frames received on the dumped port, byte for byte, in order; other ports' frames are not there.
 */
class DumpTest {
    /** An ARP request 198.18.0.16 → who has 198.18.0.2; byte 41 (the last) is varied per frame. */
    static final String ARP = "ffffffffffff02000000000a0806000108000604000102000000000ac6120010000000000000c6120002";

    @TempDir
    Path dir;

    @Test
    void rotatedDumpReadsBackWithPcap4j() throws Exception {
        PacketBusManager bus = new PacketBusManager();
        FrameRing ring = new FrameRing(1024, DumpCommand.SNAPLEN);
        // 1 KB per file: a file takes records while under 1024 bytes: 24 + 17 × (16 + 42) = 1010, so 18 per file
        DumpWriter writer = new DumpWriter(ring, dir.resolve("eth0"), new Rotation(1024, 3600, 3), DumpCommand.SNAPLEN);
        writer.open();
        Thread t = new Thread(writer, "dump-test");
        t.start();
        Runnable remove = bus.add(new DumpProcessor(1, ring), DumpCommand.Dump.properties(1));
        Dispatcher d = bus.newDispatcher("t");
        List<byte[]> sent = new ArrayList<>();
        Frame[] frames = {new Frame(new byte[DumpCommand.SNAPLEN], 0)};
        for (int i = 0; i < 100; i++) {
            byte[] arp = HexFormat.of().parseHex(ARP);
            arp[arp.length - 1] = (byte) i;
            System.arraycopy(arp, 0, frames[0].data(), 0, arp.length);
            frames[0].setLength(arp.length);
            d.dispatch(frames, 1, 1, 0x02_00_00_00_00_01L);
            sent.add(arp);
            // the same frame on port 2 must not be dumped
            System.arraycopy(arp, 0, frames[0].data(), 0, arp.length);
            frames[0].setLength(arp.length);
            d.dispatch(frames, 1, 2, 0x02_00_00_00_00_02L);
            assertFalse(frames[0].length() == 0);
        }
        for (int i = 0; i < 500 && writer.frames() < 100; i++) {
            Thread.sleep(10);
        }
        remove.run();
        writer.stop();
        t.join(5000);
        d.close();

        assertEquals(100, writer.frames());
        assertEquals(0, ring.dropped());
        List<Path> kept;
        try (Stream<Path> s = Files.list(dir)) {
            kept = s.sorted((a, b) -> Integer.compare(seq(a), seq(b))).toList();
        }
        assertEquals(writer.files(), kept, "only the newest 3 files are kept");
        assertEquals(List.of(4, 5, 6), kept.stream().map(DumpTest::seq).toList());
        List<byte[]> read = new ArrayList<>();
        long lastMicros = 0;
        for (Path p : kept) {
            PcapHandle h = Pcaps.openOffline(p.toString());
            try {
                while (true) {
                    byte[] b = h.getNextRawPacketEx();
                    long micros = h.getTimestamp().getTime() * 1000 + h.getTimestamp().getNanos() / 1000 % 1000;
                    assertTrue(micros >= lastMicros, "timestamps in order");
                    lastMicros = micros;
                    read.add(b);
                }
            } catch (EOFException end) {
                // end of this file
            } finally {
                h.close();
            }
        }
        // files 1..3 (18 frames each) were deleted: frames 54..99 remain (18 + 18 + 10), in order
        assertEquals(46, read.size());
        for (int i = 0; i < read.size(); i++) {
            assertArrayEquals(sent.get(54 + i), read.get(i), "frame " + (54 + i));
        }
    }

    /** The port thread's side of a running dump: a copy into the ring, nothing allocated per frame. */
    @Test
    void dumpingAllocatesNothingPerFrameOnThePortThread() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        PacketBusManager bus = new PacketBusManager();
        FrameRing ring = new FrameRing(DumpCommand.RING, DumpCommand.SNAPLEN);
        DumpWriter writer = new DumpWriter(ring, dir.resolve("alloc"), new Rotation(1L << 20, 3600, 2), DumpCommand.SNAPLEN);
        writer.open();
        Thread t = new Thread(writer, "dump-test");
        t.start();
        Runnable remove = bus.add(new DumpProcessor(1, ring), DumpCommand.Dump.properties(1));
        Dispatcher d = bus.newDispatcher("t");
        byte[] arp = HexFormat.of().parseHex(ARP);
        Frame[] burst = {new Frame(1518), new Frame(1518), new Frame(1518)};
        Runnable round = () -> {
            for (Frame f : burst) {
                System.arraycopy(arp, 0, f.data(), 0, arp.length);
                f.setLength(arp.length);
            }
            d.dispatch(burst, 3, 1, 0x02_00_00_00_00_01L);
        };
        for (int i = 0; i < 20_000; i++) {
            round.run();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            round.run();
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        var info = bus.processors().get(0);
        System.out.println("dump processor: " + info.packets() + " frames, ~" + info.nanos() / Math.max(1, info.packets())
            + " ns/frame (sampled), writer wrote " + writer.frames() + ", ring dropped " + ring.dropped());
        remove.run();
        writer.stop();
        t.join(5000);
        d.close();
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes for 300000 frames");
    }

    /** How fast the writer empties the ring into files (pcap4j's dumpRaw through JNA): printed, bound loosely. */
    @Test
    void writerKeepsUpWithSteadyTraffic() throws Exception {
        FrameRing ring = new FrameRing(DumpCommand.RING, DumpCommand.SNAPLEN);
        DumpWriter writer = new DumpWriter(ring, dir.resolve("rate"), new Rotation(4L << 20, 3600, 2), DumpCommand.SNAPLEN);
        writer.open();
        Thread t = new Thread(writer, "dump-test");
        t.start();
        byte[] frame = new byte[590];
        int offered = 0;
        long start = System.nanoTime();
        while (offered < 50_000 && System.nanoTime() - start < 20_000_000_000L) {
            if (ring.offer(frame, frame.length, offered)) {
                offered++;
            } else {
                Thread.onSpinWait();
            }
        }
        while (writer.frames() < offered && System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writer.stop();
        t.join(5000);
        System.out.printf("dump writer: %d frames of 590 bytes in %.2f s = %.0f frames/s%n", writer.frames(), seconds,
            writer.frames() / seconds);
        assertEquals(offered, writer.frames());
        assertTrue(offered >= 20_000, "at least 1,000 frames/s sustained: " + offered + " in 20 s");
    }

    /** A file older than the time limit is closed at the next frame, whatever its size. */
    @Test
    void rotatesByAge() throws Exception {
        FrameRing ring = new FrameRing(16, DumpCommand.SNAPLEN);
        DumpWriter writer = new DumpWriter(ring, dir.resolve("aged"), new Rotation(1L << 20, 1, 5), DumpCommand.SNAPLEN);
        writer.open();
        Thread t = new Thread(writer, "dump-test");
        t.start();
        byte[] arp = HexFormat.of().parseHex(ARP);
        ring.offer(arp, arp.length, 1_000_000);
        for (int i = 0; i < 500 && writer.frames() < 1; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(1200);
        ring.offer(arp, arp.length, 2_300_000);
        for (int i = 0; i < 500 && writer.frames() < 2; i++) {
            Thread.sleep(10);
        }
        writer.stop();
        t.join(5000);
        assertEquals(List.of(dir.resolve("aged.1.pcap"), dir.resolve("aged.2.pcap")), writer.files());
        for (Path p : writer.files()) {
            PcapHandle h = Pcaps.openOffline(p.toString());
            try {
                assertArrayEquals(arp, h.getNextRawPacketEx());
            } finally {
                h.close();
            }
        }
    }

    @Test
    void aFullRingDropsAndCountsInsteadOfWaiting() {
        FrameRing ring = new FrameRing(4, 64);
        byte[] f = new byte[100];
        for (int i = 0; i < 6; i++) {
            ring.offer(f, 100, i);
        }
        assertEquals(2, ring.dropped());
        int slot = ring.peek();
        assertEquals(64, ring.length(slot), "cut to the snapshot length");
        assertEquals(100, ring.originalLength(slot));
    }

    private static int seq(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring("eth0.".length(), n.length() - ".pcap".length()));
    }
}
