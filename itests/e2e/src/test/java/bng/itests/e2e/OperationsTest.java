package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * Operations on the seed's DSR setup with {@code set metricsport}, under curl traffic through the
 * VIP: the status page in headless Chromium, a real Prometheus scraping bng, and a packet dump of
 * eth0 — each run inside bng's namespace, where the listener is on loopback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsTest {
    private static final Path HOME = BngNode.HOME;
    private static final int PORT = 9300;

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode node;

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        if (Sh.run(5, "sh", "-c", "command -v chromium").exit() != 0) {
            fail("chromium is missing: apt-get install chromium (.ci/run installs it)");
        }
        net = new SeedTopology(HOME, tmp, "bngm" + ProcessHandle.current().pid() % 10000, null).buildOrClose();
        node = new BngNode(HOME, net, tmp);
        node.start(SeedTopology.seedConfig(HOME) + "set metricsport " + PORT + "\n");
    }

    @AfterAll
    static void down() {
        BngNode.stop(node, net);
    }

    /** 5 clients in turn, one request each 0.1 s, until destroyed (bounded by timeout). */
    static Process traffic() throws java.io.IOException {
        return new ProcessBuilder(Sh.in(net.router, "timeout", "90", "bash", "-c",
            "while :; do for c in 20 21 22 23 24; do curl -s -o /dev/null --max-time 2 --interface "
                + SeedTopology.NET + ".$c http://" + SeedTopology.VIP + "/; sleep 0.1; done; done"))
            .redirectErrorStream(true).redirectOutput(tmp.resolve("traffic.log").toFile()).start();
    }

    /**
     * Every target listed up, and the plot moves: more points, newer positions and a non-zero
     * rate per target between two samples 4 s apart. The screenshot stays in target/status-page.png.
     */
    @Test
    @Order(1)
    void pageListsEveryTargetAndItsPlotMovesWhileTrafficFlows() throws Exception {
        Path shot = HOME.resolve("itests/e2e/target/status-page.png");
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        Process traffic = traffic();
        Sh.Result r;
        try {
            List<String> cmd = new ArrayList<>(List.of(Sh.in(net.bng)));
            cmd.addAll(ChromiumDriver.command(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), "http://127.0.0.1:" + PORT + "/", shot.toString(),
                tmp.resolve("chromium").toString(), 4));
            r = Sh.run(90, null, cmd);
        } finally {
            traffic.destroy();
            traffic.waitFor();
        }
        assertEquals(0, r.exit(), r.out() + node.log());
        System.out.println(r.out());
        String first = sample(r.out(), 1);
        String second = sample(r.out(), 2);
        for (String s : List.of(first, second)) {
            assertTrue(s.startsWith("rows=1:up,2:up;"), "every target listed, up: " + s);
        }
        for (int target = 1; target <= 2; target++) {
            Plot a = plot(first, target);
            Plot b = plot(second, target);
            assertTrue(b.points > a.points, "target " + target + " gains points: " + first + " / " + second);
            assertTrue(b.oldestX < a.oldestX, "target " + target + " line slides left: " + first + " / " + second);
            assertTrue(b.rate > 0, "target " + target + " carries traffic: " + second);
        }
        assertTrue(Files.size(shot) > 10_000, "screenshot written: " + shot);
    }

    /** Debian's Prometheus scrapes bng every second; its query API shows per-target bytes growing. */
    @Test
    @Order(2)
    void prometheusScrapesPerTargetCountersThatGrowUnderTraffic() throws Exception {
        assumePrometheus();
        Path conf = tmp.resolve("prometheus.yml");
        Files.writeString(conf, "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
            + "scrape_configs: [{job_name: bng, static_configs: [{targets: ['127.0.0.1:" + PORT + "']}]}]\n");
        Process prometheus = new ProcessBuilder(Sh.in(net.bng, "prometheus", "--config.file=" + conf,
            "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:9090"))
            .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        Process traffic = traffic();
        try {
            long[] first = awaitBytes(new long[] {0, 0}, 30);
            long[] later = awaitBytes(first, 30);
            System.out.println("prometheus bng_target_bytes_total " + java.util.Arrays.toString(first) + " -> "
                + java.util.Arrays.toString(later));
            for (int t = 0; t < 2; t++) {
                assertTrue(later[t] > first[t], "target " + (t + 1) + ": " + first[t] + " -> " + later[t]);
            }
        } finally {
            traffic.destroy();
            prometheus.destroy();
            traffic.waitFor();
            prometheus.waitFor();
        }
    }

    static void assumePrometheus() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Sh.run(5, "sh", "-c", "command -v prometheus").exit() == 0,
            "SKIPPED: Debian's prometheus is not installed (apt-get install prometheus)");
    }

    /** Queries bng_target_bytes_total until both targets exceed {@code above}; returns their values. */
    static long[] awaitBytes(long[] above, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
            body = Sh.run(10, Sh.in(net.bng, "curl", "-s", "http://127.0.0.1:9090/api/v1/query?query=bng_target_bytes_total")).out();
            long[] v = new long[2];
            Matcher m = Pattern.compile("\"target\":\"([12])\"\\},\"value\":\\[[0-9.]+,\"([0-9.e+]+)\"\\]").matcher(body);
            while (m.find()) {
                v[Integer.parseInt(m.group(1)) - 1] = (long) Double.parseDouble(m.group(2));
            }
            if (v[0] > above[0] && v[1] > above[1]) {
                return v;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("bng_target_bytes_total did not grow past " + java.util.Arrays.toString(above)
            + " within " + seconds + " s: " + body + "\n" + Files.readString(tmp.resolve("prometheus.log")));
    }

    /**
     * {@code dump start eth0} under traffic: the dump processor is on the bus only while it runs,
     * and the rotated files hold the clients' frames to the VIP (read back with tcpdump).
     */
    @Test
    @Order(3)
    void dumpOfEth0HoldsTheClientsFramesAndLeavesTheBusWhenStopped() throws Exception {
        Path base = tmp.resolve("dumps/eth0");
        Sh.Result idle = node.bng("show processors\n", "control");
        assertFalse(idle.out().contains("dump."), "no dump, no processor: " + idle.out());
        Sh.Result start = node.bng("dump start eth0 " + base + " size 1 files 3\n", "control");
        assertTrue(start.out().contains("dumping interface 1 (eth0)"), start.out());
        // The bus binds a new processor on its own thread (PacketBusManager): it joins within moments.
        String processors = "";
        for (long until = System.nanoTime() + 5_000_000_000L; System.nanoTime() < until; Thread.sleep(100)) {
            processors = node.bng("show processors\n", "control").out();
            if (processors.contains("dump.port1")) {
                break;
            }
        }
        assertTrue(processors.contains("dump.port1"), processors);
        Process traffic = traffic();
        try {
            Thread.sleep(4000);
        } finally {
            traffic.destroy();
            traffic.waitFor();
        }
        Sh.Result stop = node.bng("dump stop\nshow processors\n", "control");
        Matcher frames = Pattern.compile("dump of interface 1 stopped: (\\d+) frames, (\\d+) dropped").matcher(stop.out());
        assertTrue(frames.find(), stop.out());
        assertTrue(Long.parseLong(frames.group(1)) > 20, stop.out());
        System.out.println("dump: " + frames.group());
        assertEquals("0", frames.group(2), stop.out());
        assertFalse(stop.out().contains("dump.port1"), "the processor left the bus: " + stop.out());
        Path file = base.resolveSibling("eth0.1.pcap");
        Sh.Result read = Sh.run(20, "tcpdump", "-n", "-r", file.toString(), "tcp and dst host " + SeedTopology.VIP + " and dst port 80");
        assertEquals(0, read.exit(), read.out());
        assertTrue(read.out().lines().filter(l -> l.contains("> " + SeedTopology.VIP + ".80:")).count() > 10, read.out());
    }

    private record Plot(int points, long rate, double oldestX) {}

    private static Plot plot(String sample, int target) {
        Matcher m = Pattern.compile("[=|]" + target + "=(\\d+)/(\\d+)/([^|;]+)").matcher(sample);
        assertTrue(m.find(), "target " + target + " plotted: " + sample);
        return new Plot(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Double.parseDouble(m.group(3)));
    }

    private static String sample(String out, int n) {
        return out.lines().filter(l -> l.startsWith("SAMPLE " + n + " ")).map(l -> l.substring(9)).findFirst()
            .orElseThrow(() -> new AssertionError("no sample " + n + ":\n" + out));
    }

}
