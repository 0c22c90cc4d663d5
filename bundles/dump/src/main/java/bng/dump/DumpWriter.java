package bng.dump;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * The dump's own thread: drains the ring into pcap files through pcap4j (a "dead" handle: libpcap
 * writes the file format, no capture handle needed), rotating by size and age and deleting the
 * oldest file beyond the limit. Files are {@code BASE.N.pcap}, N counting from 1.
 */
final class DumpWriter implements Runnable {
    private static final System.Logger LOG = System.getLogger(DumpWriter.class.getName());
    /** pcap record header: ts_sec, ts_usec, incl_len, orig_len (libpcap's savefile format). */
    private static final int RECORD_HEADER = 16;
    private static final int FILE_HEADER = 24;

    private final FrameRing ring;
    private final Path base;
    private final Rotation rotation;
    private final int snaplen;
    private final Deque<Path> files = new ArrayDeque<>();
    private volatile boolean running = true;
    private PcapHandle handle;
    private PcapDumper dumper;
    private long fileBytes;
    private long fileOpenedMillis;
    private int sequence;
    private volatile long frames;
    private volatile String failure;

    DumpWriter(FrameRing ring, Path base, Rotation rotation, int snaplen) {
        this.ring = ring;
        this.base = base;
        this.rotation = rotation;
        this.snaplen = snaplen;
    }

    /** Opens the first file now, so a bad path is refused at the prompt, not later. */
    void open() throws IOException {
        try {
            handle = Pcaps.openDead(DataLinkType.EN10MB, snaplen);
        } catch (PcapNativeException e) {
            throw new IOException("libpcap: " + e.getMessage(), e);
        }
        rotate();
    }

    @Override
    public void run() {
        try {
            while (running) {
                if (!drain()) {
                    Thread.sleep(5);
                }
            }
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage();
            LOG.log(System.Logger.Level.ERROR, "dump to {0} stopped: {1}", base, e.getMessage());
        } finally {
            closeFile();
            if (handle != null) {
                handle.close();
            }
        }
    }

    /** Writes what the ring holds; false when it held nothing. */
    private boolean drain() throws IOException {
        boolean any = false;
        for (int slot = ring.peek(); slot >= 0; slot = ring.peek()) {
            long micros = ring.timeMicros(slot);
            if (fileBytes >= rotation.maxBytes()
                || System.currentTimeMillis() - fileOpenedMillis >= rotation.maxSeconds() * 1000) {
                rotate();
            }
            byte[] frame = Arrays.copyOf(ring.data(slot), ring.length(slot));
            ring.release();
            Timestamp ts = new Timestamp(micros / 1000);
            ts.setNanos((int) (micros % 1_000_000) * 1000);
            try {
                dumper.dumpRaw(frame, ts);
            } catch (org.pcap4j.core.NotOpenException e) {
                throw new IOException(e);
            }
            fileBytes += RECORD_HEADER + frame.length;
            frames++;
            any = true;
        }
        if (any) {
            try {
                dumper.flush();
            } catch (PcapNativeException | org.pcap4j.core.NotOpenException e) {
                throw new IOException(e);
            }
        }
        return any;
    }

    private void rotate() throws IOException {
        closeFile();
        Path file = base.resolveSibling(base.getFileName() + "." + (++sequence) + ".pcap");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try {
            dumper = handle.dumpOpen(file.toString());
        } catch (PcapNativeException | org.pcap4j.core.NotOpenException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        synchronized (this) {
            files.addLast(file);
            while (files.size() > rotation.maxFiles()) {
                Files.deleteIfExists(files.removeFirst());
            }
        }
        fileBytes = FILE_HEADER;
        fileOpenedMillis = System.currentTimeMillis();
    }

    private void closeFile() {
        if (dumper != null) {
            dumper.close();
            dumper = null;
        }
    }

    void stop() {
        running = false;
    }

    long frames() {
        return frames;
    }

    String failure() {
        return failure;
    }

    /** The files kept now, oldest first. */
    synchronized java.util.List<Path> files() {
        return java.util.List.copyOf(files);
    }
}
