package bng.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The open ports as modules see them: their MACs, and a slow-path transmit for frames a module
 * builds itself (ARP requests and gratuitous ARP, health-check probes, VRRP adverts). Port ids are
 * the configuration's interface ids.
 */
@ProviderType
public interface Ports {
    /** The MAC address of port {@code port}, or -1 when that port is not open. */
    long mac(int port);

    /** True when the port is open and its thread runs. */
    boolean isUp(int port);

    /**
     * Sends {@code frame[0..length)} out of {@code port} from any thread (the driver copies it).
     * Returns false when the port is not open or the driver refused the frame; never throws.
     */
    boolean send(int port, byte[] frame, int length);

    /**
     * Sends {@code frames[0..count)} (each {@code length()} bytes) out of {@code port} as one burst
     * from any thread, allocating nothing (the driver copies; the caller may reuse the frames at
     * once). Returns how many went out: 0 when the port is not open. Never throws. For senders
     * that run a loop of their own (the benchmark module), not for a port thread's frames.
     *
     * @since 1.2
     */
    default int transmit(int port, Frame[] frames, int count) {
        int ok = 0;
        for (int i = 0; i < count; i++) {
            Frame f = frames[i];
            if (send(port, f.data(), f.length())) {
                ok++;
            }
        }
        return ok;
    }

    /** The port a configured network lives on (its {@code interface}), or -1. */
    int portOfNetwork(int networkId);

    /**
     * The driver's counters of an open port since it opened (as {@code show interfaces} shows
     * them), or null when the port is not open. For operators (metrics), not the fast path.
     */
    default PortCounters counters(int port) {
        return null;
    }

    /** @param dropped kernel drops, frames cut by the snapshot length and failed sends */
    record PortCounters(String interfaceName, long received, long sent, long dropped) {}
}
