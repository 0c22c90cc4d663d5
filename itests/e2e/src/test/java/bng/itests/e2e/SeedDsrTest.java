package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * The seed's acceptance story on real hosts: a single-legged bng in front of two nginx servers in
 * direct server return, started with {@code bin/bng} on the seed's configuration
 * (examples/dsr.conf), and every line of the seed's checklist checked with real clients.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedDsrTest {
    private static final Path HOME = BngNode.HOME;

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode node;

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp).buildOrClose();
        node = new BngNode(HOME, net, tmp);
        node.start(SeedTopology.seedConfig(HOME));
    }

    @AfterAll
    static void down() {
        BngNode.stop(node, net);
    }

    @Test
    @Order(1)
    void targetsCanPingTheDefaultGateway() {
        for (String t : List.of(net.t1, net.t2)) {
            Sh.Result r = Sh.run(20, Sh.in(t, "ping", "-c", "3", "-i", "0.2", "-W", "2", SeedTopology.ROUTER));
            assertEquals(0, r.exit(), t + ": " + r.out());
        }
    }

    @Test
    @Order(2)
    void routerCanPingTheVirtualServerAnsweredByBng() {
        Sh.Result r = Sh.run(20, Sh.in(net.router, "ping", "-c", "5", "-i", "0.2", "-W", "2", SeedTopology.VIP));
        assertEquals(0, r.exit(), r.out() + node.log());
        // The answer comes from bng's MAC: the targets never answer ARP for the VIP.
        String neigh = Sh.must(Sh.in(net.router, "ip", "neigh", "show", SeedTopology.VIP));
        assertTrue(neigh.contains(SeedTopology.mac(2)), "the VIP resolves to bng's MAC: " + neigh);
    }

    @Test
    @Order(3)
    void clientsReachTheVirtualWebServerSpreadOverBothTargetsWithDirectReturn() throws Exception {
        // Capture replies from the targets (source = VIP) on bng's bridge port and on the router's:
        // none may pass bng's, and the router's must see them (so the capture itself works).
        String replies = "(ether src " + SeedTopology.mac(11) + " or ether src " + SeedTopology.mac(12) + ") and src host "
            + SeedTopology.VIP + " and tcp";
        Path atBng = tmp.resolve("at-bng.txt");
        Path atRouter = tmp.resolve("at-router.txt");
        Process capBng = capture("v" + net.bng, replies, atBng);
        Process capRouter = capture("v" + net.router, replies, atRouter);
        Map<String, Integer> servedBy = new TreeMap<>();
        try {
            Thread.sleep(1000); // tcpdump attaches
            for (int round = 0; round < 3; round++) {
                for (int c = 0; c < SeedTopology.CLIENTS; c++) {
                    String client = SeedTopology.NET + "." + (20 + c);
                    Sh.Result r = node.curlVip(20, client, "--max-time", "5");
                    assertEquals(0, r.exit(), "curl from " + client + ": " + r.out() + node.log());
                    Matcher m = Pattern.compile("served-by=(t[12])").matcher(r.out());
                    assertTrue(m.find(), r.out());
                    servedBy.merge(m.group(1), 1, Integer::sum);
                }
            }
        } finally {
            Thread.sleep(300);
            for (Process p : List.of(capBng, capRouter)) {
                p.destroy();
                p.waitFor();
            }
        }
        assertEquals(2, servedBy.size(), "both targets serve: " + servedBy);
        long atRouterFrames = Files.readString(atRouter).lines().filter(l -> l.contains(" > ")).count();
        assertTrue(atRouterFrames >= 3L * SeedTopology.CLIENTS, "the targets' replies reach the client directly: "
            + atRouterFrames + " frames\n" + Files.readString(atRouter));
        String throughBng = Files.readString(atBng);
        assertEquals(0, throughBng.lines().filter(l -> l.contains(" > ")).count(), "no reply passes bng:\n" + throughBng);
    }

    private static Process capture(String port, String filter, Path out) throws java.io.IOException {
        return new ProcessBuilder("ip", "netns", "exec", net.sw, "tcpdump", "-l", "-n", "-e", "-i", port, filter)
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    @Test
    @Order(4)
    void showServersAndTargetsShowEverythingUpAndOperational() {
        String out = node.control("show servers\nshow targets\n");
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*1\\s+198\\.18\\.0\\.100\\s+80\\s+tcp\\b.*\\bup\\b.*")), out);
        assertEquals(2, out.lines().filter(l -> l.matches("\\s*[12]\\s+198\\.18\\.0\\.1[12]\\s.*\\bup\\b.*")).count(), out);
    }

    @Test
    @Order(5)
    void threadsTwoSpreadsTheInterfaceOverTwoPinnedQueuesAndEveryClientIsServed() throws Exception {
        // BalanceNG's `threads N`, typed at the prompt: the port is reopened as two AF_PACKET sockets
        // in one fanout group, each drained by its own thread pinned to its CPU.
        String changed = node.control("interface 1 {\n name eth0\n access raw\n threads 2\n}\nshow interfaces\n");
        assertTrue(changed.contains("queue 1"), "two queues: " + changed);
        Map<String, Integer> servedBy = new TreeMap<>();
        for (int round = 0; round < 3; round++) {
            for (int c = 0; c < SeedTopology.CLIENTS; c++) {
                String client = SeedTopology.NET + "." + (20 + c);
                Sh.Result r = node.curlVip(20, client, "--max-time", "5", "--retry", "2", "--retry-connrefused");
                assertEquals(0, r.exit(), "curl from " + client + " with two threads: " + r.out() + node.log());
                Matcher m = Pattern.compile("served-by=(t[12])").matcher(r.out());
                assertTrue(m.find(), r.out());
                servedBy.merge(m.group(1), 1, Integer::sum);
            }
        }
        assertEquals(2, servedBy.size(), "both targets serve: " + servedBy);
        String show = node.control("show interfaces\n");
        // Both queues received frames: 36 connections from 12 addresses, hashed by flow.
        Matcher q = Pattern.compile("queue (\\d+)\\s+cpu (\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(show);
        int queues = 0;
        while (q.find()) {
            queues++;
            assertTrue(Long.parseLong(q.group(3)) > 0, "queue " + q.group(1) + " received frames:\n" + show);
            assertTrue(!q.group(2).equals("-"), "queue " + q.group(1) + " is pinned:\n" + show);
        }
        assertEquals(2, queues, show);
        String pid = node.pid();
        String threads = Sh.must("bash", "-c", "cat /proc/" + pid + "/task/*/comm");
        assertTrue(threads.contains("bng-port-1-eth") && threads.lines().filter(l -> l.startsWith("bng-port-1-")).count() == 2,
            "two port threads: " + threads);
    }

    @Test
    @Order(6)
    void uploadsOfSeveralMegabytesPassTheVipWholeAndMergedSegmentsAreNamedInShowWarnings() throws Exception {
        // A web farm's uploads: every byte of the request passes bng (only the replies go direct).
        byte[] body = new byte[6 << 20];
        new java.util.Random(42).nextBytes(body);
        Path file = tmp.resolve("upload.bin");
        Files.write(file, body);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
        for (int c = 0; c < 3; c++) {
            String client = SeedTopology.NET + "." + (20 + c);
            Sh.Result r = Sh.run(40, Sh.in(net.router, "curl", "-s", "-D", "-", "-o", "/dev/null", "--max-time", "30",
                "-w", "code=%{http_code}", "--interface", client, "-T", file.toString(),
                "http://" + SeedTopology.VIP + "/up/c" + c));
            assertTrue(r.exit() == 0 && r.out().contains("code=201"), "PUT of 6 MB from " + client + ": " + r.out() + node.log());
            Matcher m = Pattern.compile("X-Served-By: (t[12])").matcher(r.out());
            assertTrue(m.find(), r.out());
            Path stored = net.dir.resolve(m.group(1) + "/up/c" + c);
            String got = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(stored)));
            assertEquals(sha, got, "the target stored the whole upload from " + client);
        }
        assertTrue(!node.control("show warnings\n").contains("MTU"), "no oversize frames behind a port without TSO");

        // The same bridge port handing over merged segments (TSO on, as a veth in front of a
        // container would): bng cannot forward them and says why instead of stalling in silence.
        // The router must send merged segments for that: seed-net gives every host wire-sized
        // frames (TSO/GSO off on its eth0), so this part turns them on at the router too.
        String port = "v" + net.bng;
        Sh.must(Sh.in(net.router, "ethtool", "-K", "eth0", "tso", "on", "gso", "on"));
        Sh.must(Sh.in(net.sw, "ethtool", "-K", port, "tso", "on", "gso", "on"));
        try {
            Sh.run(10, Sh.in(net.router, "curl", "-s", "-o", "/dev/null", "--max-time", "3", "-T", file.toString(),
                "http://" + SeedTopology.VIP + "/up/merged"));
            String warnings = node.control("show warnings\n");
            assertTrue(warnings.contains("frames longer than eth0's MTU were received and dropped")
                && warnings.contains("ethtool -K PEER tso off gso off"), warnings);
            assertTrue(Pattern.compile("WARNING bng.core.impl.PortWorker: port 1: \\d+ frames longer than eth0's MTU")
                .matcher(node.log()).find(), "the log says it too (at 1, 2, 4, ... frames)" + node.log());
        } finally {
            Sh.must(Sh.in(net.sw, "ethtool", "-K", port, "tso", "off", "gso", "off"));
            Sh.must(Sh.in(net.router, "ethtool", "-K", "eth0", "tso", "off", "gso", "off"));
        }
    }
}
