package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page as an operator sees it: the seed's DSR setup with {@code set metricsport}, curl
 * traffic through the VIP, and headless Chromium inside bng's namespace (the listener is on its
 * loopback) opening the page. Every target is listed up, and the plot moves: more points, newer
 * positions and a non-zero rate per target between two samples 4 s apart. The screenshot stays in
 * target/status-page.png.
 */
class StatusPageTest {
    private static final Path HOME = Path.of(System.getProperty("bng.home", "../..")).toAbsolutePath().normalize();
    private static final Path BNG = HOME.resolve("bin/bng");
    private static final int PORT = 9300;

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static Path runDir;

    @BeforeAll
    static void up() throws Exception {
        if (!"0".equals(Sh.run(5, "id", "-u").out().strip())) {
            fail("the end-to-end suite needs root (network namespaces); run it as root or with BNG_E2E=0 bin/run-tests");
        }
        if (Sh.run(5, "sh", "-c", "command -v chromium").exit() != 0) {
            fail("chromium is missing: apt-get install chromium (.ci/run installs it)");
        }
        net = new SeedTopology(HOME, tmp, "bngm" + ProcessHandle.current().pid() % 10000);
        try {
            net.build();
        } catch (Throwable t) {
            net.close();
            throw t;
        }
        runDir = tmp.resolve("run");
        Path conf = tmp.resolve("bng.conf");
        Files.writeString(conf, SeedTopology.seedConfig(HOME) + "set metricsport " + PORT + "\n");
        Sh.Result start = bng(null, "-c", conf.toString(), "start");
        assertEquals(0, start.exit(), "bng start: " + start.out() + log());
        awaitTargetsUp();
    }

    @AfterAll
    static void down() {
        try {
            if (runDir != null) {
                bng(null, "stop");
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    @Test
    void pageListsEveryTargetAndItsPlotMovesWhileTrafficFlows() throws Exception {
        Path shot = HOME.resolve("itests/e2e/target/status-page.png");
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        // 5 clients in turn, one request each 0.1 s, until the test ends (bounded by timeout).
        Process traffic = new ProcessBuilder(Sh.in(net.router, "timeout", "60", "bash", "-c",
            "while :; do for c in 20 21 22 23 24; do curl -s -o /dev/null --max-time 2 --interface "
                + SeedTopology.NET + ".$c http://" + SeedTopology.VIP + "/; sleep 0.1; done; done"))
            .redirectErrorStream(true).redirectOutput(tmp.resolve("traffic.log").toFile()).start();
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
        assertEquals(0, r.exit(), r.out() + log());
        String first = sample(r.out(), 1);
        String second = sample(r.out(), 2);
        for (String s : List.of(first, second)) {
            assertTrue(s.startsWith("rows=1:up,2:up;"), "every target listed, up: " + s);
        }
        for (int target = 1; target <= 2; target++) {
            Plot a = plot(first, target);
            Plot b = plot(second, target);
            assertTrue(b.points > a.points, "target " + target + " gains points: " + first + " / " + second);
            assertNotEquals(a.lastPoint, b.lastPoint, "target " + target + " line moves");
            assertTrue(b.rate > 0, "target " + target + " carries traffic: " + second);
        }
        assertTrue(Files.size(shot) > 10_000, "screenshot written: " + shot);
    }

    private record Plot(int points, long rate, String lastPoint) {}

    private static Plot plot(String sample, int target) {
        Matcher m = Pattern.compile("[=|]" + target + "=(\\d+)/(\\d+)/([^|;]+)").matcher(sample);
        assertTrue(m.find(), "target " + target + " plotted: " + sample);
        return new Plot(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), m.group(3));
    }

    private static String sample(String out, int n) {
        return out.lines().filter(l -> l.startsWith("SAMPLE " + n + " ")).map(l -> l.substring(9)).findFirst()
            .orElseThrow(() -> new AssertionError("no sample " + n + ":\n" + out));
    }

    static Sh.Result bng(String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.bng, "env", "BNG_RUN_DIR=" + runDir,
            BNG.toString()));
        cmd.addAll(List.of(args));
        return Sh.run(90, stdin, cmd);
    }

    static String log() {
        try {
            return "\n--- bng log:\n" + Files.readString(runDir.resolve("bng.0.log"));
        } catch (Exception e) {
            return "";
        }
    }

    static void awaitTargetsUp() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String targets = "";
        while (System.currentTimeMillis() < deadline) {
            Sh.Result r = bng("show targets\n", "control");
            targets = r.out();
            if (targets.lines().filter(l -> l.matches("\\s*[12]\\s.*\\bup\\b.*")).count() == 2) {
                return;
            }
            Thread.sleep(500);
        }
        fail("targets did not come up within 30 s:\n" + targets + log());
    }
}
