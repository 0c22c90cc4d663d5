package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each broken snippet gives exactly these errors, in this order, and no configuration. */
class BrokenSnippetsTest {
    private static final String STATEMENTS = "hostname, modules, set, interface, network, gateway, vrrp, bgp, server, "
            + "target, register, enable, disable, unregister";

    static Stream<Arguments> corpus() {
        return Stream.of(
                broken("targt 1 {\n  ipaddr 198.18.0.1\n}",
                        "b.conf:1:1: unknown keyword 'targt'; expected one of " + STATEMENTS),
                broken("Target 1", "b.conf:1:1: unknown keyword 'Target'; expected one of " + STATEMENTS
                        + "; keywords are lower case"),
                broken("target 1 IPADDR 198.18.0.11", "b.conf:1:10: unknown target attribute 'IPADDR'; expected one of "
                        + "ipaddr, ipaddr6, port, protocol, tcpopen, ping, ping6, agent, agent6, arp, script, alert, "
                        + "upalert, dsr, weight; keywords are lower case"),
                broken("}", "b.conf:1:1: expected a statement keyword (" + STATEMENTS + "), found '}'"),
                broken("target 1 {\n  wieght 5\n}",
                        "b.conf:2:3: unknown target attribute 'wieght'; expected one of ipaddr, ipaddr6, port, "
                                + "protocol, tcpopen, ping, ping6, agent, agent6, arp, script, alert, upalert, dsr, weight"),
                broken("target 1 {\n  ipaddr 198.18.0.11\n\nserver 1 {\n  ipaddr 198.18.0.100\n}",
                        "b.conf:4:1: unknown target attribute 'server'; expected one of ipaddr, ipaddr6, port, "
                                + "protocol, tcpopen, ping, ping6, agent, agent6, arp, script, alert, upalert, dsr, "
                                + "weight (is the '}' of the block opened at 1:10 missing?)"),
                broken("target 1\n{\n  ipaddr 198.18.0.11\n}", "b.conf:2:1: expected a statement keyword (" + STATEMENTS
                        + "), found '{'; a block's '{' goes at the end of its header's line (target 1 {)"),
                broken("# a comment", "b.conf:1:1: unknown keyword '#'; expected one of " + STATEMENTS
                        + "; comments start with //"),
                broken("target 1 weight 0", "b.conf:1:17: target 1 weight: expected a number 1..65535, found '0'"),
                broken("target 1 weight",
                        "b.conf:1:16: target 1 weight: expected a number 1..65535, found end of input"),
                broken("target 1 {\n  weight\n}",
                        "b.conf:2:9: target 1 weight: expected a number 1..65535, found end of line"),
                broken("target 1 port 70000", "b.conf:1:15: target 1 port: expected a number 1..65535, found '70000'"),
                broken("target 1 port 99999999999999999999999",
                        "b.conf:1:15: target 1 port: expected a number 1..65535, found '99999999999999999999999'"),
                broken("target 0", "b.conf:1:8: target id: expected a number 1..65532, found '0'"),
                broken("target x {\n  port 80\n}", "b.conf:1:8: target id: expected a number 1..65532, found 'x'"),
                // 65533..65535 are core's: generic NAT keeps its mappings in the session table under them.
                broken("server 65533", "b.conf:1:8: server id: expected a number 1..65532, found '65533'"),
                broken("target 1\nserver 1 targets 1,65535", "b.conf:2:20: server 1 targets: expected target ids "
                        + "1..65532 (or ranges such as 1-4) separated by commas, found '65535'"),
                broken("interface 1 name eth0\nnetwork 1 { addr 198.18.0.0 mask 24 interface 1 nat outside }",
                        "b.conf:2:49: network 1 nat: an outside network needs a virt address (the source of translated connections)"),
                broken("interface 1 name eth0\nnetwork 1 { addr 198.18.0.0 mask 24 virt 198.18.0.3 nat outside interface 1 }\n"
                        + "server 7 ipaddr 198.18.0.3",
                        "b.conf:2:53: network 1 nat: virt 198.18.0.3 is also server 7's ipaddr; slb takes that "
                        + "address's traffic, so generic NAT cannot use it"),
                broken("target 1 ipaddr 198.18.0.256",
                        "b.conf:1:17: target 1 ipaddr: expected an IPv4 address such as 198.18.0.1, found '198.18.0.256'"),
                broken("target 1 ipaddr6 2001:db8::1::2", "b.conf:1:18: target 1 ipaddr6: expected an IPv6 address "
                        + "such as 2001:db8::1, found '2001:db8::1::2'"),
                broken("server 1 ipaddr6 198.18.0.1", "b.conf:1:18: server 1 ipaddr6: expected an IPv6 address "
                        + "such as 2001:db8::1, found '198.18.0.1'"),
                broken("vrrp {\n vrid 256\n priority 0\n}", "b.conf:2:7: vrrp vrid: expected a number 1..255, found '256'",
                        "b.conf:3:11: vrrp priority: expected a number 1..255, found '0'"),
                broken("network 1 mask 255.0.255.0", "b.conf:1:16: network 1 mask: expected a dotted mask such as "
                        + "255.255.255.0 or a prefix length 0..32, found '255.0.255.0'"),
                broken("network 1 mask6 129", "b.conf:1:17: network 1 mask6: expected a number 0..128, found '129'"),
                broken("hostname LB1 LB2", "b.conf:1:14: expected end of line, found 'LB2'; a name with spaces is written "
                        + "in quotes: hostname \"LB1 LB2\""),
                // A missing '}': the next statement is read as one, so its lines are not errors too.
                broken("target 1 {\n  ipaddr 198.18.0.11\n\nserver 1 {\n  ipaddr 198.18.0.100\n  targets 1\n}",
                        "b.conf:4:1: unknown target attribute 'server'; expected one of ipaddr, ipaddr6, port, "
                                + "protocol, tcpopen, ping, ping6, agent, agent6, arp, script, alert, upalert, dsr, "
                                + "weight (is the '}' of the block opened at 1:10 missing?)"),
                broken("hostname", "b.conf:1:9: hostname: expected a name or a quoted string, found end of input"),
                broken("target 1 {\n  port 80",
                        "b.conf:2:10: expected '}' to close the block opened at 1:10, found end of input"),
                broken("set {\n  ipforwarding 1",
                        "b.conf:2:17: expected '}' to close the block opened at 1:5, found end of input"),
                broken("network 1 name \"local network",
                        "b.conf:1:16: unterminated string: expected '\"' before the end of the line"),
                broken("server 1 targets 1,2", "b.conf:1:18: server 1 targets: target 1 is not defined",
                        "b.conf:1:20: server 1 targets: target 2 is not defined"),
                broken("target 1\nserver 1 targets 1,1", "b.conf:2:20: server 1 targets: target 1 is listed twice"),
                broken("target 1\nserver 1 targets 1,,2", "b.conf:2:20: server 1 targets: expected target ids "
                        + "1..65532 (or ranges such as 1-4) separated by commas, found an empty entry (lists are "
                        + "written without spaces: 1,2)"),
                // A user's "1, 2": the list ends at the comma, and the message says why.
                broken("target 1\ntarget 2\nregister targets 1, 2", "b.conf:3:20: register targets: expected target "
                        + "ids 1..65532 (or ranges such as 1-4) separated by commas, found nothing after the last ',' "
                        + "(lists are written without spaces: 1,2)"),
                broken("target 1\ntarget 2\nregister targets 2-1",
                        "b.conf:3:18: register targets: the range 2-1 runs backwards; write 1-2"),
                broken("target 1\ntarget 2\ntarget 3\nregister targets 1-3,2",
                        "b.conf:4:22: register targets: target 2 is listed twice"),
                broken("target 1\ntarget 3\nregister targets 1-3", "b.conf:3:18: register target 2: target 2 is not defined"),
                broken("target 1\nserver 1 targets 1-2", "b.conf:2:18: server 1 targets: target 2 is not defined"),
                broken("target 1\nserver 1 targets 1-x", "b.conf:2:18: server 1 targets: expected target ids "
                        + "1..65532 (or ranges such as 1-4) separated by commas, found '1-x'"),
                broken("target 1\ntarget 2\nserver 1 targets 1 backup 2,1",
                        "b.conf:3:29: server 1 backup: target 1 is already a primary target"),
                broken("server 1 backup 7", "b.conf:1:17: server 1 backup: target 7 is not defined"),
                broken("network 1 interface 2", "b.conf:1:11: network 1 interface: interface 2 is not defined"),
                broken("vrrp network 1", "b.conf:1:14: vrrp network: network 1 is not defined"),
                broken("bgp { asn 0 }", "b.conf:1:11: bgp asn: expected a number 1..4294967295, found '0'"),
                broken("bgp asn 4294967296", "b.conf:1:9: bgp asn: expected a number 1..4294967295, found '4294967296'"),
                broken("bgp { as 64512 }", "b.conf:1:7: unknown bgp attribute 'as'; expected one of asn, routerid, "
                        + "neighbor, peeras, hold"),
                broken("bgp neighbor 198.18.0.1,198.18.0.300",
                        "b.conf:1:25: bgp neighbor: expected an IPv4 address such as 198.18.0.1, found '198.18.0.300'"),
                broken("bgp neighbor 198.18.0.1,198.18.0.1", "b.conf:1:25: bgp neighbor: 198.18.0.1 is listed twice"),
                broken("bgp neighbor 198.18.0.1 as 64500", "b.conf:1:25: unknown bgp attribute 'as'; expected one of "
                        + "asn, routerid, neighbor, peeras, hold"),
                broken("bgp hold 2", "b.conf:1:10: bgp hold: expected 0 or a number 3..65535 (seconds, RFC 4271), found '2'"),
                broken("bgp {\n routerid 198.18.0.2\n neighbor 198.18.0.2\n}",
                        "b.conf:2:2: bgp routerid: 198.18.0.2 is also a neighbor; a router id is this node's own address"),
                broken("network 1 {\n  addr 198.18.0.0\n  mask 255.255.255.0\n  real 198.18.1.2\n  virt 198.18.0.3\n}",
                        "b.conf:4:3: network 1 real: 198.18.1.2 is not inside 198.18.0.0/24"),
                broken("network 1 { syncpeer 198.19.0.2 addr 198.18.0.0 mask 16 }",
                        "b.conf:1:13: network 1 syncpeer: 198.19.0.2 is not inside 198.18.0.0/16"),
                broken("network 1 { real6 2001:db8::1 mask6 64 virt6 2001:db9::1 }",
                        "b.conf:1:40: network 1 virt6: 2001:db9::1 is not inside 2001:db8::/64"),
                broken("target 1 { port 8080 dsr enable }\nserver 1 { port 80 targets 1 }",
                        "b.conf:1:12: target 1 port 8080 differs from server 1 port 80; a DSR target cannot rewrite ports"),
                broken("enable target 1", "b.conf:1:15: enable target 1: target 1 is not defined"),
                broken("target 1\nenable target 1", "b.conf:2:15: enable target 1: target 1 is not registered"),
                broken("register targets 1,2", "b.conf:1:18: register target 1: target 1 is not defined",
                        "b.conf:1:20: register target 2: target 2 is not defined"),
                broken("register gateways 1", "b.conf:1:10: register: expected interface(s), network(s), server(s) "
                        + "or target(s), found 'gateways'"),
                broken("register target", "b.conf:1:16: register target: expected comma-separated target ids such "
                        + "as 1,2, found end of input"),
                broken("target 1 tcpopen 80,3", "b.conf:1:18: target 1 tcpopen: expected port,interval,timeout "
                        + "(1..65535,1..3600,1..86400), found '80,3'"),
                broken("target 1 tcpopen 80,0,10", "b.conf:1:18: target 1 tcpopen: expected port,interval,timeout "
                        + "(1..65535,1..3600,1..86400), found '80,0,10'"),
                broken("gateway ping 3", "b.conf:1:14: gateway ping: expected interval,timeout (1..3600,1..86400), "
                        + "found '3'"),
                broken("target 1 dsr yes", "b.conf:1:14: target 1 dsr: expected enable or disable, found 'yes'"),
                broken("server 1 method leastconn", "b.conf:1:17: server 1 method: expected one of rr, wrr, random, "
                        + "wrandom, hash, first, session, bandwidth, agent, rndagent, found 'leastconn'"),
                broken("server 1 sessionid dst",
                        "b.conf:1:20: server 1 sessionid: expected one of src, src+port, found 'dst'"),
                broken("network 1 nat both", "b.conf:1:15: network 1 nat: expected one of inside, outside, found 'both'"),
                broken("interface 1 access ring", "b.conf:1:20: interface 1 access: expected one of raw, pcap, memory, found 'ring'"),
                broken("modules vrrp,,arp", "b.conf:1:9: modules: expected comma-separated lower-case module names "
                        + "such as vrrp,arp,slb, found 'vrrp,,arp'"),
                broken("set foo 1", "b.conf:1:5: unknown set parameter 'foo'; expected one of ipforwarding, "
                        + "vrrppreempt, vrrppreemptts, multithreading, sessionautoresync, sessionsyncack, "
                        + "sessiontimeout, tcptimeout, udptimeout, synctimeout, sessions, draintimeout, bmduration, bmpsize, bmwsize, "
                        + "vrrpversion, vrrpadverint, vrrpgarpcount, vrrpgarpinterval, vrrpvmac, gwtrackval, metricsport, metricsaddr"),
                broken("target 1 alert", "b.conf:1:15: target 1 alert: expected a name or a quoted string, found end of input"),
                broken("target 1 {\n  upalert {\n}", "b.conf:2:11: target 1 upalert: expected a name or a quoted string, found '{'"),
                broken("target 1 alert /usr/bin/page-ops --urgent", "b.conf:1:34: unknown target attribute '--urgent'; "
                        + "expected one of ipaddr, ipaddr6, port, protocol, tcpopen, ping, ping6, agent, agent6, arp, "
                        + "script, alert, upalert, dsr, weight; a value with spaces is written in quotes: "
                        + "alert \"/usr/bin/page-ops --urgent\""),
                broken("target 1 arp 0,5", "b.conf:1:14: target 1 arp: expected interval,timeout (1..3600,1..86400), found '0,5'"),
                broken("set draintimeout 86401", "b.conf:1:18: set draintimeout: expected a number 0..86400, found '86401'"),
                broken("set metricsaddr localhost", "b.conf:1:17: set metricsaddr: expected an IPv4 or IPv6 address "
                        + "such as 127.0.0.1 or ::1, found 'localhost'"),
                broken("set ipforwarding 2", "b.conf:1:18: set ipforwarding: expected a number 0..1, found '2'"),
                broken("target 1 { { { { } } } }", "b.conf:1:12: expected target attribute (ipaddr, ipaddr6, port, "
                        + "protocol, tcpopen, ping, ping6, agent, agent6, arp, script, alert, upalert, dsr, weight), found '{'",
                        "b.conf:1:20: expected end of line, found '}'"),
                broken("target 1 {\n  port 80 }\ntarget 2 { port 81 } junk",
                        "b.conf:3:22: expected end of line, found 'junk'"),
                // Characters that are not text: one message for the line, where the first one is.
                broken("hostname LB1\u0000", "b.conf:1:13: not configuration text: control character U+0000; a "
                        + "configuration is text (is this a binary file?)"),
                broken("target\u00A01 {\n  port 80\n}", "b.conf:1:7: not configuration text: non-breaking space "
                        + "U+00A0 (copied from a web page?); write a plain space"),
                broken("network 1 name \u201Clocal network\u201D", "b.conf:1:16: not configuration text: "
                        + "typographic quote \u201C; strings are written between plain \" quotes"),
                broken("hostname LB1\n\uFEFFtarget 1", "b.conf:2:1: not configuration text: invisible character U+FEFF "
                        + "(a zero-width space or byte order mark); delete it"),
                broken("network 1 name B\uFFFDro", "b.conf:1:17: not configuration text: bytes that are not UTF-8 "
                        + "text; bng reads configuration files as UTF-8 (iconv -f latin1 -t utf-8 converts a Latin-1 file)"),
                // A range is one mistake: its first problem is reported, the others counted.
                broken("target 1\ntarget 2\nserver 1 targets 1-65532",
                        "b.conf:3:18: server 1 targets: target 3 is not defined (and 65529 more targets of that range)"),
                broken("target 1\ntarget 2\nregister targets 1-100,200",
                        "b.conf:3:18: register target 3: target 3 is not defined (and 97 more targets of that range)",
                        "b.conf:3:24: register target 200: target 200 is not defined"),
                broken("target 1\ntarget 2\ntarget 3\nregister target 1\nenable targets 1-3",
                        "b.conf:5:16: enable target 2: target 2 is not registered (and 1 more target of that range)"),
                // Errors of the whole text are reported, sorted by line then column.
                broken("server 1 targets 9\ntarget 1 port 0\nenable target 1\n",
                        "b.conf:1:18: server 1 targets: target 9 is not defined",
                        "b.conf:2:15: target 1 port: expected a number 1..65535, found '0'",
                        "b.conf:3:15: enable target 1: target 1 is not registered"));
    }

    private static Arguments broken(String text, String... expected) {
        return Arguments.of(text, List.of(expected));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void reportsExactlyTheseErrors(String text, List<String> expected) {
        ConfigResult r = ConfigParser.parse("b.conf", text, Configuration.empty());
        assertEquals(expected, r.errors().stream().map(ConfigError::toString).toList());
        assertNull(r.configuration());
    }
}
