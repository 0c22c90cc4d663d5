package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link RealTrafficTest} in NAT mode on routing mode E1's network: the targets' replies come back
 * through bng (their gateway is its virt), leave with the VIP as source toward the router, whose
 * narrow client-side link makes it send "fragmentation needed" to the VIP; bng translates the error
 * back (destination and quoted source become the target's) so the target's kernel finds its
 * socket. The DNS server has a VIP of its own, NAT to port 53 of both targets. And the other way:
 * with t2's DNS server stopped, t2's kernel answers a query with "port unreachable" sent through
 * bng (its gateway), which translates it so that the client learns at once that the VIP refused.
 */
class RealTrafficNatTest extends RealTrafficTest {
    static final String CONFIG = """
        modules   arp,ping,hc,master,slb,rt
        set       ipforwarding 1
        interface 1 {
                  name eth0
                  access raw
        }
        register  interface 1
        enable    interface 1
        network   1 {
                  name "local network"
                  addr 198.18.0.0
                  mask 255.255.255.0
                  real 198.18.0.2
                  virt 198.18.0.3
                  interface 1
        }
        network   2 {
                  name "target network"
                  addr 198.18.1.0
                  mask 255.255.255.0
                  real 198.18.1.253
                  virt 198.18.1.254
                  interface 1
        }
        register  networks 1,2
        enable    networks 1,2
        gateway   {
                  ipaddr 198.18.0.1
                  ping 3,8
        }
        server    1 {
                  ipaddr 198.18.0.100
                  port 80
                  protocol tcp
                  targets 1,2
        }
        server    2 {
                  ipaddr 198.18.0.102
                  port 53
                  protocol udp
                  sessionid src+port
                  targets 3,4
        }
        register  servers 1,2
        enable    servers 1,2
        target    1 {
                  ipaddr 198.18.1.11
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
        }
        target    2 {
                  ipaddr 198.18.1.12
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
        }
        target    3 {
                  ipaddr 198.18.1.11
                  port 53
                  protocol udp
                  ping 2,6
        }
        target    4 {
                  ipaddr 198.18.1.12
                  port 53
                  protocol udp
                  ping 2,6
        }
        register  targets 1,2,3,4
        enable    targets 1,2,3,4
        """;

    @Override
    String mode() {
        return "e1";
    }

    @Override
    String tag() {
        return "n";
    }

    @Override
    String config() {
        return CONFIG;
    }

    @Override
    String webVip() {
        return "198.18.0.100";
    }

    @Override
    String dnsVip() {
        return "198.18.0.102";
    }

    @Test
    void aStoppedDnsServersPortUnreachableReachesTheClientAsTheVips() throws Exception {
        long before = slbCounter("icmp-to-client");
        stopDns("t2");
        try {
            // Round robin per query: of 4 queries, 2 go to t2, whose kernel refuses them.
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                batch.append("@").append(dnsVip()).append(" -b ").append(SeedTopology.SITE_LAN).append('.').append(20 + i)
                    .append(" who.test TXT +short +tries=1 +time=3\n");
            }
            java.nio.file.Path queries = tmp.resolve("refused.txt");
            java.nio.file.Files.writeString(queries, batch);
            Sh.Result r = Sh.run(30, Sh.in(net.client, "dig", "-f", queries.toString()));
            long refused = r.out().lines().filter(l -> l.contains("connection refused")).count();
            long answered = r.out().lines().filter(l -> l.equals("\"t1\"")).count();
            assertTrue(refused >= 1, "the client hears the refusal, not a timeout:\n" + r.out());
            assertEquals(4, refused + answered, r.out());
            assertTrue(slbCounter("icmp-to-client") > before, bng.control("show slb\n"));
        } finally {
            startDns("t2");
        }
    }
}
