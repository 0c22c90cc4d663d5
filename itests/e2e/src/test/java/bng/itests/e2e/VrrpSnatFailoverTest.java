package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VRRP pair of examples/vrrp-lb1.conf and vrrp-lb2.conf turned into SNAT (no {@code dsr
 * enable}, {@code proxy enable}, {@code prx} = the floating {@code virt}): both directions of
 * every connection cross the master, the targets answer the proxy address. Downloads under way
 * through lb1 complete through lb2 after lb1's {@code kill -9}: bngsync carried the sessions and
 * their proxy ports. Without the ports (before 2026-11-30) lb2 claimed a connection's port only
 * when the client side sent; in a download the target sends first, its segments to prx:port
 * matched nothing on lb2 and were dropped, the client had nothing to acknowledge, and both
 * downloads stalled at ~0.5 MB until curl gave up.
 */
class VrrpSnatFailoverTest {
    private static final Path HOME = BngNode.HOME;
    static final int DOWNLOADS = 2;

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static final BngNode[] nodes = new BngNode[3];

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "bngey" + (ProcessHandle.current().pid() % 10000), 2).buildOrClose();
        for (int k = 1; k <= 2; k++) {
            nodes[k] = new BngNode(HOME, net, k == 1 ? net.bng : net.bng2, tmp.resolve("run" + k), tmp.resolve("lb" + k + ".conf"));
            nodes[k].label = "lb" + k;
            String c = Files.readString(HOME.resolve("examples/vrrp-lb" + k + ".conf"))
                .replaceAll("(?m)^\\s*dsr enable\\n", "")
                .replaceFirst("(?m)^(\\s*)targets 1,2$", "$1proxy enable\n$1prx 198.18.0.5\n$1targets 1,2");
            assertTrue(c.contains("prx 198.18.0.5") && !c.contains("dsr enable"), c);
            nodes[k].launch(c);
            if (k == 1) {
                BngNode.await(30_000, 100, () -> state(1).equals("MASTER"), () -> nodes[1].log());
            }
        }
        BngNode.await(30_000, 100, () -> state(2).equals("BACKUP"), () -> nodes[2].log());
        nodes[1].awaitTargetsUp();
    }

    @AfterAll
    static void down() {
        try {
            for (int k = 1; k <= 2; k++) {
                if (nodes[k] != null && Files.exists(nodes[k].runDir)) {
                    nodes[k].close();
                }
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    static String state(int node) {
        Sh.Result r = nodes[node].bng("show vrrp\n", "control");
        Matcher m = Pattern.compile("(?m)^\\s*state (\\w+)").matcher(r.out());
        return r.exit() == 0 && m.find() ? m.group(1) : "?";
    }

    @Test
    void proxiedDownloadsCompleteThroughTheBackupAfterAKill9() throws Exception {
        List<Process> downloads = new ArrayList<>();
        try {
            for (int d = 0; d < DOWNLOADS; d++) {
                downloads.add(new ProcessBuilder(Sh.in(net.router, "curl", "-s", "--max-time", "40", "--limit-rate", "250k",
                    "--interface", SeedTopology.NET + "." + (22 + d), "-o", tmp.resolve("big-" + d).toString(),
                    "-w", "%{http_code} %{size_download}", "http://" + SeedTopology.VIP + "/big"))
                    .redirectErrorStream(true).start());
            }
            Thread.sleep(1500); // under way; bngsync sends every 100 ms
            List<Long> atKill = new ArrayList<>();
            for (int d = 0; d < DOWNLOADS; d++) {
                Path part = tmp.resolve("big-" + d);
                atKill.add(Files.exists(part) ? Files.size(part) : 0);
            }
            assertTrue(atKill.stream().allMatch(n -> n > 0), "every download under way before the kill: " + atKill
                + nodes[1].control("show sessions\n") + nodes[1].log());
            long t0 = System.nanoTime();
            Sh.must("kill", "-9", nodes[1].pid());
            BngNode.await(10_000, 100, () -> state(2).equals("MASTER"), () -> nodes[2].log());
            long master = (System.nanoTime() - t0) / 1_000_000;
            List<String> results = new ArrayList<>();
            for (Process p : downloads) {
                assertTrue(p.waitFor(50, TimeUnit.SECONDS), "download still running");
                results.add(new String(p.getInputStream().readAllBytes()).strip() + " (exit " + p.exitValue() + ")");
            }
            long size = Files.size(net.dir.resolve("t1/big"));
            System.out.printf("vrrp snat: %d proxied downloads of %d bytes, %s bytes by lb1's kill -9, lb2 MASTER after %d ms: %s%n",
                DOWNLOADS, size, atKill, master, results);
            String state = nodes[2].control("show bngsync\nshow sessions\nshow slb\nshow processors\n");
            for (int d = 0; d < DOWNLOADS; d++) {
                assertEquals("200 " + size + " (exit 0)", results.get(d), "download " + d + " completes through lb2: "
                    + results + "\n" + state + nodes[2].log());
                assertEquals(size, Files.size(tmp.resolve("big-" + d)), "download " + d + " intact");
                assertTrue(atKill.get(d) < size, "download " + d + " was still running at the kill: " + atKill);
            }
        } finally {
            downloads.forEach(Process::destroyForcibly);
            Files.deleteIfExists(nodes[1].runDir.resolve("bng.0.pid"));
        }
    }
}
