package bng.dump;

import bng.core.api.Frame;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;

/**
 * Copies every frame received on one port into the ring. Registered as an <em>advisor</em> at
 * priority 0, not an observer: directors rewrite frames in place (slb's DSR changes both MACs), so
 * only the first processor sees what the interface received. It never handles a frame.
 */
final class DumpProcessor implements PacketProcessor {
    private final int port;
    private final FrameRing ring;
    /** Wall clock at start minus the monotonic clock: record times in µs without a clock object per frame. */
    private final long epochOffsetMicros;

    DumpProcessor(int port, FrameRing ring) {
        this.port = port;
        this.ring = ring;
        this.epochOffsetMicros = System.currentTimeMillis() * 1000L - System.nanoTime() / 1000L;
    }

    @Override
    public void process(PacketContext ctx) {
        if (ctx.inPort() != port) {
            return;
        }
        Frame f = ctx.frame();
        ring.offer(f.data(), f.length(), epochOffsetMicros + System.nanoTime() / 1000L);
    }
}
