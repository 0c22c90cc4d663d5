package bng.itests.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's network on one machine: a bridge (namespace {@code sw}) joining a router/client, the
 * bng node and two web servers, all in 198.18.0.0/24. The targets carry the VIP on {@code lo}
 * with {@code arp_ignore=1}/{@code arp_announce=2} exactly as the seed says; bng's interface has no
 * kernel address (bng owns its addresses). Everything made is removed by {@link #close()}, even
 * after a half-built setup.
 */
final class SeedTopology implements AutoCloseable {
    static final String NET = "198.18.0";
    static final String ROUTER = NET + ".1";
    static final String REAL = NET + ".2";
    static final String T1 = NET + ".11";
    static final String T2 = NET + ".12";
    static final String VIP = NET + ".100";
    /** Client addresses on the router namespace, for "many clients". */
    static final int CLIENTS = 12;

    final String prefix;
    final String sw;
    final String router;
    final String bng;
    final String t1;
    final String t2;
    final Path dir;
    private final List<String> namespaces = new ArrayList<>();

    SeedTopology(Path dir) {
        this.dir = dir;
        this.prefix = "bnge" + (ProcessHandle.current().pid() % 100000);
        sw = prefix + "sw";
        router = prefix + "rt";
        bng = prefix + "lb";
        t1 = prefix + "t1";
        t2 = prefix + "t2";
    }

    static String mac(int host) {
        return String.format("02:00:00:00:00:%02x", host);
    }

    void build() throws IOException {
        for (String ns : List.of(sw, router, bng, t1, t2)) {
            Sh.must("ip", "netns", "add", ns);
            namespaces.add(ns);
            Sh.must(Sh.in(ns, "ip", "link", "set", "lo", "up"));
        }
        Sh.must(Sh.in(sw, "ip", "link", "add", "br0", "type", "bridge"));
        Sh.must(Sh.in(sw, "ip", "link", "set", "br0", "up"));
        // br_netfilter would pass bridged frames through iptables (packet-io.md pitfall 3); off where it exists.
        Sh.run(10, Sh.in(sw, "sysctl", "-q", "-e", "-w", "net.bridge.bridge-nf-call-iptables=0",
            "net.bridge.bridge-nf-call-arptables=0"));
        host(router, 1, ROUTER + "/24");
        host(bng, 2, null);
        host(t1, 11, T1 + "/24");
        host(t2, 12, T2 + "/24");
        for (int i = 0; i < CLIENTS; i++) {
            Sh.must(Sh.in(router, "ip", "addr", "add", NET + "." + (20 + i) + "/24", "dev", "eth0"));
        }
        for (String t : List.of(t1, t2)) {
            Sh.must(Sh.in(t, "ip", "addr", "add", VIP + "/32", "dev", "lo"));
            for (String dev : List.of("all", "eth0", "lo")) {
                Sh.must(Sh.in(t, "sysctl", "-q", "-w", "net.ipv4.conf." + dev + ".arp_ignore=1",
                    "net.ipv4.conf." + dev + ".arp_announce=2"));
            }
            Sh.must(Sh.in(t, "ip", "route", "add", "default", "via", ROUTER));
            webServer(t);
        }
        // The kernel of bng's namespace holds no address and does not forward (the defaults of a new
        // namespace); drop VIP frames at ingress after bng's tap has seen them (packet-io.md pitfall 2).
        Sh.must(Sh.in(bng, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0"));
    }

    private void host(String ns, int id, String cidr) {
        String veth = "v" + ns;
        Sh.must("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Sh.must("ip", "link", "set", veth, "netns", sw);
        Sh.must(Sh.in(sw, "ip", "link", "set", veth, "master", "br0", "up"));
        Sh.must(Sh.in(ns, "ip", "link", "set", "eth0", "address", mac(id)));
        if (cidr != null) {
            Sh.must(Sh.in(ns, "ip", "addr", "add", cidr, "dev", "eth0"));
        }
        Sh.must(Sh.in(ns, "ip", "link", "set", "eth0", "up"));
    }

    private void webServer(String ns) throws IOException {
        Path d = dir.resolve(ns);
        Files.createDirectories(d);
        String name = ns.equals(t1) ? "t1" : "t2";
        Files.writeString(d.resolve("nginx.conf"), """
            daemon on;
            worker_processes 1;
            pid %1$s/nginx.pid;
            error_log %1$s/error.log;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path %1$s/body;
                proxy_temp_path %1$s/proxy;
                fastcgi_temp_path %1$s/fastcgi;
                uwsgi_temp_path %1$s/uwsgi;
                scgi_temp_path %1$s/scgi;
                server {
                    listen 80;
                    location / { return 200 "served-by=%2$s\\n"; }
                }
            }
            """.formatted(d, name));
        Sh.must(Sh.in(ns, "nginx", "-c", d.resolve("nginx.conf").toString()));
    }

    /** The seed's configuration with the addresses filled in (examples/dsr.conf). */
    static String seedConfig(Path home) throws IOException {
        return Files.readString(home.resolve("examples/dsr.conf"));
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            // Whatever still runs in the namespace (nginx, a bng that did not stop) goes first.
            Sh.Result pids = Sh.run(10, "ip", "netns", "pids", ns);
            for (String pid : pids.out().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    Sh.run(5, "kill", "-9", pid);
                }
            }
        }
        for (String ns : namespaces) {
            Sh.run(20, "ip", "netns", "del", ns);
        }
        namespaces.clear();
    }
}
