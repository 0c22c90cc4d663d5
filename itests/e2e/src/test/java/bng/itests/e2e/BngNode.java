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
 * One bng started with {@code bin/bng} inside a seed topology (or a namespace of the test's own),
 * as the end-to-end tests drive it: the control prompt, its log, the bus counters of
 * {@code show processors}, its resident size, curls through the VIP from the router's client
 * addresses; and the set-up every test class shares ({@link #requireRoot}, {@link #stop} for
 * {@code @AfterAll}, with {@link SeedTopology#buildOrClose} for {@code @BeforeAll}).
 */
final class BngNode implements AutoCloseable {
    final Path home;
    /** The seed topology bng runs in, or null for a namespace of the test's own. */
    final SeedTopology net;
    /** The namespace bng runs in. */
    final String ns;
    final Path runDir;
    final Path conf;
    /** More to show ahead of the log in failure messages (e.g. some {@code show} output), or null. */
    java.util.function.Supplier<String> logExtra;
    /** The node's name in the header of {@link #log()}. */
    String label = "bng";

    BngNode(Path home, SeedTopology net, Path dir) {
        this(home, net, net.bng, dir.resolve("run"), dir.resolve("bng.conf"));
    }

    /** bng in namespace {@code ns}, a namespace the test made itself. */
    BngNode(Path home, String ns, Path dir) {
        this(home, null, ns, dir.resolve("run"), dir.resolve("bng.conf"));
    }

    /** One of several nodes: bng in namespace {@code ns} with its own run directory and configuration file. */
    BngNode(Path home, SeedTopology net, String ns, Path runDir, Path conf) {
        this.home = home;
        this.net = net;
        this.ns = ns;
        this.runDir = runDir;
        this.conf = conf;
    }

    /** The checkout whose {@code bin/bng} the tests run (the {@code bng.home} property). */
    static final Path HOME = Path.of(System.getProperty("bng.home", "../..")).toAbsolutePath().normalize();

    /**
     * Polls {@code done} every {@code pollMillis} until it holds, and fails with {@code what} when
     * {@code millis} pass first; returns the time waited in ms.
     */
    static long await(long millis, long pollMillis, java.util.function.BooleanSupplier done,
            java.util.function.Supplier<String> what) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(pollMillis);
        }
        fail("not within " + millis + " ms: " + what.get());
        return -1;
    }

    /** Fails the test class unless it runs as root (network namespaces). */
    static void requireRoot() {
        if (!"0".equals(Sh.run(5, "id", "-u").out().strip())) {
            fail("the end-to-end suite needs root (network namespaces); run it as root or with BNG_E2E=0 bin/run-tests");
        }
    }

    /** Stops {@code node} (if started), then removes {@code net} (if built), even when stopping fails. */
    static void stop(BngNode node, SeedTopology net) {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    /** Starts bng on {@code config}, then waits for both targets up. */
    void start(String config) throws IOException, InterruptedException {
        launch(config);
        awaitTargetsUp();
    }

    /** Writes {@code config} and runs {@code bng start} on it; does not wait for the targets. */
    void launch(String config) throws IOException {
        Files.writeString(conf, config);
        launch(conf);
    }

    /** Runs {@code bng start} on the configuration file {@code config}; does not wait for the targets. */
    void launch(Path config) {
        Sh.Result start = bng(null, "-c", config.toString(), "start");
        assertEquals(0, start.exit(), "bng start: " + start.out() + log());
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
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
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
            return (logExtra == null ? "" : logExtra.get()) + "\n--- " + label + " log:\n"
                + Files.readString(runDir.resolve("bng.0.log"));
        } catch (Exception | AssertionError e) {
            return "";
        }
    }

    /** Health checks need a few intervals (tcpopen 80,3,10): waits up to 30 s for targets 1 and 2. */
    void awaitTargetsUp() throws InterruptedException {
        awaitTargetsUp(2, 30);
    }

    /** Waits up to {@code seconds} for targets 1 to {@code count} (at most 9) all up in {@code show targets}. */
    void awaitTargetsUp(int count, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String targets = "";
        while (System.currentTimeMillis() < deadline) {
            targets = control("show targets\n");
            if (targets.lines().filter(l -> l.matches("\\s*[1-" + count + "]\\s.*\\bup\\b.*")).count() == count) {
                return;
            }
            Thread.sleep(500);
        }
        fail("targets did not come up within " + seconds + " s:\n" + targets + log());
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
        return curlVip(maxTime + 10, client, "--max-time", Integer.toString(maxTime));
    }

    /** {@code curl -s OPTIONS --interface CLIENT http://VIP/} on the router, given {@code seconds} in all. */
    Sh.Result curlVip(int seconds, String client, String... options) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("--interface", client, "http://" + SeedTopology.VIP + "/"));
        return Sh.run(seconds, Sh.in(net.router, cmd.toArray(String[]::new)));
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
