package bng.core.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: told of each change of the effective {@link Mastership} state, and of each re-announce
 * request ({@code previous == current == MASTER}). The arp module sends gratuitous ARP for every owned
 * address when {@code current} is master. Called on the reporting thread; must not block.
 */
@ConsumerType
public interface MastershipListener {
    void mastershipChanged(Mastership.State previous, Mastership.State current, String reason);
}
