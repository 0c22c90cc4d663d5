package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * VRRP interoperability with a real implementation: bng (node lb, 198.18.0.2) and keepalived
 * (Debian's, VRRP only, in node lb2 with the kernel address 198.18.0.3) on the seed's bridge, same
 * vrid 18, advert interval 1 s, no authentication, both listing the network's virt 198.18.0.5.
 * bng at the higher priority (200 against 100), then at the lower (50): each hears the other (bng's
 * {@code show vrrp} received counter, keepalived's log), keepalived's state follows, a sampler
 * checks both sides every ~250 ms that they are never both MASTER for longer than a takeover takes,
 * and failover works both ways (kill -9 of either side, keepalived's graceful priority-0 stop,
 * keepalived's preemption of a lower bng); the times are measured, printed and written to
 * target/keepalived-interop.txt. Last both switch to VRRP version 3 (RFC 5798) and do it again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeepalivedInteropTest {
    private static final Path HOME = BngNode.HOME;
    static final String BNG_ADDR = SeedTopology.NET + ".2";
    static final String KA_ADDR = SeedTopology.NET + ".3";
    static final String VIRT = SeedTopology.NET + ".5";
    static final String BNG_MAC = SeedTopology.mac(2);
    static final String KA_MAC = SeedTopology.mac(3);
    /** Master-down intervals, 3 × 1 s + (256 − priority)/256 s (RFC 3768 §6.1). */
    static final long DOWN_100 = 3609;
    static final long DOWN_50 = 3804;
    /** Scheduling slack on a loaded machine, plus one poll. */
    static final long MARGIN = 1500;

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode bng;
    static Keepalived ka;
    static Sampler sampler;
    static final List<String> measured = new ArrayList<>();
    /** The running test, for the sampler's report. */
    static volatile String phase = "set-up";

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        if (!Sh.run(5, "sh", "-c", "command -v keepalived").ok()) {
            fail("keepalived is needed (apt-get install keepalived; .ci/run installs it)");
        }
        net = new SeedTopology(HOME, tmp, "bngka" + (ProcessHandle.current().pid() % 10000), 2);
        try {
            net.build();
            // keepalived runs on the kernel's stack: node lb2 gets an address (bng's node keeps none).
            Sh.must("ip", "-n", net.bng2, "addr", "add", KA_ADDR + "/24", "dev", "eth0");
            Path bngDir = Files.createDirectories(tmp.resolve("bng"));
            bng = new BngNode(HOME, net, bngDir);
            ka = new Keepalived(net.bng2, tmp.resolve("keepalived"));
            sampler = new Sampler();
        } catch (Throwable t) {
            down();
            throw t;
        }
    }

    @BeforeEach
    void phase(TestInfo info) {
        phase = info.getTestMethod().map(Method::getName).orElse("?");
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (sampler != null) {
                sampler.close();
                measured.add(sampler.summary());
            }
            if (ka != null) {
                ka.close();
            }
            if (bng != null) {
                bng.close();
            }
        } finally {
            if (net != null) {
                net.close();
            }
            String text = String.join("\n", measured) + "\n";
            System.out.print("keepalived interop measurements:\n" + text);
            Files.writeString(Path.of("target/keepalived-interop.txt"), text);
        }
    }

    /** examples/vrrp-lb1.conf at another priority, without its syncpeer (keepalived speaks no bngsync). */
    static String bngConfig(int priority) throws IOException {
        return Files.readString(HOME.resolve("examples/vrrp-lb1.conf"))
            .replace("priority 200", "priority " + priority)
            .replaceAll("(?m)^\\s*syncpeer .*\\n", "")
            // keepalived preempts at once (no preempt_delay): so does bng here, for a shorter test.
            .replace("set       vrrppreemptts 5", "set       vrrppreemptts 0");
    }

    static String showVrrp() {
        Sh.Result r = bng.bng("show vrrp\n", "control");
        return r.exit() == 0 ? r.out() : "(bng not answering: exit " + r.exit() + ")";
    }

    static String bngState() {
        Matcher m = Pattern.compile("(?m)^\\s*state (\\w+)").matcher(showVrrp());
        return m.find() ? m.group(1) : "DOWN";
    }

    static long counter(String show, String name) {
        Matcher m = Pattern.compile("\\b" + name + " (\\d+)").matcher(show);
        assertTrue(m.find(), name + " in\n" + show);
        return Long.parseLong(m.group(1));
    }

    static void killBng() throws IOException {
        Path pidFile = bng.runDir.resolve("bng.0.pid");
        Sh.must("kill", "-9", Files.readString(pidFile).strip());
        Files.deleteIfExists(pidFile);
    }

    /** The router's neighbour entry for the virt after a ping: whose MAC answers for it. */
    static String virtOwner() {
        Sh.run(5, Sh.in(net.router, "ping", "-c", "1", "-W", "1", VIRT));
        return Sh.run(5, Sh.in(net.router, "ip", "neigh", "show", VIRT)).out();
    }

    static String both() {
        return "\n--- bng show vrrp:\n" + showVrrp() + "\n--- keepalived log:\n" + ka.log() + bng.log();
    }

    /** Polls every 50 ms until {@code done} or {@code millis}; returns the time waited. */
    static long await(long millis, BooleanSupplier done, Supplier<String> what) throws InterruptedException {
        return BngNode.await(millis, 50, done, what);
    }

    /** Both sides keep their states for {@code millis} (longer than a master-down interval). */
    static void holds(long millis, String bngWants, String kaWants) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            assertEquals(bngWants, bngState(), "bng" + both());
            assertEquals(kaWants, ka.state(), "keepalived" + both());
            Thread.sleep(250);
        }
    }

    /** keepalived's complaints about received adverts (vrrp.c's checks), none expected from bng's. */
    static final Pattern COMPLAINT = Pattern.compile("(?m)^.*(vrrp packet too|invalid TTL|wrong version|received a \\d+ auth"
        + "|interval mismatch|Invalid packet type|unexpected ip number count|ip_tot_len mismatch|expected \\d+ VIPs"
        + "|not present in MASTER advert|cast packet but received).*$");

    static void neverTwoMasters() {
        Matcher complaint = COMPLAINT.matcher(ka.log());
        boolean found = complaint.find();
        assertFalse(found, () -> "keepalived rejected an advert: " + complaint.group());
        assertTrue(sampler.worstOverlapMillis <= DOWN_100, "both MASTER for " + sampler.worstOverlapMillis
            + " ms, longer than a master-down interval: " + sampler.overlaps + both());
    }

    @Test
    @Order(1)
    void bngAtTheHigherPriorityPreemptsKeepalivedWhichBacksIt() throws Exception {
        ka.start(100, 2);
        await(15_000, () -> ka.state().equals("MASTER"), () -> "keepalived alone becomes master\n" + ka.log());
        long t0 = System.nanoTime();
        bng.start(bngConfig(200));
        await(20_000, () -> bngState().equals("MASTER") && ka.state().equals("BACKUP"), () -> "bng preempts" + both());
        long took = (System.nanoTime() - t0) / 1_000_000;
        String show = showVrrp();
        assertTrue(counter(show, "received") > 0, "bng heard keepalived's adverts before it preempted\n" + show);
        assertEquals(0, counter(show, "bad"), show);
        assertTrue(ka.log().contains("Master received advert from " + BNG_ADDR + " with higher priority 200, ours 100"),
            ka.log());
        // keepalived accepts bng's adverts: it stays BACKUP well past its master-down interval.
        long sent = counter(show, "sent");
        holds(DOWN_100 + 1000, "MASTER", "BACKUP");
        // One advert a second: 4 or 5 in the 4.6 s held; at least 3 leaves room for a loaded machine.
        assertTrue(counter(showVrrp(), "sent") >= sent + 3, showVrrp());
        assertTrue(virtOwner().contains(BNG_MAC), "the virt answers with bng's MAC: " + virtOwner());
        assertTrue(bng.curlFrom(SeedTopology.NET + ".20", 5).out().startsWith("served-by="), bng.log());
        measured.add("v2, bng 200 vs keepalived 100: bng started " + took + " ms before it was MASTER and keepalived "
            + "BACKUP (bng start waits for the targets); bng heard " + counter(show, "received") + " keepalived adverts");
        neverTwoMasters();
    }

    @Test
    @Order(2)
    void killingBngMakesKeepalivedMasterWithinItsMasterDownInterval() throws Exception {
        long t0 = System.nanoTime();
        killBng();
        await(10_000, () -> ka.state().equals("MASTER"), () -> ka.log());
        long master = (System.nanoTime() - t0) / 1_000_000;
        measured.add("v2, kill -9 of bng (master, 200): keepalived MASTER after " + master
            + " ms (its master-down interval " + DOWN_100 + " ms)");
        assertTrue(master <= DOWN_100 + MARGIN, master + " ms");
        await(5_000, () -> virtOwner().contains(KA_MAC), KeepalivedInteropTest::virtOwner);
        neverTwoMasters();
    }

    @Test
    @Order(3)
    void bngAtTheLowerPriorityBacksKeepalived() throws Exception {
        bng.start(bngConfig(50));
        await(10_000, () -> bngState().equals("BACKUP") && showVrrp().contains("master " + KA_ADDR + " (priority 100)"),
            () -> "bng backs keepalived" + both());
        long received = counter(showVrrp(), "received");
        holds(DOWN_50 + 1000, "BACKUP", "MASTER");
        String show = showVrrp();
        long grew = counter(show, "received") - received;
        assertTrue(grew >= 5, "keepalived's adverts keep arriving and count as valid: +" + grew + "\n" + show);
        assertEquals(0, counter(show, "bad"), show);
        assertEquals(0, counter(show, "sent"), "a backup never advertises\n" + show);
        assertTrue(virtOwner().contains(KA_MAC), virtOwner());
        measured.add("v2, bng 50 vs keepalived 100: bng BACKUP, +" + grew + " valid keepalived adverts in "
            + (DOWN_50 + 1000) + " ms, 0 bad");
        neverTwoMasters();
    }

    @Test
    @Order(4)
    void killingKeepalivedMakesBngMasterWithinItsMasterDownInterval() throws Exception {
        long t0 = System.nanoTime();
        ka.kill9();
        await(10_000, () -> bngState().equals("MASTER"), () -> showVrrp());
        long master = (System.nanoTime() - t0) / 1_000_000;
        measured.add("v2, kill -9 of keepalived (master, 100): bng MASTER after " + master
            + " ms (its master-down interval " + DOWN_50 + " ms)");
        assertTrue(master <= DOWN_50 + MARGIN, master + " ms");
        await(5_000, () -> virtOwner().contains(BNG_MAC), KeepalivedInteropTest::virtOwner);
        assertTrue(bng.curlFrom(SeedTopology.NET + ".21", 5).out().startsWith("served-by="), bng.log());
        neverTwoMasters();
    }

    @Test
    @Order(5)
    void keepalivedPreemptsBngAndResignsToIt() throws Exception {
        long t0 = System.nanoTime();
        ka.start(100, 2);
        await(15_000, () -> ka.state().equals("MASTER") && bngState().equals("BACKUP"), () -> "keepalived preempts" + both());
        long preempted = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(showVrrp().contains("MASTER -> BACKUP: advert from " + KA_ADDR + " priority 100 > 50"), showVrrp());
        assertTrue(ka.log().contains("received lower priority (50) advert from " + BNG_ADDR)
            || ka.log().contains("Receive advertisement timeout"), ka.log());
        holds(1500, "BACKUP", "MASTER");
        // SIGTERM: keepalived sends priority 0 (RFC 3768 §6.4.3) and bng takes over after its skew time.
        t0 = System.nanoTime();
        ka.stop();
        await(10_000, () -> bngState().equals("MASTER"), () -> showVrrp());
        long resigned = (System.nanoTime() - t0) / 1_000_000;
        measured.add("v2, keepalived (100) started against bng (50): keepalived MASTER, bng BACKUP after " + preempted
            + " ms; keepalived stopped (SIGTERM, priority 0): bng MASTER after " + resigned + " ms (skew 0.8 s)");
        // Normally keepalived's priority-0 advert hands over after bng's skew time (1.1-1.4 s measured).
        // On a loaded machine keepalived has been seen to go without it (once in CI: 3.96 s); bng
        // must then still take over by its own master-down timer.
        boolean resignedByAdvert = resigned <= 804 + MARGIN;
        assertTrue(resignedByAdvert || resigned <= DOWN_50 + MARGIN, resigned + " ms\n" + showVrrp() + ka.log());
        if (!resignedByAdvert) {
            measured.add("note: this time bng took over by its master-down timer, not keepalived's priority-0 advert");
        }
        neverTwoMasters();
    }

    @Test
    @Order(6)
    void version3InteroperatesToo() throws Exception {
        // Both switch to VRRPv3 (RFC 5798: checksum over the pseudo header, interval in centiseconds):
        // keepalived (100) starts against bng (still 50, switched at the prompt) and preempts it.
        String set = bng.control("set vrrpversion 3\n"); // bng resigns in v2 and starts again in v3
        assertTrue(showVrrp().contains("version 3"), set + showVrrp());
        ka.start(100, 3);
        await(15_000, () -> ka.state().equals("MASTER") && bngState().equals("BACKUP")
            && showVrrp().contains("master " + KA_ADDR + " (priority 100)"), () -> "v3: keepalived preempts" + both());
        long received = counter(showVrrp(), "received");
        // bng raised to 200 at the prompt preempts keepalived, which backs it.
        long t0 = System.nanoTime();
        bng.control("vrrp {\nvrid 18\npriority 200\nnetwork 1\n}\n");
        await(10_000, () -> bngState().equals("MASTER") && ka.state().equals("BACKUP"), () -> "v3: bng preempts" + both());
        long preempted = (System.nanoTime() - t0) / 1_000_000;
        String show = showVrrp();
        assertTrue(counter(show, "received") > received, show);
        assertEquals(0, counter(show, "bad"), show);
        assertTrue(ka.log().contains("Master received advert from " + BNG_ADDR + " with higher priority 200, ours 100"),
            ka.log());
        holds(DOWN_100 + 500, "MASTER", "BACKUP");
        t0 = System.nanoTime();
        killBng();
        await(10_000, () -> ka.state().equals("MASTER"), () -> ka.log());
        long master = (System.nanoTime() - t0) / 1_000_000;
        measured.add("v3: keepalived (100) preempted bng (50), bng raised to 200 at the prompt was MASTER and keepalived "
            + "BACKUP after " + preempted + " ms; kill -9 of bng: keepalived MASTER after " + master
            + " ms (master-down interval " + DOWN_100 + " ms)");
        assertTrue(master <= DOWN_100 + MARGIN, master + " ms");
        neverTwoMasters();
    }

    /**
     * keepalived in the foreground in a namespace (VRRP only, no syslog, log on the console into a
     * file of the test's directory, own pid files, no respawn): its state is the last
     * "Entering ... STATE" line of its log.
     */
    static final class Keepalived implements AutoCloseable {
        final String ns;
        final Path dir;
        Process process;
        Path log;
        int runs;

        Keepalived(String ns, Path dir) throws IOException {
            this.ns = ns;
            this.dir = Files.createDirectories(dir);
        }

        void start(int priority, int version) throws IOException {
            runs++;
            Path conf = dir.resolve("keepalived-" + runs + ".conf");
            log = dir.resolve("keepalived-" + runs + ".log");
            Files.writeString(conf, """
                global_defs {
                    router_id bng-interop
                    vrrp_version %d
                }
                vrrp_instance bng {
                    state BACKUP
                    interface eth0
                    virtual_router_id 18
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(version, priority, VIRT));
            process = new ProcessBuilder(Sh.in(ns, "keepalived", "--vrrp", "--dont-fork", "--log-console", "--no-syslog",
                "--log-detail", "--dont-respawn", "-f", conf.toString(), "-p", dir.resolve("keepalived.pid").toString(),
                "-r", dir.resolve("vrrp.pid").toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        String log() {
            try {
                return log == null ? "" : Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** MASTER, BACKUP or FAULT from the log; DOWN when not running. */
        String state() {
            if (process == null || !process.isAlive()) {
                return "DOWN";
            }
            Matcher m = Pattern.compile("\\(bng\\) Entering (\\w+) STATE").matcher(log());
            String s = "INIT";
            while (m.find()) {
                s = m.group(1);
            }
            return s;
        }

        /** A crash: the VRRP child first (a dying parent would make it stop gracefully), then the parent. */
        void kill9() throws Exception {
            Path child = dir.resolve("vrrp.pid");
            if (Files.exists(child)) {
                Sh.run(5, "kill", "-9", Files.readString(child).strip());
            }
            process.destroyForcibly();
            process.waitFor();
            Files.deleteIfExists(child);
            Files.deleteIfExists(dir.resolve("keepalived.pid"));
        }

        /** SIGTERM: keepalived resigns (priority 0) and exits. */
        void stop() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill9();
            }
        }

        @Override
        public void close() throws Exception {
            if (process != null && process.isAlive()) {
                kill9();
            }
        }
    }

    /** Samples both sides every ~250 ms; records every stretch in which both said MASTER. */
    static final class Sampler implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
        volatile long worstOverlapMillis;
        volatile int samples;
        volatile int dualSamples;
        final Thread thread = Thread.ofPlatform().daemon().start(this::run);

        private void run() {
            long since = -1;
            while (running.get()) {
                // bng's answer takes a client start (~100-300 ms): keepalived is read before and after
                // it, so a both-MASTER sample means keepalived was MASTER when bng answered MASTER.
                String before = ka.state();
                String b = bngState();
                String k = ka.state();
                long now = System.nanoTime() / 1_000_000;
                samples++;
                if (b.equals("MASTER") && k.equals("MASTER") && before.equals("MASTER")) {
                    dualSamples++;
                    if (since < 0) {
                        since = now;
                    }
                    worstOverlapMillis = Math.max(worstOverlapMillis, now - since);
                } else if (since >= 0) {
                    overlaps.add((now - since) + " ms in " + phase);
                    worstOverlapMillis = Math.max(worstOverlapMillis, now - since);
                    since = -1;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        String summary() {
            return "sampler: " + samples + " samples of both states, " + dualSamples + " with both MASTER; both-MASTER "
                + "stretches (bounded by the samples around them) " + overlaps + ", longest " + worstOverlapMillis + " ms";
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
