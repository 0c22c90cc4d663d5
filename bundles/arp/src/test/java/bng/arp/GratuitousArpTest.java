package bng.arp;

import static bng.arp.Fixtures.golden;
import static bng.arp.Fixtures.hex;
import static bng.arp.Fixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import bng.core.api.Frame;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gratuitous ARP: the frame builder byte by byte, then who is announced where, how often, and when. */
class GratuitousArpTest {
    static final String PAD = " " + "00".repeat(18);

    /** RFC 5227 §3 announcement of A from MAC: broadcast request, sender = target = A. */
    static String announcement(String addressHex) {
        return "ffffffffffff MAC 0806 0001 0800 06 04 0001 MAC " + addressHex + " 000000000000 " + addressHex + PAD;
    }

    WirePorts ports;
    Configuration config;
    AddressBook book;
    GratuitousArp garp;
    long eth0;
    long eth1;

    @BeforeEach
    void setUp() {
        config = Fixtures.config();
        ports = new WirePorts().open(1, "eth0").open(2, "eth1").networks(config);
        eth0 = ports.mac(1);
        eth1 = ports.mac(2);
        book = new AddressBook();
        book.configurationChanged(Configuration.empty(), config);
        garp = new GratuitousArp(ports, book);
    }

    @Test
    void theAnnouncementFrameIsExact() {
        byte[] buf = new byte[ArpFrames.FRAME_LENGTH];
        Arrays.fill(buf, (byte) 0x5a); // a reused buffer: leftovers must not leak into the padding
        int len = ArpFrames.announcement(buf, 0x02_00_00_00_00_01L, ip(198, 18, 0, 1));
        assertEquals(60, len);
        assertEquals(golden(announcement("c6120001"), 0x02_00_00_00_00_01L), hex(Arrays.copyOf(buf, len)));
        Frame f = new Frame(buf, len);
        assertEquals(Frame.OK, f.decode(), "a sound ARP frame by core's own decoder");
        assertEquals(true, f.isArp());
    }

    @Test
    void theRequestFrameIsExact() {
        byte[] buf = new byte[ArpFrames.FRAME_LENGTH];
        Arrays.fill(buf, (byte) 0xa5);
        int len = ArpFrames.request(buf, 0x02_00_00_00_00_01L, ip(198, 18, 0, 1), ip(198, 18, 0, 11));
        assertEquals(golden("ffffffffffff 020000000001 0806 0001 0800 0604 0001 020000000001 c6120001 "
            + "000000000000 c612000b" + PAD, 0), hex(Arrays.copyOf(buf, len)));
    }

    @Test
    void everyOwnedAddressIsAnnouncedOnItsNetworksPortAtOnce() throws Exception {
        assertEquals(5, garp.plan(Configuration.empty(), config, 0));
        assertEquals(6, garp.tick(config, 0));
        assertEquals(List.of(
            golden(announcement("c6120001"), eth0),  // network 1 real
            golden(announcement("c6120002"), eth0),  // network 1 virt
            golden(announcement("c6120064"), eth0),  // server 1's VIP, inside network 1
            golden(announcement("c613c801"), eth0)), // server 2's VIP, in no network: every port
            ports.drain("eth0"));
        assertEquals(List.of(
            golden(announcement("c6130001"), eth1),  // network 2 real
            golden(announcement("c613c801"), eth1)),
            ports.drain("eth1"));
    }

    @Test
    void eachIsSentThreeTimesOneSecondApart() throws Exception {
        garp.plan(Configuration.empty(), config, 10_000);
        assertEquals(6, garp.tick(config, 10_000));
        assertEquals(0, garp.tick(config, 10_500), "not before a second has passed");
        assertEquals(6, garp.tick(config, 11_000));
        assertEquals(6, garp.tick(config, 12_000));
        assertEquals(0, garp.pendingCount());
        assertEquals(0, garp.tick(config, 13_000));
        assertEquals(12, ports.drain("eth0").size());
        assertEquals(6, ports.drain("eth1").size());
    }

    @Test
    void aCommitAnnouncesOnlyTheAddressesItAdds() throws Exception {
        Configuration more = Fixtures.apply(config, """
            server 3 {
              ipaddr 198.18.0.101
              port 443
              protocol tcp
              targets 1
            }
            register server 3
            enable server 3
            """);
        book.configurationChanged(config, more);
        assertEquals(1, garp.plan(config, more, 0));
        assertEquals(1, garp.tick(more, 0));
        assertEquals(List.of(golden(announcement("c6120065"), eth0)), ports.drain("eth0"));
        assertEquals(List.of(), ports.drain("eth1"));
        assertEquals(0, garp.plan(more, more, 5_000), "an unchanged commit announces nothing");
    }

    @Test
    void aDisabledNetworkOrServerIsNotAnnounced() throws Exception {
        Configuration less = Fixtures.apply(config, "disable network 2\ndisable server 2\n");
        garp.plan(Configuration.empty(), less, 0);
        garp.tick(less, 0);
        assertEquals(List.of(golden(announcement("c6120001"), eth0), golden(announcement("c6120002"), eth0),
            golden(announcement("c6120064"), eth0)), ports.drain("eth0"));
        assertEquals(List.of(), ports.drain("eth1"));
    }

    @Test
    void aPortThatOpensLateStillGetsThreeAnnouncements() throws Exception {
        ports.close(2);
        garp.plan(Configuration.empty(), config, 0);
        garp.tick(config, 0);
        garp.tick(config, 1_000);
        assertEquals(List.of(), ports.drain("eth1"));
        ports.open(2, "eth1");
        for (long t = 2_000; t <= 10_000; t += 1_000) {
            garp.tick(config, t);
        }
        // Network 2's real was never sent before its port opened; server 2's VIP went out on eth0.
        List<String> sent = ports.drain("eth1");
        assertEquals(3, sent.stream().filter(s -> s.equals(golden(announcement("c6130001"), eth1))).count());
        assertEquals(0, garp.pendingCount());
    }

    @Test
    void aPortThatNeverOpensIsGivenUp() {
        ports.close(2);
        garp.plan(Configuration.empty(), config, 0);
        for (long t = 0; t < GratuitousArp.MAX_ATTEMPTS * 1_000L; t += 1_000) {
            garp.tick(config, t);
        }
        assertEquals(0, garp.pendingCount());
    }

    @Test
    void aVrrpBackupAnnouncesOnlyItsRealAddresses() throws Exception {
        Configuration ha = Fixtures.vrrpBackup(book, config);
        garp.plan(Configuration.empty(), ha, 0);
        garp.tick(ha, 0);
        assertEquals(List.of(golden(announcement("c6120001"), eth0)), ports.drain("eth0"));
        assertEquals(List.of(golden(announcement("c6130001"), eth1)), ports.drain("eth1"));
        assertEquals(2, garp.pendingCount(), "only the two reals wait for their next send");
    }

    @Test
    void becomingMasterAnnouncesEverythingAsOftenAsConfigured() throws Exception {
        assertEquals(5, garp.planAll(config, 0, 2, 500));
        assertEquals(6, garp.tick(config, 0));
        assertEquals(0, garp.tick(config, 400));
        assertEquals(6, garp.tick(config, 500));
        assertEquals(0, garp.pendingCount());
        assertEquals(8, ports.drain("eth0").size());
        assertEquals(4, ports.drain("eth1").size());
    }
}
