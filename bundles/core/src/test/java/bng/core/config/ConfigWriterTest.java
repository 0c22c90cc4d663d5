package bng.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConfigWriterTest {
    private static final ZonedDateTime TAKEN = ZonedDateTime.of(2020, 1, 9, 21, 28, 59, 0, ZoneOffset.UTC);

    @Test
    void writesBalanceNgSavedLayout() {
        Configuration c = ConfigParserTest.ok("""
                hostname LB1
                modules vrrp,arp,slb
                set ipforwarding 1
                interface 1 { name eth0 }
                register interface 1
                enable interface 1
                vrrp { vrid 64 priority 200 network 1 tracking enable }
                network 1 { name "local network" addr 198.18.0.0 mask 24 real6 2001:db8:0:0:0:0:2:1 mask6 48 interface 1 }
                register network 1
                gateway { ipaddr 198.18.0.254 ping 3,8 }
                server 1 { ipaddr 198.18.0.100 port 80 protocol tcp method wrr targets 1,2 backup 3 sessionid src+port }
                target 1 { ipaddr 198.18.0.11 weight 3 tcpopen 80,3,10 }
                target 2 { ipaddr 198.18.0.12 script "/usr/bin/check 80" dsr enable }
                target 3
                register targets 1,2
                enable target 2
                """);
        assertEquals("""
                //        configuration taken Thu Jan  9 21:28:59 2020
                //        BalanceNG 4.100-bng
                hostname  LB1
                modules   vrrp,arp,slb
                set       ipforwarding 1
                interface 1 {
                          name eth0
                          access raw
                }
                register  interface 1
                enable    interface 1
                vrrp      {
                          vrid 64
                          priority 200
                          network 1
                          tracking enable
                }
                network   1 {
                          name "local network"
                          addr 198.18.0.0
                          mask 255.255.255.0
                          mask6 48
                          real6 2001:db8::2:1
                          interface 1
                }
                register  network 1
                gateway   {
                          ipaddr 198.18.0.254
                          ping 3,8
                }
                server    1 {
                          ipaddr 198.18.0.100
                          sessionid src+port
                          port 80
                          protocol tcp
                          method wrr
                          targets 1,2
                          backup 3
                }
                target    1 {
                          ipaddr 198.18.0.11
                          tcpopen 80,3,10
                          weight 3
                }
                target    2 {
                          ipaddr 198.18.0.12
                          script "/usr/bin/check 80"
                          dsr enable
                }
                target    3 {
                }
                register  targets 1,2
                enable    target 2
                //        end of configuration
                """, ConfigWriter.save(c, "4.100-bng", TAKEN));
    }

    /** parse(save(c)) == c over generated configurations (fixed seeds, so failures reproduce). */
    @Test
    void savedTextParsesBackToTheSameConfiguration() {
        for (int seed = 0; seed < 400; seed++) {
            Configuration c = new RandomConfigurations(new Random(seed)).next();
            String saved = ConfigWriter.save(c, "test", TAKEN);
            ConfigResult r = ConfigParser.parse("seed-" + seed, saved, Configuration.empty());
            int s = seed;
            assertTrue(r.ok(), () -> "seed " + s + ": " + r.errors() + "\n" + saved);
            assertEquals(c, r.configuration(), () -> "seed " + s + "\n" + saved);
        }
    }

    /** Valid configurations with every attribute sometimes set, built directly through the builders. */
    private static final class RandomConfigurations {
        private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABC0123456789 ._-:/{}'";
        private final Random random;

        RandomConfigurations(Random random) {
            this.random = random;
        }

        Configuration next() {
            ConfigurationBuilder c = new ConfigurationBuilder(Configuration.empty());
            c.hostname = maybe(this::name);
            c.modules = random.nextBoolean() ? List.of() : List.of("vrrp", "arp", "slb").subList(0, 1 + random.nextInt(3));
            for (Setting s : Setting.values()) {
                if (s.isAddress()) {
                    if (random.nextInt(4) == 0) {
                        c.settings.put(s.keyword(), random.nextBoolean() ? "198.18.1." + random.nextInt(256) : "2001:db8::5");
                    }
                } else if (random.nextInt(4) == 0) {
                    c.settings.put(s.keyword(), Long.toString(s.min() + random.nextLong(s.max() - s.min() + 1)));
                }
            }
            List<Integer> interfaceIds = ids();
            for (int id : interfaceIds) {
                InterfaceDef.Builder b = new InterfaceDef.Builder(id);
                b.state = state();
                b.name = maybe(this::name);
                b.threads = maybe(() -> 1 + random.nextInt(1024));
                b.trackval = maybe(() -> random.nextInt(256));
                c.interfaces.put(id, b);
            }
            List<Integer> networkIds = ids();
            for (int id : networkIds) {
                c.networks.put(id, network(id, interfaceIds));
            }
            List<Integer> targetIds = ids();
            for (int id : targetIds) {
                c.targets.put(id, target(id));
            }
            for (int id : ids()) {
                c.servers.put(id, server(id, targetIds));
            }
            if (random.nextBoolean()) {
                c.gateway = new GatewayDef.Builder();
                c.gateway.ipaddr = maybe(this::ipv4);
                c.gateway.ping = maybe(() -> new PingCheck(1 + random.nextInt(3600), 1 + random.nextInt(86400)));
            }
            if (random.nextBoolean()) {
                c.vrrp = new VrrpDef.Builder();
                c.vrrp.vrid = maybe(() -> 1 + random.nextInt(255));
                c.vrrp.priority = maybe(() -> 1 + random.nextInt(255));
                c.vrrp.networks = subset(networkIds);
                c.vrrp.tracking = random.nextBoolean();
                c.vrrp.peer = maybe(this::ipv4);
            }
            if (random.nextBoolean()) {
                c.bgp = new BgpDef.Builder();
                c.bgp.asn = maybe(() -> 1 + random.nextLong(4294967295L));
                c.bgp.routerid = maybe(this::ipv4);
                List<Inet4Address> neighbors = new java.util.ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    Inet4Address n = ipv4();
                    if (!neighbors.contains(n) && !n.equals(c.bgp.routerid)) {
                        neighbors.add(n);
                    }
                }
                c.bgp.neighbors = neighbors;
                c.bgp.peeras = maybe(() -> 1 + random.nextLong(4294967295L));
                c.bgp.hold = maybe(() -> random.nextBoolean() ? 0 : 3 + random.nextInt(65533));
            }
            return c.build();
        }

        private NetworkDef.Builder network(int id, List<Integer> interfaceIds) {
            NetworkDef.Builder b = new NetworkDef.Builder(id);
            b.state = state();
            b.name = maybe(this::name);
            Inet4Address base = ipv4();
            int prefix = random.nextInt(33);
            if (random.nextBoolean()) {
                b.addr = base;
                b.mask = prefix;
            }
            // real, virt and syncpeer share the network's prefix, so they always lie inside it
            b.real = maybe(() -> within(base, prefix));
            b.virt = maybe(() -> within(base, prefix));
            b.syncpeer = maybe(() -> within(base, prefix));
            Inet6Address base6 = ipv6();
            int prefix6 = random.nextInt(129);
            b.mask6 = maybe(() -> prefix6);
            b.real6 = maybe(() -> base6);
            b.virt6 = maybe(() -> (Inet6Address) withinAny(base6, prefix6));
            b.nat = maybe(() -> NatRole.values()[random.nextInt(b.virt == null ? 1 : 2)]); // outside needs a virt
            b.interfaceId = interfaceIds.isEmpty() ? null : maybe(() -> pick(interfaceIds));
            return b;
        }

        private TargetDef.Builder target(int id) {
            TargetDef.Builder b = new TargetDef.Builder(id);
            b.state = state();
            b.ipaddr = maybe(this::ipv4);
            b.ipaddr6 = maybe(this::ipv6);
            b.protocol = maybe(() -> Protocol.values()[random.nextInt(2)]);
            b.tcpopen = maybe(() -> new TcpOpenCheck(port(), 1 + random.nextInt(3600), 1 + random.nextInt(86400)));
            b.ping = maybe(() -> new PingCheck(1 + random.nextInt(3600), 1 + random.nextInt(86400)));
            b.ping6 = maybe(() -> new PingCheck(1 + random.nextInt(3600), 1 + random.nextInt(86400)));
            b.agent = maybe(() -> new AgentCheck(port(), 1 + random.nextInt(3600), 1 + random.nextInt(86400)));
            b.agent6 = maybe(() -> new AgentCheck(port(), 1 + random.nextInt(3600), 1 + random.nextInt(86400)));
            b.arp = maybe(() -> new PingCheck(1 + random.nextInt(3600), 1 + random.nextInt(86400)));
            b.script = maybe(this::name);
            b.alert = maybe(this::name);
            b.upalert = maybe(this::name);
            b.weight = 1 + random.nextInt(random.nextBoolean() ? 2 : 65535);
            b.dsr = random.nextBoolean();
            // a DSR target has no port of its own, so it never conflicts with a server's port
            b.port = b.dsr ? null : maybe(this::port);
            return b;
        }

        private ServerDef.Builder server(int id, List<Integer> targetIds) {
            ServerDef.Builder b = new ServerDef.Builder(id);
            b.state = state();
            b.ipaddr = maybe(this::ipv4);
            b.ipaddr6 = maybe(this::ipv6);
            b.port = maybe(this::port);
            b.protocol = maybe(() -> Protocol.values()[random.nextInt(2)]);
            List<Integer> chosen = subset(targetIds);
            int split = chosen.isEmpty() ? 0 : random.nextInt(chosen.size() + 1);
            b.targets = chosen.subList(0, split);
            b.backup = chosen.subList(split, chosen.size());
            b.method = Method.values()[random.nextInt(Method.values().length)];
            b.sessionid = maybe(() -> SessionKey.values()[random.nextInt(2)]);
            b.proxy = random.nextBoolean();
            b.prx = maybe(this::ipv4);
            b.prx6 = maybe(this::ipv6);
            return b;
        }

        private <T> T maybe(java.util.function.Supplier<T> value) {
            return random.nextBoolean() ? value.get() : null;
        }

        private ObjectState state() {
            return ObjectState.values()[random.nextInt(3)];
        }

        private List<Integer> ids() {
            List<Integer> ids = new ArrayList<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                int id = random.nextInt(8) == 0 ? 1 + random.nextInt(Values.MAX_SERVER_TARGET_ID) : 1 + random.nextInt(10);
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            }
            return ids;
        }

        private List<Integer> subset(List<Integer> ids) {
            List<Integer> shuffled = new ArrayList<>(ids);
            Collections.shuffle(shuffled, random);
            return List.copyOf(shuffled.subList(0, random.nextInt(shuffled.size() + 1)));
        }

        private int pick(List<Integer> ids) {
            return ids.get(random.nextInt(ids.size()));
        }

        private int port() {
            return 1 + random.nextInt(65535);
        }

        private String name() {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(12); i >= 0; i--) {
                s.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
            }
            return s.toString();
        }

        private Inet4Address ipv4() {
            byte[] b = new byte[4];
            random.nextBytes(b);
            return IpAddresses.parseIpv4((b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff));
        }

        /** IPv6 with runs of zero groups, to exercise "::" placement. */
        private Inet6Address ipv6() {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                s.append(i == 0 ? "" : ":").append(random.nextInt(3) == 0 ? Integer.toHexString(random.nextInt(65536)) : "0");
            }
            return IpAddresses.parseIpv6(s.toString());
        }

        private Inet4Address within(Inet4Address base, int prefix) {
            return (Inet4Address) withinAny(base, prefix);
        }

        private java.net.InetAddress withinAny(java.net.InetAddress base, int prefix) {
            byte[] bytes = base.getAddress();
            for (int bit = prefix; bit < bytes.length * 8; bit++) {
                if (random.nextBoolean()) {
                    bytes[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                }
            }
            StringBuilder text = new StringBuilder();
            if (bytes.length == 4) {
                for (byte x : bytes) {
                    text.append(text.isEmpty() ? "" : ".").append(x & 0xff);
                }
                return IpAddresses.parseIpv4(text.toString());
            }
            for (int i = 0; i < 16; i += 2) {
                text.append(i == 0 ? "" : ":").append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
            }
            return IpAddresses.parseIpv6(text.toString());
        }
    }
}
