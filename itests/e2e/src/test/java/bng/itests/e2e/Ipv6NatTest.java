package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 NAT on real hosts ({@code SEED_IPV6=nat bin/seed-net}, bng on examples/nat6.conf): the
 * targets, in 2001:db8:1::/64 with bng's virt6 as their default route and no VIP anywhere, serve
 * {@code curl -6} to the VIP from the clients in 2001:db8::/64 — both targets, each seeing the
 * client's own address — and the replies come back through bng with the VIP as their source.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ipv6NatTest {
    private static final Path HOME = BngNode.HOME;
    static final String VIP6 = "2001:db8::100";
    static final String PROXY_VIP6 = "2001:db8::101";
    static final String PRX6 = "2001:db8:1::254";
    /** A second server on the same targets in SNAT proxy mode, from the targets' network's virt6 (as E7 does). */
    static final String PROXY_SERVER = """
        server 2 {
                  ipaddr6 %s
                  port 80
                  protocol tcp
                  proxy enable
                  prx6 %s
                  targets 1,2
        }
        register server 2
        enable server 2
        """.formatted(PROXY_VIP6, PRX6);

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode bng;

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "n6").ipv6("nat").buildOrClose();
        bng = new BngNode(HOME, net, tmp);
        bng.start(Files.readString(HOME.resolve("examples/nat6.conf")) + PROXY_SERVER);
    }

    @AfterAll
    static void down() {
        BngNode.stop(bng, net);
    }

    /** curl -6 to the VIP from a client address; the response's "served-by=tN from=ADDRESS". */
    static Matcher curl(String client) {
        return curl(client, VIP6);
    }

    static Matcher curl(String client, String vip) {
        Sh.Result r = Sh.run(20, Sh.in(net.router, "curl", "-6", "-s", "--max-time", "8", "--interface", client,
            "http://[" + vip + "]/"));
        assertEquals(0, r.exit(), "curl from " + client + ": " + r.out() + bng.control("show slb6\nshow nd\n") + bng.log());
        Matcher m = Pattern.compile("served-by=(t[12]) from=(\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        return m;
    }

    @Test
    @Order(1)
    void clientsAreServedByBothTargetsWhichSeeTheirRealAddresses() {
        Map<String, Integer> servedBy = new TreeMap<>();
        for (int round = 0; round < 2; round++) {
            for (int c = 0; c < SeedTopology.CLIENTS; c++) {
                String client = "2001:db8::" + (20 + c);
                Matcher m = curl(client);
                assertEquals(client, m.group(2), "the target sees the client's own address (NAT, not proxy)");
                servedBy.merge(m.group(1), 1, Integer::sum);
            }
        }
        assertEquals(2, servedBy.size(), "both targets serve: " + servedBy);
        String slb6 = bng.control("show slb6\n");
        assertTrue(slb6.matches("(?s).*replied\\s+[1-9].*"), "replies went back through bng: " + slb6);
        assertTrue(slb6.matches("(?s).*new-sessions\\s+(2[4-9]|[3-9]\\d|\\d{3,}).*"), slb6);
    }

    @Test
    @Order(2)
    void theProxyServerServesFromPrx6() {
        Map<String, Integer> servedBy = new TreeMap<>();
        for (int c = 0; c < SeedTopology.CLIENTS; c++) {
            Matcher m = curl("2001:db8::" + (20 + c), PROXY_VIP6);
            assertEquals(PRX6, m.group(2), "SNAT: the target sees prx6");
            servedBy.merge(m.group(1), 1, Integer::sum);
        }
        assertEquals(2, servedBy.size(), "both targets serve: " + servedBy);
    }

    @Test
    @Order(3)
    void aTargetWhoseServerStopsLeavesThePool() throws Exception {
        net.stopWeb("t1");
        long deadline = System.currentTimeMillis() + 20_000;
        String targets = "";
        while (System.currentTimeMillis() < deadline) {
            targets = bng.control("show targets\n");
            if (Pattern.compile("(?m)^\\s*1\\s.*\\bdown\\b").matcher(targets).find()) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(Pattern.compile("(?m)^\\s*1\\s.*\\bdown\\b").matcher(targets).find(), targets);
        for (int c = 0; c < SeedTopology.CLIENTS; c++) {
            assertEquals("t2", curl("2001:db8::" + (20 + c)).group(1), "only target 2 is left");
        }
    }
}
