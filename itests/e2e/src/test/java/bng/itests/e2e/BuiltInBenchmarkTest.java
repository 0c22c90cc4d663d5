package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BalanceNG's built-in benchmark between two real interfaces (issue 12 item 6): in a namespace of
 * its own, a veth pair whose two ends are both bng's interfaces (1 and 2, access raw), so what
 * leaves interface 1 arrives on interface 2. {@code benchmark 1 2} at a moderate size and window
 * reports packets sent and received, with none lost; the module comes and goes at the prompt
 * in BalanceNG's words ({@code module benchmark}).
 */
class BuiltInBenchmarkTest {
    private static final Path HOME = BngNode.HOME;
    private static final String TAG = Long.toString(ProcessHandle.current().pid() % 100000);
    private static final String NS = "bngbm" + TAG;
    private static final String IF1 = "bmA" + TAG;
    private static final String IF2 = "bmB" + TAG;
    static final int SECONDS = 3;

    @TempDir
    static Path tmp;
    static BngNode node;
    static boolean nsMade;

    static String config() {
        return """
            modules   benchmark
            set       bmduration %d
            set       bmpsize 1000
            set       bmwsize 16
            interface 1 {
                      name %s
                      access raw
            }
            interface 2 {
                      name %s
                      access raw
            }
            register  interfaces 1,2
            enable    interfaces 1,2
            """.formatted(SECONDS, IF1, IF2);
    }

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        Sh.run(10, "ip", "netns", "del", NS); // a leftover of a killed run with the same pid
        Sh.must("ip", "netns", "add", NS);
        nsMade = true;
        Sh.must(Sh.in(NS, "ip", "link", "set", "lo", "up"));
        Sh.must(Sh.in(NS, "ip", "link", "add", IF1, "type", "veth", "peer", "name", IF2));
        for (String i : List.of(IF1, IF2)) {
            // no addresses, no IPv6: only bng's frames on the pair
            Sh.run(10, Sh.in(NS, "sysctl", "-qw", "net.ipv6.conf." + i + ".disable_ipv6=1"));
            Sh.must(Sh.in(NS, "ip", "link", "set", i, "up"));
        }
        node = new BngNode(HOME, NS, tmp);
        node.launch(config());
    }

    @AfterAll
    static void down() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (nsMade) {
                Sh.run(30, "ip", "netns", "del", NS); // takes the veth pair with it
            }
        }
    }

    static String control(String commands) {
        Sh.Result r = node.bng(commands, "control");
        assertEquals(0, r.exit(), r.out() + node.log());
        return r.out();
    }

    static long value(String show, String label) {
        Matcher m = Pattern.compile("(?m)^    " + Pattern.quote(label) + " *: (\\d+)$").matcher(show);
        assertTrue(m.find(), label + " in\n" + show);
        return Long.parseLong(m.group(1));
    }

    @Test
    void benchmarkBetweenTwoLinkedInterfacesLosesNothing() throws Exception {
        String modules = control("show modules\nshow interfaces\n");
        assertTrue(modules.matches("(?s).*\\nbenchmark\\s+running\\s+yes.*"), modules);

        String started = control("benchmark 1 2\n");
        assertTrue(started.contains("benchmark running: interface 1 -> 2, 1000 bytes, window 16, " + SECONDS + " s"), started);
        Thread.sleep(1000);
        String live = control("show benchmark\n");
        assertTrue(live.contains("  benchmark active and running:\n    duration (seconds) : " + SECONDS + "\n"), live);
        assertTrue(value(live, "packets sent") > 0, "frames are going round while it runs: " + live);
        assertTrue(value(live, "seconds remaining") <= SECONDS, live);

        String done = "";
        long deadline = System.currentTimeMillis() + (SECONDS + 15) * 1000L;
        while (System.currentTimeMillis() < deadline) {
            done = control("show benchmark\n");
            if (done.contains("benchmark finished")) {
                break;
            }
            Thread.sleep(250);
        }
        System.out.println("benchmark 1 2 over a veth pair, access raw:\n" + done);
        assertTrue(done.contains("  benchmark finished with the following results:\n"), done + node.log());
        long sent = value(done, "packets sent");
        long received = value(done, "packets received");
        assertTrue(sent > 1000, "a moderate rate still sends thousands in " + SECONDS + " s: " + done);
        assertEquals(0, value(done, "lost packets"), done);
        assertEquals(sent, received, done);
        assertTrue(value(done, "packets per second") > 0, done);
        assertEquals(value(done, "packets per second") * 1000, value(done, "bytes per second"), 1000, done);
        String interfaces = control("show interfaces\n");
        assertTrue(node.log().contains("benchmark finished: interface 1 -> 2, sent " + sent), "one log line for the outcome:" + node.log());

        // the module leaves with its command and topic, and comes back in BalanceNG's words
        String removed = control("module remove benchmark\nshow benchmark\n");
        assertTrue(removed.contains("module benchmark removed"), removed);
        assertTrue(removed.contains("show benchmark: module benchmark is not running"), removed);
        String back = control("module benchmark\nshow benchmark\n");
        assertTrue(back.contains("module benchmark running"), back);
        assertTrue(back.contains("no benchmark has run"), back + "\n" + interfaces);
    }
}
