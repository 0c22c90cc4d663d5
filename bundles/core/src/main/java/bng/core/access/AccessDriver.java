package bng.core.access;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way to reach interfaces (BalanceNG's {@code access} attribute): {@code raw}, {@code pcap},
 * {@code memory}, ... Registered as a service with {@link #ACCESS} naming the method; the port
 * manager opens one {@link AccessPort} per configured interface with the driver it names.
 */
@ConsumerType
public interface AccessDriver {
    /** Service property (String): the access method this driver serves, as written in the config. */
    String ACCESS = "bng.access";

    /**
     * Opens the interface. Fails with a clear message (missing interface, no privileges) rather
     * than returning a half-working port.
     */
    AccessPort open(String interfaceName) throws IOException;

    /**
     * How many receive queues this driver can give one interface (BalanceNG's {@code threads N}):
     * 1 unless the driver can spread what the interface receives over several ports.
     */
    default int maxQueues() {
        return 1;
    }

    /**
     * Opens queue {@code queue} of {@code queues} on the interface: {@code queues} ports that
     * together receive what the interface receives, each frame once, every frame of a flow on the
     * same queue (AF_PACKET fanout by flow hash), each drained by its own thread. Each port can
     * transmit on its own. Only called with {@code queues <= maxQueues()}; the default serves one.
     */
    default AccessPort open(String interfaceName, int queue, int queues) throws IOException {
        if (queue != 0 || queues != 1) {
            throw new IOException("access driver serves one queue per interface, not " + queues);
        }
        return open(interfaceName);
    }
}
