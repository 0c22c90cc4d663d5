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

    /** The port a configured network lives on (its {@code interface}), or -1. */
    int portOfNetwork(int networkId);
}
