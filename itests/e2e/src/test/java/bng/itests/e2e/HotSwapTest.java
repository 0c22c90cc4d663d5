package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Faults and hot swaps under load (issue 10, items 4 and 5). While clients curl the VIP and the
 * router pings it, each module is removed and added again at the prompt. Only the removed
 * module's function pauses, the bus reports no failure, and the state that lives in core
 * (sessions, target health, the neighbour cache) is the same before, during and after. slb is
 * updated to a rebuilt jar ({@code module update}) under load: a long download keeps its session
 * and completes, no curl fails, bng's named threads are the same before and after. A
 * configuration file with an error, reloaded under traffic, changes nothing. bng's interface going
 * down and up, a target's MAC changing (announced), and {@code kill -9} then {@code start} are
 * survived.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotSwapTest {
    private static final Path HOME = BngNode.HOME;

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode node;
    static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "hs").buildOrClose();
        node = new BngNode(HOME, net, tmp);
        node.start(SeedTopology.seedConfig(HOME));
    }

    @AfterAll
    static void down() throws Exception {
        try {
            Files.writeString(HOME.resolve("itests/e2e/target/hotswap.txt"), String.join("\n", report) + "\n");
        } finally {
            BngNode.stop(node, net);
        }
    }

    /** Pings the VIP from the router once every 200 ms until closed. */
    static final class PingLoop implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final Thread thread = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                Sh.Result r = Sh.run(5, Sh.in(net.router, "ping", "-c", "1", "-W", "1", SeedTopology.VIP));
                (r.exit() == 0 ? ok : lost).incrementAndGet();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    /** What lives in core: target states, neighbour addresses, and whether sessions are there. */
    record CoreState(String targets, Set<String> neighbours, long sessions) {}

    static CoreState coreState() {
        String targets = node.control("show targets\n").lines().filter(l -> l.matches("\\s*[12]\\s.*"))
            .map(l -> l.replaceAll("\\s+", " ").strip()).map(l -> l.replaceAll(" \\d+s\\b.*", ""))
            .reduce("", (a, b) -> a + b + "\n");
        Set<String> neighbours = new TreeSet<>();
        node.control("show arp\n").lines().filter(l -> l.matches("\\d+\\.\\d+\\.\\d+\\.\\d+\\s.*"))
            .forEach(l -> neighbours.add(l.split("\\s+")[0]));
        Matcher m = Pattern.compile("(\\d+) sessions, capacity").matcher(node.control("show sessions client 198.18.0.250\n"));
        assertTrue(m.find());
        return new CoreState(targets, neighbours, Long.parseLong(m.group(1)));
    }

    static List<String> targetStates(String targets) {
        List<String> l = new ArrayList<>();
        Matcher m = Pattern.compile("\\b(up|down|unknown)\\b").matcher(targets);
        while (m.find()) {
            l.add(m.group(1));
        }
        return l;
    }

    @Test
    @Order(1)
    void eachModuleIsRemovedAndAddedUnderLoadAndOnlyItsFunctionPauses() throws Exception {
        for (String module : List.of("hc", "arp", "ping", "slb")) {
            CoreState before = coreState();
            assertTrue(before.sessions() > 0 || module.equals("hc"), "traffic has made sessions");
            BngNode.CurlLoop curls = node.curls(20, SeedTopology.CLIENTS);
            PingLoop pings = new PingLoop();
            int curlsDuring;
            int failedDuring;
            int pingsDuring;
            int lostDuring;
            CoreState during;
            try {
                Thread.sleep(1500);
                String removed = node.control("module remove " + module + "\n");
                assertTrue(removed.contains("module " + module + " removed"), removed);
                Thread.sleep(300); // a request or echo already past the bus may still complete
                int okBefore = curls.ok.get();
                int failedBefore = curls.failures.size();
                int pingOk = pings.ok.get();
                int pingLost = pings.lost.get();
                Thread.sleep(3000);
                during = coreState();
                curlsDuring = curls.ok.get() - okBefore;
                failedDuring = curls.failures.size() - failedBefore;
                pingsDuring = pings.ok.get() - pingOk;
                lostDuring = pings.lost.get() - pingLost;
                String added = node.control("module add " + module + "\n");
                assertTrue(added.contains("module " + module + " running"), added);
                Thread.sleep(2000);
            } finally {
                curls.close();
                pings.close();
            }
            CoreState after = coreState();
            long failures = node.busCounters().get("failures");
            String line = String.format("module %-4s removed 3 s under load: curls ok %d / failed %d while away "
                    + "(%d ok, %d failed in all), pings ok %d / lost %d while away (%d lost in all); sessions %d -> %d -> %d; "
                    + "neighbours %s; targets %s -> %s; processor failures %d",
                module, curlsDuring, failedDuring, curls.ok.get(), curls.failures.size(), pingsDuring, lostDuring,
                pings.lost.get(), before.sessions(), during.sessions(), after.sessions(), before.neighbours(),
                targetStates(before.targets()), targetStates(during.targets()), failures);
            report.add(line);
            System.out.println(line);

            assertEquals(0, failures, "no processor failed\n" + node.log());
            assertTrue(during.neighbours().containsAll(before.neighbours()),
                "the neighbour cache keeps its entries while " + module + " is away: " + during.neighbours());
            if (module.equals("arp")) {
                assertEquals(before.neighbours(), during.neighbours(), "nothing is learnt without arp");
            }
            assertEquals(targetStates(before.targets()), targetStates(during.targets()),
                "target health stays while " + module + " is away");
            assertEquals(targetStates(before.targets()), targetStates(after.targets()));
            if (!module.equals("hc")) {
                assertTrue(during.sessions() > 0, "sessions stay while " + module + " is away");
            }
            if (module.equals("slb")) {
                assertEquals(0, curlsDuring, "no balancing without slb");
                for (int c = 0; c < SeedTopology.CLIENTS; c++) {
                    Sh.Result r = node.curlFrom(SeedTopology.NET + "." + (20 + c), 5);
                    assertEquals(0, r.exit(), "curls succeed again once slb is back: " + r.out());
                }
            } else {
                assertTrue(curls.failures.isEmpty(), module + " away, yet curls failed: " + curls.failures);
                assertTrue(curlsDuring > 0, "curls went on while " + module + " was away");
            }
            if (module.equals("ping")) {
                assertTrue(pingsDuring <= 1, "no echo replies without ping (one may be in flight): " + pingsDuring);
                assertTrue(lostDuring >= 2, "pings (1 s timeout each) go unanswered while ping is away: " + lostDuring);
                assertTrue(pings.ok.get() > pingsDuring, "pings answered before and after");
            } else {
                assertEquals(0, pings.lost.get(), "pings keep being answered while " + module + " is away");
            }
        }
    }

    /** A copy of the module's jar with one more manifest header: a different jar of the same bundle. */
    static Path rebuilt(String module, String stamp) throws Exception {
        Path original = HOME.resolve("runtime/target/modules/bng." + module + ".jar");
        Path copy = tmp.resolve("rebuilt/bng." + module + ".jar");
        Files.createDirectories(copy.getParent());
        try (JarInputStream in = new JarInputStream(Files.newInputStream(original))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Bng-Rebuilt", stamp);
            mf.getMainAttributes().putValue("Bnd-LastModified", Long.toString(System.currentTimeMillis()));
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), mf)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return copy;
    }

    static int severeLines() {
        return (int) node.log().lines().filter(l -> l.contains("SEVERE") || l.contains("Exception")).count();
    }

    static Map<String, Integer> threadsSettled(Map<String, Integer> expected) throws Exception {
        Map<String, Integer> now = node.namedThreads();
        for (int i = 0; i < 50 && !now.equals(expected); i++) {
            Thread.sleep(100); // a stopped executor's thread ends shortly after shutdownNow
            now = node.namedThreads();
        }
        return now;
    }

    @Test
    @Order(2)
    void slbIsUpdatedToARebuiltJarUnderLoadKeepingSessionsAndThreads() throws Exception {
        String stamp = "rebuilt-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
        Path jar = rebuilt("slb", stamp);
        String modulesBefore = node.control("show modules\n");
        Matcher id = Pattern.compile("(?m)^slb\\s+running\\s+\\S+\\s+(\\d+)").matcher(modulesBefore);
        assertTrue(id.find(), modulesBefore);
        String bundle = id.group(1);
        assertTrue(!node.control("gogo headers " + bundle + "\n").contains(stamp));
        // a long-lived connection: 4 MB at 250 kB/s, about 16 s, from its own client address
        String longClient = SeedTopology.NET + ".45";
        Sh.must(Sh.in(net.router, "ip", "addr", "add", longClient + "/24", "dev", "eth0"));
        java.util.concurrent.CompletableFuture<Sh.Result> download = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> Sh.run(60, Sh.in(net.router, "curl", "-s", "-o", "/dev/null", "-D", "-", "--max-time", "40",
                "--limit-rate", "250k", "--interface", longClient, "-w", "size=%{size_download} connects=%{num_connects}\\n",
                "http://" + SeedTopology.VIP + "/big")));
        BngNode.CurlLoop curls = node.curls(20, SeedTopology.CLIENTS);
        String update;
        long updateMillis;
        String sessionBefore;
        String sessionAfter;
        long sessionsBefore;
        long sessionsAfter;
        Map<String, Integer> threadsBefore;
        int severeBefore = severeLines();
        int okBefore;
        try {
            Thread.sleep(2000);
            threadsBefore = node.namedThreads();
            sessionsBefore = coreState().sessions();
            sessionBefore = sessionOf(longClient);
            okBefore = curls.ok.get();
            long t0 = System.nanoTime();
            update = node.control("module update slb " + jar + "\n");
            updateMillis = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(1000);
            sessionsAfter = coreState().sessions();
            sessionAfter = sessionOf(longClient);
        } finally {
            curls.close();
        }
        Sh.Result big = download.get(60, java.util.concurrent.TimeUnit.SECONDS);
        Map<String, Integer> threadsAfter = threadsSettled(threadsBefore);
        String headers = node.control("gogo headers " + bundle + "\n");
        Matcher lm = Pattern.compile("last modified (\\d+) -> (\\d+)").matcher(update);
        assertTrue(lm.find(), update);
        long failures = node.busCounters().get("failures");
        String servedBy = big.out().lines().filter(l -> l.startsWith("X-Served-By")).findFirst().orElse("?").strip();
        String line = String.format("slb updated to a rebuilt jar (%d ms at the prompt) under a curl loop and a 4 MB download at 250 kB/s: "
                + "curls ok %d (%d after the update began) / failed %d; download %s (%s, %s); sessions %d -> %d; the download's session "
                + "[%s] -> [%s]; bng threads %s -> %s; bundle %s last modified %s -> %s; new SEVERE/exception log lines %d; processor failures %d",
            updateMillis, curls.ok.get(), curls.ok.get() - okBefore, curls.failures.size(), big.out().lines().filter(l -> l.startsWith("size=")).findFirst().orElse("?"),
            servedBy, "exit " + big.exit(), sessionsBefore, sessionsAfter, sessionBefore, sessionAfter, threadsBefore, threadsAfter,
            bundle, lm.group(1), lm.group(2), severeLines() - severeBefore, failures);
        report.add(line);
        System.out.println(line + "\n" + update);

        assertTrue(update.contains("module slb updated (bundle " + bundle + ",") && update.strip().endsWith("; running"), update);
        assertTrue(!lm.group(1).equals(lm.group(2)), "the bundle's last-modified time changed: " + update);
        assertTrue(headers.contains(stamp), "the running revision is the rebuilt jar:\n" + headers);
        assertEquals(0, big.exit(), "the long download survived the update: " + big.out());
        assertTrue(big.out().contains("size=4194304 connects=1"), "all 4 MB over one connection: " + big.out());
        assertTrue(sessionBefore.endsWith(" established") && sessionBefore.equals(sessionAfter),
            "the download's session is the same entry, to the same target, still established: " + sessionBefore + " / " + sessionAfter);
        assertTrue(sessionsAfter > 0 && sessionsAfter >= sessionsBefore - SeedTopology.CLIENTS, "sessions kept: " + sessionsBefore + " -> " + sessionsAfter);
        assertTrue(curls.failures.isEmpty(), "no curl failed across the update: " + curls.failures);
        assertTrue(curls.ok.get() > okBefore, "curls went on");
        assertEquals(threadsBefore, threadsAfter, "no bng thread leaked or went missing");
        assertEquals(0, severeLines() - severeBefore, "no exception escaped:" + node.log());
        assertEquals(0, failures);
        allClientsServed("after the update");
    }

    /** The session of one client, as {@code show sessions client} lists it (empty if none). */
    static String sessionOf(String client) {
        return node.control("show sessions client " + client + "\n").lines().filter(l -> l.contains(client))
            .map(l -> l.replaceAll("\\s+", " ").strip()).map(l -> l.replaceAll(" \\d+s?$", "")).findFirst().orElse("");
    }

    /** {@code show config} without its comment lines (they carry the time it was taken). */
    static String runningConfig() {
        return node.control("show config\n").lines().filter(l -> !l.startsWith("//")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    @Order(3)
    void aBrokenConfigurationReloadedUnderTrafficChangesNothing() throws Exception {
        String good = Files.readString(node.conf);
        String before = runningConfig();
        BngNode.CurlLoop curls = node.curls(20, SeedTopology.CLIENTS);
        Sh.Result reload;
        try {
            Thread.sleep(1000);
            // a real edit gone wrong: the VIP moved to an impossible address and a target to none
            Files.writeString(node.conf, good.replace("ipaddr 198.18.0.100", "ipaddr 198.18.0.300")
                .replace("targets 1,2", "targets 1,2,9"));
            reload = node.bng("reload\n", "control");
            Thread.sleep(1500);
        } finally {
            curls.close();
            Files.writeString(node.conf, good);
        }
        String after = runningConfig();
        String line = "broken reload under traffic: " + reload.out().lines().filter(l -> !l.isBlank()).count()
            + " error line(s); curls ok " + curls.ok.get() + ", failed " + curls.failures.size();
        report.add(line);
        System.out.println(line + "\n" + reload.out());
        assertTrue(reload.out().contains("198.18.0.300"), "the error names the bad value: " + reload.out());
        assertTrue(!reload.out().contains("configuration reloaded"), reload.out());
        assertEquals(before, after, "the running configuration is unchanged");
        assertTrue(before.contains("198.18.0.100"), before);
        assertTrue(curls.failures.isEmpty(), "curls kept working: " + curls.failures);
        assertEquals(0, node.busCounters().get("failures"));
    }

    static void allClientsServed(String why) {
        for (int c = 0; c < SeedTopology.CLIENTS; c++) {
            Sh.Result r = node.curlFrom(SeedTopology.NET + "." + (20 + c), 5);
            assertEquals(0, r.exit(), why + ": curl from ." + (20 + c) + ": " + r.out() + node.log());
            assertTrue(r.out().contains("served-by="), r.out());
        }
    }

    @Test
    @Order(4)
    void bngsInterfaceGoingDownAndUpIsSurvived() throws Exception {
        BngNode.CurlLoop curls = node.curls(20, SeedTopology.CLIENTS);
        try {
            Thread.sleep(1000);
            Sh.must(Sh.in(net.bng, "ip", "link", "set", "eth0", "down"));
            Thread.sleep(2000);
            Sh.must(Sh.in(net.bng, "ip", "link", "set", "eth0", "up"));
            Thread.sleep(3000);
        } finally {
            curls.close();
        }
        allClientsServed("after eth0 came back");
        String interfaces = node.control("show interfaces\n");
        String line = "eth0 down 2 s and up under a curl loop: curls ok " + curls.ok.get() + ", failed "
            + curls.failures.size() + " (TCP retransmits carried those of the 2 s), then 12 of 12 clients served; processor failures "
            + node.busCounters().get("failures");
        report.add(line);
        System.out.println(line + "\n" + interfaces);
        assertTrue(interfaces.lines().anyMatch(l -> l.matches("1\\s+eth0\\s.*\\bup\\b.*")), interfaces);
        assertEquals(0, node.busCounters().get("failures"));
    }

    @Test
    @Order(5)
    void aTargetsNewMacAnnouncedByGratuitousArpIsFollowed() throws Exception {
        long newMac = 0x02_00_00_00_00_21L;
        String newMacText = "02:00:00:00:00:21";
        Sh.must(Sh.in(net.t1, "ip", "link", "set", "eth0", "address", newMacText));
        int t1 = Craft.ip("198.18.0.11");
        // RFC 5227 §3 announcement: sender = target = its address, from its new MAC, broadcast
        byte[] garp = Craft.ethernet(0xffff_ffff_ffffL, newMac, Craft.ETH_ARP, Craft.arp(1, newMac, t1, t1, 6, 4));
        RawSender.send(net.t1, "eth0", tmp, "garp", List.of(garp), 2);
        Thread.sleep(500);
        String arp = node.control("show arp\n");
        assertTrue(arp.lines().anyMatch(l -> l.startsWith("198.18.0.11 ") && l.contains(newMacText)),
            "the neighbour moved to the new MAC:\n" + arp);
        allClientsServed("after t1 changed its MAC");
        String served = node.curlFrom(SeedTopology.ROUTER, 5).out(); // .1's session is bound to one target
        String line = "t1's MAC changed to " + newMacText + " and announced: show arp follows, 12 of 12 clients served ("
            + served.strip() + " for .1)";
        report.add(line);
        System.out.println(line);
        assertEquals(0, node.busCounters().get("failures"));
    }

    @Test
    @Order(6)
    void killMinus9ThenStartComesBackClean() throws Exception {
        String pid = Files.readString(node.runDir.resolve("bng.0.pid")).strip();
        Sh.must("kill", "-9", pid);
        long deadline = System.currentTimeMillis() + 10_000;
        while (Files.exists(Path.of("/proc", pid)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(!Files.exists(Path.of("/proc", pid)), "bng " + pid + " is gone");
        Sh.Result status = node.bng(null, "status");
        Sh.Result start = node.bng(null, "-c", node.conf.toString(), "start");
        assertEquals(0, start.exit(), "start after kill -9 (stale pid file and socket left): " + start.out() + node.log());
        node.awaitTargetsUp();
        allClientsServed("after kill -9 and start");
        String newPid = Files.readString(node.runDir.resolve("bng.0.pid")).strip();
        String line = "kill -9 " + pid + ": status said \"" + status.out().strip().replace('\n', ' ') + "\" (exit "
            + status.exit() + "); start came back as " + newPid + ", targets up, 12 of 12 clients served";
        report.add(line);
        System.out.println(line);
        assertTrue(!newPid.equals(pid));
    }
}
