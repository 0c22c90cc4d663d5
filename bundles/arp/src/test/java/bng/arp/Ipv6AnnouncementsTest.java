package bng.arp;

import static bng.arp.Fixtures6.NA_UNSOLICITED_REAL;
import static bng.arp.Fixtures6.NS_RESOLVE_T1;
import static bng.arp.Fixtures6.withMac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.config.Configuration;
import bng.core.config.IpAddresses;
import bng.core.impl.AddressBook;
import bng.core.impl.NeighbourTable;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What bng sends on its own for IPv6: unsolicited advertisements and resolving solicitations, on real ports. */
class Ipv6AnnouncementsTest {
    WirePorts ports;
    Configuration config;
    AddressBook book;
    long mac;
    long t0;

    @BeforeEach
    void setUp() {
        config = Fixtures6.config();
        ports = new WirePorts().open(1, "eth0").networks(config);
        mac = ports.mac(1);
        t0 = System.currentTimeMillis();
        book = new AddressBook();
        book.configurationChanged(Configuration.empty(), config);
    }

    /** The golden unsolicited NA for 2001:db8::1 rewritten for another address's last byte. */
    static String announcing(String golden, int lastByte) {
        byte[] b = HexFormat.of().parseHex(golden);
        b[14 + 8 + 15] = (byte) lastByte; // IPv6 source
        b[14 + 40 + 8 + 15] = (byte) lastByte; // NA target
        return HexFormat.of().formatHex(b);
    }

    @Test
    void realVirtAndVipAreAnnouncedThreeTimesToAllNodes() throws Exception {
        UnsolicitedNa na = new UnsolicitedNa(ports, book);
        assertEquals(3, na.plan(Configuration.empty(), config, t0));
        assertEquals(3, na.tick(config, t0));
        List<String> expected = List.of(withMac(NA_UNSOLICITED_REAL, mac),
            withMac(announcing(NA_UNSOLICITED_REAL, 0x02), mac));
        List<String> sent = ports.drain("eth0");
        assertEquals(expected, sent.subList(0, 2));
        assertTrue(sent.get(2).contains("20010db8000000000000000000000100"), "the VIP too");
        assertEquals(0, na.tick(config, t0 + 500), "a second apart");
        assertEquals(3, na.tick(config, t0 + 1000));
        assertEquals(3, na.tick(config, t0 + 2000));
        assertEquals(0, na.pendingCount(), "three times each, then done");
        assertEquals(0, na.plan(config, config, t0 + 3000), "nothing new, nothing announced");
        assertEquals(3, na.planAll(config, t0 + 3000, 2, 500), "a VRRP takeover re-announces all");
        assertEquals(3, na.tick(config, t0 + 3000));
        assertEquals(0, na.tick(config, t0 + 3400), "vrrpgarpinterval apart");
        assertEquals(3, na.tick(config, t0 + 3500));
        assertEquals(0, na.pendingCount(), "vrrpgarpcount times");
    }

    @Test
    void aVrrpBackupAdvertisesOnlyItsRealAddress() throws Exception {
        Configuration ha = Fixtures.vrrpBackup(book, config);
        UnsolicitedNa na = new UnsolicitedNa(ports, book);
        na.plan(Configuration.empty(), ha, t0);
        assertEquals(1, na.tick(ha, t0), "virt6 and the VIP float: a backup overriding them would pull them to itself");
        assertEquals(List.of(withMac(NA_UNSOLICITED_REAL, mac)), ports.drain("eth0"));
        assertEquals(1, na.pendingCount(), "only real6 waits for its next send");
    }

    @Test
    void targetsAreResolvedFromReal6UntilTheyAnswer() throws Exception {
        NeighbourTable cache = new NeighbourTable();
        Resolver6 r = new Resolver6(ports, cache);
        assertEquals(2, r.tick(config, t0), "targets 1 and 2; target 3 is only registered");
        List<String> sent = ports.drain("eth0");
        assertEquals(withMac(NS_RESOLVE_T1, mac), sent.get(0));
        assertEquals(0, r.tick(config, t0 + 500), "backing off");
        cache.learnIpv6(IpAddresses.parseIpv6("2001:db8::11").getAddress(), 0, 0x02_00_00_00_00_0bL, 1);
        assertEquals(1, r.tick(config, t0 + 1000), "only the silent target is asked again");
        assertEquals(1, ports.drain("eth0").size());
    }

    @Test
    void anAddressTheFastPathAskedForIsSolicitedOnceInsideAConnectedNetwork() throws Exception {
        NeighbourTable cache = new NeighbourTable();
        Resolver6 r = new Resolver6(ports, cache);
        r.tick(config, t0);
        ports.drain("eth0");
        cache.requestIpv6(IpAddresses.parseIpv6("2001:db8::a0").getAddress(), 0); // slb: a NAT reply's client
        cache.requestIpv6(IpAddresses.parseIpv6("2001:db9::1").getAddress(), 0); // in no network: not asked
        assertEquals(1, r.tick(config, t0 + 100));
        List<String> sent = ports.drain("eth0");
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).contains("20010db80000000000000000000000a0"), "a solicitation for the client: " + sent);
        assertEquals(0, cache.takeRequestsIpv6().length, "taken");
    }
}
