package bng.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Routing mode on real hosts (reference example E1, single-legged): one bridge, the clients beyond
 * the router (198.19.0.20+), the targets in their own network 198.18.1.0/24 with bng's virt as
 * default gateway ({@code bin/seed-net up PREFIX DIR e1}). Server 1 balances them in NAT mode (the
 * targets see the clients' addresses), server 2 as SNAT proxy from the virt (E7's way: the targets
 * see prx and need no route back), and rt routes what is neither. The targets' network is
 * {@code nat inside}, the clients' side {@code nat outside}: connections the targets open themselves
 * reach the client side from bng's outside virt (module nat).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutingNatTest {
    private static final Path HOME = BngNode.HOME;
    static final String NAT_VIP = "198.18.0.100";
    static final String SNAT_VIP = "198.18.0.101";
    static final String PRX = "198.18.1.254";
    static final String CLIENTS = "198.19.0";
    static final String ROUTER = "198.18.0.1";
    /** bng's virt in the outside network: the source generic NAT gives the targets' own connections. */
    static final String OUTSIDE_VIRT = "198.18.0.3";
    /** Answers HTTP GET on TCP 8080 and any UDP datagram on 5353 with "from=" the peer's address. */
    static final String PEER_SERVER = """
        import http.server, socket, sys, threading
        addr = sys.argv[1]
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = ("from=%s\\n" % self.client_address[0]).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((addr, 5353))
        def udp():
            while True:
                data, peer = u.recvfrom(2048)
                u.sendto(("from=%s" % peer[0]).encode(), peer)
        threading.Thread(target=udp, daemon=True).start()
        print("ready", flush=True)
        http.server.HTTPServer((addr, 8080), H).serve_forever()
        """;
    static final String UDP_CLIENT = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        for attempt in range(5):
            s.sendto(b"hello", (sys.argv[1], 5353))
            try:
                print(s.recvfrom(2048)[0].decode())
                break
            except socket.timeout:
                pass
        """;

    static final String CONFIG = """
        modules   arp,ping,hc,master,slb,nat,rt
        set       ipforwarding 1
        interface 1 {
                  name eth0
                  access raw
        }
        register  interface 1
        enable    interface 1
        network   1 {
                  name "local network"
                  addr 198.18.0.0
                  mask 255.255.255.0
                  real 198.18.0.2
                  virt 198.18.0.3
                  nat outside
                  interface 1
        }
        network   2 {
                  name "target network"
                  addr 198.18.1.0
                  mask 255.255.255.0
                  real 198.18.1.253
                  virt 198.18.1.254
                  nat inside
                  interface 1
        }
        register  networks 1,2
        enable    networks 1,2
        gateway   {
                  ipaddr 198.18.0.1
                  ping 3,8
        }
        server    1 {
                  ipaddr 198.18.0.100
                  port 80
                  protocol tcp
                  targets 1,2
        }
        server    2 {
                  ipaddr 198.18.0.101
                  port 80
                  protocol tcp
                  sessionid src+port
                  proxy enable
                  prx 198.18.1.254
                  targets 3,4
        }
        register  servers 1,2
        enable    servers 1,2
        target    1 {
                  ipaddr 198.18.1.11
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
        }
        target    2 {
                  ipaddr 198.18.1.12
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
        }
        target    3 {
                  ipaddr 198.18.1.11
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
        }
        target    4 {
                  ipaddr 198.18.1.12
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
        }
        register  targets 1,2,3,4
        enable    targets 1,2,3,4
        """;

    @TempDir
    static Path tmp;
    static SeedTopology net;
    static BngNode node;

    @BeforeAll
    static void up() throws Exception {
        BngNode.requireRoot();
        net = new SeedTopology(HOME, tmp, "bngn" + (ProcessHandle.current().pid() % 10000), "e1").buildOrClose();
        node = new BngNode(HOME, net, tmp);
        node.logExtra = () -> "\n--- show slb / rt / nat:\n" + node.control("show slb\nshow rt\nshow nat\nshow arp\n");
        node.launch(CONFIG);
        node.awaitTargetsUp(4, 40);
    }

    @AfterAll
    static void down() {
        BngNode.stop(node, net);
    }

    /** curl from every client to {@code vip}; returns served-by → count, checking each "from=" with {@code seenAs}. */
    static Map<String, Integer> curlAll(String vip, java.util.function.UnaryOperator<String> seenAs) {
        Map<String, Integer> servedBy = new TreeMap<>();
        for (int c = 0; c < SeedTopology.CLIENTS; c++) {
            String client = CLIENTS + "." + (20 + c);
            Sh.Result r = Sh.run(30, Sh.in(net.router, "curl", "-s", "--max-time", "10", "--interface", client,
                "http://" + vip + "/"));
            assertEquals(0, r.exit(), "curl from " + client + " to " + vip + ": " + r.out() + node.log());
            Matcher m = Pattern.compile("served-by=(t[12]) from=(\\S+)").matcher(r.out());
            assertTrue(m.find(), r.out());
            assertEquals(seenAs.apply(client), m.group(2), "the address the target saw");
            servedBy.merge(m.group(1), 1, Integer::sum);
        }
        return servedBy;
    }

    @Test
    @Order(1)
    void targetsPingTheirGatewayBngsVirt() {
        for (String t : List.of(net.t1, net.t2)) {
            Sh.Result r = Sh.run(20, Sh.in(t, "ping", "-c", "3", "-i", "0.2", "-W", "2", PRX));
            assertEquals(0, r.exit(), t + ": " + r.out() + node.log());
        }
    }

    @Test
    @Order(2)
    void natSpreadsClientsOverTheTargetsWhichSeeTheClientsAddresses() {
        Map<String, Integer> servedBy = curlAll(NAT_VIP, client -> client);
        assertEquals(2, servedBy.size(), "both targets serve: " + servedBy);
    }

    @Test
    @Order(3)
    void snatProxySpreadsClientsAndTheTargetsSeePrx() {
        Map<String, Integer> servedBy = curlAll(SNAT_VIP, client -> PRX);
        assertEquals(2, servedBy.size(), "both targets serve: " + servedBy);
    }

    @Test
    @Order(4)
    void rtRoutesBetweenTheNetworksAndAnswersTtlExpiry() {
        Sh.Result r = Sh.run(20, Sh.in(net.t1, "ping", "-c", "3", "-i", "0.3", "-W", "2", ROUTER));
        assertEquals(0, r.exit(), "t1 → router through bng: " + r.out() + node.log());
        Sh.Result ttl = Sh.run(20, Sh.in(net.t1, "ping", "-c", "1", "-t", "1", "-W", "2", ROUTER));
        assertTrue(ttl.out().contains("From 198.18.1.253") && ttl.out().contains("Time to live exceeded"),
            "ICMP time exceeded from the target network's real: " + ttl.out());
        String rt = node.control("show rt\n");
        assertTrue(rt.lines().anyMatch(l -> l.matches("forwarded\\s+[1-9]\\d*")), rt);
    }

    @Test
    @Order(5)
    void targetsOpenConnectionsToTheClientSideThroughNat() throws Exception {
        String peer = CLIENTS + ".20";
        Path script = tmp.resolve("peer.py");
        Files.writeString(script, PEER_SERVER);
        Path out = tmp.resolve("peer.log");
        // Bounded by timeout(1) even if this JVM dies; SIGTERM from destroy() reaches python through it.
        Process server = new ProcessBuilder(Sh.in(net.router, "timeout", "60", "python3", script.toString(), peer))
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!Files.readString(out).contains("ready") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(out).contains("ready"), "peer server: " + Files.readString(out));
            for (String t : List.of(net.t1, net.t2)) {
                Sh.Result r = Sh.run(20, Sh.in(t, "curl", "-s", "--max-time", "5", "http://" + peer + ":8080/"));
                assertEquals(0, r.exit(), t + " curl to " + peer + ": " + r.out() + node.log());
                assertEquals("from=" + OUTSIDE_VIRT, r.out().strip(), t + ": the client side sees bng's outside virt");
            }
            Sh.Result udp = Sh.run(20, Sh.in(net.t1, "python3", "-c", UDP_CLIENT, peer));
            assertEquals("from=" + OUTSIDE_VIRT, udp.out().strip(), "UDP through nat: " + udp.out() + node.log());
        } finally {
            server.destroy();
            server.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        String nat = node.control("show nat\n");
        System.out.println("show nat after the targets' connections:\n" + nat);
        assertTrue(nat.lines().anyMatch(l -> l.matches("tcp\\s+\\d+ active, ([2-9]|\\d\\d+) created.*")), nat);
        assertTrue(nat.lines().anyMatch(l -> l.matches("udp\\s+1 active, 1 created.*")), nat);
        assertTrue(nat.lines().anyMatch(l -> l.matches("icmp\\s+\\d+ active, [1-9]\\d* created.*")),
            "the targets' pings to the router went through nat too: " + nat);
        assertTrue(nat.contains("198.18.1.11:"), nat);
    }

    @Test
    @Order(6)
    void snatProxyServesTargetsThatHaveNoRouteToTheClients() {
        for (String t : List.of(net.t1, net.t2)) {
            Sh.must(Sh.in(t, "ip", "route", "del", "default"));
        }
        Map<String, Integer> servedBy = curlAll(SNAT_VIP, client -> PRX);
        assertEquals(2, servedBy.size(), "both targets serve: " + servedBy);
    }
}
