package bng.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/** The mutable configuration that statements are applied to, starting from a base snapshot. */
final class ConfigurationBuilder {
    String hostname;
    List<String> modules;
    final Map<String, String> settings;
    final SortedMap<Integer, InterfaceDef.Builder> interfaces = new TreeMap<>();
    final SortedMap<Integer, NetworkDef.Builder> networks = new TreeMap<>();
    final SortedMap<Integer, ServerDef.Builder> servers = new TreeMap<>();
    final SortedMap<Integer, TargetDef.Builder> targets = new TreeMap<>();
    GatewayDef.Builder gateway;
    VrrpDef.Builder vrrp;
    BgpDef.Builder bgp;

    ConfigurationBuilder(Configuration base) {
        hostname = base.hostname();
        modules = base.modules();
        settings = new LinkedHashMap<>(base.settings());
        base.interfaces().forEach((id, d) -> interfaces.put(id, new InterfaceDef.Builder(d)));
        base.networks().forEach((id, d) -> networks.put(id, new NetworkDef.Builder(d)));
        base.servers().forEach((id, d) -> servers.put(id, new ServerDef.Builder(d)));
        base.targets().forEach((id, d) -> targets.put(id, new TargetDef.Builder(d)));
        gateway = base.gateway() == null ? null : new GatewayDef.Builder(base.gateway());
        vrrp = base.vrrp() == null ? null : new VrrpDef.Builder(base.vrrp());
        bgp = base.bgp() == null ? null : new BgpDef.Builder(base.bgp());
    }

    Configuration build() {
        return new Configuration(hostname, modules, settings, buildAll(interfaces, InterfaceDef.Builder::build),
                buildAll(networks, NetworkDef.Builder::build), buildAll(servers, ServerDef.Builder::build),
                buildAll(targets, TargetDef.Builder::build), gateway == null ? null : gateway.build(),
                vrrp == null ? null : vrrp.build(), bgp == null ? null : bgp.build());
    }

    private static <B, D> Map<Integer, D> buildAll(Map<Integer, B> builders, Function<B, D> build) {
        Map<Integer, D> built = new TreeMap<>();
        builders.forEach((id, b) -> built.put(id, build.apply(b)));
        return built;
    }
}
