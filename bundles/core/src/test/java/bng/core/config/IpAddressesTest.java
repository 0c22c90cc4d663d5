package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet6Address;
import org.junit.jupiter.api.Test;

class IpAddressesTest {
    private static String canonical(String text) {
        return IpAddresses.format(IpAddresses.parseIpv6(text));
    }

    @Test
    void ipv6IsPrintedInRfc5952Form() {
        assertEquals("2001:db8::4", canonical("2001:db8:0:0:0:0:0:4"));
        assertEquals("2001:db8::1:0:0:1", canonical("2001:db8:0:0:1:0:0:1"), "first of equal runs");
        assertEquals("2001:0:0:1::1", canonical("2001:0:0:1:0:0:0:1"), "longest run");
        assertEquals("2001:db8:0:1:1:1:1:1", canonical("2001:db8::1:1:1:1:1"), "a single zero is not compressed");
        assertEquals("2001:db8::ff00:42:8329", canonical("2001:DB8:0000:0000:0000:ff00:0042:8329"));
        assertEquals("::", canonical("::"));
        assertEquals("::1", canonical("::1"));
        assertEquals("1::", canonical("1:0:0:0:0:0:0:0"));
        assertEquals("::ffff:198.18.0.1", canonical("::ffff:c612:1"));
        assertEquals("::c612:1", canonical("::198.18.0.1"));
    }

    @Test
    void mappedAddressesStayIpv6() {
        assertInstanceOf(Inet6Address.class, IpAddresses.parseIpv6("::ffff:198.18.0.1"));
    }

    @Test
    void malformedLiteralsAreRejected() {
        for (String bad : new String[] {"", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
                "12345::", "g::1", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "example.com", "::ffff:256.0.0.1"}) {
            assertNull(IpAddresses.parseIpv6(bad), bad);
        }
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "a.b.c.d", "1.2.3.-4",
                "localhost", "1.2.3.4 "}) {
            assertNull(IpAddresses.parseIpv4(bad), bad);
        }
    }

    @Test
    void masks() {
        assertEquals(24, IpAddresses.maskToPrefix("255.255.255.0"));
        assertEquals(0, IpAddresses.maskToPrefix("0.0.0.0"));
        assertEquals(32, IpAddresses.maskToPrefix("255.255.255.255"));
        assertEquals(-1, IpAddresses.maskToPrefix("255.0.255.0"));
        for (int p = 0; p <= 32; p++) {
            assertEquals(p, IpAddresses.maskToPrefix(IpAddresses.prefixToMask(p)));
        }
    }
}
