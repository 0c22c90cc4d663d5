package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The language features: forms, merging, life cycle, settings, strings, comments, prompt use. */
class ConfigParserTest {
    static Configuration ok(String text, Configuration base) {
        ConfigResult r = ConfigParser.parse("t.conf", text, base);
        assertTrue(r.ok(), () -> r.errors().toString());
        assertTrue(r.errors().isEmpty());
        return r.configuration();
    }

    static Configuration ok(String text) {
        return ok(text, Configuration.empty());
    }

    @Test
    void oneLineAndBlockFormsAreEquivalent() {
        Configuration block = ok("""
                target 1 {
                    ipaddr 198.18.0.11
                    port 80
                    weight 5
                }
                """);
        Configuration oneLine = ok("target 1 ipaddr 198.18.0.11 port 80\ntarget 1 weight 5\n");
        Configuration sameLineBlock = ok("target 1 { ipaddr 198.18.0.11 port 80 weight 5 }");
        assertEquals(block, oneLine);
        assertEquals(block, sameLineBlock);
        assertEquals(5, block.targets().get(1).weight());
    }

    @Test
    void bgpBlockOneLineFormsAndTheSavedLayout() throws Exception {
        Configuration block = ok("""
                bgp {
                    asn 4200000000
                    routerid 198.18.0.5
                    neighbor 198.18.0.1,198.18.0.9
                    peeras 64500
                    hold 3
                }
                """);
        Configuration lines = ok("bgp asn 4200000000 routerid 198.18.0.5\nbgp neighbor 198.18.0.1,198.18.0.9\n"
                + "bgp { peeras 64500 hold 3 }");
        assertEquals(block, lines);
        BgpDef b = block.bgp();
        assertEquals(4200000000L, b.asn());
        assertEquals(List.of(java.net.InetAddress.getByName("198.18.0.1"), java.net.InetAddress.getByName("198.18.0.9")),
                b.neighbors());
        assertEquals(64500L, b.peeras());
        assertEquals(3, b.hold());
        String saved = ConfigWriter.save(block, "t", java.time.ZonedDateTime.of(2020, 1, 9, 21, 28, 59, 0,
                java.time.ZoneOffset.UTC));
        assertTrue(saved.contains("""
                bgp       {
                          asn 4200000000
                          routerid 198.18.0.5
                          neighbor 198.18.0.1,198.18.0.9
                          peeras 64500
                          hold 3
                }
                """), saved);
        assertEquals(block, ok(saved));
        assertNull(ok("hostname a").bgp());
        assertFalse(ConfigDiff.of(ok("hostname a"), block).isEmpty());
        assertTrue(ConfigDiff.of(block, lines).isEmpty());
    }

    @Test
    void aLaterBlockMergesIntoTheExistingObject() {
        Configuration c = ok("""
                server 1 {
                          ipaddr 198.18.0.100
                          port 80
                }
                server 1 {
                          method hash
                }
                server 1 proxy enable
                """);
        ServerDef s = c.servers().get(1);
        assertEquals("198.18.0.100", IpAddresses.format(s.ipaddr()));
        assertEquals(80, s.port());
        assertEquals(Method.HASH, s.method());
        assertTrue(s.proxy());
    }

    @Test
    void promptStatementsApplyOnTopOfTheBase() {
        Configuration base = ok("""
                target 1 { ipaddr 198.18.0.11 }
                target 2 { ipaddr 198.18.0.12 }
                register targets 1,2
                enable targets 1,2
                server 1 { port 80 targets 1,2 }
                """);
        Configuration changed = ok("target 2 weight 5", base);
        assertEquals(5, changed.targets().get(2).weight());
        assertEquals(ObjectState.ENABLED, changed.targets().get(2).state());
        assertEquals(base.servers(), changed.servers());
        Configuration disabled = ok("disable target 2", base);
        assertEquals(ObjectState.REGISTERED, disabled.targets().get(2).state());
        assertEquals(ObjectState.ENABLED, disabled.targets().get(1).state());
        assertEquals(base, ok("enable target 2", disabled));
        assertEquals(ObjectState.DEFINED, ok("unregister target 1", base).targets().get(1).state());
        assertEquals(1, base.targets().get(2).weight(), "the base snapshot is never modified");
    }

    @Test
    void lifeCycleKeywordsAcceptSingularPluralAndLists() {
        Configuration c = ok("""
                interface 1 name eth0
                interface 2 name eth1
                interface 3 name eth2
                register interfaces 1,2,3
                enable interface 2
                enable interfaces 1,3
                network 1 interface 1
                register network 1
                """);
        c.interfaces().values().forEach(i -> assertEquals(ObjectState.ENABLED, i.state()));
        assertEquals(ObjectState.REGISTERED, c.networks().get(1).state());
    }

    @Test
    void aByteOrderMarkAndCrlfLineEndsFromAWindowsEditorAreNotText() {
        assertEquals(ok("hostname LB1\nmodules arp,slb\ntarget 1 {\n\tipaddr 198.18.0.11\n}\n"),
                ok("\uFEFFhostname LB1\r\nmodules arp,slb\r\ntarget 1 {\r\n\tipaddr 198.18.0.11\r\n}\r\n"));
    }

    @Test
    void filesAreReadAsUtf8AndOtherBytesAreReportedWhereTheyAre(@TempDir Path dir) throws IOException {
        // A Latin-1 umlaut in a comment costs nothing (BalanceNG ignores comments byte by byte) ...
        Path latin1 = Files.write(dir.resolve("latin1.conf"),
                "// Konfiguration f\u00fcr das B\u00fcro\nhostname LB1\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("LB1", ok(ConfigParser.readFile(latin1)).hostname());
        // ... in a value it is reported with its line and column.
        Path value = Files.write(dir.resolve("value.conf"),
                "hostname LB1\nnetwork 1 name B\u00fcro\n".getBytes(StandardCharsets.ISO_8859_1));
        List<ConfigError> errors = ConfigParser.parse("v.conf", ConfigParser.readFile(value), Configuration.empty())
                .errors();
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).toString().startsWith("v.conf:2:17: not configuration text: bytes that are not UTF-8"),
                errors::toString);
        assertEquals("B\u00fcro", ok(ConfigParser.readFile(Files.writeString(dir.resolve("utf8.conf"),
                "network 1 name B\u00fcro\n"))).networks().get(1).name());
        // Something endless is not read to the end.
        IOException e = assertThrows(IOException.class, () -> ConfigParser.readFile(Path.of("/dev/zero")));
        assertEquals("larger than 64 MB: not a configuration file", e.getMessage());
    }

    @Test
    void idListsTakeRangesAndSaveAsPlainLists() {
        Configuration c = ok("""
                target 1 ipaddr 198.18.0.11
                target 2 ipaddr 198.18.0.12
                target 3 ipaddr 198.18.0.13
                target 7 ipaddr 198.18.0.17
                server 1 { ipaddr 198.18.0.100 targets 1-2 backup 3,7 }
                register targets 1-3,7
                enable targets 2-3
                register server 1
                """);
        assertEquals(List.of(1, 2), c.servers().get(1).targets());
        assertEquals(ObjectState.REGISTERED, c.targets().get(1).state());
        assertEquals(ObjectState.ENABLED, c.targets().get(2).state());
        assertEquals(ObjectState.ENABLED, c.targets().get(3).state());
        assertEquals(ObjectState.REGISTERED, c.targets().get(7).state());
        String saved = ConfigWriter.save(c, "test");
        assertTrue(saved.contains("register  targets 1,2,3,7") && saved.contains("enable    targets 2,3"), saved);
        assertEquals(c, ok(saved), "the saved file (plain lists) gives it back");
    }

    @Test
    void settingsInBothFormsAndTheirDefaults() {
        Configuration c = ok("""
                set ipforwarding 1
                set {
                    sessiontimeout 300
                    sessions 1000
                }
                """);
        assertEquals(java.util.Map.of("ipforwarding", "1", "sessiontimeout", "300", "sessions", "1000"),
                c.settings());
        assertEquals(300, c.setting(Setting.SESSIONTIMEOUT));
        assertEquals(60, c.setting(Setting.UDPTIMEOUT));
    }

    @Test
    void commentsStringsAndModules() {
        Configuration c = ok("""
                // leading comment
                hostname "load balancer 1" // trailing comment
                modules vrrp,arp,ping
                network 1 name "a // not a comment {"
                """);
        assertEquals("load balancer 1", c.hostname());
        assertEquals(List.of("vrrp", "arp", "ping"), c.modules());
        assertEquals("a // not a comment {", c.networks().get(1).name());
    }

    @Test
    void maskIsDottedOrPrefixAndStoredAsPrefixLength() {
        assertEquals(ok("network 1 { addr 198.18.0.0 mask 255.255.254.0 }"),
                ok("network 1 { addr 198.18.0.0 mask 23 }"));
    }

    @Test
    void serverDefaultsAndAllMethodKeywords() {
        ServerDef s = ok("server 1").servers().get(1);
        assertEquals(Method.RR, s.method());
        assertNull(s.protocol());
        assertEquals(List.of(), s.targets());
        assertEquals(ObjectState.DEFINED, s.state());
        for (Method m : Method.values()) {
            assertEquals(m, ok("server 1 method " + m.keyword()).servers().get(1).method());
        }
    }

    @Test
    void targetChecks() {
        TargetDef t = ok("""
                target 3 {
                    ipaddr6 2001:DB8::1:1
                    tcpopen 443,2,10
                    ping 1,5
                    ping6 3,10
                    agent 439,3,10
                    agent6 10000,3,10
                    script "/usr/lib/mon/mon.d/http.monitor -p 80"
                    protocol udp
                }
                """).targets().get(3);
        assertEquals("2001:db8::1:1", IpAddresses.format(t.ipaddr6()));
        assertEquals(new TcpOpenCheck(443, 2, 10), t.tcpopen());
        assertEquals(new PingCheck(1, 5), t.ping());
        assertEquals(new PingCheck(3, 10), t.ping6());
        assertEquals(new AgentCheck(439, 3, 10), t.agent());
        assertEquals(new AgentCheck(10000, 3, 10), t.agent6());
        assertEquals("/usr/lib/mon/mon.d/http.monitor -p 80", t.script());
        assertEquals(Protocol.UDP, t.protocol());
    }

    @Test
    void targetAlertsAndArpCheck() {
        Configuration c = ok("""
                set draintimeout 60
                target 4 {
                    ipaddr 198.18.0.14
                    arp 2,6
                    alert "/usr/local/bin/page-ops --down"
                    upalert /usr/local/bin/page-ops
                }
                """);
        TargetDef t = c.targets().get(4);
        assertEquals(new PingCheck(2, 6), t.arp());
        assertEquals("/usr/local/bin/page-ops --down", t.alert());
        assertEquals("/usr/local/bin/page-ops", t.upalert());
        assertEquals(60, c.setting(Setting.DRAINTIMEOUT));
        assertEquals(300, Configuration.empty().setting(Setting.DRAINTIMEOUT));
        // What save writes reads back as the same configuration.
        assertEquals(c, ConfigParser.parse("s.conf", ConfigWriter.save(c, "test"), Configuration.empty()).configuration());
    }

    @Test
    void anyErrorAppliesNothing() {
        ConfigResult r = ConfigParser.parse("t.conf", "target 1 weight 5\ntarget 2 weight 0\n", Configuration.empty());
        assertFalse(r.ok());
        assertNull(r.configuration());
    }

    @Test
    void needsMoreWhileABlockIsOpen() {
        assertTrue(ConfigParser.needsMore("target 1 {"));
        assertTrue(ConfigParser.needsMore("target 1 {\n ipaddr 198.18.0.1\n"));
        assertFalse(ConfigParser.needsMore("target 1 {\n ipaddr 198.18.0.1\n}"));
        assertFalse(ConfigParser.needsMore("target 1 weight 5"));
        assertFalse(ConfigParser.needsMore("network 1 name \"{\" // {"));
        assertFalse(ConfigParser.needsMore(""));
    }

    @Test
    void nullArgumentsAreTreatedAsEmpty() {
        assertEquals(Configuration.empty(), ConfigParser.parse(null, null, null).configuration());
    }
}
