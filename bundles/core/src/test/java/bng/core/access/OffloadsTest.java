package bng.core.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reading {@code ethtool -k}'s answer (Debian's ethtool 6.1, a veth). */
public class OffloadsTest {
    static final String VETH = """
        Features for bngt1:
        rx-checksumming: on
        tx-checksumming: on
        \ttx-checksum-ip-generic: on
        generic-segmentation-offload: on
        generic-receive-offload: off
        large-receive-offload: off [fixed]
        rx-vlan-offload: on
        """;

    @Test
    void offAndFixedOffCountAsOff() {
        assertTrue(Offloads.isOff(VETH, "generic-receive-offload"));
        assertTrue(Offloads.isOff(VETH, "large-receive-offload"));
        assertFalse(Offloads.isOff(VETH, "rx-checksumming"));
        assertFalse(Offloads.isOff(VETH, "no-such-feature"), "an unknown feature is not known to be off");
        assertFalse(Offloads.isOff(VETH.replace("generic-receive-offload: off", "generic-receive-offload: on"),
            "generic-receive-offload"));
    }
}
