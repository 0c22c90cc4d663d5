package bng.itests.e2e;

import static bng.itests.e2e.Craft.ETH_ARP;
import static bng.itests.e2e.Craft.ETH_IPV4;
import static bng.itests.e2e.Craft.ETH_IPV6;
import static bng.itests.e2e.Craft.ETH_VLAN;
import static bng.itests.e2e.Craft.ICMP;
import static bng.itests.e2e.Craft.SYN;
import static bng.itests.e2e.Craft.TCP;
import static bng.itests.e2e.Craft.UDP;
import static bng.itests.e2e.Craft.VRRP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Hostile input on real wires (issue 10, items 2 and 3): the seed's DSR setup with a small session
 * table, a malformed-packet corpus injected raw from the router's namespace while clients curl the
 * VIP, then a spoofed SYN flood that fills the table and an ARP flood. Figures go to
 * docs/reliability.md; each test prints its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostilePacketsTest {
    private static final Path HOME = BngNode.HOME;
    static final int SESSIONS = 1000;
    static final int SYNC_TIMEOUT = 10;
    static final long ROUTER_MAC = Craft.mac(1);
    static final long BNG_MAC = Craft.mac(2);
    static final int REAL = Craft.ip("198.18.0.2");
    static final int VIP = Craft.ip("198.18.0.100");
    /** Source of the frames that must never reach a target. */
    static final int BAD = Craft.ip("198.18.0.200");
    /** Source of the odd-but-sound frames slb may forward (IP options, VLAN tag, first fragment). */
    static final int ODD = Craft.ip("198.18.0.201");

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode node;

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "hp");
        net.buildOrClose(() -> {
            // jumbo frames must reach bng: the router's and bng's legs (not the targets') carry 9000
            for (String[] l : List.of(new String[] {net.router, "eth0"}, new String[] {net.bng, "eth0"},
                    new String[] {net.sw, "v" + net.router}, new String[] {net.sw, "v" + net.bng})) {
                Sh.must(Sh.in(l[0], "ip", "link", "set", l[1], "mtu", "9000"));
            }
        });
        node = new BngNode(HOME, net, tmp);
        node.start(SeedTopology.seedConfig(HOME)
            + "set {\n  sessions " + SESSIONS + "\n  synctimeout " + SYNC_TIMEOUT + "\n}\n");
    }

    @AfterAll
    static void down() {
        BngNode.stop(node, net);
    }

    static Map<String, Long> busCounters() {
        return node.busCounters();
    }

    static long delta(Map<String, Long> before, Map<String, Long> after, String key) {
        return after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
    }

    static Process capture(String port, String filter, Path out) throws java.io.IOException {
        return new ProcessBuilder("ip", "netns", "exec", net.sw, "tcpdump", "-l", "-n", "-e", "-i", port, filter)
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    static long capturedFrames(Path file) throws java.io.IOException {
        return Files.readString(file).lines().filter(l -> l.contains(" > ")).count();
    }

    // ------------------------------------------------------------------ the corpus

    record Bad(String name, String reason, byte[] frame) {}

    static byte[] toBng(int type, byte[] body) {
        return Craft.ethernet(BNG_MAC, ROUTER_MAC, type, body);
    }

    static byte[] syn(int src, int options) {
        byte[] opts = new byte[options];
        java.util.Arrays.fill(opts, (byte) 1); // NOPs (RFC 791)
        return Craft.ipv4(src, VIP, TCP, 64, 0x4000, opts, Craft.tcp(src, VIP, 40_000, 80, SYN, 1));
    }

    /** Frames the decoder must refuse, each with the reason it must be counted under. */
    static List<Bad> malformed() {
        List<Bad> l = new ArrayList<>();
        byte[] goodSyn = syn(BAD, 0);
        l.add(new Bad("truncated IPv4 header", "bad-ipv4-header", Craft.cut(toBng(ETH_IPV4, goodSyn), 14 + 12)));
        byte[] ihl4 = goodSyn.clone();
        ihl4[0] = 0x44;
        Craft.resealIpv4Header(ihl4);
        l.add(new Bad("IHL 4 (16 bytes)", "bad-ipv4-header", toBng(ETH_IPV4, ihl4)));
        byte[] ihl15 = goodSyn.clone();
        ihl15[0] = 0x4f;
        l.add(new Bad("IHL 15 beyond the frame", "bad-ipv4-header", toBng(ETH_IPV4, ihl15)));
        byte[] v6in4 = goodSyn.clone();
        v6in4[0] = 0x65;
        l.add(new Bad("version 6 under the IPv4 ethertype", "bad-ipv4-header", toBng(ETH_IPV4, v6in4)));
        byte[] longTotal = goodSyn.clone();
        Craft.put16(longTotal, 2, 1400);
        Craft.resealIpv4Header(longTotal);
        l.add(new Bad("total length beyond the frame", "bad-ipv4-length", toBng(ETH_IPV4, longTotal)));
        byte[] shortTotal = goodSyn.clone();
        Craft.put16(shortTotal, 2, 12);
        Craft.resealIpv4Header(shortTotal);
        l.add(new Bad("total length below the header", "bad-ipv4-length", toBng(ETH_IPV4, shortTotal)));
        byte[] badSum = goodSyn.clone();
        badSum[10] ^= 0x5a;
        l.add(new Bad("bad IPv4 header checksum (SYN to the VIP)", "bad-ipv4-checksum", toBng(ETH_IPV4, badSum)));
        byte[] tcp10 = Craft.ipv4(BAD, VIP, TCP, 64, 0, new byte[0], java.util.Arrays.copyOf(
            Craft.tcp(BAD, VIP, 40_000, 80, SYN, 1), 10));
        l.add(new Bad("truncated TCP header (10 bytes)", "short-l4", toBng(ETH_IPV4, tcp10)));
        byte[] doff4 = Craft.tcp(BAD, VIP, 40_000, 80, SYN, 1);
        doff4[12] = 0x40;
        l.add(new Bad("TCP data offset 4", "short-l4", toBng(ETH_IPV4, Craft.ipv4(BAD, VIP, TCP, 64, 0, new byte[0], doff4))));
        byte[] doff15 = Craft.tcp(BAD, VIP, 40_000, 80, SYN, 1);
        doff15[12] = (byte) 0xf0;
        l.add(new Bad("TCP data offset 15 beyond the segment", "short-l4",
            toBng(ETH_IPV4, Craft.ipv4(BAD, VIP, TCP, 64, 0, new byte[0], doff15))));
        byte[] udpLong = Craft.udp(BAD, VIP, 5353, 80, 8);
        Craft.put16(udpLong, 4, 900);
        l.add(new Bad("UDP length beyond the datagram", "short-l4",
            toBng(ETH_IPV4, Craft.ipv4(BAD, VIP, UDP, 64, 0, new byte[0], udpLong))));
        l.add(new Bad("ICMP of 4 bytes", "short-l4",
            toBng(ETH_IPV4, Craft.ipv4(BAD, REAL, ICMP, 64, 0, new byte[0], new byte[] {8, 0, (byte) 0xf7, (byte) 0xff}))));
        l.add(new Bad("ARP hardware length 8", "bad-arp",
            toBng(ETH_ARP, Craft.arp(1, ROUTER_MAC, BAD, REAL, 8, 4))));
        l.add(new Bad("ARP protocol length 16", "bad-arp",
            toBng(ETH_ARP, Craft.arp(1, ROUTER_MAC, BAD, REAL, 6, 16))));
        l.add(new Bad("ARP cut after 20 bytes", "bad-arp",
            Craft.cut(toBng(ETH_ARP, Craft.arp(1, ROUTER_MAC, BAD, REAL, 6, 4)), 14 + 20)));
        // A frame cut inside its VLAN tag (short-vlan) never reaches a packet socket on Linux: the
        // receiving kernel's skb_vlan_untag frees it before any tap. FrameFuzzTest covers it.
        byte[] v6 = new byte[40 + 20];
        v6[0] = 0x60;
        Craft.put16(v6, 4, 20);
        v6[6] = (byte) TCP;
        v6[7] = 64;
        l.add(new Bad("IPv6 header cut at 30 bytes", "bad-ipv6-header", Craft.cut(toBng(ETH_IPV6, v6), 14 + 30)));
        byte[] v6long = v6.clone();
        Craft.put16(v6long, 4, 1200);
        l.add(new Bad("IPv6 payload length beyond the frame", "bad-ipv6-header", toBng(ETH_IPV6, v6long)));
        byte[] v6chain = new byte[40 + 8 * 10];
        v6chain[0] = 0x60;
        Craft.put16(v6chain, 4, 80);
        v6chain[6] = 0; // hop-by-hop, then destination options ten times: longer than bng walks
        for (int i = 0; i < 10; i++) {
            v6chain[40 + 8 * i] = 60;
        }
        l.add(new Bad("IPv6 chain of 10 extension headers", "bad-ipv6-extension", toBng(ETH_IPV6, v6chain)));
        return l;
    }

    /** Sound frames nobody may answer or forward (source BAD): counted as unhandled or dropped. */
    static List<Bad> unwanted() {
        List<Bad> l = new ArrayList<>();
        byte[] seg = Craft.tcp(BAD, VIP, 40_000, 80, SYN, 1);
        byte[] payload = new byte[64];
        System.arraycopy(seg, 0, payload, 0, 20);
        // later fragments (offset 8 and an overlapping offset 4, in 8-byte units): no ports to balance on
        l.add(new Bad("later fragment to the VIP", "unhandled",
            toBng(ETH_IPV4, Craft.ipv4(BAD, VIP, TCP, 64, 0x2000 | 8, new byte[0], payload))));
        l.add(new Bad("overlapping later fragment to the VIP", "unhandled",
            toBng(ETH_IPV4, Craft.ipv4(BAD, VIP, TCP, 64, 4, new byte[0], payload))));
        byte[] garbage = new byte[4 + 28];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (0xa5 ^ i);
        }
        l.add(new Bad("ICMP unreachable quoting garbage, to bng", "unhandled",
            toBng(ETH_IPV4, Craft.ipv4(BAD, REAL, ICMP, 64, 0, new byte[0], Craft.icmp(3, 3, garbage)))));
        l.add(new Bad("ICMP time exceeded quoting garbage, to the VIP", "unhandled",
            toBng(ETH_IPV4, Craft.ipv4(BAD, VIP, ICMP, 64, 0, new byte[0], Craft.icmp(11, 0, garbage)))));
        byte[] vrrp = new byte[20];
        vrrp[0] = 0x21;
        vrrp[1] = 1;
        vrrp[2] = 100;
        vrrp[3] = 1;
        Craft.put16(vrrp, 6, Craft.finish(Craft.sum(vrrp, 0, 20, 0)));
        byte[] vrrpFrame = Craft.ethernet(0x01_00_5e_00_00_12L, ROUTER_MAC, ETH_IPV4,
            Craft.ipv4(BAD, Craft.ip("224.0.0.18"), VRRP, 254, 0, new byte[0], vrrp));
        l.add(new Bad("VRRP advertisement with TTL 254", "unhandled", vrrpFrame));
        l.add(new Bad("jumbo UDP (9000 bytes) to bng", "unhandled",
            toBng(ETH_IPV4, Craft.ipv4(BAD, REAL, UDP, 64, 0, new byte[0], Craft.udp(BAD, REAL, 5353, 9, 9000 - 20 - 8 - 14)))));
        byte[] echoBadSum = Craft.icmp(8, 0, new byte[36]);
        echoBadSum[2] ^= 0x11;
        l.add(new Bad("echo request with a bad ICMP checksum", "handled",
            toBng(ETH_IPV4, Craft.ipv4(BAD, REAL, ICMP, 64, 0, new byte[0], echoBadSum))));
        byte[] ack = Craft.tcp(BAD, VIP, 40_001, 80, 0x10, 1);
        l.add(new Bad("ACK to the VIP without a session", "handled",
            toBng(ETH_IPV4, Craft.ipv4(BAD, VIP, TCP, 64, 0x4000, new byte[0], ack))));
        l.add(new Bad("ARP from a sender in no network", "unhandled",
            toBng(ETH_ARP, Craft.arp(1, Craft.mac(0x77), Craft.ip("198.19.9.9"), Craft.ip("198.18.0.77"), 6, 4))));
        return l;
    }

    /** Odd but sound: slb may forward these (source ODD). */
    static List<Bad> odd() {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad("SYN with 8 bytes of IP options", "forwarded", toBng(ETH_IPV4, syn(ODD, 8))));
        l.add(new Bad("VLAN-tagged SYN", "forwarded", Craft.vlanTagged(toBng(ETH_IPV4, syn(ODD, 0)), ETH_VLAN, 7)));
        byte[] first = Craft.ipv4(ODD, VIP, TCP, 64, 0x2000, new byte[0], Craft.tcp(ODD, VIP, 40_002, 80, SYN, 1));
        l.add(new Bad("first fragment of a SYN (MF set)", "forwarded", toBng(ETH_IPV4, first)));
        return l;
    }

    @Test
    @Order(1)
    void aMalformedCorpusIsCountedAndDroppedWhileClientsCurl() throws Exception {
        List<Bad> bad = malformed();
        List<Bad> unwanted = unwanted();
        List<Bad> odd = odd();
        int repeat = 20;
        Path atTargets = tmp.resolve("bad-at-targets.txt");
        Path atRouter = tmp.resolve("replies-to-bad.txt");
        Process capT1 = capture("v" + net.t1, "src host 198.18.0.200 or dst host 198.18.0.200", atTargets);
        Process capT2 = capture("v" + net.t2, "src host 198.18.0.200 or dst host 198.18.0.200", tmp.resolve("t2.txt"));
        Process capRt = capture("v" + net.router, "ether src " + SeedTopology.mac(2) + " and dst host 198.18.0.200",
            atRouter);
        Map<String, Long> before = busCounters();
        BngNode.CurlLoop curls = node.curls(20, SeedTopology.CLIENTS);
        int sent;
        try {
            Thread.sleep(1000); // tcpdump attaches, curls start
            List<byte[]> frames = new ArrayList<>();
            for (List<Bad> l : List.of(bad, unwanted, odd)) {
                l.forEach(b -> frames.add(b.frame()));
            }
            // From the bridge's port towards bng, so the bridge's own checks (its MLD snooping drops
            // IPv6 with a bad header) do not hide frames from bng.
            sent = RawSender.send(net.sw, "v" + net.bng, tmp, "corpus", frames, repeat);
            Thread.sleep(1500);
        } finally {
            curls.close();
            Thread.sleep(300);
            for (Process p : List.of(capT1, capT2, capRt)) {
                p.destroy();
                p.waitFor();
            }
        }
        Map<String, Long> after = busCounters();
        Map<String, Long> expected = new LinkedHashMap<>();
        for (Bad b : bad) {
            expected.merge(b.reason(), (long) repeat, Long::sum);
        }
        StringBuilder report = new StringBuilder("corpus: " + sent + " frames (" + (bad.size() + unwanted.size()
            + odd.size()) + " kinds x " + repeat + "), curls ok " + curls.ok.get() + ", failed " + curls.failures.size()
            + "\n");
        for (var e : expected.entrySet()) {
            report.append(String.format("  malformed %-20s expected %4d counted %4d%n", e.getKey(), e.getValue(),
                delta(before, after, e.getKey())));
        }
        report.append("  bus delta: received ").append(delta(before, after, "received")).append(", handled ")
            .append(delta(before, after, "handled")).append(", unhandled ").append(delta(before, after, "unhandled"))
            .append(", malformed ").append(delta(before, after, "malformed")).append(", failures ")
            .append(delta(before, after, "failures")).append('\n');
        report.append(node.control("show interfaces\nshow slb\n"));
        System.out.println(report);
        Files.writeString(HOME.resolve("itests/e2e/target/hostile-corpus.txt"), report);

        assertTrue(curls.failures.isEmpty(), "every curl succeeds: " + curls.failures + node.log());
        assertTrue(curls.ok.get() > 0, "curls ran");
        assertEquals(0, after.get("failures"), "no processor failed");
        for (var e : expected.entrySet()) {
            assertEquals(e.getValue(), delta(before, after, e.getKey()), "malformed " + e.getKey() + "\n" + report);
        }
        assertEquals(bad.size() * (long) repeat, delta(before, after, "malformed"), "only the corpus is malformed");
        assertEquals(0, capturedFrames(atTargets), "no bad frame reaches a target:\n" + Files.readString(atTargets));
        assertEquals(0, capturedFrames(atRouter), "nothing answers the bad source:\n" + Files.readString(atRouter));
        String arp = node.control("show arp\n");
        assertTrue(!arp.contains("198.19.9.9"), "an off-link sender is not learnt:\n" + arp);
    }

    // ------------------------------------------------------------------ floods

    /** "N sessions, capacity C, refused R" of {@code show sessions}. */
    static long[] sessions() {
        String out = node.control("show sessions server 2\n" + "show sessions client 198.18.0.250\n");
        Matcher m = Pattern.compile("(\\d+) sessions, capacity (\\d+), refused (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    @Test
    @Order(2)
    void aSynFloodFillsTheTableNewSessionsAreRefusedEstablishedOnesKeepWorking() throws Exception {
        String fresh = "198.18.0.40"; // a client with no session yet
        Sh.must(Sh.in(net.router, "ip", "addr", "add", fresh + "/24", "dev", "eth0"));
        long rssBefore = node.rssKb();
        long[] before = sessions();
        // A long-lived flow, established before the flood: one keep-alive connection carrying 16
        // requests at 2 a second (curl reuses the connection: num_connects is 1, then 0).
        java.util.concurrent.CompletableFuture<Sh.Result> download = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> Sh.run(90, Sh.in(net.router, "curl", "-s", "--max-time", "60", "--rate", "2/s",
                "--interface", "198.18.0.31", "-w", "code=%{http_code} connects=%{num_connects}\\n",
                "http://" + SeedTopology.VIP + "/?n=[1-16]")));
        Thread.sleep(1500);
        int flood = 3 * SESSIONS;
        List<byte[]> syns = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            int src = Craft.ip("198.19.0.0") + 1 + i; // spoofed: 198.19.0.1 and up, nobody answers for them
            syns.add(toBng(ETH_IPV4, Craft.ipv4(src, VIP, TCP, 64, 0x4000, new byte[0],
                Craft.tcp(src, VIP, 1024 + i % 60000, 80, SYN, i))));
        }
        long t0 = System.nanoTime();
        // Paced at about 10,000 a second: unpaced, the sender outruns libpcap's ring (docs/reliability.md)
        // and the kernel drops what the table should refuse.
        RawSender.send(net.router, "eth0", tmp, "synflood", syns, 1, 100, 10);
        long floodEnd = System.nanoTime();
        long floodMillis = (floodEnd - t0) / 1_000_000;
        Thread.sleep(500);
        long[] full = sessions();
        long rssAfter = node.rssKb();
        Sh.Result whileFull = node.curlFrom(fresh, 2);
        String slb = node.control("show slb\nshow interfaces\n");
        Sh.Result big = download.get(90, java.util.concurrent.TimeUnit.SECONDS);
        long served = big.out().lines().filter(l -> l.startsWith("served-by=")).count();
        long connects = 0;
        Matcher c = Pattern.compile("connects=(\\d+)").matcher(big.out());
        while (c.find()) {
            connects += Long.parseLong(c.group(1));
        }
        String keepAlive = served + " of 16 requests served over " + connects + " connection(s)";
        // Admitted again once the flood's SYN-only entries expire (synctimeout) and the sweep passes.
        Sh.Result again = null;
        while (System.nanoTime() - floodEnd < 60_000_000_000L) {
            again = node.curlFrom(fresh, 2);
            if (again.exit() == 0) {
                break;
            }
        }
        long readmitMillis = (System.nanoTime() - floodEnd) / 1_000_000;
        // The first slots may be the closing sessions of earlier curls; the flood's own SYN-only
        // entries must go too, after synctimeout and a sweep pass (~10 s).
        long[] after = sessions();
        while (after[0] > SESSIONS / 10 && System.nanoTime() - floodEnd < 60_000_000_000L) {
            Thread.sleep(500);
            after = sessions();
        }
        long drainedMillis = (System.nanoTime() - floodEnd) / 1_000_000;
        String report = String.format("syn flood: %d SYNs from %d spoofed sources in %d ms; sessions before %d, "
                + "at the peak %d of %d, refused %d (+%d); new client while full: exit %d; keep-alive connection across the "
                + "flood: %s; new client admitted again %d ms after the flood ended; table down to %d sessions %d ms after it "
                + "(synctimeout %d s); "
                + "VmRSS %d kB before, %d kB after (+%d kB)%n%s",
            flood, flood, floodMillis, before[0], full[0], full[1], full[2], full[2] - before[2], whileFull.exit(),
            keepAlive, readmitMillis, after[0], drainedMillis, SYNC_TIMEOUT, rssBefore, rssAfter, rssAfter - rssBefore, slb);
        System.out.println(report);
        Files.writeString(HOME.resolve("itests/e2e/target/hostile-synflood.txt"), report);

        assertEquals(SESSIONS, full[1]);
        assertEquals(SESSIONS, full[0], "the flood fills the table to capacity\n" + report);
        assertTrue(full[2] - before[2] >= flood - SESSIONS, "the rest is refused and counted\n" + report);
        assertTrue(whileFull.exit() != 0, "a new client is refused while the table is full\n" + report);
        assertEquals(16, served, "the established connection keeps working\n" + big.out() + report);
        assertEquals(1, connects, "all over one connection\n" + big.out());
        assertEquals(0, again.exit(), "new sessions are admitted again\n" + report);
        assertTrue(after[0] <= SESSIONS / 10, "the flood's SYN-only entries expire\n" + report);
        assertTrue(again.out().contains("served-by="), again.out());
        assertTrue(rssAfter - rssBefore < 64 * 1024, "resident memory stays bounded\n" + report);
        assertEquals(0, busCounters().get("failures"));
    }

    @Test
    @Order(3)
    void anArpFloodDoesNotGrowTheNeighbourCacheBeyondItsNetworks() throws Exception {
        List<byte[]> flood = new ArrayList<>();
        int n = 4000;
        for (int i = 0; i < n; i++) {
            // on-link senders 198.18.0.0/24 cycle; the others come from 198.19.0.0/16 (no network)
            int sender = i % 2 == 0 ? Craft.ip("198.18.0.0") + (i / 2) % 256 : Craft.ip("198.19.0.0") + i;
            long mac = 0x02_00_00_aa_00_00L | i;
            flood.add(Craft.ethernet(0xffff_ffff_ffffL, mac, ETH_ARP,
                Craft.arp(1, mac, sender, Craft.ip("198.18.0.77"), 6, 4)));
        }
        long rssBefore = node.rssKb();
        RawSender.send(net.router, "eth0", tmp, "arpflood", flood, 1);
        Thread.sleep(1000);
        String arp = node.control("show arp\n");
        long rows = arp.lines().filter(l -> l.matches("\\d+\\.\\d+\\.\\d+\\.\\d+\\s.*")).count();
        long offLink = arp.lines().filter(l -> l.startsWith("198.19.")).count();
        long rssAfter = node.rssKb();
        String report = String.format("arp flood: %d requests, %d distinct senders (%d on-link); neighbour cache "
            + "%d entries, %d off-link; VmRSS %d -> %d kB; bus failures %d%n", n, n / 2 + 256, 256, rows, offLink,
            rssBefore, rssAfter, busCounters().get("failures"));
        System.out.println(report);
        Files.writeString(HOME.resolve("itests/e2e/target/hostile-arpflood.txt"), report);
        assertEquals(0, offLink, "no sender outside the networks is learnt\n" + arp);
        assertTrue(rows <= 256, "at most the /24's addresses\n" + report);
        assertTrue(rssAfter - rssBefore < 32 * 1024, "resident memory stays bounded\n" + report);
        // bng still answers: the router can ping the VIP
        Sh.Result ping = Sh.run(20, Sh.in(net.router, "ping", "-c", "2", "-i", "0.2", "-W", "2", SeedTopology.VIP));
        assertEquals(0, ping.exit(), ping.out());
    }
}
