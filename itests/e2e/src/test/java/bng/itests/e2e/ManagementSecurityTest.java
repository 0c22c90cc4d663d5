package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security of management (issue 10, item 6), on a daemon started by {@code bin/bng} as root in the
 * seed topology: it runs with only the capabilities it needs (and still opens an interface added
 * at the prompt), listens on no network port unless {@code set metricsport} says so (then on
 * loopback), lets only root and the control group use its socket (file modes and
 * {@code SO_PEERCRED}), and prints nothing of its environment in any {@code show} topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementSecurityTest {
    private static final Path HOME = BngNode.HOME;
    /** A group every Debian system has and nobody here belongs to. */
    static final String GROUP = "adm";
    static final int GROUP_ID = 4;
    /** Planted in the daemon's environment and JVM properties: no show topic may print it. */
    static final String PROBE = "Pr0be-" + ProcessHandle.current().pid();
    /** CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_NET_RAW (13). */
    static final long KEPT = 1L << 10 | 1L << 12 | 1L << 13;

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode node;
    static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        // other users may pass through the test's directory to the run directory (as through /run)
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        net = new SeedTopology(HOME, tmp, "ms").buildOrClose();
        node = new BngNode(HOME, net, tmp);
        node.env.addAll(List.of("BNG_CONTROL_GROUP=" + GROUP, "BNG_PROBE=" + PROBE, "BNG_JAVA_OPTS=-Dbng.probe=" + PROBE));
        node.start(SeedTopology.seedConfig(HOME));
    }

    @AfterAll
    static void down() throws Exception {
        try {
            Files.writeString(HOME.resolve("itests/e2e/target/security.txt"), String.join("\n", report) + "\n");
        } finally {
            BngNode.stop(node, net);
        }
    }

    static void report(String line) {
        report.add(line);
        System.out.println(line);
    }

    /** The Cap* lines of /proc/PID/task/TID/status: name to mask. */
    static Map<String, Long> caps(Path status) throws Exception {
        Map<String, Long> m = new TreeMap<>();
        for (String l : Files.readAllLines(status)) {
            if (l.startsWith("Cap")) {
                String[] f = l.split(":\\s*");
                m.put(f[0], Long.parseUnsignedLong(f[1].strip(), 16));
            }
        }
        return m;
    }

    @Test
    @Order(1)
    void theDaemonKeepsOnlyTheCapabilitiesItNeedsAndStillOpensANewInterface() throws Exception {
        String pid = node.pid();
        Map<String, Long> main = caps(Path.of("/proc", pid, "status"));
        int tasks = 0;
        try (var ts = Files.list(Path.of("/proc", pid, "task"))) {
            for (Path t : ts.toList()) {
                Map<String, Long> c = caps(t.resolve("status"));
                assertEquals(main, c, "every thread has the same capabilities: " + t);
                tasks++;
            }
        }
        report(String.format("daemon %s (%d threads): CapInh %x CapPrm %x CapEff %x CapBnd %x CapAmb %x", pid, tasks,
            main.get("CapInh"), main.get("CapPrm"), main.get("CapEff"), main.get("CapBnd"), main.get("CapAmb")));
        assertEquals(KEPT, main.get("CapEff"), "effective: net_raw, net_admin, net_bind_service");
        assertEquals(KEPT, main.get("CapPrm"));
        assertEquals(KEPT, main.get("CapBnd"), "nothing bng runs (ethtool, ip, bird, scripts) can gain more");

        // a reload's new interface needs all of it: a packet socket, ethtool -K, allmulticast
        Sh.must(Sh.in(net.bng, "ip", "link", "add", "x0", "type", "veth", "peer", "name", "x1"));
        Sh.must(Sh.in(net.bng, "ip", "link", "set", "x1", "up"));
        Sh.must(Sh.in(net.bng, "ip", "link", "set", "x0", "up"));
        Sh.run(10, Sh.in(net.bng, "ethtool", "-K", "x0", "gro", "on"));
        assertTrue(Sh.run(10, Sh.in(net.bng, "ethtool", "-k", "x0")).out().contains("generic-receive-offload: on"),
            "GRO starts on, so bng must switch it off");
        String added = node.control("interface 2 {\nname x0\naccess raw\n}\nregister interface 2\nenable interface 2\n");
        String interfaces = "";
        for (int i = 0; i < 50 && !interfaces.lines().anyMatch(l -> l.matches("2\\s+x0\\s.*\\bup\\b.*")); i++) {
            Thread.sleep(100);
            interfaces = node.control("show interfaces\n");
        }
        String ethtool = Sh.run(10, Sh.in(net.bng, "ethtool", "-k", "x0")).out();
        String link = Sh.run(10, Sh.in(net.bng, "ip", "link", "show", "x0")).out();
        report("interface 2 (x0) added at the prompt with those capabilities: show interfaces "
            + interfaces.lines().filter(l -> l.startsWith("2 ")).findFirst().orElse("-").replaceAll("\\s+", " ")
            + "; GRO " + (ethtool.contains("generic-receive-offload: off") ? "off" : "on") + "; ALLMULTI "
            + link.contains("ALLMULTI"));
        assertTrue(interfaces.lines().anyMatch(l -> l.matches("2\\s+x0\\s.*\\bup\\b.*")), added + interfaces + node.log());
        assertTrue(ethtool.contains("generic-receive-offload: off"), "ethtool -K ran with net_admin:\n" + ethtool);
        assertTrue(link.contains("ALLMULTI"), "ip link set allmulticast ran with net_admin: " + link);
        assertTrue(node.log().contains("x0: receive merging off (ethtool -K x0"), node.log());
        node.control("disable interface 2\n");

        // each kept capability is needed: what it allows, done with the daemon's set and with it less that one
        List<String> needs = new ArrayList<>();
        for (String[] probe : List.of(
                new String[] {"net_admin", "ethtool", "-K", "x1", "gro", "on"},
                new String[] {"net_raw", "python3", "-c", "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)"},
                new String[] {"net_bind_service", "python3", "-c", "import socket; socket.socket().bind(('127.0.0.1', 179))"})) {
            String cap = probe[0];
            List<String> cmd = List.of(probe).subList(1, probe.length);
            Sh.Result with = Sh.run(10, Sh.in(net.bng, withCaps("net_raw,net_admin,net_bind_service", cmd)));
            Sh.Result without = Sh.run(10, Sh.in(net.bng, withCaps(String.join(",",
                List.of("net_raw", "net_admin", "net_bind_service").stream().filter(c -> !c.equals(cap)).toList()), cmd)));
            needs.add(cap + ": `" + String.join(" ", cmd) + "` exit " + with.exit() + " with it, " + without.exit() + " without");
            assertEquals(0, with.exit(), cap + " kept: " + with.out());
            assertTrue(without.exit() != 0, cap + " is what allows " + cmd + ": " + without.out());
        }
        report("each kept capability is needed: " + String.join("; ", needs));
    }

    /** {@code cmd} as root with only {@code caps} (as {@code bin/bng} starts the daemon). */
    static String[] withCaps(String caps, List<String> cmd) {
        String set = "-all" + java.util.Arrays.stream(caps.split(",")).map(c -> ",+" + c).reduce("", String::concat);
        List<String> l = new ArrayList<>(List.of("setpriv", "--inh-caps=" + set, "--bounding-set=" + set, "--"));
        l.addAll(cmd);
        return l.toArray(String[]::new);
    }

    /** bng's listening sockets in its namespace, as {@code ss} shows them, of the daemon's pid. */
    static List<String> listeners(String pid, String flags) {
        return Sh.run(10, Sh.in(net.bng, "ss", "-H", flags)).out().lines().filter(l -> l.contains("pid=" + pid + ",")).toList();
    }

    @Test
    @Order(2)
    void noManagementPortListensOnTheNetworkUnlessMetricsportSaysSoThenOnLoopback() throws Exception {
        String pid = node.pid();
        List<String> none = listeners(pid, "-ltunwp");
        List<String> unix = listeners(pid, "-lxp");
        node.control("set metricsport 9100\n");
        List<String> metrics = listeners(pid, "-ltunwp");
        String scrape = Sh.run(10, Sh.in(net.bng, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9100/metrics")).out();
        Sh.Result fromRouter = Sh.run(10, Sh.in(net.router, "curl", "-s", "--max-time", "2", "http://198.18.0.2:9100/metrics"));
        node.control("set metricsport 0\n");
        List<String> after = listeners(pid, "-ltunwp");
        report("listeners of bng " + pid + ": TCP/UDP/raw " + none.size() + "; UNIX " + unix.stream()
            .map(l -> l.replaceAll("\\s+", " ").replaceAll(".*?(/\\S+sock).*", "$1")).toList() + "; with set metricsport 9100: "
            + metrics.stream().map(l -> l.replaceAll("\\s+", " ").replaceAll(" users:.*", "")).toList()
            + " (scraped " + scrape.lines().count() + " lines on loopback; from the router: curl exit " + fromRouter.exit()
            + "); metricsport 0 again: " + after.size());
        assertEquals(List.of(), none, "no TCP, UDP or raw listener by default");
        assertEquals(1, unix.size(), "only the control socket: " + unix);
        assertTrue(unix.get(0).contains(node.runDir.resolve("bng.0.sock").toString()), unix.toString());
        assertEquals(1, metrics.size(), metrics.toString());
        assertTrue(metrics.get(0).matches(".*\\s(\\[::ffff:)?127\\.0\\.0\\.1]?:9100\\s.*"), "metrics binds loopback by default: " + metrics);
        assertTrue(scrape.contains("bng_"), scrape);
        assertTrue(fromRouter.exit() != 0, "not reachable from the network");
        assertEquals(List.of(), after, "set metricsport 0 closes it");
    }

    /** {@code bng control} as another user: uid, primary gid, no supplementary groups. */
    static Sh.Result controlAs(int uid, int gid, String commands) {
        return node.bngAs(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups"), commands, "control");
    }

    static String mode(Path p) throws Exception {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + ":" + a.group().getName();
    }

    @Test
    @Order(3)
    void theControlSocketServesRootAndTheControlGroupOnly() throws Exception {
        Path sock = node.runDir.resolve("bng.0.sock");
        String dirMode = mode(node.runDir);
        String sockMode = mode(sock);
        Sh.Result member = controlAs(4242, GROUP_ID, "show version\n");
        Sh.Result other = controlAs(4243, 4243, "show version\n");
        // a socket opened up by mistake: the peer credentials still refuse
        Files.setPosixFilePermissions(node.runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
        Sh.Result opened;
        try {
            opened = controlAs(4243, 4243, "show version\n");
        } finally {
            Files.setPosixFilePermissions(node.runDir, PosixFilePermissions.fromString("rwxr-x---"));
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw----"));
        }
        report("control group " + GROUP + ": run dir " + dirMode + ", socket " + sockMode + "; uid 4242 gid " + GROUP
            + ": exit " + member.exit() + "; uid 4243: exit " + other.exit() + " (" + other.out().strip() + ")"
            + "; socket opened to all (0666, dir 0755), uid 4243: exit " + opened.exit() + " (" + opened.out().strip() + ")");
        assertEquals("rwxr-x--- root:" + GROUP, dirMode);
        assertEquals("rw-rw---- root:" + GROUP, sockMode);
        assertEquals(0, member.exit(), member.out());
        assertTrue(member.out().contains("bng"), member.out());
        assertEquals(1, other.exit(), other.out());
        assertTrue(other.out().contains("not accessible"), other.out());
        assertEquals(1, opened.exit(), opened.out());
        assertTrue(opened.out().contains("control refused: user 4243 (group 4243) is neither root nor in the control group adm"),
            opened.out());
        assertTrue(node.log().contains("control connection refused: user 4243"), node.log());
    }

    @Test
    @Order(4)
    void noShowTopicPrintsTheEnvironmentOrJvmProperties() throws Exception {
        List<String> topics = node.control("show\n").lines().map(String::strip).filter(l -> l.startsWith("show "))
            .map(l -> l.split("\\s+")[1]).toList();
        assertTrue(topics.size() > 10, topics.toString());
        StringBuilder all = new StringBuilder();
        for (String t : topics) {
            all.append(node.control("show " + t + "\n"));
        }
        String environ = new String(Files.readAllBytes(Path.of("/proc", node.pid(), "environ")));
        String cmdline = new String(Files.readAllBytes(Path.of("/proc", node.pid(), "cmdline")));
        report(topics.size() + " show topics, " + all.length() + " characters: the probe planted in the daemon's environment "
            + "and JVM properties appears " + (all.toString().split(PROBE, -1).length - 1) + " times");
        assertTrue(environ.contains("BNG_PROBE=" + PROBE) && cmdline.contains("-Dbng.probe=" + PROBE), "the probe is planted");
        assertTrue(!all.toString().contains(PROBE), "a show topic printed the environment or JVM properties");
    }

    @Test
    @Order(5)
    void withoutAControlGroupOnlyRootIsServed() throws Exception {
        node.close();
        node.env.removeIf(e -> e.startsWith("BNG_CONTROL_GROUP="));
        Sh.Result start = node.bng(null, "-c", node.conf.toString(), "start");
        assertEquals(0, start.exit(), start.out() + node.log());
        Path sock = node.runDir.resolve("bng.0.sock");
        String dirMode = mode(node.runDir);
        String sockMode = mode(sock);
        Sh.Result member = controlAs(4242, GROUP_ID, "show version\n");
        Files.setPosixFilePermissions(node.runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
        Sh.Result opened;
        try {
            opened = controlAs(4242, GROUP_ID, "show version\n");
        } finally {
            Files.setPosixFilePermissions(node.runDir, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
        }
        String root = node.control("show version\n");
        report("no control group: run dir " + dirMode + ", socket " + sockMode + "; uid 4242 gid " + GROUP + ": exit "
            + member.exit() + "; socket opened to all: exit " + opened.exit() + " (" + opened.out().strip() + "); root served");
        assertEquals("rwx------ root:root", dirMode);
        assertEquals("rw------- root:root", sockMode);
        assertEquals(1, member.exit(), member.out());
        assertEquals(1, opened.exit(), opened.out());
        assertTrue(opened.out().contains("control refused: user 4242 (group " + GROUP + ") is not root: the control socket is root only"), opened.out());
        assertTrue(root.contains("bng"), root);
    }
}
