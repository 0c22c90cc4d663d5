package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.NeighbourCache;
import bng.core.config.IpAddresses;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IPv6 half of the neighbour cache, through the public {@link NeighbourCache} face. */
class Ipv6NeighbourTableTest {
    static byte[] ip6(String text) {
        return IpAddresses.parseIpv6(text).getAddress();
    }

    /** The address at offset 22 of a bigger array, as a frame holds it. */
    static byte[] inFrame(String text) {
        byte[] f = new byte[64];
        System.arraycopy(ip6(text), 0, f, 22, 16);
        return f;
    }

    @Test
    void learntAddressesAreFoundAtAnyOffset() {
        NeighbourTable t = new NeighbourTable();
        t.learnIpv6(ip6("2001:db8::1:1"), 0, 0x02_00_00_00_01_01L, 1);
        t.learnIpv6(ip6("2001:db8::1:2"), 0, 0x02_00_00_00_01_02L, 2);
        assertEquals(0x02_00_00_00_01_01L, t.lookupIpv6(inFrame("2001:db8::1:1"), 22));
        assertEquals(2, t.portOfIpv6(inFrame("2001:db8::1:2"), 22));
        assertEquals(-1, t.lookupIpv6(inFrame("2001:db8::1:3"), 22));
        assertEquals(-1, t.portOfIpv6(inFrame("2001:db8::1:3"), 22));
        assertEquals(-1, t.lookupIpv4(0xc6120101), "the IPv4 table is separate");
    }

    @Test
    void aMovedNeighbourIsUpdatedAndStaticEntriesStay() throws Exception {
        NeighbourTable t = new NeighbourTable();
        t.learnIpv6(ip6("2001:db8::1:1"), 0, 0x02_00_00_00_01_01L, 1);
        t.learnIpv6(ip6("2001:db8::1:1"), 0, 0x02_00_00_00_01_99L, 3);
        assertEquals(0x02_00_00_00_01_99L, t.lookupIpv6(ip6("2001:db8::1:1"), 0));
        assertEquals(3, t.portOfIpv6(ip6("2001:db8::1:1"), 0));
        t.insertStaticIpv6(ip6("2001:db8::1:5"), 0, 0x02_00_00_00_01_05L, 1);
        t.learnIpv4(0xc6120001, 0x02_00_00_00_00_01L, 1);
        Thread.sleep(5);
        assertEquals(2, t.expire(1), "both dynamic entries (one per family) age out");
        assertEquals(0x02_00_00_00_01_05L, t.lookupIpv6(ip6("2001:db8::1:5"), 0));
        assertEquals(-1, t.lookupIpv6(ip6("2001:db8::1:1"), 0));
    }

    @Test
    void entriesListIpv4FirstThenIpv6AndShowPrintsBoth() {
        NeighbourTable t = new NeighbourTable();
        t.learnIpv6(ip6("2001:db8::1:2"), 0, 0x02_00_00_00_01_02L, 1);
        t.learnIpv6(ip6("2001:db8::1:1"), 0, 0x02_00_00_00_01_01L, 1);
        t.learnIpv4(0xc6120001, 0x02_00_00_00_00_01L, 1);
        List<NeighbourCache.Entry> e = t.entries();
        assertEquals(List.of("198.18.0.1", "2001:db8:0:0:0:0:1:1", "2001:db8:0:0:0:0:1:2"),
            e.stream().map(x -> x.address().getHostAddress()).toList());
        StringBuilder out = new StringBuilder();
        t.show(List.of(), out);
        assertTrue(out.toString().contains("2001:db8::1:1    02:00:00:00:01:01"), out.toString());
    }

    @Test
    void manyAddressesStayFindableAcrossGenerations() {
        NeighbourTable t = new NeighbourTable();
        byte[] a = ip6("2001:db8::");
        for (int i = 0; i < 2000; i++) {
            a[14] = (byte) (i >>> 8);
            a[15] = (byte) i;
            t.learnIpv6(a, 0, 0x02_00_00_00_00_00L | i, 1);
        }
        for (int i = 0; i < 2000; i++) {
            a[14] = (byte) (i >>> 8);
            a[15] = (byte) i;
            assertEquals(0x02_00_00_00_00_00L | i, t.lookupIpv6(a, 0));
        }
    }
}
