package bng.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.TargetHealth;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.HealthBoard;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which VIPs a node announces, from a parsed configuration and core's real health board. */
class AnnouncementPlanTest {
    static final String CONFIG = """
        bgp { asn 64512 routerid 198.18.0.5 neighbor 198.18.0.1 peeras 64500 hold 3 }
        server 1 { ipaddr 198.18.1.100 port 80 method hash targets 1,2 }
        server 2 { ipaddr 198.18.1.101 port 80 targets 3 backup 4 }
        server 3 { ipaddr 198.18.1.102 port 80 targets 1 }
        server 4 { ipaddr6 2001:db8::100 targets 1 }
        target 1 ipaddr 198.18.0.11
        target 2 ipaddr 198.18.0.12
        target 3 ipaddr 198.18.0.13
        target 4 ipaddr 198.18.0.14
        register servers 1,2,3,4
        enable servers 1,2,4
        register targets 1,2,3,4
        enable targets 1,2,3
        """;

    static Configuration config(String text) {
        ConfigResult r = ConfigParser.parse("bgp-test.conf", text, Configuration.empty());
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.configuration();
    }

    static String lines(List<Announcement> plan) {
        StringBuilder b = new StringBuilder();
        for (Announcement a : plan) {
            b.append(a.server()).append(' ').append(a.vip().getHostAddress()).append(' ')
                .append(a.announced() ? "announced" : "withdrawn").append(": ").append(a.reason()).append('\n');
        }
        return b.toString();
    }

    @Test
    void aServerIsAnnouncedWhileOneOfItsEnabledTargetsIsUp() {
        HealthBoard health = new HealthBoard();
        Configuration c = config(CONFIG);
        assertEquals("""
            1 198.18.1.100 withdrawn: no target up (1 unknown, 2 unknown)
            2 198.18.1.101 withdrawn: no target up (3 unknown, 4 not enabled)
            3 198.18.1.102 withdrawn: server registered, not enabled
            """, lines(AnnouncementPlan.of(c, health)));
        health.report(2, TargetHealth.UP, "test");
        health.report(1, TargetHealth.DOWN, "test");
        health.report(4, TargetHealth.UP, "test"); // up, but not enabled: it serves nobody
        health.report(3, TargetHealth.DOWN, "test");
        assertEquals("""
            1 198.18.1.100 announced: targets up: 2
            2 198.18.1.101 withdrawn: no target up (3 down, 4 not enabled)
            3 198.18.1.102 withdrawn: server registered, not enabled
            """, lines(AnnouncementPlan.of(c, health)));
        health.report(1, TargetHealth.UP, "test");
        assertEquals("1 198.18.1.100 announced: targets up: 1,2\n",
            lines(AnnouncementPlan.of(c, health)).lines().findFirst().orElseThrow() + "\n");
    }

    @Test
    void nothingIsAnnouncedWhileTheBgpStatementLacksWhatASessionNeeds() {
        HealthBoard health = new HealthBoard();
        health.report(1, TargetHealth.UP, "test");
        Configuration c = config(CONFIG.replace("neighbor 198.18.0.1 peeras 64500", ""));
        assertEquals("1 198.18.1.100 withdrawn: bgp lacks neighbor, peeras\n",
            lines(AnnouncementPlan.of(c, health)).lines().findFirst().orElseThrow() + "\n");
        assertEquals("no bgp statement", AnnouncementPlan.incomplete(config("hostname x").bgp()));
    }

    @Test
    void birdConfigurationAnnouncesThroughTheLivenessInterfaceOnly() {
        Configuration c = config(CONFIG.replace("neighbor 198.18.0.1", "neighbor 198.18.0.1,198.18.0.9"));
        HealthBoard health = new HealthBoard();
        health.report(2, TargetHealth.UP, "test");
        String text = BirdConfig.render(c.bgp(), AnnouncementPlan.of(c, health).stream()
            .filter(Announcement::announced).map(Announcement::vip).toList(), "bngvips0", "/run/bng/bird.0.log");
        assertEquals("""
            # Written by bng (module bgp) from its bgp statement; rewritten on every change.
            log "/run/bng/bird.0.log" { info, remote, warning, error, auth, fatal, bug };
            router id 198.18.0.5;
            protocol device {
              scan time 10;
            }
            protocol static bng_vips {
              ipv4;
              check link;
              route 198.18.1.100/32 via "bngvips0";
            }
            protocol bgp router1 {
              local as 64512;
              neighbor 198.18.0.1 as 64500;
              hold time 3;
              graceful restart off;
              connect retry time 2;
              error wait time 1, 10;
              ipv4 {
                import none;
                export where proto = "bng_vips";
              };
            }
            protocol bgp router2 {
              local as 64512;
              neighbor 198.18.0.9 as 64500;
              hold time 3;
              graceful restart off;
              connect retry time 2;
              error wait time 1, 10;
              ipv4 {
                import none;
                export where proto = "bng_vips";
              };
            }
            """, text);
    }
}
