package bng.core.access;

import bng.core.api.Frame;
import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One opened interface. Frames move in bursts: batching is the largest lever user-space
 * forwarding has. {@link #receive} is called by the port's own thread only; {@link #transmit}
 * may be called from any port thread (a frame forwarded between interfaces) and from slow-path
 * senders, so drivers make it safe for that.
 */
@ConsumerType
public interface AccessPort extends AutoCloseable {
    String interfaceName();

    /** The interface's own MAC address (48 bits). */
    long mac();

    /**
     * Fills {@code frames[0..n)} with received frames (length set, bytes copied or mapped) and
     * returns n; waits at most {@code timeoutMillis} when nothing is there, then returns 0.
     * Only inbound frames: never what bng itself sent.
     *
     * @throws IOException when the port failed (link gone, closed); not per bad frame
     */
    int receive(Frame[] frames, int max, int timeoutMillis) throws IOException;

    /**
     * Sends {@code frames[0..count)} (each {@code length()} bytes); returns how many went out.
     * Frames that could not be sent are counted by the driver, never thrown.
     */
    int transmit(Frame[] frames, int count);

    /** Driver counters for {@code show interfaces}: received, sent, dropped by the driver. */
    default long[] counters() {
        return new long[] {0, 0, 0};
    }

    /**
     * Frames received longer than the interface's MTU allows and dropped: segments merged before
     * bng saw them (TSO/GSO of the veth or bridge port that sends to bng, GRO/LRO), which cannot be
     * sent on as they are. {@code show warnings} names the cause when this is not 0.
     *
     * @since 1.2
     */
    default long oversizeFrames() {
        return 0;
    }

    /** Releases the interface; called only after the port's thread has stopped. */
    @Override
    void close();
}
