package bng.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The addresses this node answers for: every enabled network's {@code real}/{@code virt} (and
 * IPv6 twins) and every enabled server's VIP. Kept by core, so it outlives any module. Lookups
 * are lock-free and allocate nothing: processors call them per packet.
 */
@ProviderType
public interface OwnedAddresses {
    boolean ownsIpv4(int address);

    /** Whether the 16 bytes at {@code b[off]} are an owned IPv6 address. */
    boolean ownsIpv6(byte[] b, int off);
}
