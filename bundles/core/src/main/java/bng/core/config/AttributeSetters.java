package bng.core.config;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What each attribute of each block means: converts the value token and stores it in the builder.
 * Records where every attribute was written ("target 2 port", and "server 1 targets 3" per list
 * element) so that the {@link Validator} can report whole-configuration problems at the line that
 * caused them. Each method returns false when its block has no attribute of that name.
 */
final class AttributeSetters {
    static final List<String> INTERFACE = List.of("name", "access", "threads", "trackval");
    static final List<String> NETWORK = List.of("name", "addr", "mask", "real", "virt", "mask6", "real6", "virt6",
            "nat", "syncpeer", "interface");
    static final List<String> SERVER = List.of("ipaddr", "ipaddr6", "port", "protocol", "targets", "backup", "method",
            "sessionid", "proxy", "prx", "prx6");
    static final List<String> TARGET = List.of("ipaddr", "ipaddr6", "port", "protocol", "tcpopen", "ping", "ping6",
            "agent", "agent6", "arp", "script", "alert", "upalert", "dsr", "weight");
    static final List<String> GATEWAY = List.of("ipaddr", "ping");
    static final List<String> VRRP = List.of("vrid", "priority", "network", "tracking", "peer");
    static final List<String> BGP = List.of("asn", "routerid", "neighbor", "peeras", "hold");
    /** RFC 6793: four-octet AS numbers; 0 is reserved (RFC 7607). */
    private static final long MAX_ASN = 4294967295L;

    /** Access methods a driver exists for; anything else would only fail later, at start. */
    private static final List<String> ACCESS_METHODS = List.of(InterfaceDef.DEFAULT_ACCESS, "pcap", "memory");
    private static final long[] PORT = {1, 65535};
    private static final long[] INTERVAL = {1, 3600};
    private static final long[] TIMEOUT = {1, 86400};

    private final Values values;
    private final Map<String, Position> sites;

    AttributeSetters(Values values, Map<String, Position> sites) {
        this.values = values;
        this.sites = sites;
    }

    boolean setting(ConfigurationBuilder config, Token name, Token v) {
        Setting s = Setting.of(name.text());
        if (s == null) {
            return false;
        }
        if (s.isAddress()) {
            set(values.address(v, "set " + s.keyword()), a -> config.settings.put(s.keyword(), IpAddresses.format(a)));
        } else {
            set(values.setting(v, s), n -> config.settings.put(s.keyword(), Long.toString(n)));
        }
        return true;
    }

    boolean interfaceAttribute(InterfaceDef.Builder b, Token name, Token v) {
        if (!INTERFACE.contains(name.text())) {
            return false;
        }
        String what = site("interface " + b.id, name);
        switch (name.text()) {
            case "name" -> set(values.text(v, what), x -> b.name = x);
            case "access" -> set(values.oneOf(v, what, ACCESS_METHODS), x -> b.access = x);
            case "threads" -> set(values.number(v, what, 1, 1024), x -> b.threads = x);
            default -> set(values.number(v, what, 0, 255), x -> b.trackval = x);
        }
        return true;
    }

    boolean networkAttribute(NetworkDef.Builder b, Token name, Token v) {
        if (!NETWORK.contains(name.text())) {
            return false;
        }
        String what = site("network " + b.id, name);
        switch (name.text()) {
            case "name" -> set(values.text(v, what), x -> b.name = x);
            case "addr" -> set(values.ipv4(v, what), x -> b.addr = x);
            case "mask" -> set(values.mask(v, what), x -> b.mask = x);
            case "real" -> set(values.ipv4(v, what), x -> b.real = x);
            case "virt" -> set(values.ipv4(v, what), x -> b.virt = x);
            case "mask6" -> set(values.number(v, what, 0, 128), x -> b.mask6 = x);
            case "real6" -> set(values.ipv6(v, what), x -> b.real6 = x);
            case "virt6" -> set(values.ipv6(v, what), x -> b.virt6 = x);
            case "nat" -> set(values.keyword(v, what, NatRole.values()), x -> b.nat = x);
            case "syncpeer" -> set(values.ipv4(v, what), x -> b.syncpeer = x);
            default -> set(values.number(v, what, 1, Values.MAX_ID), x -> b.interfaceId = x);
        }
        return true;
    }

    boolean serverAttribute(ServerDef.Builder b, Token name, Token v) {
        if (!SERVER.contains(name.text())) {
            return false;
        }
        String what = site("server " + b.id, name);
        switch (name.text()) {
            case "ipaddr" -> set(values.ipv4(v, what), x -> b.ipaddr = x);
            case "ipaddr6" -> set(values.ipv6(v, what), x -> b.ipaddr6 = x);
            case "port" -> set(values.number(v, what, PORT[0], PORT[1]), x -> b.port = x);
            case "protocol" -> set(values.keyword(v, what, Protocol.values()), x -> b.protocol = x);
            case "targets" -> set(idList(v, what, "target"), x -> b.targets = x);
            case "backup" -> set(idList(v, what, "target"), x -> b.backup = x);
            case "method" -> set(values.keyword(v, what, Method.values()), x -> b.method = x);
            case "sessionid" -> set(values.keyword(v, what, SessionKey.values()), x -> b.sessionid = x);
            case "proxy" -> set(values.enable(v, what), x -> b.proxy = x);
            case "prx" -> set(values.ipv4(v, what), x -> b.prx = x);
            default -> set(values.ipv6(v, what), x -> b.prx6 = x);
        }
        return true;
    }

    boolean targetAttribute(TargetDef.Builder b, Token name, Token v) {
        if (!TARGET.contains(name.text())) {
            return false;
        }
        String what = site("target " + b.id, name);
        switch (name.text()) {
            case "ipaddr" -> set(values.ipv4(v, what), x -> b.ipaddr = x);
            case "ipaddr6" -> set(values.ipv6(v, what), x -> b.ipaddr6 = x);
            case "port" -> set(values.number(v, what, PORT[0], PORT[1]), x -> b.port = x);
            case "protocol" -> set(values.keyword(v, what, Protocol.values()), x -> b.protocol = x);
            case "tcpopen" -> set(tcpOpen(v, what), x -> b.tcpopen = x);
            case "ping" -> set(ping(v, what), x -> b.ping = x);
            case "ping6" -> set(ping(v, what), x -> b.ping6 = x);
            case "agent" -> set(agent(v, what), x -> b.agent = x);
            case "agent6" -> set(agent(v, what), x -> b.agent6 = x);
            case "arp" -> set(ping(v, what), x -> b.arp = x);
            case "script" -> set(values.text(v, what), x -> b.script = x);
            case "alert" -> set(values.text(v, what), x -> b.alert = x);
            case "upalert" -> set(values.text(v, what), x -> b.upalert = x);
            case "dsr" -> set(values.enable(v, what), x -> b.dsr = x);
            default -> set(values.number(v, what, 1, 65535), x -> b.weight = x);
        }
        return true;
    }

    boolean gatewayAttribute(GatewayDef.Builder b, Token name, Token v) {
        if (!GATEWAY.contains(name.text())) {
            return false;
        }
        String what = site("gateway", name);
        switch (name.text()) {
            case "ipaddr" -> set(values.ipv4(v, what), x -> b.ipaddr = x);
            default -> set(ping(v, what), x -> b.ping = x);
        }
        return true;
    }

    boolean vrrpAttribute(VrrpDef.Builder b, Token name, Token v) {
        if (!VRRP.contains(name.text())) {
            return false;
        }
        String what = site("vrrp", name);
        switch (name.text()) {
            case "vrid" -> set(values.number(v, what, 1, 255), x -> b.vrid = x);
            case "priority" -> set(values.number(v, what, 1, 255), x -> b.priority = x);
            case "network" -> set(idList(v, what, "network"), x -> b.networks = x);
            case "peer" -> set(values.ipv4(v, what), x -> b.peer = x);
            default -> set(values.enable(v, what), x -> b.tracking = x);
        }
        return true;
    }

    boolean bgpAttribute(BgpDef.Builder b, Token name, Token v) {
        if (!BGP.contains(name.text())) {
            return false;
        }
        String what = site("bgp", name);
        switch (name.text()) {
            case "asn" -> set(values.longNumber(v, what, 1, MAX_ASN), x -> b.asn = x);
            case "routerid" -> set(values.ipv4(v, what), x -> b.routerid = x);
            case "neighbor" -> set(values.ipv4List(v, what), x -> b.neighbors = x);
            case "peeras" -> set(values.longNumber(v, what, 1, MAX_ASN), x -> b.peeras = x);
            default -> set(values.holdTime(v, what), x -> b.hold = x);
        }
        return true;
    }

    /** Records where owner's attribute was written; returns "owner attribute" for messages. */
    private String site(String owner, Token name) {
        String what = owner + " " + name.text();
        sites.put(what, name.position());
        return what;
    }

    private List<Integer> idList(Token v, String what, String kind) {
        List<Position> positions = new java.util.ArrayList<>();
        List<Integer> ids = values.ids(v, what, kind, positions);
        if (ids != null) {
            for (int i = 0; i < ids.size(); i++) {
                sites.put(what + " " + ids.get(i), positions.get(i));
            }
        }
        return ids;
    }

    private TcpOpenCheck tcpOpen(Token v, String what) {
        int[] n = values.numbers(v, what, "port,interval,timeout", PORT, INTERVAL, TIMEOUT);
        return n == null ? null : new TcpOpenCheck(n[0], n[1], n[2]);
    }

    private PingCheck ping(Token v, String what) {
        int[] n = values.numbers(v, what, "interval,timeout", INTERVAL, TIMEOUT);
        return n == null ? null : new PingCheck(n[0], n[1]);
    }

    private AgentCheck agent(Token v, String what) {
        int[] n = values.numbers(v, what, "port,interval,timeout", PORT, INTERVAL, TIMEOUT);
        return n == null ? null : new AgentCheck(n[0], n[1], n[2]);
    }

    private static <T> void set(T value, Consumer<T> store) {
        if (value != null) {
            store.accept(value);
        }
    }
}
