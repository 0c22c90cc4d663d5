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
    final Path dir;

    SeedTopology(Path home, Path dir) {
        this(home, dir, "");
    }

    /**
     * A topology of its own for one test class: {@code tag} (at most 2 characters, so
     * "v" + prefix + "lb" fits in an interface name's 15) keeps classes of one JVM apart.
     */
    SeedTopology(Path home, Path dir, String tag) {
        this.seedNet = home.resolve("bin/seed-net");
        this.dir = dir;
        this.prefix = "bnge" + tag + (ProcessHandle.current().pid() % (tag.isEmpty() ? 100000 : 10000));
        sw = prefix + "sw";
        router = prefix + "rt";
        bng = prefix + "lb";
        t1 = prefix + "t1";
        t2 = prefix + "t2";
    }

    static String mac(int host) {
        return String.format("02:00:00:00:00:%02x", host);
    }

    void build() {
        Sh.must(seedNet.toString(), "up", prefix, dir.toString());
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
