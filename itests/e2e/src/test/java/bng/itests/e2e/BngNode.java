package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bng started with {@code bin/bng} inside a seed topology, as the robustness tests drive it:
 * the control prompt, its log, the bus counters of {@code show processors}, its resident size,
 * and a loop of client curls through the VIP.
 */
final class BngNode implements AutoCloseable {
    final Path home;
    final SeedTopology net;
    final Path runDir;
    final Path conf;

    BngNode(Path home, SeedTopology net, Path dir) {
        this.home = home;
        this.net = net;
        this.runDir = dir.resolve("run");
        this.conf = dir.resolve("bng.conf");
    }

    void start(String config) throws IOException, InterruptedException {
        Files.writeString(conf, config);
        Sh.Result start = bng(null, "-c", conf.toString(), "start");
        assertEquals(0, start.exit(), "bng start: " + start.out() + log());
        awaitTargetsUp();
    }

    @Override
    public void close() {
        bng(null, "stop");
    }

    /** Extra environment of {@code bin/bng} (e.g. {@code BNG_CONTROL_GROUP}), as NAME=VALUE. */
    final List<String> env = new ArrayList<>();

    Sh.Result bng(String stdin, String... args) {
        return bngAs(List.of(), stdin, args);
    }

    /** {@code bin/bng} run through {@code wrapper} (e.g. {@code setpriv --reuid ...}) inside bng's namespace. */
    Sh.Result bngAs(List<String> wrapper, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.bng));
        cmd.addAll(wrapper);
        cmd.addAll(List.of("env", "BNG_RUN_DIR=" + runDir));
        cmd.addAll(env);
        cmd.add(home.resolve("bin/bng").toString());
        cmd.addAll(List.of(args));
        return Sh.run(90, stdin, cmd);
    }

    String control(String commands) {
        Sh.Result r = bng(commands, "control");
        assertEquals(0, r.exit(), r.out());
        return r.out();
    }

    String log() {
        try {
            return "\n--- bng log:\n" + Files.readString(runDir.resolve("bng.0.log"));
        } catch (IOException e) {
            return "";
        }
    }

    void awaitTargetsUp() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String targets = "";
        while (System.currentTimeMillis() < deadline) {
            targets = control("show targets\n");
            if (targets.lines().filter(l -> l.matches("\\s*[12]\\s.*\\bup\\b.*")).count() == 2) {
                return;
            }
            Thread.sleep(500);
        }
        fail("targets did not come up within 30 s:\n" + targets + log());
    }

    /** The bus counters of {@code show processors}: received, handled, unhandled, malformed, failures, then by reason. */
    Map<String, Long> busCounters() {
        String out = control("show processors\n");
        Map<String, Long> m = new LinkedHashMap<>();
        Matcher bus = Pattern.compile("bus: received (\\d+), handled (\\d+), unhandled (\\d+), malformed (\\d+), "
            + "processor failures (\\d+)").matcher(out);
        assertTrue(bus.find(), out);
        String[] names = {"received", "handled", "unhandled", "malformed", "failures"};
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], Long.parseLong(bus.group(i + 1)));
        }
        Matcher r = Pattern.compile("malformed (\\S+)\\s+(\\d+)").matcher(out);
        while (r.find()) {
            m.put(r.group(1), Long.parseLong(r.group(2)));
        }
        return m;
    }

    String pid() throws IOException {
        return Files.readString(runDir.resolve("bng.0.pid")).strip();
    }

    /**
     * bng's own named threads (names starting with {@code bng-}) as the kernel lists them, name
     * (cut at 15 characters, the kernel's limit) to count: every platform thread of the JVM is a
     * task with its name; virtual threads are not threads of their own there.
     */
    Map<String, Integer> namedThreads() throws IOException {
        Map<String, Integer> m = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", pid(), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip();
                    if (name.startsWith("bng-")) {
                        m.merge(name, 1, Integer::sum);
                    }
                } catch (IOException e) {
                    // the thread ended while listed
                }
            }
        }
        return m;
    }

    long rssKb() throws IOException {
        String pid = pid();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for bng " + pid);
    }

    Sh.Result curlFrom(String client, int maxTime) {
        return Sh.run(maxTime + 10, Sh.in(net.router, "curl", "-s", "--max-time", Integer.toString(maxTime),
            "--interface", client, "http://" + SeedTopology.VIP + "/"));
    }

    CurlLoop curls(int firstClient, int clients) {
        return new CurlLoop(firstClient, clients);
    }

    /** Curls the VIP from the client addresses in a loop until closed; counts successes and failures. */
    final class CurlLoop implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger ok = new AtomicInteger();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final Thread thread;

        CurlLoop(int firstClient, int clients) {
            thread = Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String client = SeedTopology.NET + "." + (firstClient + i % clients);
                    Sh.Result r = curlFrom(client, 5);
                    if (r.exit() == 0 && r.out().contains("served-by=")) {
                        ok.incrementAndGet();
                    } else {
                        failures.add(client + ": exit " + r.exit() + " " + r.out());
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
        }
    }
}
