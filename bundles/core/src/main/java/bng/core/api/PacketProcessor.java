package bng.core.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A module's contribution to the packet bus, registered as an OSGi service (whiteboard).
 *
 * <p>The service properties in {@link ProcessorProperties} say what it wants and where in the
 * chain it runs. The bus resolves the object once when it binds, calls it from port threads,
 * and waits for the port threads to leave it before its unregistration completes.
 * Implementations must not block, allocate per packet, or keep the context beyond the call.
 */
@ConsumerType
@FunctionalInterface
public interface PacketProcessor {
    void process(PacketContext context);
}
