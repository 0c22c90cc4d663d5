package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * A VRRP pair serving an IPv6 VIP (bin/seed-net with SEED_NODES=2 and SEED_IPV6=1): the router's
 * neighbour entry for the VIP6 is what moves traffic, and only unsolicited neighbour advertisements
 * with the override flag move it before the router's own NUD gives up on the old MAC. A backup
 * must never send them for the floating addresses (it would pull the VIP6 away from the master),
 * and a new master must send them at once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VrrpIpv6TakeoverTest {
    private static final Path HOME = BngNode.HOME;
    static final String VIP6 = "2001:db8::100";
    static final String LB1_MAC = SeedTopology.mac(2);
    static final String LB2_MAC = SeedTopology.mac(3);

    @TempDir
    static Path tmp;
    static SeedTopology net;
    /** lb1 (priority 200) and lb2 (100) at [1] and [2]. */
    static final BngNode[] nodes = new BngNode[3];

    static String config(int node) {
        return """
            modules   vrrp,arp,ping,hc,master,slb
            set       vrrppreemptts 5
            interface 1 {
                      name eth0
                      access raw
            }
            register  interface 1
            enable    interface 1
            vrrp      {
                      vrid 19
                      priority %d
                      network 1
            }
            network   1 {
                      name "local network"
                      addr 198.18.0.0
                      mask 255.255.255.0
                      real 198.18.0.%d
                      virt 198.18.0.5
                      mask6 64
                      real6 2001:db8::%d
                      virt6 2001:db8::5
                      interface 1
            }
            register  network 1
            enable    network 1
            server    1 {
                      ipaddr6 2001:db8::100
                      port 80
                      protocol tcp
                      sessionid src+port
                      targets 1,2
            }
            register  server 1
            enable    server 1
            target    1 {
                      ipaddr6 2001:db8::11
                      port 80
                      protocol tcp
                      tcpopen 80,2,6
                      dsr enable
            }
            target    2 {
                      ipaddr6 2001:db8::12
                      port 80
                      protocol tcp
                      tcpopen 80,2,6
                      dsr enable
            }
            register  targets 1,2
            enable    targets 1,2
            """.formatted(node == 1 ? 200 : 100, node + 1, node + 1);
    }

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "bngex" + (ProcessHandle.current().pid() % 10000), 2).ipv6("1").buildOrClose();
        for (int k = 1; k <= 2; k++) {
            nodes[k] = new BngNode(HOME, net, k == 1 ? net.bng : net.bng2, tmp.resolve("run" + k), tmp.resolve("lb" + k + ".conf"));
            nodes[k].label = "lb" + k;
        }
    }

    @AfterAll
    static void down() {
        try {
            for (int k = 1; k <= 2; k++) {
                if (nodes[k] != null && Files.exists(nodes[k].runDir)) {
                    nodes[k].close();
                }
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    static String state(int node) {
        Sh.Result r = nodes[node].bng("show vrrp\n", "control");
        Matcher m = Pattern.compile("(?m)^\\s*state (\\w+)").matcher(r.out());
        return r.exit() == 0 && m.find() ? m.group(1) : "?";
    }

    static String routerNeighbour() {
        return Sh.run(10, Sh.in(net.router, "ip", "-6", "neigh", "show", VIP6)).out();
    }

    static long await(long millis, java.util.function.BooleanSupplier done, java.util.function.Supplier<String> what)
            throws InterruptedException {
        return BngNode.await(millis, 100, done, what);
    }

    static String curl() {
        Sh.Result r = Sh.run(20, Sh.in(net.router, "curl", "-6", "-s", "--max-time", "5", "--interface", "2001:db8::20",
            "http://[" + VIP6 + "]/"));
        return r.exit() == 0 ? r.out().strip() : "curl exit " + r.exit() + " " + r.out();
    }

    @Test
    @Order(1)
    void aBackupLeavesTheMastersVip6Alone() throws Exception {
        nodes[1].launch(Path.of(writeConfig(1)));
        await(30_000, () -> state(1).equals("MASTER"), () -> nodes[1].control("show vrrp\n") + nodes[1].log());
        nodes[1].awaitTargetsUp();
        assertTrue(curl().startsWith("served-by="), curl() + nodes[1].log());
        assertTrue(routerNeighbour().contains(LB1_MAC), routerNeighbour());

        nodes[2].launch(Path.of(writeConfig(2)));
        await(30_000, () -> state(2).equals("BACKUP"), () -> nodes[2].control("show vrrp\n") + nodes[2].log());
        // A commit announces what it adds 3 times, a second apart: all of that is over after 3.5 s.
        Thread.sleep(3_500);
        assertTrue(routerNeighbour().contains(LB1_MAC), "the backup must not override the VIP6: " + routerNeighbour());
        assertEquals("MASTER", state(1));
        assertTrue(curl().startsWith("served-by="), curl() + nodes[1].log());
    }

    @Test
    @Order(2)
    void aNewMasterMovesTheVip6AtOnce() throws Exception {
        String pid = nodes[1].pid();
        long t0 = System.nanoTime();
        Sh.must("kill", "-9", pid);
        await(10_000, () -> state(2).equals("MASTER"), () -> nodes[2].control("show vrrp\n"));
        long master = (System.nanoTime() - t0) / 1_000_000;
        // No traffic meanwhile: the router's entry stays lb1's until something tells it otherwise
        // (its NUD probes only when it sends, and then takes seconds more).
        long moved = await(3_000, () -> routerNeighbour().contains(LB2_MAC),
            () -> "the new master's unsolicited advertisement: " + routerNeighbour() + nodes[2].log()) + master;
        System.out.printf("vrrp ipv6: lb2 MASTER %d ms after kill -9 of lb1, router's VIP6 entry on lb2 %d ms%n", master, moved);
        assertTrue(curl().startsWith("served-by="), "through lb2: " + curl() + nodes[2].log());
        Files.deleteIfExists(nodes[1].runDir.resolve("bng.0.pid"));
    }

    static String writeConfig(int node) throws Exception {
        Path conf = tmp.resolve("lb" + node + ".conf");
        Files.writeString(conf, config(node));
        return conf.toString();
    }
}
