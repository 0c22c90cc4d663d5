package bng.itests.commandline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bng} as a user types it, against the real runtime jar: start, control (fed from a
 * pipe), module remove/add on the running instance, status, stop, a broken file refused with
 * its line and column, and the foreground form. Each test uses its own run directory and
 * instance, and stops what it started even when it fails.
 */
class BngCommandLineTest {
    private static final Path HOME = Path.of(System.getProperty("bng.home", "../..")).toAbsolutePath().normalize();
    private static final Path BNG = HOME.resolve("bin/bng");
    private static final String CONFIG = """
        // an instance on the in-memory wire: no kernel interface, no privileges needed
        hostname  itest
        modules   arp,ping,unbuilt,master
        interface 1 {
                  name cli0
                  access memory
        }
        network 1 {
                  name "local network"
                  addr 198.18.0.0
                  mask 255.255.255.0
                  real 198.18.0.2
                  interface 1
        }
        register  interface 1
        enable    interface 1
        register  network 1
        enable    network 1
        """;

    @TempDir
    Path tmp;
    private Path runDir;
    private Path config;
    private final List<String> instances = new ArrayList<>();

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void files() throws IOException {
        runDir = tmp.resolve("run");
        config = tmp.resolve("bng.conf");
        Files.writeString(config, CONFIG);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (String i : instances) {
            bng(null, "stop", i);
        }
    }

    private Run bng(String stdin, String... args) throws IOException, InterruptedException {
        return bngWith(Map.of(), stdin, args);
    }

    private Run bngWith(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BNG.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("BNG_RUN_DIR", runDir.toString());
        pb.environment().remove("BNG_LOG_FILE");
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bng " + String.join(" ", args) + " did not finish in 90 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Run start(String instance) throws Exception {
        instances.add(instance);
        return bng(null, "-c", config.toString(), "start", instance);
    }

    @Test
    void startControlModulesStatusStop() throws Exception {
        Run start = start("7");
        assertEquals(0, start.exit(), start.err());
        assertTrue(start.out().contains("BalanceNG: starting up instance 7 ..."), start.out());

        Run again = bng(null, "-c", config.toString(), "start", "7");
        assertEquals(1, again.exit());
        assertTrue(again.out().contains("already running with PID"), again.out() + again.err());

        Run show = bng("show modules\nshow processors\n", "control", "7");
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().matches("(?s).*\\nping\\s+running\\s+yes.*"), show.out());
        assertTrue(show.out().matches("(?s).*\\narp\\s+running\\s+yes.*"), show.out());
        assertTrue(show.out().matches("(?s).*\\nunbuilt\\s+missing\\s+yes.*"), "a module without bundle is reported: " + show.out());
        assertTrue(show.out().contains("arp.responder"), show.out());

        Run arp = bng("arp-insert 198.18.0.50 02:00:00:00:00:50\nshow arp\n", "control", "7");
        assertTrue(arp.out().contains("inserted 198.18.0.50 at 02:00:00:00:00:50 on port 1"), arp.out() + arp.err());
        assertTrue(arp.out().matches("(?s).*198\\.18\\.0\\.50\\s+02:00:00:00:00:50\\s+1\\s+static.*"), arp.out());
        assertTrue(show.out().contains("ping.echo"), show.out());

        Run removed = bng("module remove ping\nshow modules\nshow processors\n", "control", "7");
        assertTrue(removed.out().contains("module ping removed"), removed.out());
        assertTrue(removed.out().matches("(?s).*\\nping\\s+removed.*"), removed.out());
        assertFalse(removed.out().contains("ping.echo"), removed.out());

        Run added = bng("module add ping\nshow modules\nshow processors\n", "control", "7");
        assertTrue(added.out().contains("module ping running"), added.out());
        assertTrue(added.out().matches("(?s).*\\nping\\s+running.*"), added.out());
        assertTrue(added.out().contains("ping.echo"), added.out());

        Run status = bng(null, "status", "7");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("BalanceNG: running with PID"), status.out());
        assertTrue(status.out().contains(config.toString()), status.out());

        Run stop = bng(null, "stop", "7");
        assertEquals(0, stop.exit(), stop.err());
        assertTrue(stop.out().matches("(?s)BalanceNG: shutdown of instance 7 PID \\d+ complete\\s*"), stop.out());

        Run after = bng(null, "status", "7");
        assertTrue(after.exit() != 0, "status of a stopped instance is non-zero");
        assertTrue(after.out().contains("not running"), after.out());
    }

    /** BalanceNG's Net-SNMP pass helpers against a running instance (reference §8). */
    @Test
    void snmpPassHelpersAnswerGetAndGetNext() throws Exception {
        assertEquals(0, start("11").exit());
        Run conf = bng("hostname snmpnode\ntarget 1 ipaddr 198.18.0.11\ntarget 2 ipaddr 198.18.0.12\n"
            + "server 1 { ipaddr 198.18.0.100 port 80 protocol tcp targets 1,2 }\n", "control", "11");
        assertEquals(0, conf.exit(), conf.out() + conf.err());
        Run node = bng(null, "-g", ".1.3.6.1.4.1.2771.1.5", "11");
        assertEquals(0, node.exit(), node.err());
        assertEquals(".1.3.6.1.4.1.2771.1.5\nstring\nsnmpnode\n", node.out());
        Run first = bng(null, "-n", ".1.3.6.1.4.1.2771", "-i", "11");
        assertEquals(".1.3.6.1.4.1.2771.1.5\nstring\nsnmpnode\n", first.out(), first.err());
        Run server = bng(null, "-n", ".1.3.6.1.4.1.2771.1.5", "11");
        assertEquals(".1.3.6.1.4.1.2771.1.60.3.1\nstring\n198.18.0.100:80\n", server.out(), server.err());
        Run target = bng(null, "-n", ".1.3.6.1.4.1.2771.1.70.3.1", "11");
        assertEquals(".1.3.6.1.4.1.2771.1.70.3.2\nstring\n198.18.0.12\n", target.out(), target.err());
        Run bytes = bng(null, "-g", ".1.3.6.1.4.1.2771.1.70.27.2", "11");
        assertEquals(".1.3.6.1.4.1.2771.1.70.27.2\ncounter\n0\n", bytes.out(), bytes.err());
        Run none = bng(null, "-g", ".1.3.6.1.4.1.2771.1.70.27.9", "11");
        assertEquals(0, none.exit());
        assertEquals("", none.out(), "no such object: nothing printed");
        Run end = bng(null, "-n", ".1.3.6.1.4.1.2771.1.70.29.2", "11");
        assertEquals("", end.out(), "end of the subtree: nothing printed");
        Run down = bng(null, "-g", ".1.3.6.1.4.1.2771.1.5", "12");
        assertEquals(1, down.exit());
        assertEquals("", down.out(), "no instance: nothing on stdout, " + down.err());
    }

    @Test
    void promptSpeaksBalanceNgAndReportsErrorsWithPosition() throws Exception {
        assertEquals(0, start("8").exit());
        Run r = bng("server 1 {\n  ipaddr 198.18.0.100\n  port 80\n  protocol tcp\n}\nserver 1 port 99999\nshow config\nhelp\n", "control", "8");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("control:1:10:") || r.out().contains("control:1:"), r.out());
        assertTrue(r.out().contains("ipaddr 198.18.0.100"), "the block was applied: " + r.out());
        assertTrue(r.out().contains("module add NAME"), "help lists commands: " + r.out());
        Run singular = bng("show server\nshow target\nshow session\n", "control", "8");
        assertTrue(singular.out().contains("id  address       port  protocol")
            && singular.out().contains("sessions, capacity") && !singular.out().contains("unknown topic"),
            "the singular a user types shows the plural topic: " + singular.out());
        Run vrrp = bng("show vrrp\n", "control", "8");
        assertTrue(vrrp.out().contains("show vrrp: module vrrp is not running (modules line, or module add vrrp)"),
            "a module's topic without the module says so: " + vrrp.out());
    }

    private static final String BALANCED = """
        hostname  lifecycle
        modules   arp,ping,hc,master,slb
        interface 1 {
                  name life0
                  access memory
        }
        network 1 {
                  addr 198.18.0.0
                  mask 255.255.255.0
                  real 198.18.0.2
                  interface 1
        }
        server 1 {
                  ipaddr 198.18.0.100
                  port 80
                  protocol tcp
                  targets 1,2
        }
        target 1 {
                  ipaddr 198.18.0.11
                  port 80
                  protocol tcp
                  dsr enable
        }
        target 2 {
                  ipaddr 198.18.0.12
                  port 80
                  protocol tcp
                  dsr enable
        }
        register  interface 1
        enable    interface 1
        register  network 1
        enable    network 1
        register  server 1
        enable    server 1
        register  targets 1,2
        enable    targets 1,2
        """;

    /** Issue 3's prompt story: show, disable, enable, save; a reload with an error changes nothing. */
    @Test
    void lifeCycleAtThePromptSaveAndAFailedReload() throws Exception {
        Files.writeString(config, BALANCED);
        assertEquals(0, start("11").exit());
        Run r = bng("show servers\ndisable target 2\nshow targets\nenable target 2\nshow targets\nsave\n", "control", "11");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.matches("(?s)id\\s+address\\s+port\\s+protocol\\s+method\\s+targets.*"), out);
        assertTrue(out.matches("(?s).*\\n1\\s+198\\.18\\.0\\.100\\s+80\\s+tcp\\s+rr\\s+1,2\\s.*"), out);
        assertTrue(out.matches("(?s).*\\n2\\s+198\\.18\\.0\\.12\\s+80\\s+-\\s+disabled\\s.*"), "target 2 disabled: " + out);
        // Without checks an enabled target is up at once (docs/configuration.md, health checks).
        assertTrue(out.matches("(?s).*\\n2\\s+198\\.18\\.0\\.12\\s+80\\s+-\\s+(up|unknown)\\s.*"), "target 2 back: " + out);
        assertTrue(out.contains("configuration saved to " + config), out);
        String saved = Files.readString(config);
        assertTrue(saved.startsWith("//        configuration taken "), saved);
        assertTrue(saved.contains("//        end of configuration"), saved);
        assertEquals(0, bng(null, "-c", config.toString(), "check").exit(), "what save wrote parses");

        String before = bng("show config\n", "control", "11").out().replaceAll("configuration taken .*", "");
        Files.writeString(config, saved.replace("          port 80\n", "          port 80x\n"));
        Run reload = bng("reload\n", "control", "11");
        assertTrue(reload.out().matches("(?s).*" + java.util.regex.Pattern.quote(config.toString()) + ":\\d+:\\d+: .*"),
            "the reload names file, line and column: " + reload.out());
        String after = bng("show config\n", "control", "11").out().replaceAll("configuration taken .*", "");
        assertEquals(before, after, "a file with an error changes nothing");
    }

    @Test
    void brokenConfigurationIsRefusedWithLineAndColumnAndNothingStarts() throws Exception {
        Path broken = tmp.resolve("broken.conf");
        Files.writeString(broken, "modules   ping,master\nserver 1 {\n          port 123456\n}\n");
        instances.add("9");
        Run r = bng(null, "-c", broken.toString(), "start", "9");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(broken + ":3:"), r.err());
        assertFalse(Files.exists(runDir.resolve("bng.9.pid")), "nothing started");
        assertTrue(bng(null, "status", "9").exit() != 0);
    }

    @Test
    void restartKeepsTheRunningFileAndATypoNeverStopsTheInstance() throws Exception {
        Run start = start("14");
        assertEquals(0, start.exit(), start.err());
        String pid = Files.readString(runDir.resolve("bng.14.pid")).strip();

        // An operator's edit with a typo: restart refuses before it stops anything.
        Path broken = tmp.resolve("typo.conf");
        Files.writeString(broken, CONFIG + "target 9 {\n          wieght 5\n}\n");
        Run refused = bng(null, "-c", broken.toString(), "restart", "14");
        assertEquals(1, refused.exit(), refused.out());
        assertTrue(refused.err().contains(broken + ":") && refused.err().contains("wieght")
            && refused.err().contains("BalanceNG: not restarted: instance 14 PID " + pid + " keeps running"), refused.err());
        assertEquals(pid, Files.readString(runDir.resolve("bng.14.pid")).strip(), "still the same daemon");
        assertEquals(0, bng(null, "status", "14").exit());

        // Plain `bng restart 14` (no -c): the instance comes back with the file it was started with,
        // not /etc/bng.14.conf (which does not exist here).
        Run restart = bng(null, "restart", "14");
        assertEquals(0, restart.exit(), restart.out() + restart.err());
        assertTrue(restart.out().contains("BalanceNG: shutdown of instance 14 PID " + pid + " complete")
            && restart.out().contains("BalanceNG: starting up instance 14 ..."), restart.out());
        Run status = bng(null, "status", "14");
        assertEquals(0, status.exit(), status.out());
        assertTrue(status.out().contains("config:  " + config.toAbsolutePath()), status.out());
    }

    @Test
    void foregroundStartRunsUntilStopped() throws Exception {
        instances.add("10");
        ProcessBuilder pb = new ProcessBuilder(BNG.toString(), "-f", "-c", config.toString(), "start", "10");
        pb.environment().put("BNG_RUN_DIR", runDir.toString());
        pb.environment().remove("BNG_LOG_FILE");
        pb.redirectOutput(tmp.resolve("fg.log").toFile()).redirectError(tmp.resolve("fg.err").toFile());
        Process fg = pb.start();
        try {
            Path sock = runDir.resolve("bng.10.sock");
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.exists(runDir.resolve("bng.10.pid")) && System.currentTimeMillis() < deadline && fg.isAlive()) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(sock), "control socket of the foreground instance: " + Files.readString(tmp.resolve("fg.log")));
            Run st = bng(null, "status", "10");
            assertEquals(0, st.exit(), st.out() + st.err());
            assertEquals(0, bng(null, "stop", "10").exit());
            assertTrue(fg.waitFor(30, TimeUnit.SECONDS), "the foreground process ends with stop");
            // in the foreground the log lines go to standard output, in the daemon's format
            List<String> lines = Files.readAllLines(tmp.resolve("fg.log"));
            assertTrue(lines.stream().anyMatch(l -> LOG_LINE.matcher(l).matches() && l.contains(" INFO bng.core.impl.RunningConfigManager: "
                + "configuration committed from " + config + ": interfaces +1, networks +1, modules")), String.join("\n", lines));
            assertFalse(Files.exists(runDir.resolve("bng.10.log")), "no log file in the foreground");
        } finally {
            fg.destroyForcibly();
        }
    }

    /** {@code 2026-11-30T01:23:45.678Z LEVEL logger: message} (docs/architecture.md, "Logs"). */
    static final Pattern LOG_LINE = Pattern.compile(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (ERROR|WARNING|INFO|DEBUG|TRACE) [\\w.$-]+: \\S.*");

    /**
     * The daemon's log: one line per event in the stable format — config commits, module add and
     * remove, a refused statement — rotated at bng.log.limit bytes into at most bng.log.count files.
     */
    @Test
    void daemonLogLinesHaveOneFormatAndRotationIsBounded() throws Exception {
        instances.add("13");
        Map<String, String> env = Map.of("BNG_JAVA_OPTS", "-Dbng.log.limit=2048 -Dbng.log.count=3");
        Run start = bngWith(env, null, "-c", config.toString(), "start", "13");
        assertEquals(0, start.exit(), start.out() + start.err());
        StringBuilder commits = new StringBuilder();
        for (int i = 1; i <= 60; i++) {
            commits.append("set bmduration ").append(i).append('\n');
        }
        assertEquals(0, bng(commits.toString(), "control", "13").exit());
        Run modules = bng("module remove ping\nmodule add ping\nset bmduration 0\n", "control", "13");
        assertTrue(modules.out().contains("module ping running"), modules.out());

        List<Path> logs;
        try (Stream<Path> s = Files.list(runDir)) {
            logs = s.filter(p -> p.getFileName().toString().startsWith("bng.13.log")).sorted().toList();
        }
        assertEquals(List.of("bng.13.log", "bng.13.log.1", "bng.13.log.2"),
            logs.stream().map(p -> p.getFileName().toString()).toList(), "count 3: the current file and two older ones");
        for (Path p : logs) {
            assertTrue(Files.size(p) <= 2048, p + " is " + Files.size(p) + " bytes, over the limit");
            for (String l : Files.readAllLines(p)) {
                assertTrue(LOG_LINE.matcher(l).matches(), p.getFileName() + ": not a log line: '" + l + "'");
            }
        }
        String kept = Files.readString(runDir.resolve("bng.13.log.2")) + Files.readString(runDir.resolve("bng.13.log.1"))
            + Files.readString(runDir.resolve("bng.13.log"));
        assertTrue(kept.contains(" INFO bng.core.impl.ModuleManagerImpl: module ping removed (bundle "), kept);
        assertTrue(kept.contains(" INFO bng.core.impl.ModuleManagerImpl: module ping started (bundle "), kept);
        assertTrue(kept.contains(" WARNING bng.core.impl.RunningConfigManager: configuration from control refused, "
            + "nothing applied: control:1:16: set bmduration: expected a number 1..86400, found '0'"), kept);
        assertTrue(kept.contains(" INFO bng.core.impl.RunningConfigManager: configuration committed from control: settings\n"), kept);
        assertFalse(kept.contains("bng.cli.Daemon: starting instance 13"), "the oldest lines (the start) were rotated away");
        assertFalse(Files.readString(runDir.resolve("bng.13.out")).contains("configuration committed"),
            "the JVM's own output holds no log lines");
    }
}
