package bng.core.access;

import java.util.concurrent.TimeUnit;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The in-memory access ({@code access memory}): named wires whose one end is a bng port and whose
 * other end a test (or a benchmark) holds, so real frames pass through real processors without a
 * kernel. A wire comes to exist when either end first names it.
 */
@ProviderType
public interface MemoryWires {
    /** The host end of wire {@code name} (the bng end is opened by {@code interface N {name NAME access memory}}). */
    Host host(String name);

    /** The far end of a wire: what a host on the other side of the cable does. */
    interface Host {
        /** Puts a frame on the wire towards bng; false when the wire's queue is full (dropped). */
        boolean send(byte[] frame);

        /** The next frame bng sent, or null after the timeout. */
        byte[] poll(long timeout, TimeUnit unit) throws InterruptedException;

        /** Discards what bng sent so far. */
        void clear();

        /** The MAC address of the bng port at the other end. */
        long portMac();
    }
}
