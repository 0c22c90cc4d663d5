package bng.itests.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's network, built and removed by {@code bin/seed-net} (the same script the demo uses):
 * router/clients, bng, two nginx targets with the VIP on lo, one bridge, 198.18.0.0/24.
 */
final class SeedTopology implements AutoCloseable {
    static final String NET = "198.18.0";
    static final String ROUTER = NET + ".1";
    static final String VIP = NET + ".100";
    /** Client addresses .20 and up on the router namespace (bin/seed-net's default). */
    static final int CLIENTS = 12;
    /** With SEED_MTU: the client host's LAN beyond the narrow link; its addresses are .20 and up. */
    static final String SITE_LAN = "198.19.1";

    final Path seedNet;
    final String prefix;
    final String sw;
    final String router;
    final String bng;
    final String t1;
    final String t2;
    /** The second bng node (SEED_NODES=2), or null. */
    final String bng2;
    final Path dir;
    /** bin/seed-net's topology: null for the seed's (DSR), "e1" for routing mode. */
    final String mode;
    /** With SEED_MTU: the client site's router and the client host beyond the router's narrow link. */
    final String clientSite;
    final String client;
    /** bin/seed-net's environment knobs beyond SEED_NODES and SEED_IPV6 (e.g. "SEED_MTU=1280"). */
    private final List<String> knobs = new ArrayList<>();
    /** bin/seed-net's SEED_IPV6: "0" (none), "1" (example E4, DSR) or "nat" (IPv6 NAT); see {@link #ipv6}. */
    private String ipv6 = "0";

    SeedTopology(Path home, Path dir) {
        this(home, dir, "");
    }

    /** @param tag a few letters of the test class, so that classes running at once never share a namespace */
    SeedTopology(Path home, Path dir, String tag) {
        // "v" + prefix + "t1" names a veth: at most 15 characters.
        this(home, dir, "bnge" + tag + (ProcessHandle.current().pid() % (tag.isEmpty() ? 100000 : 10000)), null, 1);
    }

    /** @param prefix namespace prefix, unique per test class (at most 10 characters) */
    SeedTopology(Path home, Path dir, String prefix, String mode) {
        this(home, dir, prefix, mode, 1);
    }

    /** With {@code nodes} 2, a second bng node {@code PREFIXlb2} (MAC 02:00:00:00:00:03) joins the bridge. */
    SeedTopology(Path home, Path dir, String prefix, int nodes) {
        this(home, dir, prefix, null, nodes);
    }

    private SeedTopology(Path home, Path dir, String prefix, String mode, int nodes) {
        this.seedNet = home.resolve("bin/seed-net");
        this.dir = dir;
        this.mode = mode;
        this.prefix = prefix;
        sw = prefix + "sw";
        router = prefix + "rt";
        bng = prefix + "lb";
        bng2 = nodes == 2 ? prefix + "lb2" : null;
        t1 = prefix + "t1";
        t2 = prefix + "t2";
        clientSite = prefix + "cs";
        client = prefix + "cl";
    }

    /** Adds a knob of bin/seed-net's environment, e.g. {@code "SEED_MTU=1280"}, for {@link #build()}. */
    SeedTopology with(String knob) {
        knobs.add(knob);
        return this;
    }

    static String mac(int host) {
        return String.format("02:00:00:00:00:%02x", host);
    }

    /** Adds bin/seed-net's IPv6 ({@code SEED_IPV6}: "1" for example E4's DSR, "nat" for IPv6 NAT); before {@link #build}. */
    SeedTopology ipv6(String seedIpv6) {
        this.ipv6 = seedIpv6;
        return this;
    }

    void build() {
        List<String> cmd = new ArrayList<>(List.of("env", "SEED_NODES=" + (bng2 == null ? 1 : 2), "SEED_IPV6=" + ipv6));
        cmd.addAll(knobs);
        cmd.addAll(List.of(seedNet.toString(), "up", prefix, dir.toString()));
        if (mode != null) {
            cmd.add(mode);
        }
        Sh.must(cmd.toArray(String[]::new));
    }

    /** {@link #build()}, then {@code more}; removes what was built if either fails. */
    SeedTopology buildOrClose(Runnable more) {
        try {
            build();
            more.run();
        } catch (Throwable t) {
            close();
            throw t;
        }
        return this;
    }

    /** {@link #build()}; removes what was built if it fails. */
    SeedTopology buildOrClose() {
        return buildOrClose(() -> { });
    }

    /** The seed's configuration with the addresses filled in (examples/dsr.conf). */
    static String seedConfig(Path home) throws IOException {
        return Files.readString(home.resolve("examples/dsr.conf"));
    }

    /** Stops the web server of target {@code t} ("t1", "t2"): nginx's fast shutdown, then waits for it to be gone. */
    void stopWeb(String t) throws InterruptedException {
        Sh.must("ip", "netns", "exec", prefix + t, "nginx", "-s", "stop", "-c", dir.resolve(t + "/nginx.conf").toString());
        Path pid = dir.resolve(t + "/nginx.pid");
        long end = System.currentTimeMillis() + 10_000;
        while (Files.exists(pid) && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
    }

    /** Starts target {@code t}'s web server again. */
    void startWeb(String t) {
        Sh.must("ip", "netns", "exec", prefix + t, "nginx", "-c", dir.resolve(t + "/nginx.conf").toString());
    }

    @Override
    public void close() {
        Sh.run(60, seedNet.toString(), "down", prefix);
    }
}
