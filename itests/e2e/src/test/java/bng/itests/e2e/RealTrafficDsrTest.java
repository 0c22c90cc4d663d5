package bng.itests.e2e;

import org.junit.jupiter.api.Test;

/**
 * {@link RealTrafficTest} in direct server return on the seed's network: the targets answer from
 * the VIP on their loopback straight to the router, whose narrow client-side link makes it send
 * "fragmentation needed" to the VIP, that is to bng, which passes it to the flow's target unchanged
 * but for the MACs. The DNS server is a second server on the same VIP, port 53, UDP. With
 * {@code SEED_IPV6=1} the same download runs over IPv6 (example E4's VIP 2001:db8::100), where the
 * router sends ICMPv6 packet too big: IPv6 routers never fragment.
 */
class RealTrafficDsrTest extends RealTrafficTest {
    static final String CONFIG = """
        modules   arp,ping,hc,master,slb
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
                  mask6 64
                  real6 2001:db8::2
                  interface 1
        }
        register  network 1
        enable    network 1
        server    1 {
                  ipaddr 198.18.0.100
                  port 80
                  protocol tcp
                  targets 1,2
        }
        server    2 {
                  ipaddr 198.18.0.100
                  port 53
                  protocol udp
                  sessionid src+port
                  targets 3,4
        }
        server    3 {
                  ipaddr6 2001:db8::100
                  port 80
                  protocol tcp
                  targets 5,6
        }
        register  servers 1,2,3
        enable    servers 1,2,3
        target    1 {
                  ipaddr 198.18.0.11
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
                  dsr enable
        }
        target    2 {
                  ipaddr 198.18.0.12
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
                  dsr enable
        }
        target    3 {
                  ipaddr 198.18.0.11
                  port 53
                  protocol udp
                  ping 2,6
                  dsr enable
        }
        target    4 {
                  ipaddr 198.18.0.12
                  port 53
                  protocol udp
                  ping 2,6
                  dsr enable
        }
        target    5 {
                  ipaddr6 2001:db8::11
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
                  dsr enable
        }
        target    6 {
                  ipaddr6 2001:db8::12
                  port 80
                  protocol tcp
                  tcpopen 80,3,10
                  dsr enable
        }
        register  targets 1,2,3,4,5,6
        enable    targets 1,2,3,4,5,6
        """;

    @Override
    String mode() {
        return null;
    }

    @Override
    String tag() {
        return "d";
    }

    @Override
    String config() {
        return CONFIG;
    }

    @Override
    String webVip() {
        return SeedTopology.VIP;
    }

    @Override
    String dnsVip() {
        return SeedTopology.VIP;
    }

    @Override
    String ipv6() {
        return "1";
    }

    @Override
    int targets() {
        return 6;
    }

    @Test
    void twentyMegabyteDownloadsCompleteOverIpv6AcrossTheNarrowLink() throws Exception {
        downloadsFromBoth("slb6", "2001:db8:19:1::", "2001:db8::100");
    }
}
