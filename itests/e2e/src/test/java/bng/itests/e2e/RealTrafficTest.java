package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What real traffic brings (issue 6), through the VIP of one forwarding mode (subclasses: DSR on the
 * seed's network, NAT in routing mode E1): the clients sit beyond the router's client-side link of
 * MTU 1280 ({@code SEED_MTU=1280}: the client host's own link is 1500, so it announces an MSS of
 * 1460 and the targets send 1500-byte segments with DF). The router answers each with an ICMP
 * fragmentation needed to the segment's source, the VIP; only if bng steers it to the flow's
 * target does the target learn the path MTU and the download complete. And a UDP service: real DNS
 * servers (dnsmasq) on both targets, each answering a TXT query with its own name, balanced per
 * query ({@code sessionid src+port}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealTrafficTest {
    static final Path HOME = BngNode.HOME;
    static final int SIZE = 20 << 20;
    static final int MTU = 1280;
    static final int QUERIES = 48;

    /** Static: JUnit fills static temporary directories before {@code @BeforeAll}; one class runs at a time. */
    @TempDir
    static Path tmp;
    SeedTopology net;
    BngNode bng;
    final Map<String, String> sha256 = new TreeMap<>();
    final Map<String, Process> dns = new TreeMap<>();

    /** bin/seed-net's mode: null (the seed's DSR network) or "e1". */
    abstract String mode();

    /** A short tag for the namespace prefix. */
    abstract String tag();

    abstract String config();

    /** The VIP of the web server (port 80) and of the DNS server (port 53). */
    abstract String webVip();

    abstract String dnsVip();

    /** bin/seed-net's SEED_IPV6 for this class: "0" (none) unless a subclass wants IPv6. */
    String ipv6() {
        return "0";
    }

    /** How many targets the configuration has (all must be up before the tests). */
    int targets() {
        return 4;
    }

    @BeforeAll
    void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "bngr" + tag() + (ProcessHandle.current().pid() % 10000), mode())
            .with("SEED_MTU=" + MTU);
        net.ipv6(ipv6());
        try {
            net.build();
            // Each target serves 20 MB of its own random bytes: the checksum also tells who served.
            Random random = new Random(42);
            for (String t : List.of("t1", "t2")) {
                byte[] data = new byte[SIZE];
                random.nextBytes(data);
                Files.write(tmp.resolve(t + "/files/f20"), data);
                sha256.put(t, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
                startDns(t);
            }
            bng = new BngNode(HOME, net, tmp);
            bng.start(config());
            // the web targets (1, 2), the DNS targets (3, 4) and any more the subclass has
            bng.awaitTargetsUp(targets(), 30);
        } catch (Throwable t) {
            down();
            throw t;
        }
    }

    @AfterAll
    void down() {
        try {
            if (bng != null) {
                bng.close();
                bng = null;
            }
        } finally {
            dns.values().forEach(Process::destroy);
            dns.clear();
            if (net != null) {
                net.close();
                net = null;
            }
        }
    }

    /** dnsmasq on target {@code t} ("t1", "t2"), answering TXT who.test with its name; waits until it answers. */
    void startDns(String t) throws IOException, InterruptedException {
        dns.put(t, new ProcessBuilder(Sh.in(net.prefix + t, "dnsmasq", "--keep-in-foreground", "--no-resolv",
            "--no-hosts", "--user=root", "--port=53", "--interface=eth0", "--txt-record=who.test," + t,
            "--pid-file=" + tmp.resolve(t + "/dnsmasq.pid"), "--log-facility=" + tmp.resolve(t + "/dnsmasq.log")))
            .redirectErrorStream(true).redirectOutput(tmp.resolve(t + "/dnsmasq.out").toFile()).start());
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Sh.run(5, Sh.in(net.prefix + t, "dig", "@127.0.0.1", "who.test", "TXT", "+short", "+tries=1", "+time=1"))
                .out().contains("\"" + t + "\"")) {
            if (System.currentTimeMillis() > deadline) {
                fail("dnsmasq on " + t + " does not answer: " + Files.readString(tmp.resolve(t + "/dnsmasq.out")));
            }
            Thread.sleep(100);
        }
    }

    /** Stops target {@code t}'s dnsmasq and waits for it to be gone. */
    void stopDns(String t) throws InterruptedException {
        Process p = dns.remove(t);
        p.destroy();
        p.waitFor();
    }

    long slbCounter(String name) {
        return counter("slb", name);
    }

    /** A counter of {@code show TOPIC} (slb, slb6). */
    long counter(String topic, String name) {
        String out = bng.control("show " + topic + "\n");
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void twentyMegabyteDownloadsCompleteAcrossTheNarrowLinkThroughBoth() throws Exception {
        downloadsFromBoth("slb", SeedTopology.SITE_LAN + ".", webVip());
    }

    /**
     * Two 20 MB downloads from clients {@code clientPrefix}20 and 21 to {@code vipHost}, served by
     * different targets; checks size, SHA-256, the target's cached path MTU toward the client and
     * the {@code icmp-to-target} counter of {@code show TOPIC}.
     */
    void downloadsFromBoth(String topic, String clientPrefix, String vipHost) throws Exception {
        boolean v6 = vipHost.contains(":");
        long steeredBefore = counter(topic, "icmp-to-target");
        Map<String, String> servedBy = new TreeMap<>();
        for (int c = 0; c < 2; c++) {
            String client = clientPrefix + (20 + c);
            Path body = tmp.resolve("download-" + c);
            long t0 = System.nanoTime();
            Sh.Result r = Sh.run(70, Sh.in(net.client, "curl", "-s", "--max-time", "60", "--interface", client,
                "-o", body.toString(), "-D", "-", "-w", "size=%{size_download}\\n",
                "http://" + (v6 ? "[" + vipHost + "]" : vipHost) + "/files/f20"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, r.exit(), "curl from " + client + ": " + r.out() + "\n" + bng.control("show " + topic + "\n")
                + bng.log());
            Matcher m = Pattern.compile("(?i)X-Served-By: (t[12])").matcher(r.out());
            assertTrue(m.find(), r.out());
            String t = m.group(1);
            assertTrue(r.out().contains("size=" + SIZE), r.out());
            byte[] got = Files.readAllBytes(body);
            assertEquals(SIZE, got.length);
            assertEquals(sha256.get(t), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got)),
                "the bytes " + t + " serves");
            Files.delete(body);
            // The target learnt the path MTU toward this client: only the steered ICMP error told it.
            String route = v6
                ? Sh.must(Sh.in(net.prefix + t, "ip", "-6", "route", "show", "cache", client))
                : Sh.must(Sh.in(net.prefix + t, "ip", "route", "get", client));
            assertTrue(route.contains("mtu " + MTU), t + "'s route to " + client + ": " + route);
            servedBy.put(client, t);
            System.out.printf("REAL-TRAFFIC %s: 20 MB from %s to %s at MTU %d in %.2f s (%.1f MB/s)%n", getClass()
                .getSimpleName(), t, client, MTU, seconds, SIZE / 1e6 / seconds);
        }
        assertEquals(2, Set.copyOf(servedBy.values()).size(), "both targets served a download: " + servedBy);
        assertTrue(counter(topic, "icmp-to-target") > steeredBefore, "bng steered the routers' errors");
    }

    @Test
    void dnsQueriesThroughTheVipAreAllAnsweredByBothTargets() throws IOException {
        // One dig reads the queries: each from one of the 12 client addresses and its own new port.
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < QUERIES; i++) {
            batch.append("@").append(dnsVip()).append(" -b ").append(SeedTopology.SITE_LAN).append('.')
                .append(20 + i % SeedTopology.CLIENTS).append(" who.test TXT +short +tries=1 +time=3\n");
        }
        Path queries = tmp.resolve("queries.txt");
        Files.writeString(queries, batch);
        Sh.Result r = Sh.run(QUERIES * 4L + 10, Sh.in(net.client, "dig", "-f", queries.toString()));
        Map<String, Integer> answers = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\"(t[12])\"$").matcher(r.out());
        while (m.find()) {
            answers.merge(m.group(1), 1, Integer::sum);
        }
        int answered = answers.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(QUERIES, answered, "every query answered: " + answers + "\n" + r.out() + bng.control("show slb\n"));
        assertEquals(2, answers.size(), "both targets answered: " + answers);
        System.out.printf("REAL-TRAFFIC %s: %d DNS queries answered, by target %s%n", getClass().getSimpleName(), answered,
            answers);
    }
}
