package bng.itests.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    SeedTopology(Path home, Path dir) {
        this(home, dir, "bnge" + (ProcessHandle.current().pid() % 100000), 1);
    }

    /** With {@code nodes} 2, a second bng node {@code PREFIXlb2} (MAC 02:00:00:00:00:03) joins the bridge. */
    SeedTopology(Path home, Path dir, String prefix, int nodes) {
        this.seedNet = home.resolve("bin/seed-net");
        this.dir = dir;
        this.prefix = prefix;
        sw = prefix + "sw";
        router = prefix + "rt";
        bng = prefix + "lb";
        bng2 = nodes == 2 ? prefix + "lb2" : null;
        t1 = prefix + "t1";
        t2 = prefix + "t2";
    }

    static String mac(int host) {
        return String.format("02:00:00:00:00:%02x", host);
    }

    void build() {
        Sh.must("env", "SEED_NODES=" + (bng2 == null ? 1 : 2), seedNet.toString(), "up", prefix, dir.toString());
    }

    /** The seed's configuration with the addresses filled in (examples/dsr.conf). */
    static String seedConfig(Path home) throws IOException {
        return Files.readString(home.resolve("examples/dsr.conf"));
    }

    @Override
    public void close() {
        Sh.run(60, seedNet.toString(), "down", prefix);
    }
}
