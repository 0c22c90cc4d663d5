package bng.arp;

import static bng.arp.Fixtures.golden;
import static bng.arp.Fixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import bng.core.api.ConfigListener;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.NeighbourTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The component as SCR runs it, with its real scheduler thread: activated, told of the running
 * configuration (what the {@link ConfigListener} whiteboard does when it binds), then removed.
 */
class ArpManagerTest {
    WirePorts ports;
    NeighbourTable cache;
    ArpManager manager;
    Configuration config;
    boolean active;

    @BeforeEach
    void setUp() {
        config = Fixtures.config();
        ports = new WirePorts().open(1, "eth0").open(2, "eth1").networks(config);
        cache = new NeighbourTable();
        manager = new ArpManager();
        manager.ports = ports;
        manager.neighbours = cache;
        AddressBook book = new AddressBook();
        book.configurationChanged(Configuration.empty(), config);
        manager.owned = book;
        manager.activate();
        active = true;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (active) {
            manager.deactivate();
        }
    }

    /** Frames the host end of {@code wire} sees within {@code millis}. */
    List<String> collect(String wire, long millis) throws InterruptedException {
        List<String> out = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
            byte[] b = ports.host(wire).poll(left, TimeUnit.MILLISECONDS);
            if (b != null) {
                out.add(Fixtures.hex(b));
            }
        }
        return out;
    }

    @Test
    void onStartEveryOwnedAddressIsAnnouncedThreeTimesASecondApart() throws Exception {
        long start = System.nanoTime();
        manager.configurationChanged(Configuration.empty(), config);
        String real = golden(GratuitousArpTest.announcement("c6120001"), ports.mac(1));
        List<Long> at = new ArrayList<>();
        while (at.size() < 3 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
            byte[] b = ports.host("eth0").poll(100, TimeUnit.MILLISECONDS);
            if (b != null && Fixtures.hex(b).equals(real)) {
                at.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        }
        assertEquals(3, at.size(), "three announcements of 198.18.0.1: " + at);
        assertFalse(at.get(0) > 500, "the first goes at once, not at the next tick: " + at);
        assertFalse(at.get(1) - at.get(0) < 900 || at.get(2) - at.get(1) < 900, "a second apart: " + at);
        assertFalse(Thread.currentThread().getName().equals("bng-arp"));
    }

    @Test
    void removingTheModuleStopsItsThreadAndLeavesTheCache() throws Exception {
        cache.learnIpv4(ip(198, 18, 0, 11), 0x02_00_00_00_00_0bL, 1);
        manager.configurationChanged(Configuration.empty(), config);
        collect("eth0", 200);
        manager.deactivate();
        active = false;
        ports.host("eth0").clear();
        ports.host("eth1").clear();
        assertEquals(List.of(), collect("eth0", 1_500), "nothing is sent after deactivation");
        assertEquals(List.of(), collect("eth1", 10));
        assertEquals(0x02_00_00_00_00_0bL, cache.lookupIpv4(ip(198, 18, 0, 11)), "the cache stays");
        assertNull(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("bng-arp"))
            .findFirst().orElse(null), "the scheduler thread is gone");
    }
}
