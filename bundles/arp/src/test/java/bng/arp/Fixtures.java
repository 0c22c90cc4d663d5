package bng.arp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import java.util.HexFormat;

/**
 * The configuration every arp test runs: two networks on two interfaces, a VIP inside network 1
 * and one in no network, a target in each network, a gateway, and a registered-only target.
 */
final class Fixtures {
    private Fixtures() {}

    static final String CONFIG = """
        modules arp
        interface 1 name eth0
        interface 2 name eth1
        register interfaces 1,2
        enable interfaces 1,2
        network 1 {
          addr 198.18.0.0
          mask 255.255.0.0
          real 198.18.0.1
          virt 198.18.0.2
          interface 1
        }
        network 2 {
          addr 198.19.0.0
          mask 24
          real 198.19.0.1
          interface 2
        }
        target 1 {
          ipaddr 198.18.0.11
        }
        target 2 {
          ipaddr 198.19.0.12
        }
        target 3 {
          ipaddr 198.18.0.13
        }
        server 1 {
          ipaddr 198.18.0.100
          port 80
          protocol tcp
          targets 1
        }
        server 2 {
          ipaddr 198.19.200.1
          port 80
          protocol tcp
          targets 2
        }
        gateway {
          ipaddr 198.18.0.254
        }
        register networks 1,2
        enable networks 1,2
        register targets 1,2,3
        enable targets 1,2
        register servers 1,2
        enable servers 1,2
        """;

    static Configuration config() {
        return apply(Configuration.empty(), CONFIG);
    }

    /**
     * {@code config} with VRRP on network 1, told to {@code book}, and this node its backup: the
     * floating addresses (virt, virt6, VIPs) are not owned.
     */
    static Configuration vrrpBackup(bng.core.impl.AddressBook book, Configuration config) {
        bng.core.impl.MastershipManager mastership = new bng.core.impl.MastershipManager(book);
        Configuration ha = apply(config, "modules vrrp,arp\nvrrp { vrid 7 priority 100 network 1 }\n");
        book.configurationChanged(config, ha);
        mastership.configurationChanged(config, ha);
        mastership.report(bng.core.api.Mastership.State.BACKUP, "test");
        return ha;
    }

    static Configuration apply(Configuration base, String text) {
        ConfigResult r = ConfigParser.parse("arp-test.conf", text, base);
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Golden hex with spaces for readability; "MAC" stands for a port MAC only known at run time. */
    static String golden(String spaced, long mac) {
        return spaced.replace(" ", "").replace("MAC", String.format("%012x", mac));
    }
}
