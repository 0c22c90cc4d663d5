package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every shipped example parses, validates and survives a save/parse round trip. */
class ExamplesTest {
    /** Surefire runs in the module directory, bundles/core. */
    private static final Path EXAMPLES = Path.of("../../examples");

    static Configuration load(String file) throws IOException {
        ConfigResult r = ConfigParser.parse(file, Files.readString(EXAMPLES.resolve(file)), Configuration.empty());
        assertTrue(r.ok(), () -> file + ": " + r.errors());
        return r.configuration();
    }

    @TestFactory
    Stream<DynamicTest> everyExampleParsesValidatesAndRoundTrips() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            files = list.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(files.size() >= 10, "dsr.conf and E1..E9 expected, found " + files);
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Configuration c = load(p.getFileName().toString());
            String saved = ConfigWriter.save(c, "test");
            ConfigResult again = ConfigParser.parse("saved", saved, Configuration.empty());
            assertTrue(again.ok(), () -> again.errors() + "\n" + saved);
            assertEquals(c, again.configuration());
        }));
    }

    @Test
    void dsrExampleHasTheSeedValues() throws IOException {
        Configuration c = load("dsr.conf");
        assertEquals(List.of("vrrp", "arp", "ping", "hc", "master", "slb", "tnat", "nat", "rt"), c.modules());
        InterfaceDef eth0 = c.interfaces().get(1);
        assertEquals("eth0", eth0.name());
        assertEquals("raw", eth0.access());
        assertEquals(ObjectState.ENABLED, eth0.state());
        NetworkDef net = c.networks().get(1);
        assertEquals("local network", net.name());
        assertEquals("198.18.0.0", IpAddresses.format(net.addr()));
        assertEquals(24, net.mask());
        assertEquals("198.18.0.2", IpAddresses.format(net.real()));
        assertEquals(1, net.interfaceId());
        ServerDef server = c.servers().get(1);
        assertEquals("198.18.0.100", IpAddresses.format(server.ipaddr()));
        assertEquals(80, server.port());
        assertEquals(Protocol.TCP, server.protocol());
        assertEquals(List.of(1, 2), server.targets());
        assertEquals(Method.RR, server.method());
        TargetDef t2 = c.targets().get(2);
        assertEquals("198.18.0.12", IpAddresses.format(t2.ipaddr()));
        assertEquals(new TcpOpenCheck(80, 3, 10), t2.tcpopen());
        assertTrue(t2.dsr());
        assertEquals(1, t2.weight());
        assertEquals(ObjectState.ENABLED, t2.state());
        assertEquals(null, c.gateway());
        assertEquals(null, c.vrrp());
    }

    @Test
    void ipv6AndVrrpExamplesCarryTheirValues() throws IOException {
        Configuration e6 = load("e6-ipv6-multilegged-vrrp.conf");
        assertEquals("LB1", e6.hostname());
        assertEquals(new VrrpDef(64, 200, List.of(1, 3), true), e6.vrrp());
        assertEquals(10, e6.interfaces().get(3).trackval());
        assertEquals("2001:db8:ffff::2:3", IpAddresses.format(e6.networks().get(2).virt6()));
        assertEquals(24, e6.networks().get(3).mask());
        assertEquals(new AgentCheck(10000, 3, 10), e6.targets().get(1).agent6());
        assertEquals("1", e6.settings().get("ipforwarding"));
        Configuration e7 = load("e7-snat-proxy.conf");
        assertTrue(e7.servers().get(1).proxy());
        assertEquals("2001:db8:6::2:3", IpAddresses.format(e7.servers().get(1).prx6()));
        Configuration e9 = load("e9-dsr-vrrp-ha.conf");
        assertEquals("/usr/lib/mon/mon.d/http.monitor 198.18.9.21", e9.targets().get(1).script());
        assertEquals(SessionKey.SRC, e9.servers().get(2).sessionid());
        assertFalse(e9.servers().get(2).proxy());
    }
}
