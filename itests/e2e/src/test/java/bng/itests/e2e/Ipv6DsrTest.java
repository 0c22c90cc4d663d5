package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
 * Example E4 on real hosts: IPv6 DSR in 2001:db8::/64 ({@code SEED_IPV6=1 bin/seed-net}, bng on
 * examples/dsr6.conf). The router resolves the VIP to bng by neighbour discovery, {@code ping -6}
 * to the VIP is answered by bng, {@code curl -6} from the clients is served by both targets, and a
 * target whose web server stops leaves the pool (tcpopen over IPv6 refused).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ipv6DsrTest {
    private static final Path HOME = BngNode.HOME;
    static final String VIP6 = "2001:db8::100";
    static final int CLIENTS = 12;
    static final String PREFIX = "bnge6" + (ProcessHandle.current().pid() % 10000);

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode node;

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp.resolve("www"), PREFIX, (String) null).ipv6("1").with("SEED_CLIENTS=" + CLIENTS)
            .buildOrClose();
        node = new BngNode(HOME, net, tmp);
        node.launch(HOME.resolve("examples/dsr6.conf"));
        awaitTargets("up", "up", 30);
    }

    @AfterAll
    static void down() {
        BngNode.stop(node, net);
    }

    /** Waits until {@code show targets} has target 1 and 2 in the given states. */
    static String awaitTargets(String t1, String t2, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String targets = "";
        while (System.currentTimeMillis() < deadline) {
            targets = node.control("show targets\n");
            if (state(targets, 1).equals(t1) && state(targets, 2).equals(t2)) {
                return targets;
            }
            Thread.sleep(500);
        }
        fail("targets did not become " + t1 + "/" + t2 + " within " + seconds + " s:\n" + targets
            + node.control("show hc\nshow arp\nshow nd\n") + node.log());
        return targets;
    }

    static String state(String showTargets, int id) {
        Matcher m = Pattern.compile("(?m)^\\s*" + id + "\\s+2001:db8::1" + id + "\\s.*?\\b(up|down|unknown)\\b")
            .matcher(showTargets);
        return m.find() ? m.group(1) : "";
    }

    static String curl(String client) {
        Sh.Result r = Sh.run(20, Sh.in(PREFIX + "rt", "curl", "-6", "-s", "--max-time", "5", "--interface", client,
            "http://[" + VIP6 + "]/"));
        assertEquals(0, r.exit(), "curl from " + client + ": " + r.out() + node.log());
        Matcher m = Pattern.compile("served-by=(t[12])").matcher(r.out());
        assertTrue(m.find(), r.out());
        return m.group(1);
    }

    @Test
    @Order(1)
    void theRouterPingsTheVipAndBngAnswersWithItsOwnMac() {
        Sh.Result r = Sh.run(20, Sh.in(PREFIX + "rt", "ping", "-6", "-c", "5", "-i", "0.2", "-W", "2", VIP6));
        assertEquals(0, r.exit(), r.out() + node.log());
        String neigh = Sh.must(Sh.in(PREFIX + "rt", "ip", "-6", "neigh", "show", VIP6));
        assertTrue(neigh.contains("02:00:00:00:00:02"), "the VIP resolves to bng's MAC (the targets stay silent): "
            + neigh);
        String nd = node.control("show nd\n");
        assertTrue(nd.matches("(?s).*solicitations answered\\s+[1-9].*"), nd);
    }

    @Test
    @Order(2)
    void clientsAreServedOverIpv6ByBothTargets() {
        Map<String, Integer> servedBy = new TreeMap<>();
        for (int round = 0; round < 2; round++) {
            for (int c = 0; c < CLIENTS; c++) {
                servedBy.merge(curl("2001:db8::" + (20 + c)), 1, Integer::sum);
            }
        }
        assertEquals(2, servedBy.size(), "both targets serve: " + servedBy);
        String slb6 = node.control("show slb6\n");
        assertTrue(slb6.matches("(?s).*new-sessions\\s+[1-9].*"), slb6);
    }

    /**
     * Path MTU discovery through bng: a client behind a 1280-byte link (a namespace behind the
     * router, which forwards) downloads 300 kB. The target's 1500-byte segments make the router
     * send "packet too big" to the VIP, i.e. to bng; only if bng steers it to the session's target
     * does the target lower its path MTU and the download finish (IPv6 routers never fragment).
     */
    @Test
    @Order(3)
    void packetTooBigFromARouterReachesTheTargetAndTheDownloadCompletes() {
        String far = PREFIX + "fc";
        try {
            Sh.must("ip", "netns", "add", far);
            Sh.must("ip", "-n", PREFIX + "rt", "link", "add", "vfc", "type", "veth", "peer", "name", "eth0", "netns", far);
            // The router's side is the narrow one: the client's own MTU (and MSS) stays 1500.
            Sh.must("ip", "-n", PREFIX + "rt", "link", "set", "vfc", "mtu", "1280", "up");
            Sh.must("ip", "-n", PREFIX + "rt", "addr", "add", "2001:db8:2::1/64", "dev", "vfc", "nodad");
            Sh.must("ip", "netns", "exec", PREFIX + "rt", "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
            Sh.must("ip", "-n", far, "link", "set", "lo", "up");
            Sh.must("ip", "-n", far, "link", "set", "eth0", "up");
            Sh.must("ip", "-n", far, "addr", "add", "2001:db8:2::2/64", "dev", "eth0", "nodad");
            Sh.must("ip", "-n", far, "-6", "route", "add", "default", "via", "2001:db8:2::1");
            Sh.Result r = Sh.run(30, Sh.in(far, "curl", "-6", "-s", "-o", "/dev/null", "-w", "%{size_download}",
                "--max-time", "15", "-r", "0-299999", "http://[" + VIP6 + "]/big"));
            String slb6 = node.control("show slb6\n");
            assertEquals(0, r.exit(), "the download stalled: " + r.out() + "\n" + slb6 + node.log());
            assertEquals("300000", r.out().strip());
            assertTrue(slb6.matches("(?s).*icmp-to-target\\s+[1-9].*"), "a packet too big went to the target: " + slb6);
        } finally {
            Sh.run(10, "ip", "netns", "del", far);
        }
    }

    @Test
    @Order(4)
    void aTargetWhoseServerStopsLeavesThePool() throws Exception {
        Sh.must(Sh.in(PREFIX + "t1", "nginx", "-c", tmp.resolve("www/t1/nginx.conf").toString(), "-s", "stop"));
        String targets = awaitTargets("down", "up", 20);
        assertTrue(targets.contains("connection refused"), targets);
        for (int c = 0; c < CLIENTS; c++) {
            assertEquals("t2", curl("2001:db8::" + (20 + c)), "only target 2 is left");
        }
    }
}
