package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Issue 5 on real hosts: the seed (tcpopen 80,3,10) with t1's web server stopped and started
 * again, then t1 disabled (draining) and enabled. Clients curl all along; the failures between
 * t1's death and hc's down report are counted and printed with the window's length.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthFailoverTest {
    private static final Path HOME = BngNode.HOME;
    /** docs/configuration.md: down after TIMEOUT (10 s) without success; the test allows one interval (3 s) more. */
    private static final long DOWN_WITHIN_MILLIS = 13_000;
    private static final Pattern SERVED_BY = Pattern.compile("served-by=(t[12])");

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode node;
    static Path alerts;
    /** Clients added to the router for "new clients" (the seed's .20-.31 are bound by then). */
    static int nextNewClient = 40;

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "hc").buildOrClose();
        node = new BngNode(HOME, net, tmp);
        alerts = tmp.resolve("alerts.log");
        Path notify = tmp.resolve("notify.sh");
        Files.writeString(notify, "#!/bin/sh\necho \"$*\" >> " + alerts + "\n");
        notify.toFile().setExecutable(true);
        // The seed's configuration as it is, plus the notification hooks and a short drain.
        node.launch(SeedTopology.seedConfig(HOME) + "set draintimeout 5\n"
            + "target 1 { alert \"" + notify + " alert\" upalert \"" + notify + " upalert\" }\n");
        awaitTarget(1, "up", 30_000);
        awaitTarget(2, "up", 30_000);
    }

    @AfterAll
    static void down() {
        BngNode.stop(node, net);
    }

    /** Target {@code id}'s row of {@code show targets}. */
    static String row(int id) {
        String out = node.control("show targets\n");
        return out.lines().filter(l -> l.matches("\\s*" + id + "\\s+198\\.18\\.0\\..*")).findFirst().orElse(out);
    }

    static String state(String row) {
        Matcher m = Pattern.compile("\\b(up|down|unknown|draining|disabled)\\b").matcher(row);
        return m.find() ? m.group(1) : "?";
    }

    /** Waits until target {@code id} is in {@code state}; returns its row. */
    static String awaitTarget(int id, String state, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        String row = "";
        while (System.currentTimeMillis() < end) {
            row = row(id);
            if (state(row).equals(state)) {
                return row;
            }
            Thread.sleep(200);
        }
        fail("target " + id + " not " + state + " within " + millis + " ms: " + row + node.log());
        return row;
    }

    /** One curl from {@code client}; the target that served it, or null when it failed. */
    static String curl(String client) {
        Sh.Result r = node.curlVip(10, client, "--connect-timeout", "1", "--max-time", "2");
        Matcher m = SERVED_BY.matcher(r.out());
        return r.exit() == 0 && m.find() ? m.group(1) : null;
    }

    static String client(int i) {
        return SeedTopology.NET + "." + (20 + i % SeedTopology.CLIENTS);
    }

    /** A client address never used before (added to the router), so no session binds it yet. */
    static String newClient() {
        String a = SeedTopology.NET + "." + nextNewClient++;
        Sh.must("ip", "-n", net.router, "addr", "add", a + "/24", "dev", "eth0");
        return a;
    }

    static Map<String, Integer> spread(List<String> clients) {
        Map<String, Integer> servedBy = new TreeMap<>();
        for (String c : clients) {
            String t = curl(c);
            servedBy.merge(t == null ? "failed" : t, 1, Integer::sum);
        }
        return servedBy;
    }

    record Attempt(long startMillis, String servedBy) {}

    @Test
    @Order(1)
    void aDeadWebServerIsDownWithinTheTimeoutAndNoCurlFailsAfterwards() throws Exception {
        Map<String, Integer> before = spread(List.of(client(0), client(1), client(2), client(3)));
        assertEquals(Map.of("t1", 2, "t2", 2), before, "round robin over both targets first");

        // Curls run all along, one started every 100 ms (at most 400), over the seed's 12 clients.
        List<Attempt> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Thread clients = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 400 && !stop.get(); i++) {
                long start = System.currentTimeMillis();
                attempts.add(new Attempt(start, curl(client(i))));
                long rest = start + 100 - System.currentTimeMillis();
                if (rest > 0) {
                    try {
                        Thread.sleep(rest);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        long died;
        long reported;
        String downRow;
        try {
            Thread.sleep(1_000);
            died = System.currentTimeMillis();
            net.stopWeb("t1");
            downRow = awaitTarget(1, "down", 30_000);
            reported = System.currentTimeMillis();
            Thread.sleep(5_000); // curls after the report
        } finally {
            stop.set(true);
            clients.join(30_000);
        }
        long window = reported - died;
        List<Attempt> all = List.copyOf(attempts);
        long inWindow = all.stream().filter(a -> a.startMillis() >= died && a.startMillis() < reported).count();
        long failedInWindow = all.stream()
            .filter(a -> a.startMillis() >= died && a.startMillis() < reported && a.servedBy() == null).count();
        List<Attempt> after = all.stream().filter(a -> a.startMillis() >= reported).toList();
        long failedAfter = after.stream().filter(a -> a.servedBy() == null).count();
        System.out.printf("HC-FAILOVER: t1's nginx stopped; show targets said down after %.1f s (polled every ~0.2 s"
            + " plus a control round trip); %d of %d curls started in that window failed (clients bound to t1);"
            + " %d curls after the report, %d failed; all curls before the stop: %d%n", window / 1000.0,
            failedInWindow, inWindow, after.size(), failedAfter,
            all.stream().filter(a -> a.startMillis() < died).count());
        assertTrue(window <= DOWN_WITHIN_MILLIS, "down reported after " + window + " ms: " + downRow);
        assertTrue(downRow.contains("tcpopen 80: connection refused (RST)") || downRow.contains("no answer"),
            "show targets says why: " + downRow);
        assertTrue(after.size() >= 20, "curls kept running after the report: " + after.size());
        assertEquals(0, failedAfter, "no curl fails once t1 is reported down");
        assertTrue(after.stream().allMatch(a -> "t2".equals(a.servedBy())), "every new curl goes to t2");
        assertTrue(Files.readString(alerts).contains("alert 1 198.18.0.11 down tcpopen 80"),
            "the alert hook ran with id, address, state and reason: " + Files.readString(alerts));
    }

    @Test
    @Order(2)
    void everyClientGoesToT2WhileT1IsDown() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < SeedTopology.CLIENTS; i++) {
            all.add(client(i));
        }
        all.add(newClient());
        assertEquals(Map.of("t2", SeedTopology.CLIENTS + 1), spread(all));
    }

    @Test
    @Order(3)
    void startedAgainT1ComesBackUpAndTakesNewClients() throws Exception {
        long started = System.currentTimeMillis();
        net.startWeb("t1");
        String row = awaitTarget(1, "up", 15_000);
        System.out.printf("HC-FAILOVER: t1's nginx started; up after %.1f s%n", (System.currentTimeMillis() - started) / 1000.0);
        assertTrue(row.contains("SYN-ACK"), row);
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fresh.add(newClient());
        }
        assertEquals(Map.of("t1", 2, "t2", 2), spread(fresh), "new clients are spread over both again");
        long end = System.currentTimeMillis() + 5_000;
        while (!Files.readString(alerts).contains("upalert 1 198.18.0.11 up") && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        assertTrue(Files.readString(alerts).contains("upalert 1 198.18.0.11 up tcpopen 80: SYN-ACK"),
            Files.readString(alerts));
    }

    @Test
    @Order(4)
    void disableDrainsT1AndEnableBringsItBack() throws Exception {
        String bound = newClient();
        String other = newClient();
        String t = curl(bound);
        if (!"t1".equals(t)) { // round robin gave it t2: the next new client gets t1
            bound = other;
            t = curl(bound);
        }
        assertEquals("t1", t);
        node.control("disable target 1\n");
        String row = row(1);
        assertEquals("draining", state(row), "sessions of t1 continue: " + row);
        assertTrue(row.contains("removed in"), row);
        // No new session for t1: neither a new client nor a new connection of a client bound to it.
        assertEquals(Map.of("t2", 3), spread(List.of(newClient(), bound, newClient())));
        awaitTarget(1, "disabled", 30_000); // draintimeout 5 s, then the next sweep (≤ 10 s)
        node.control("enable target 1\n");
        awaitTarget(1, "up", 15_000);
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fresh.add(newClient());
        }
        Map<String, Integer> spread = spread(fresh);
        assertEquals(2, spread.getOrDefault("t1", 0), "t1 takes new clients again: " + spread);
    }
}
