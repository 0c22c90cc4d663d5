package bng.core.impl;

import bng.core.access.AccessDriver;
import bng.core.access.AccessPort;
import bng.core.access.MemoryWires;
import bng.core.api.Frame;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/**
 * {@code access memory}: in-process wires for tests and benchmarks. Each wire holds two bounded
 * queues (towards bng, towards the host); a full queue drops and counts, like a real link.
 * Frames are copied onto and off the wire, so this driver allocates per frame — it is a test
 * bench, not the fast path.
 */
@Component(service = {AccessDriver.class, MemoryWires.class}, property = AccessDriver.ACCESS + "=memory")
public final class MemoryAccessDriver implements AccessDriver, MemoryWires {
    static final int QUEUE = 4096;

    private final Map<String, Wire> wires = new ConcurrentHashMap<>();

    private Wire wire(String name) {
        return wires.computeIfAbsent(name, Wire::new);
    }

    @Override
    public AccessPort open(String interfaceName) {
        return new MemoryPort(wire(interfaceName));
    }

    @Override
    public Host host(String name) {
        return wire(name);
    }

    static final class Wire implements Host {
        final String name;
        final long mac;
        final BlockingQueue<byte[]> toBng = new ArrayBlockingQueue<>(QUEUE);
        final BlockingQueue<byte[]> toHost = new ArrayBlockingQueue<>(QUEUE);
        final AtomicLong dropped = new AtomicLong();

        Wire(String name) {
            this.name = name;
            // A stable locally administered MAC per wire name (02:xx:...).
            this.mac = 0x02_00_0000_0000L | (name.hashCode() & 0xffff_ffffL);
        }

        @Override
        public boolean send(byte[] frame) {
            boolean ok = toBng.offer(frame.clone());
            if (!ok) {
                dropped.incrementAndGet();
            }
            return ok;
        }

        @Override
        public byte[] poll(long timeout, TimeUnit unit) throws InterruptedException {
            return toHost.poll(timeout, unit);
        }

        @Override
        public void clear() {
            toHost.clear();
        }

        @Override
        public long portMac() {
            return mac;
        }
    }

    static final class MemoryPort implements AccessPort {
        private final Wire wire;
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong sent = new AtomicLong();
        private volatile boolean closed;

        MemoryPort(Wire wire) {
            this.wire = wire;
        }

        @Override
        public String interfaceName() {
            return wire.name;
        }

        @Override
        public long mac() {
            return wire.mac;
        }

        @Override
        public int receive(Frame[] frames, int max, int timeoutMillis) throws java.io.IOException {
            if (closed) {
                throw new java.io.IOException("port " + wire.name + " is closed");
            }
            int n = 0;
            try {
                byte[] b = wire.toBng.poll(timeoutMillis, TimeUnit.MILLISECONDS);
                while (b != null && n < max) {
                    Frame f = frames[n];
                    int len = Math.min(b.length, f.capacity());
                    System.arraycopy(b, 0, f.data(), 0, len);
                    f.setLength(len);
                    n++;
                    b = n < max ? wire.toBng.poll() : null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.addAndGet(n);
            return n;
        }

        @Override
        public int transmit(Frame[] frames, int count) {
            int ok = 0;
            for (int i = 0; i < count; i++) {
                Frame f = frames[i];
                if (wire.toHost.offer(Arrays.copyOf(f.data(), f.length()))) {
                    ok++;
                } else {
                    wire.dropped.incrementAndGet();
                }
            }
            sent.addAndGet(ok);
            return ok;
        }

        @Override
        public long[] counters() {
            return new long[] {received.get(), sent.get(), wire.dropped.get()};
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
