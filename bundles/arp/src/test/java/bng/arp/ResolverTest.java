package bng.arp;

import static bng.arp.Fixtures.golden;
import static bng.arp.Fixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import bng.core.api.NeighbourCache;
import bng.core.config.Configuration;
import bng.core.impl.NeighbourTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resolution of targets and the gateway: exact request frames from each network's {@code real},
 * on that network's port, with back-off, until core's real {@link NeighbourTable} has the answer.
 * Times are wall-clock based, as the table stamps its entries with the wall clock.
 */
class ResolverTest {
    static final String PAD = " " + "00".repeat(18);

    /** who-has TARGET tell SENDER, broadcast from the port's MAC. */
    static String request(String senderHex, String targetHex) {
        return "ffffffffffff MAC 0806 0001 0800 0604 0001 MAC " + senderHex + " 000000000000 " + targetHex + PAD;
    }

    /** Core's table, with the maximum ages the resolver asked it to expire at. */
    static final class ExpiryLog implements NeighbourCache {
        final NeighbourTable table = new NeighbourTable();
        final List<Long> expired = new ArrayList<>();

        @Override public long lookupIpv4(int address) { return table.lookupIpv4(address); }
        @Override public int portOfIpv4(int address) { return table.portOfIpv4(address); }
        @Override public void learnIpv4(int address, long mac, int port) { table.learnIpv4(address, mac, port); }
        @Override public void insertStaticIpv4(int address, long mac, int port) { table.insertStaticIpv4(address, mac, port); }
        @Override public List<Entry> entries() { return table.entries(); }
        @Override public long lookupIpv6(byte[] b, int off) { return table.lookupIpv6(b, off); }
        @Override public int portOfIpv6(byte[] b, int off) { return table.portOfIpv6(b, off); }
        @Override public void learnIpv6(byte[] b, int off, long mac, int port) { table.learnIpv6(b, off, mac, port); }
        @Override public void insertStaticIpv6(byte[] b, int off, long mac, int port) { table.insertStaticIpv6(b, off, mac, port); }
        @Override public void request(int address) { table.request(address); }
        @Override public int[] takeRequests() { return table.takeRequests(); }

        @Override
        public int expire(long maxAgeMillis) {
            expired.add(maxAgeMillis);
            return table.expire(maxAgeMillis);
        }
    }

    WirePorts ports;
    ExpiryLog cache;
    Resolver resolver;
    Configuration config;
    long t0;
    String target1;
    String gateway;
    String target2;

    @BeforeEach
    void setUp() {
        config = Fixtures.config();
        ports = new WirePorts().open(1, "eth0").open(2, "eth1").networks(config);
        cache = new ExpiryLog();
        resolver = new Resolver(ports, cache);
        t0 = System.currentTimeMillis();
        target1 = golden(request("c6120001", "c612000b"), ports.mac(1));
        gateway = golden(request("c6120001", "c61200fe"), ports.mac(1));
        target2 = golden(request("c6130001", "c613000c"), ports.mac(2));
    }

    @Test
    void unresolvedTargetsAndTheGatewayAreAskedFromTheirNetworksRealAddress() throws Exception {
        assertEquals(3, resolver.tick(config, t0));
        assertEquals(List.of(target1, gateway), ports.drain("eth0"));
        assertEquals(List.of(target2), ports.drain("eth1"), "target 3 is only registered: not asked");
        assertEquals(List.of(Resolver.EXPIRE_MILLIS), cache.expired, "dynamic entries age out after 300 s");
    }

    @Test
    void anAddressTheFastPathRequestedIsAskedInTheNextRound() throws Exception {
        resolver.tick(config, t0);
        ports.drain("eth0");
        ports.drain("eth1");
        cache.request(ip(198, 18, 0, 77)); // rt's next hop, unknown
        assertEquals(4, resolver.tick(config, t0 + 1_000), "targets 1, 2 and the gateway again (1 s back-off), and the request");
        assertEquals(golden(request("c6120001", "c612004d"), ports.mac(1)), ports.drain("eth0").get(2));
        ports.drain("eth1");
        assertEquals(0, cache.takeRequests().length, "taken");
    }

    @Test
    void askingStopsOnceTheCacheHasTheAnswer() throws Exception {
        resolver.tick(config, t0);
        ports.drain("eth0");
        cache.learnIpv4(ip(198, 18, 0, 11), 0x02_00_00_00_00_0bL, 1);
        cache.learnIpv4(ip(198, 18, 0, 254), 0x02_00_00_00_00_feL, 1);
        for (long t = t0 + 1_000; t < t0 + 30_000; t += 1_000) {
            resolver.tick(config, t);
        }
        assertEquals(List.of(), ports.drain("eth0"));
        assertEquals(6, ports.drain("eth1").size(), "target 2 never answered: asked at 0, 1, 3, 7, 15, 23 s");
    }

    @Test
    void silenceBacksOffToEightSecondsAndNeverTwiceASecond() throws Exception {
        List<Long> asked = new ArrayList<>();
        for (long t = 0; t <= 40_000; t += 500) {
            resolver.tick(config, t0 + t);
            if (ports.drain("eth1").contains(target2)) {
                asked.add(t);
            }
        }
        assertEquals(List.of(0L, 1_000L, 3_000L, 7_000L, 15_000L, 23_000L, 31_000L, 39_000L), asked);
    }

    @Test
    void anEntryOlderThanSixtySecondsIsAskedAgain() throws Exception {
        cache.learnIpv4(ip(198, 18, 0, 11), 0x02_00_00_00_00_0bL, 1);
        resolver.tick(config, t0 + 30_000);
        assertEquals(List.of(gateway), ports.drain("eth0"));
        resolver.tick(config, t0 + 61_000);
        assertEquals(List.of(target1, gateway), ports.drain("eth0"), "refreshed; the silent gateway asked again");
    }

    @Test
    void aTargetReportedDownIsAskedAgainAfterFiveSecondsSoANewMacIsLearnt() throws Exception {
        // Target 1 rebooted with a new MAC: its checks go to the old one and fail; it stays silent.
        cache.learnIpv4(ip(198, 18, 0, 11), 0x02_00_00_00_00_0bL, 1);
        cache.learnIpv4(ip(198, 18, 0, 254), 0x02_00_00_00_00_feL, 1);
        resolver.tick(config, t0 + 3_000, id -> id == 1);
        assertEquals(List.of(), ports.drain("eth0"), "a fresh entry is not asked for, down or not");
        resolver.tick(config, t0 + 6_000, id -> false);
        assertEquals(List.of(), ports.drain("eth0"), "up targets wait for the 60 s refresh");
        resolver.tick(config, t0 + 6_000, id -> id == 1);
        assertEquals(List.of(target1), ports.drain("eth0"), "down, entry older than 5 s: asked");
        cache.learnIpv4(ip(198, 18, 0, 11), 0x02_00_00_00_00_21L, 1); // the answer: the new MAC
        assertEquals(0x02_00_00_00_00_21L, cache.lookupIpv4(ip(198, 18, 0, 11)));
    }

    @Test
    void aStaticEntryIsNeverAskedFor() throws Exception {
        cache.insertStaticIpv4(ip(198, 18, 0, 11), 0x02_00_00_00_00_0bL, 1);
        resolver.tick(config, t0 + 400_000);
        assertEquals(List.of(gateway), ports.drain("eth0"));
    }

    @Test
    void anAddressInNoEnabledNetworkIsNotAsked() throws Exception {
        Configuration c = Fixtures.apply(config, """
            target 4 {
              ipaddr 198.19.5.5
            }
            register target 4
            enable target 4
            disable network 2
            """);
        ports.networks(c);
        assertEquals(2, resolver.tick(c, t0));
        assertEquals(List.of(target1, gateway), ports.drain("eth0"));
        assertEquals(List.of(), ports.drain("eth1"));
    }
}
