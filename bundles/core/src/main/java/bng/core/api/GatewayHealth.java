package bng.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The {@code gateway}'s health as hc's ping check finds it ({@link TargetHealth#UNKNOWN},
 * {@link TargetHealth#UP}, {@link TargetHealth#DOWN}); kept by core so that VRRP tracking reads it
 * without depending on hc. Lock-free reads.
 */
@ProviderType
public interface GatewayHealth {
    int state();

    /** Records a change (or confirms the state) with its reason. */
    void report(int state, String reason);
}
