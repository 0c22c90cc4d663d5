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
}
