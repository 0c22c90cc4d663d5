package bng.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a processor sees of one frame and how it says what happened to it. One reusable context
 * per port thread: never keep it beyond {@link PacketProcessor#process}.
 *
 * <p>A director that handles the frame calls exactly one of {@link #send}, {@link #reply},
 * {@link #consume} or {@link #drop}; later directors then do not see it. Observers always do.
 */
@ProviderType
public interface PacketContext {
    Frame frame();

    /** Index of the port the frame came in on. */
    int inPort();

    /** The MAC address of the port the frame came in on. */
    long inPortMac();

    /** True once a director handled the frame. */
    boolean isHandled();

    /** Sends the frame (rewritten in place) out of {@code port}. */
    void send(int port);

    /** Sends the frame (rewritten in place) back out of the port it came in on. */
    void reply();

    /** The frame was taken care of and goes nowhere (e.g. learnt from). */
    void consume();

    /** The frame is dropped on purpose (policy, not malformed). */
    void drop();
}
