package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
 * A VRRP pair on the seed's network (bin/seed-net with SEED_NODES=2): lb1 (priority 200) and lb2
 * (100) run examples/vrrp-lb1.conf and vrrp-lb2.conf, same vrid. Only the master answers for the
 * VIP; stopping it (gracefully, then with kill -9) moves the VIP to lb2 by gratuitous ARP — the
 * router's neighbour entry changes — and restarting lb1 takes it back by preemption. The times
 * are measured and printed (and written to target/vrrp-failover.txt). Keep-alive connections and
 * long downloads (method rr) established through lb1 complete through lb2 after its kill -9:
 * bngsync carried their sessions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VrrpFailoverTest {
    private static final Path HOME = BngNode.HOME;
    static final String LB1_MAC = SeedTopology.mac(2);
    static final String LB2_MAC = SeedTopology.mac(3);

    @TempDir
    static Path tmp;
    static SeedTopology net;
    /** lb1 and lb2 at [1] and [2]. */
    static final BngNode[] nodes = new BngNode[3];
    static final List<String> measured = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "bngev" + (ProcessHandle.current().pid() % 10000), 2).buildOrClose();
        for (int k = 1; k <= 2; k++) {
            nodes[k] = new BngNode(HOME, net, k == 1 ? net.bng : net.bng2, tmp.resolve("run" + k), null);
            nodes[k].label = "lb" + k;
        }
        start(1);
        start(2);
        await(30_000, () -> state(1).equals("MASTER") && state(2).equals("BACKUP"),
            () -> "lb1 master and lb2 backup\n" + control(1, "show vrrp\n") + control(2, "show vrrp\n") + nodes[1].log() + nodes[2].log());
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (nodes[1] != null) {
                nodes[1].close();
                nodes[2].close();
            }
        } finally {
            if (net != null) {
                net.close();
            }
            String text = String.join("\n", measured) + "\n";
            System.out.print("VRRP failover measurements:\n" + text);
            Files.writeString(Path.of("target/vrrp-failover.txt"), text);
        }
    }

    static void start(int node) {
        Sh.Result r = nodes[node].bng(null, "-c", HOME.resolve("examples/vrrp-lb" + node + ".conf").toString(), "start");
        assertEquals(0, r.exit(), "lb" + node + " start: " + r.out() + nodes[node].log());
    }

    static String control(int node, String commands) {
        Sh.Result r = nodes[node].bng(commands, "control");
        return r.exit() == 0 ? r.out() : "(lb" + node + " not answering: " + r.out() + ")";
    }

    static String state(int node) {
        Matcher m = Pattern.compile("(?m)^\\s*state (\\w+)").matcher(control(node, "show vrrp\n"));
        return m.find() ? m.group(1) : "?";
    }

    static String routerNeighbour(String address) {
        return Sh.run(10, Sh.in(net.router, "ip", "neigh", "show", address)).out();
    }

    /** Polls every 100 ms until {@code done} or {@code millis}; returns the time waited. */
    static long await(long millis, BooleanSupplier done, java.util.function.Supplier<String> what) throws InterruptedException {
        return BngNode.await(millis, 100, done, what);
    }

    static String curl(int client) {
        Sh.Result r = nodes[1].curlVip(10, SeedTopology.NET + "." + (20 + client), "--max-time", "2");
        return r.exit() == 0 ? r.out().strip() : "curl exit " + r.exit();
    }

    /** Curls the VIP every 200 ms from one client while a failover runs; counts what failed. */
    static final class Curler implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final Thread thread = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                (curl(0).startsWith("served-by=") ? ok : failed).incrementAndGet();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(15_000);
        }
    }

    @Test
    @Order(1)
    void onlyTheMasterAnswersForTheVip() {
        Sh.Result ping = Sh.run(20, Sh.in(net.router, "ping", "-c", "3", "-i", "0.2", "-W", "2", SeedTopology.VIP));
        assertEquals(0, ping.exit(), ping.out() + nodes[1].log());
        assertTrue(routerNeighbour(SeedTopology.VIP).contains(LB1_MAC), routerNeighbour(SeedTopology.VIP));
        for (int c = 0; c < 4; c++) {
            assertTrue(curl(c).startsWith("served-by="), curl(c) + nodes[1].log());
        }
        String backup = control(2, "show vrrp\n");
        assertTrue(backup.contains("master 198.18.0.2 (priority 200)"), backup);
        assertTrue(backup.matches("(?s).*adverts sent 0, received [1-9].*"), "lb2 hears lb1's adverts:\n" + backup);
    }

    @Test
    @Order(2)
    void stoppingTheMasterMovesTheVipToTheBackup() throws Exception {
        try (Curler curler = new Curler()) {
            Thread.sleep(600);
            long t0 = System.nanoTime();
            Sh.Result stop = nodes[1].bng(null, "stop");
            assertEquals(0, stop.exit(), stop.out());
            long stopped = (System.nanoTime() - t0) / 1_000_000;
            await(10_000, () -> state(2).equals("MASTER"), () -> control(2, "show vrrp\n"));
            long master = (System.nanoTime() - t0) / 1_000_000;
            await(10_000, () -> routerNeighbour(SeedTopology.VIP).contains(LB2_MAC),
                () -> routerNeighbour(SeedTopology.VIP) + control(2, "show vrrp\n"));
            long moved = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(1000);
            curler.close();
            measured.add(String.format("graceful stop (priority 0): bng stop returned %d ms, lb2 MASTER %d ms, "
                + "router's neighbour entry on lb2 %d ms; curls during: %d ok, %d failed", stopped, master, moved,
                curler.ok.get(), curler.failed.get()));
            assertTrue(master < stopped + 1000 + 2000, "after a resignation the backup waits only its skew time");
        }
        for (int c = 0; c < 4; c++) {
            assertTrue(curl(c).startsWith("served-by="), "through lb2: " + curl(c) + nodes[2].log());
        }
    }

    @Test
    @Order(3)
    void theRestartedMasterTakesTheVipBackByPreemption() throws Exception {
        long t0 = System.nanoTime();
        start(1);
        long started = (System.nanoTime() - t0) / 1_000_000;
        await(20_000, () -> state(1).equals("MASTER") && state(2).equals("BACKUP"),
            () -> control(1, "show vrrp\n") + control(2, "show vrrp\n"));
        long master = (System.nanoTime() - t0) / 1_000_000;
        await(10_000, () -> routerNeighbour(SeedTopology.VIP).contains(LB1_MAC), () -> routerNeighbour(SeedTopology.VIP));
        measured.add(String.format("preemption (vrrppreemptts 5): bng start returned %d ms, lb1 MASTER (lb2 BACKUP) %d ms",
            started, master));
        assertTrue(curl(1).startsWith("served-by="), curl(1) + control(1, "show slb\nshow targets\nshow sessions\n") + nodes[1].log());
        assertTrue(control(2, "show vrrp\n").contains("MASTER -> BACKUP: advert from 198.18.0.2 priority 200 > 100"));
    }

    @Test
    @Order(4)
    void aKilledMasterIsReplacedWithinTheMasterDownInterval() throws Exception {
        String pid = nodes[1].pid();
        try (Curler curler = new Curler()) {
            Thread.sleep(600);
            long t0 = System.nanoTime();
            Sh.must("kill", "-9", pid);
            await(10_000, () -> state(2).equals("MASTER"), () -> control(2, "show vrrp\n"));
            long master = (System.nanoTime() - t0) / 1_000_000;
            await(10_000, () -> routerNeighbour(SeedTopology.VIP).contains(LB2_MAC), () -> routerNeighbour(SeedTopology.VIP));
            long moved = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(1000);
            curler.close();
            measured.add(String.format("kill -9 of the master: lb2 MASTER %d ms (master-down interval 3609 ms), "
                + "router's neighbour entry on lb2 %d ms; curls during: %d ok, %d failed", master, moved,
                curler.ok.get(), curler.failed.get()));
            assertTrue(master <= 3609 + 1500, "within lb2's master-down interval + a margin: " + master + " ms");
        }
        assertTrue(curl(2).startsWith("served-by="), nodes[2].log());
        Files.deleteIfExists(nodes[1].runDir.resolve("bng.0.pid"));
    }

    /** A keep-alive HTTP client: one request, then (once {@code signal} exists) a second on the same connection. */
    static final String CLIENT = """
        import os, socket, sys, time
        src, vip, signal = sys.argv[1], sys.argv[2], sys.argv[3]
        s = socket.create_connection((vip, 80), timeout=10, source_address=(src, 0))
        def get():
            s.sendall(b"GET / HTTP/1.1\\r\\nHost: vip\\r\\n\\r\\n")
            data = b""
            while b"served-by=" not in data or not data.endswith(b"\\n"):
                chunk = s.recv(4096)
                if not chunk:
                    sys.exit("connection closed")
                data += chunk
            return data.decode().split("served-by=")[1].split()[0]
        print(get(), flush=True)
        deadline = time.time() + 60
        while not os.path.exists(signal) and time.time() < deadline:
            time.sleep(0.1)
        print(get(), flush=True)
        """;

    static final int DOWNLOADS = 4;

    @Test
    @Order(5)
    void establishedConnectionsKeepTheirTargetsAfterAKill9ThanksToBngsync() throws Exception {
        start(1);
        await(20_000, () -> state(1).equals("MASTER") && state(2).equals("BACKUP"),
            () -> control(1, "show vrrp\n") + control(2, "show vrrp\n"));
        await(10_000, () -> routerNeighbour(SeedTopology.VIP).contains(LB1_MAC), () -> routerNeighbour(SeedTopology.VIP));
        Path script = tmp.resolve("client.py");
        Files.writeString(script, CLIENT);
        Path signal = tmp.resolve("second-request");
        List<Process> clients = new ArrayList<>();
        List<Process> downloads = new ArrayList<>();
        List<java.io.BufferedReader> outs = new ArrayList<>();
        List<String> first = new ArrayList<>();
        try {
            for (int c = 0; c < 4; c++) {
                Process p = new ProcessBuilder(Sh.in(net.router, "python3", script.toString(),
                    SeedTopology.NET + "." + (26 + c), SeedTopology.VIP, signal.toString())).redirectErrorStream(true).start();
                clients.add(p);
                java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
                outs.add(r);
                first.add(r.readLine());
            }
            assertTrue(first.stream().allMatch(t -> t != null && t.matches("t[12]")), first + nodes[1].log());
            // Four long downloads (4 MB, curl-limited to 250 kB/s) span the kill -9 below.
            long started = System.nanoTime();
            for (int d = 0; d < DOWNLOADS; d++) {
                downloads.add(new ProcessBuilder(Sh.in(net.router, "curl", "-s", "--max-time", "40", "--limit-rate", "250k",
                    "--interface", SeedTopology.NET + "." + (22 + d), "-o", tmp.resolve("big-" + d).toString(),
                    "-w", "%{http_code} %{size_download} %header{x-served-by} %{time_total}",
                    "http://" + SeedTopology.VIP + "/big")).redirectErrorStream(true).start());
            }
            Thread.sleep(1000); // the downloads are under way; bngsync sends every 100 ms
            List<Long> atKill = new ArrayList<>();
            for (int d = 0; d < DOWNLOADS; d++) {
                Path part = tmp.resolve("big-" + d);
                atKill.add(Files.exists(part) ? Files.size(part) : 0);
            }
            assertTrue(atKill.stream().allMatch(n -> n > 0), "every download under way before the kill: " + atKill);
            String pid = nodes[1].pid();
            long t0 = System.nanoTime();
            Sh.must("kill", "-9", pid);
            await(10_000, () -> state(2).equals("MASTER"), () -> control(2, "show vrrp\n"));
            await(10_000, () -> routerNeighbour(SeedTopology.VIP).contains(LB2_MAC), () -> routerNeighbour(SeedTopology.VIP));
            long moved = (System.nanoTime() - t0) / 1_000_000;
            Files.writeString(signal, "go");
            List<String> second = new ArrayList<>();
            for (java.io.BufferedReader r : outs) {
                second.add(r.readLine());
            }
            String sync = control(2, "show bngsync\n");
            measured.add("bngsync: 4 keep-alive connections established through lb1, lb1 killed (VIP on lb2 after "
                + moved + " ms): second requests served by " + second + ", first by " + first);
            // method rr: lb2 could not have recomputed the downloads' targets; bngsync carried them.
            List<String> results = new ArrayList<>();
            for (Process p : downloads) {
                assertTrue(p.waitFor(50, java.util.concurrent.TimeUnit.SECONDS), "download still running");
                results.add(new String(p.getInputStream().readAllBytes()).strip() + " (exit " + p.exitValue() + ")");
            }
            long size = Files.size(net.dir.resolve("t1/big"));
            measured.add("bngsync, method rr: " + DOWNLOADS + " downloads of /big (" + size + " bytes, curl "
                + "--limit-rate 250k) under way through lb1 at its kill -9 (bytes by then " + atKill + "; VIP on lb2 after "
                + moved + " ms): code size target seconds " + results);
            assertEquals(first, second, "each connection keeps its target on the new master\n" + sync + nodes[2].log());
            Matcher m = Pattern.compile("bngsync IPv4 packets received: (\\d+)").matcher(sync);
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, sync);
            long movedSinceStart = (t0 - started) / 1_000_000 + moved;
            for (int d = 0; d < DOWNLOADS; d++) {
                assertTrue(results.get(d).matches("200 " + size + " t[12] [0-9.]+ \\(exit 0\\)"),
                    "download " + d + " completes through lb2: " + results + "\n" + sync + nodes[2].log());
                assertEquals(size, Files.size(tmp.resolve("big-" + d)), "download " + d + " intact");
                String[] r = results.get(d).split(" ");
                assertTrue(r.length > 3 && Double.parseDouble(r[3]) * 1000 > movedSinceStart,
                    "download " + d + " still running when the VIP moved, " + movedSinceStart + " ms after it began: " + results);
            }
        } finally {
            for (Process p : clients) {
                p.destroyForcibly();
            }
            for (Process p : downloads) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(nodes[1].runDir.resolve("bng.0.pid"));
        }
    }

    @Test
    @Order(6)
    void aCutBetweenTheNodesEndsWithExactlyOneMasterWhenRepaired() throws Exception {
        start(1);
        await(30_000, () -> state(1).equals("MASTER") && state(2).equals("BACKUP"),
            () -> control(1, "show vrrp\n") + control(2, "show vrrp\n"));
        await(10_000, () -> routerNeighbour(SeedTopology.VIP).contains(LB1_MAC), () -> routerNeighbour(SeedTopology.VIP)
            + nodes[1].log());
        // The bridge drops everything to and from lb2's port: both links stay up, nothing passes.
        String port = "v" + net.bng2;
        Sh.must(Sh.in(net.sw, "nft", "add table bridge cut; add chain bridge cut block { type filter hook forward priority 0; }; "
            + "add rule bridge cut block iifname " + port + " drop; add rule bridge cut block oifname " + port + " drop"));
        try {
            await(10_000, () -> state(2).equals("MASTER"), () -> control(2, "show vrrp\n"));
            assertEquals("MASTER", state(1), "split brain while cut: each hears nobody");
        } finally {
            Sh.must(Sh.in(net.sw, "nft", "delete table bridge cut"));
        }
        long t0 = System.nanoTime();
        await(5_000, () -> state(1).equals("MASTER") && state(2).equals("BACKUP"),
            () -> control(1, "show vrrp\n") + control(2, "show vrrp\n"));
        long healed = (System.nanoTime() - t0) / 1_000_000;
        measured.add("split brain repaired " + healed + " ms after the cut ended: lb1 MASTER, lb2 BACKUP");
        await(5_000, () -> routerNeighbour(SeedTopology.VIP).contains(LB1_MAC), () -> routerNeighbour(SeedTopology.VIP)
            + control(1, "show vrrp\n") + control(2, "show vrrp\n") + nodes[1].log() + nodes[2].log());
        assertTrue(curl(3).startsWith("served-by="), nodes[1].log());
    }
}
