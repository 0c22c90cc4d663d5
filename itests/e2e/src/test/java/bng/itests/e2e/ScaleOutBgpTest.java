package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 * Scale-out (issue 11, docs/scale-out.md) on real hosts: a router namespace running BIRD 2 with
 * ECMP ({@code merge paths}) and an L4 hash ({@code fib_multipath_hash_policy=1}), three bng
 * nodes each running bng with module bgp (which runs its own BIRD), two nginx DSR targets. The
 * VIP 198.18.1.100 lies outside the shared /24, so only BGP routes lead to it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutBgpTest {
    private static final Path HOME = BngNode.HOME;
    private static final String NET = "198.18.0";
    private static final String VIP = "198.18.1.100";
    private static final int NODES = 3;
    private static final int CLIENTS = 12;
    private static final long BIG = 4L << 20;

    @TempDir
    static Path tmp;
    static String prefix;
    static String router;
    /** Node k at [k]. */
    static final BngNode[] nodes = new BngNode[NODES + 1];

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        if (!Files.isExecutable(Path.of("/usr/sbin/bird"))) {
            fail("scale-out needs BIRD 2: apt-get install bird2");
        }
        prefix = "bngeb" + (ProcessHandle.current().pid() % 10000);
        router = prefix + "rt";
        for (int k = 1; k <= NODES; k++) {
            nodes[k] = new BngNode(HOME, null, ns(k), tmp.resolve("run" + k), conf(k));
            nodes[k].label = "node " + k;
        }
        try {
            Sh.must("env", "SEED_BGP=1", "SEED_NODES=" + NODES, "SEED_VIP=" + VIP, HOME.resolve("bin/seed-net").toString(), "up",
                prefix, tmp.resolve("net").toString());
            Files.writeString(tmp.resolve("rt-bird.conf"), routerBird());
            Sh.must(Sh.in(router, "bird", "-c", tmp.resolve("rt-bird.conf").toString(), "-s",
                tmp.resolve("rt.ctl").toString(), "-P", tmp.resolve("rt.pid").toString()));
            List<Thread> starts = new ArrayList<>();
            Map<Integer, Sh.Result> started = new java.util.concurrent.ConcurrentHashMap<>();
            for (int k = 1; k <= NODES; k++) {
                int node = k;
                Files.writeString(conf(node), nodeConfig(node));
                starts.add(Thread.ofVirtual().start(() -> started.put(node, nodes[node].bng(null, "-c", conf(node).toString(), "start"))));
            }
            for (Thread t : starts) {
                t.join();
            }
            started.forEach((k, r) -> assertEquals(0, r.exit(), "node " + k + " start: " + r.out() + nodes[k].log()));
            awaitNextHops(NODES, 60);
            // A node announces once one target is up; the tests need every node to see both up,
            // or a node still waiting for t2's first check sends t2's clients to t1.
            awaitShowBgp("1\\s+198\\.18\\.1\\.100/32\\s+announced\\s+targets up: 1,2", 30);
        } catch (Throwable t) {
            down();
            throw t;
        }
    }

    @AfterAll
    static void down() {
        try {
            for (int k = 1; k <= NODES; k++) {
                if (Files.exists(tmp.resolve("run" + k))) {
                    nodes[k].bng(null, "stop");
                }
            }
        } finally {
            Sh.run(60, HOME.resolve("bin/seed-net").toString(), "down", prefix); // kills every bird too
        }
    }

    static String routerBird() {
        StringBuilder b = new StringBuilder("""
            log "%s" all;
            router id %s.1;
            protocol device { scan time 10; }
            # ECMP: the best routes of equal rank from several nodes become one multipath route.
            protocol kernel {
              ipv4 { import none; export all; };
              merge paths on;
            }
            template bgp node {
              local as 64500;
              hold time 3;
              graceful restart off;
              connect retry time 2;
              error wait time 1, 10;
              ipv4 { import all; export none; };
            }
            """.formatted(tmp.resolve("rt-bird.log"), NET));
        for (int k = 1; k <= NODES; k++) {
            b.append("protocol bgp node").append(k).append(" from node { neighbor ").append(kernelAddress(k))
                .append(" as 64512; }\n");
        }
        return b.toString();
    }

    /** The seed's configuration (examples/dsr.conf) with the scale-out VIP, Maglev, and bgp. */
    static String nodeConfig(int k) throws Exception {
        String seed = Files.readString(HOME.resolve("examples/dsr.conf"));
        String c = seed.replace(NET + ".100", VIP)
            .replace("real " + NET + ".2\n", "real " + NET + "." + (1 + k) + "\n")
            .replace("          targets 1,2\n", "          method hash\n          targets 1,2\n")
            .replaceFirst("(?m)^(modules\\s+\\S+)$", "$1,bgp");
        assertTrue(c.contains("method hash") && c.contains(",bgp") && c.contains(VIP), c);
        return c + """
            bgp       {
                      asn 64512
                      routerid %s
                      neighbor %s.1
                      peeras 64500
                      hold 3
            }
            """.formatted(kernelAddress(k), NET);
    }

    static String kernelAddress(int k) {
        return NET + "." + (4 + k); // bin/seed-net's address for node k's routing daemon
    }

    static String ns(int k) {
        return prefix + (k == 1 ? "lb" : "lb" + k);
    }

    static Path conf(int k) {
        return tmp.resolve("node" + k + ".conf");
    }

    static String control(int k, String commands) {
        Sh.Result r = nodes[k].bng(commands, "control");
        assertEquals(0, r.exit(), "node " + k + ": " + r.out() + nodes[k].log());
        return r.out();
    }

    static String route() {
        return Sh.run(10, Sh.in(router, "ip", "route", "show", VIP)).out();
    }

    static List<String> nextHops() {
        List<String> hops = new ArrayList<>();
        Matcher m = Pattern.compile("via (" + NET.replace(".", "\\.") + "\\.\\d+)").matcher(route());
        while (m.find()) {
            hops.add(m.group(1));
        }
        return hops;
    }

    static void awaitNextHops(int n, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (nextHops().size() == n) {
                return;
            }
            Thread.sleep(200);
        }
        fail("the router's route to " + VIP + " did not get " + n + " next hops in " + seconds + " s:\n" + route()
            + Sh.run(10, "birdc", "-s", tmp.resolve("rt.ctl").toString(), "show", "protocols").out()
            + nodes[1].log() + nodes[2].log() + nodes[3].log());
    }

    static long forwarded(int k) {
        Matcher m = Pattern.compile("(?m)^forwarded\\s+(\\d+)").matcher(control(k, "show slb\n"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /** Client address → target id, from a node's {@code show sessions}. */
    static Map<String, String> sessions(int k) {
        Map<String, String> s = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*(198\\.18\\.0\\.\\d+)\\s+\\S+\\s+1\\s+(\\d+)\\s").matcher(control(k, "show sessions\n"));
        while (m.find()) {
            s.put(m.group(1), m.group(2));
        }
        return s;
    }

    static String client(int c) {
        return NET + "." + (20 + c);
    }

    static String get(String client) {
        Sh.Result r = Sh.run(20, Sh.in(router, "curl", "-s", "--max-time", "5", "--interface", client,
            "http://" + VIP + "/"));
        assertEquals(0, r.exit(), "curl from " + client + ": " + r.out());
        Matcher m = Pattern.compile("served-by=(t[12])").matcher(r.out());
        assertTrue(m.find(), r.out());
        return m.group(1);
    }

    @Test
    @Order(1)
    void flowsSpreadOverAllNodesAndEachClientKeepsItsTargetWhicheverNodeCarriesIt() {
        long[] before = new long[NODES + 1];
        for (int k = 1; k <= NODES; k++) {
            before[k] = forwarded(k);
        }
        Map<String, String> targetOf = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            for (int c = 0; c < CLIENTS; c++) {
                String t = get(client(c));
                String was = targetOf.putIfAbsent(client(c), t);
                assertTrue(was == null || was.equals(t), client(c) + " went to " + was + " and then to " + t);
            }
        }
        assertEquals(2, new java.util.HashSet<>(targetOf.values()).size(), "both targets serve: " + targetOf);
        StringBuilder spread = new StringBuilder();
        Map<String, String> seen = new HashMap<>();
        int onSeveral = 0;
        for (int k = 1; k <= NODES; k++) {
            long d = forwarded(k) - before[k];
            spread.append(" node").append(k).append('=').append(d);
            assertTrue(d > 0, "node " + k + " carried no flow:" + spread);
            for (Map.Entry<String, String> e : sessions(k).entrySet()) {
                String other = seen.putIfAbsent(e.getKey(), e.getValue());
                if (other != null) {
                    onSeveral++;
                    assertEquals(other, e.getValue(), "client " + e.getKey() + "'s sessions on two nodes differ");
                }
            }
        }
        System.out.println("scale-out: frames forwarded per node for " + 5 * CLIENTS + " requests:" + spread
            + "; clients with sessions on several nodes (same target on each): " + onSeveral);
        assertTrue(onSeveral > 0, "some client's flows went through several nodes");
    }

    @Test
    @Order(2)
    void killingANodeWithdrawsItsRouteAndItsLongDownloadsCompleteThroughTheOthers() throws Exception {
        List<Process> downloads = new ArrayList<>();
        List<Path> results = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Path out = tmp.resolve("download" + c);
            results.add(out);
            downloads.add(new ProcessBuilder(Sh.in(router, "curl", "-s", "-o", "/dev/null", "--max-time", "60",
                "--interface", client(c), "-w", "%{http_code} %{size_download}\\n", "http://" + VIP + "/big"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start());
        }
        try {
            Thread.sleep(1500); // every download is under way (4 MB at 1 MB/s)
            Map<String, String> carried = sessions(1);
            // Nodes 2 and 3 forget every session (they had some of these clients from the first
            // test): whatever reaches them from now on has to find its target by the table alone.
            control(2, "clear sessions\n");
            control(3, "clear sessions\n");
            long[] before = {0, 0, forwarded(2), forwarded(3)};
            String pid = Files.readString(tmp.resolve("run1").resolve("bng.0.pid")).strip();
            long killed = System.nanoTime();
            Sh.must("kill", "-9", pid);
            long deadline = System.currentTimeMillis() + 10_000;
            while (nextHops().contains(kernelAddress(1)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            double withdrawnSeconds = (System.nanoTime() - killed) / 1e9;
            assertEquals(List.of(kernelAddress(2), kernelAddress(3)), nextHops(), "route after kill -9:\n" + route());
            System.out.printf("scale-out: node 1 killed (kill -9) with %d flows on it; its route was withdrawn "
                + "after %.2f s%n", carried.size(), withdrawnSeconds);
            assertFalse(carried.isEmpty(), "node 1 carried none of the downloads; nothing to prove");
            assertTrue(withdrawnSeconds < 3, "withdrawn within 3 s, took " + withdrawnSeconds);
            for (int c = 0; c < CLIENTS; c++) {
                assertTrue(downloads.get(c).waitFor(60, TimeUnit.SECONDS), "download " + c + " ended");
                String r = Files.readString(results.get(c)).strip();
                assertEquals("200 " + BIG, r, "download from " + client(c)
                    + (carried.containsKey(client(c)) ? " (carried by the killed node)" : ""));
            }
            long moved = 0;
            for (int k = 2; k <= 3; k++) {
                Matcher m = Pattern.compile("(?m)^adopted\\s+(\\d+)").matcher(control(k, "show slb\n"));
                assertTrue(m.find());
                moved += Long.parseLong(m.group(1));
            }
            System.out.println("scale-out: flows without session adopted by nodes 2 and 3 (Maglev): " + moved);
            assertTrue(moved >= CLIENTS, "every download was adopted on node 2 or 3 after their sessions were cleared");
            for (int c = 0; c < CLIENTS; c++) {
                get(client(c));
            }
            assertTrue(forwarded(2) > before[2] && forwarded(3) > before[3], "new flows go through nodes 2 and 3");
        } finally {
            downloads.forEach(Process::destroyForcibly);
        }
    }

    @Test
    @Order(3)
    void startingTheNodeAgainBringsItBackIntoTheEcmpSet() throws Exception {
        Sh.Result r = nodes[1].bng(null, "-c", conf(1).toString(), "start");
        assertEquals(0, r.exit(), r.out() + nodes[1].log());
        awaitNextHops(NODES, 30);
        long before = forwarded(1);
        for (int round = 0; round < 3; round++) {
            for (int c = 0; c < CLIENTS; c++) {
                get(client(c));
            }
        }
        assertTrue(forwarded(1) > before, "node 1 carries flows again");
        assertTrue(control(1, "show bgp\n").matches("(?s).*1\\s+198\\.18\\.1\\.100/32\\s+announced\\s+targets up: .*"),
            control(1, "show bgp\n"));
    }

    static void web(String target, boolean on) {
        Path conf = tmp.resolve("net").resolve(target).resolve("nginx.conf");
        if (on) {
            Sh.must(Sh.in(prefix + target, "nginx", "-c", conf.toString()));
        } else {
            Sh.must(Sh.in(prefix + target, "nginx", "-c", conf.toString(), "-s", "stop"));
        }
    }

    /** Waits until every node's show bgp has the server line matching regex. */
    static void awaitShowBgp(String regex, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            boolean all = true;
            for (int k = 1; k <= NODES && all; k++) {
                last = control(k, "show bgp\n");
                all = last.lines().anyMatch(l -> l.matches(regex));
            }
            if (all) {
                return;
            }
            Thread.sleep(500);
        }
        fail("show bgp did not reach " + regex + " on every node in " + seconds + " s:\n" + last);
    }

    @Test
    @Order(4)
    void targetLossMovesItsClientsAndLosingEveryTargetWithdrawsTheVipOnEveryNode() throws Exception {
        // Start from the Maglev choice itself: sessions left by earlier tests (a node's restart,
        // its adopted flows) may bind a client elsewhere, and the end of this test compares with it.
        // Node 1 was restarted by the test before: it announces once one target is up, and until
        // its health checks see both, it sends the other target's clients elsewhere, so "before"
        // would not be the Maglev choice (seen once in CI: a client "came back" to the other target).
        awaitShowBgp("1\\s+198\\.18\\.1\\.100/32\\s+announced\\s+targets up: 1,2", 30);
        for (int k = 1; k <= NODES; k++) {
            control(k, "clear sessions\n");
        }
        Map<String, String> before = new HashMap<>();
        for (int c = 0; c < CLIENTS; c++) {
            before.put(client(c), get(client(c)));
        }
        web("t1", false);
        try {
            awaitShowBgp("1\\s+198\\.18\\.1\\.100/32\\s+announced\\s+targets up: 2", 30);
            assertEquals(NODES, nextHops().size(), "one target up: still announced by every node");
            for (int c = 0; c < CLIENTS; c++) {
                assertEquals("t2", get(client(c)), client(c) + " (was on " + before.get(client(c)) + ")");
            }
            web("t2", false);
            long t0 = System.nanoTime();
            awaitNextHops(0, 30);
            System.out.printf("scale-out: both targets stopped: every node withdrew the VIP within %.1f s of the "
                + "second stop (hc tcpopen timeout 10 s)%n", (System.nanoTime() - t0) / 1e9);
            awaitShowBgp("1\\s+198\\.18\\.1\\.100/32\\s+withdrawn\\s+no target up \\(1 down, 2 down\\)", 10);
        } finally {
            Sh.run(20, Sh.in(prefix + "t1", "nginx", "-c", tmp.resolve("net/t1/nginx.conf").toString()));
            Sh.run(20, Sh.in(prefix + "t2", "nginx", "-c", tmp.resolve("net/t2/nginx.conf").toString()));
        }
        awaitNextHops(NODES, 30);
        awaitShowBgp("1\\s+198\\.18\\.1\\.100/32\\s+announced\\s+targets up: 1,2", 30);
        // Sessions made during the outage keep their clients on t2 on the nodes that made them
        // (docs/scale-out.md, caveats); without them every node's table sends each client back.
        for (int k = 1; k <= NODES; k++) {
            control(k, "clear sessions\n");
        }
        for (int c = 0; c < CLIENTS; c++) {
            assertEquals(before.get(client(c)), get(client(c)), client(c) + " is back on its target");
        }
    }

    @Test
    @Order(5)
    void aGracefulStopWithdrawsAndStopsTheNodesDaemon() throws Exception {
        long t0 = System.nanoTime();
        Sh.Result r = nodes[3].bng(null, "stop");
        assertEquals(0, r.exit(), r.out());
        awaitNextHops(NODES - 1, 10);
        System.out.printf("scale-out: bng stop on node 3 withdrew its route in %.2f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(List.of(kernelAddress(1), kernelAddress(2)), nextHops());
        System.out.println("scale-out: node 3's log of the stop:\n" + nodes[3].log().lines()
            .filter(l -> l.contains("bgp") || l.contains("stop") || l.contains("shut")).reduce("", (a, b) -> a + b + "\n"));
        String pids = "";
        for (long deadline = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < deadline; Thread.sleep(200)) {
            pids = Sh.run(10, "ip", "netns", "pids", ns(3)).out().strip();
            if (pids.isEmpty()) {
                break;
            }
        }
        assertEquals("", pids, "nothing runs on node 3 after bng stop (bird stopped too): "
            + Sh.run(10, "ps", "-o", "pid,args", "-p", pids.replace('\n', ',')).out());

    }
}
