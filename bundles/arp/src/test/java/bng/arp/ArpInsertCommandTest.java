package bng.arp;

import static bng.arp.Fixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.impl.NeighbourTable;
import bng.core.impl.RunningConfigManager;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code arp-insert IP MAC} against core's real running configuration and neighbour table. */
class ArpInsertCommandTest {
    NeighbourTable cache;
    ArpInsertCommand command;

    @BeforeEach
    void setUp() {
        RunningConfigManager running = new RunningConfigManager();
        assertTrue(running.apply("arp-test.conf", Fixtures.CONFIG).ok());
        cache = new NeighbourTable();
        command = new ArpInsertCommand();
        command.neighbours = cache;
        command.config = running;
        command.ports = new WirePorts().networks(running.current()); // no port open: ids still known
    }

    String run(boolean ok, String... args) {
        StringBuilder out = new StringBuilder();
        assertEquals(ok, command.execute(List.of(args), out), out::toString);
        return out.toString();
    }

    @Test
    void insertsAStaticEntryOnThePortOfTheNetworkHoldingTheAddress() {
        assertEquals("inserted 198.18.0.50 at 02:00:00:00:00:50 on port 1 (network 1), static\n",
            run(true, "198.18.0.50", "02:00:00:00:00:50"));
        assertEquals(0x02_00_00_00_00_50L, cache.lookupIpv4(ip(198, 18, 0, 50)));
        assertEquals(1, cache.portOfIpv4(ip(198, 18, 0, 50)));
        assertTrue(cache.entries().getFirst().isStatic());
    }

    @Test
    void takesBalanceNgsMappedFormAndDashes() {
        assertEquals("inserted 198.19.0.7 at 02:00:00:00:00:07 on port 2 (network 2), static\n",
            run(true, "::ffff:198.19.0.7", "02-00-00-00-00-07"));
        assertEquals(2, cache.portOfIpv4(ip(198, 19, 0, 7)));
    }

    @Test
    void aStaticEntryReplacesALearntOne() {
        cache.learnIpv4(ip(198, 18, 0, 11), 0x02_00_00_00_00_0bL, 1);
        run(true, "198.18.0.11", "02:00:00:00:00:1b");
        assertEquals(1, cache.entries().size());
        assertEquals(0x02_00_00_00_00_1bL, cache.lookupIpv4(ip(198, 18, 0, 11)));
        assertTrue(cache.entries().getFirst().isStatic());
    }

    @Test
    void refusesWhatItCannotPlace() {
        assertEquals("arp-insert: 198.19.5.5 is in no configured network\n", run(false, "198.19.5.5", "02:00:00:00:00:05"));
        assertEquals("arp-insert: not a MAC address: 02:00:00:00:05\n", run(false, "198.18.0.5", "02:00:00:00:05"));
        assertEquals("arp-insert: not a MAC address: 02:00:00:00:00:zz\n", run(false, "198.18.0.5", "02:00:00:00:00:zz"));
        assertEquals("arp-insert: ff:ff:ff:ff:ff:ff is not a unicast MAC address\n",
            run(false, "198.18.0.5", "ff:ff:ff:ff:ff:ff"));
        assertEquals("arp-insert: not an IPv4 address: 2001:db8::5\n", run(false, "2001:db8::5", "02:00:00:00:00:05"));
        assertEquals("arp-insert: not an IPv4 address: host.example\n", run(false, "host.example", "02:00:00:00:00:05"));
        assertEquals("usage: arp-insert IP MAC\n", run(false, "198.18.0.5"));
        assertTrue(cache.entries().isEmpty());
    }

    @Test
    void parsesOnlyIpv4AndItsMappedForm() {
        assertEquals(ip(198, 18, 0, 1), ArpInsertCommand.parseIpv4("198.18.0.1"));
        assertEquals(ip(198, 18, 0, 1), ArpInsertCommand.parseIpv4("::ffff:198.18.0.1"));
        assertNull(ArpInsertCommand.parseIpv4("::198.18.0.1"));
        assertNull(ArpInsertCommand.parseIpv4("198.18.0"));
    }
}
