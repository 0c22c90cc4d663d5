package bng.core.config;

import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes a configuration in BalanceNG's saved layout: each statement keyword left-justified in a
 * 10-column field, block attributes indented by 10 spaces, "}" in column 1, and register /
 * enable lines that recreate every object's state. Attributes at their default are left out, as
 * BalanceNG does, so a saved file stays as short as a hand-written one.
 */
public final class ConfigWriter {
    private static final String INDENT = " ".repeat(10);
    /** ctime(3) layout, which BalanceNG uses in "configuration taken". */
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            Locale.ENGLISH);

    private final StringBuilder out = new StringBuilder();

    private ConfigWriter() {
    }

    /** The saved text of c, stamped with the current time and the given BalanceNG version. */
    public static String save(Configuration c, String version) {
        return save(c, version, ZonedDateTime.now());
    }

    /** The saved text of c, stamped with the given time (for reproducible output). */
    public static String save(Configuration c, String version, ZonedDateTime taken) {
        ConfigWriter w = new ConfigWriter();
        w.line("//", "configuration taken " + CTIME.format(taken));
        w.line("//", "BalanceNG " + version);
        w.write(c);
        w.line("//", "end of configuration");
        return w.out.toString();
    }

    private void write(Configuration c) {
        if (c.hostname() != null) {
            line("hostname", quoted(c.hostname()));
        }
        if (!c.modules().isEmpty()) {
            line("modules", String.join(",", c.modules()));
        }
        c.settings().forEach((name, value) -> line("set", name + " " + value));
        for (InterfaceDef d : c.interfaces().values()) {
            open("interface", d.id());
            attribute("name", d.name() == null ? null : quoted(d.name()));
            attribute("access", d.access());
            attribute("threads", d.threads());
            attribute("trackval", d.trackval());
            close();
        }
        states(ObjectKind.INTERFACE, c.interfaces().values().stream().map(InterfaceDef::state).toList(),
                c.interfaces().keySet().stream().toList());
        if (c.vrrp() != null) {
            VrrpDef v = c.vrrp();
            line("vrrp", "{");
            attribute("vrid", v.vrid());
            attribute("priority", v.priority());
            attribute("network", ids(v.networks()));
            attribute("tracking", v.tracking() ? "enable" : null);
            attribute("peer", address(v.peer()));
            close();
        }
        if (c.bgp() != null) {
            BgpDef b = c.bgp();
            line("bgp", "{");
            attribute("asn", b.asn());
            attribute("routerid", address(b.routerid()));
            attribute("neighbor", b.neighbors().isEmpty() ? null
                    : b.neighbors().stream().map(IpAddresses::format).collect(Collectors.joining(",")));
            attribute("peeras", b.peeras());
            attribute("hold", b.hold());
            close();
        }
        for (NetworkDef d : c.networks().values()) {
            open("network", d.id());
            attribute("name", d.name() == null ? null : quoted(d.name()));
            attribute("addr", address(d.addr()));
            attribute("mask", d.mask() == null ? null : IpAddresses.prefixToMask(d.mask()));
            attribute("real", address(d.real()));
            attribute("virt", address(d.virt()));
            attribute("mask6", d.mask6());
            attribute("real6", address(d.real6()));
            attribute("virt6", address(d.virt6()));
            attribute("nat", keyword(d.nat()));
            attribute("syncpeer", address(d.syncpeer()));
            attribute("interface", d.interfaceId());
            close();
        }
        states(ObjectKind.NETWORK, c.networks().values().stream().map(NetworkDef::state).toList(),
                c.networks().keySet().stream().toList());
        if (c.gateway() != null) {
            line("gateway", "{");
            attribute("ipaddr", address(c.gateway().ipaddr()));
            attribute("ping", c.gateway().ping());
            close();
        }
        for (ServerDef d : c.servers().values()) {
            open("server", d.id());
            attribute("ipaddr", address(d.ipaddr()));
            attribute("ipaddr6", address(d.ipaddr6()));
            attribute("sessionid", keyword(d.sessionid()));
            attribute("port", d.port());
            attribute("protocol", keyword(d.protocol()));
            attribute("method", d.method() == Method.RR ? null : d.method().keyword());
            attribute("proxy", d.proxy() ? "enable" : null);
            attribute("prx", address(d.prx()));
            attribute("prx6", address(d.prx6()));
            attribute("targets", ids(d.targets()));
            attribute("backup", ids(d.backup()));
            close();
        }
        states(ObjectKind.SERVER, c.servers().values().stream().map(ServerDef::state).toList(),
                c.servers().keySet().stream().toList());
        for (TargetDef d : c.targets().values()) {
            open("target", d.id());
            attribute("ipaddr", address(d.ipaddr()));
            attribute("ipaddr6", address(d.ipaddr6()));
            attribute("port", d.port());
            attribute("protocol", keyword(d.protocol()));
            attribute("tcpopen", d.tcpopen());
            attribute("ping", d.ping());
            attribute("ping6", d.ping6());
            attribute("agent", d.agent());
            attribute("agent6", d.agent6());
            attribute("arp", d.arp());
            attribute("script", d.script() == null ? null : quoted(d.script()));
            attribute("alert", d.alert() == null ? null : quoted(d.alert()));
            attribute("upalert", d.upalert() == null ? null : quoted(d.upalert()));
            attribute("weight", d.weight() == 1 ? null : d.weight());
            attribute("dsr", d.dsr() ? "enable" : null);
            close();
        }
        states(ObjectKind.TARGET, c.targets().values().stream().map(TargetDef::state).toList(),
                c.targets().keySet().stream().toList());
    }

    /** {@code register} for every registered or enabled id, then {@code enable} for the enabled ones. */
    private void states(ObjectKind kind, List<ObjectState> states, List<Integer> ids) {
        List<Integer> registered = new ArrayList<>();
        List<Integer> enabled = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (states.get(i) != ObjectState.DEFINED) {
                registered.add(ids.get(i));
            }
            if (states.get(i) == ObjectState.ENABLED) {
                enabled.add(ids.get(i));
            }
        }
        lifeCycle("register", kind, registered);
        lifeCycle("enable", kind, enabled);
    }

    private void lifeCycle(String verb, ObjectKind kind, List<Integer> ids) {
        if (!ids.isEmpty()) {
            line(verb, (ids.size() == 1 ? kind.singular : kind.plural) + " " + ids(ids));
        }
    }

    private void open(String keyword, int id) {
        line(keyword, id + " {");
    }

    private void close() {
        out.append("}\n");
    }

    private void attribute(String name, Object value) {
        if (value != null) {
            out.append(INDENT).append(name).append(' ').append(value).append('\n');
        }
    }

    private void line(String keyword, String rest) {
        out.append(keyword).append(" ".repeat(Math.max(1, 10 - keyword.length()))).append(rest).append('\n');
    }

    private static String ids(List<Integer> ids) {
        return ids.isEmpty() ? null : ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static String address(InetAddress a) {
        return a == null ? null : IpAddresses.format(a);
    }

    private static String keyword(Keyword k) {
        return k == null ? null : k.keyword();
    }

    private static String quoted(String text) {
        return Values.isPlainName(text) ? text : "\"" + text + "\"";
    }
}
