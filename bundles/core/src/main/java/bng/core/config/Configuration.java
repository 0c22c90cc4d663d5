package bng.core.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** An immutable, validated configuration snapshot; equal when every part is equal. */
public final class Configuration {
    private static final Configuration EMPTY = new Configuration(null, List.of(), Map.of(), Map.of(), Map.of(),
            Map.of(), Map.of(), null, null, null);

    private final String hostname;
    private final List<String> modules;
    private final Map<String, String> settings;
    private final SortedMap<Integer, InterfaceDef> interfaces;
    private final SortedMap<Integer, NetworkDef> networks;
    private final SortedMap<Integer, ServerDef> servers;
    private final SortedMap<Integer, TargetDef> targets;
    private final GatewayDef gateway;
    private final VrrpDef vrrp;
    private final BgpDef bgp;

    Configuration(String hostname, List<String> modules, Map<String, String> settings,
            Map<Integer, InterfaceDef> interfaces, Map<Integer, NetworkDef> networks, Map<Integer, ServerDef> servers,
            Map<Integer, TargetDef> targets, GatewayDef gateway, VrrpDef vrrp, BgpDef bgp) {
        this.hostname = hostname;
        this.modules = List.copyOf(modules);
        this.settings = Collections.unmodifiableSortedMap(new TreeMap<>(settings));
        this.interfaces = Collections.unmodifiableSortedMap(new TreeMap<>(interfaces));
        this.networks = Collections.unmodifiableSortedMap(new TreeMap<>(networks));
        this.servers = Collections.unmodifiableSortedMap(new TreeMap<>(servers));
        this.targets = Collections.unmodifiableSortedMap(new TreeMap<>(targets));
        this.gateway = gateway;
        this.vrrp = vrrp;
        this.bgp = bgp;
    }

    public static Configuration empty() {
        return EMPTY;
    }

    /** The {@code hostname}, null when unset. */
    public String hostname() {
        return hostname;
    }

    /** Module names as written in the {@code modules} line, in order. */
    public List<String> modules() {
        return modules;
    }

    /** {@code set} parameters, name to value text, sorted by name. */
    public Map<String, String> settings() {
        return settings;
    }

    /** The value of a {@code set} parameter, or its default when the configuration does not set it. */
    public long setting(Setting s) {
        if (s.isAddress()) {
            throw new IllegalArgumentException("set " + s.keyword() + " is an address: use address()");
        }
        String value = settings.get(s.keyword());
        return value == null ? s.defaultValue() : Long.parseLong(value);
    }

    /** The value of an address {@code set} parameter (e.g. {@code metricsaddr}), or its default. */
    public java.net.InetAddress address(Setting s) {
        if (!s.isAddress()) {
            throw new IllegalArgumentException("set " + s.keyword() + " is a number: use setting()");
        }
        String value = settings.getOrDefault(s.keyword(), s.defaultAddress());
        java.net.InetAddress a = IpAddresses.parseIpv4(value);
        return a != null ? a : IpAddresses.parseIpv6(value);
    }

    public SortedMap<Integer, InterfaceDef> interfaces() {
        return interfaces;
    }

    public SortedMap<Integer, NetworkDef> networks() {
        return networks;
    }

    public SortedMap<Integer, ServerDef> servers() {
        return servers;
    }

    public SortedMap<Integer, TargetDef> targets() {
        return targets;
    }

    /** The {@code gateway}, null when none. */
    public GatewayDef gateway() {
        return gateway;
    }

    /** The {@code vrrp} block, null when none. */
    public VrrpDef vrrp() {
        return vrrp;
    }

    /** The {@code bgp} block, null when none. */
    public BgpDef bgp() {
        return bgp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Configuration c && Objects.equals(hostname, c.hostname) && modules.equals(c.modules)
                && settings.equals(c.settings) && interfaces.equals(c.interfaces) && networks.equals(c.networks)
                && servers.equals(c.servers) && targets.equals(c.targets) && Objects.equals(gateway, c.gateway)
                && Objects.equals(vrrp, c.vrrp) && Objects.equals(bgp, c.bgp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hostname, modules, settings, interfaces, networks, servers, targets, gateway, vrrp, bgp);
    }

    @Override
    public String toString() {
        return "Configuration[hostname=" + hostname + ", modules=" + modules + ", settings=" + settings
                + ", interfaces=" + interfaces + ", networks=" + networks + ", servers=" + servers + ", targets="
                + targets + ", gateway=" + gateway + ", vrrp=" + vrrp + ", bgp=" + bgp + "]";
    }
}
