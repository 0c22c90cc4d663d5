package bng.core.config;

import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * {@code target N { ... }}, a real server; every reference-typed attribute is null when unset.
 *
 * @param arp ARP reachability check ({@code arp interval,timeout}, bng)
 * @param script external health-check command line ({@code script "path args"})
 * @param alert command run when the target goes down ({@code alert "path args"})
 * @param upalert command run when the target comes back up ({@code upalert "path args"})
 * @param dsr direct server return: only the destination MAC is rewritten
 * @param weight weight for the weighted methods, 1 unless set
 */
public record TargetDef(int id, ObjectState state, Inet4Address ipaddr, Inet6Address ipaddr6, Integer port,
        Protocol protocol, TcpOpenCheck tcpopen, PingCheck ping, PingCheck ping6, AgentCheck agent, AgentCheck agent6,
        PingCheck arp, String script, String alert, String upalert, boolean dsr, int weight) {

    /** Mutable counterpart used while statements are applied. */
    static final class Builder implements LifeCycleBuilder {
        final int id;
        ObjectState state = ObjectState.DEFINED;
        Inet4Address ipaddr;
        Inet6Address ipaddr6;
        Integer port;
        Protocol protocol;
        TcpOpenCheck tcpopen;
        PingCheck ping;
        PingCheck ping6;
        AgentCheck agent;
        AgentCheck agent6;
        PingCheck arp;
        String script;
        String alert;
        String upalert;
        boolean dsr;
        int weight = 1;

        @Override
        public ObjectState state() {
            return state;
        }

        @Override
        public void state(ObjectState newState) {
            state = newState;
        }

        Builder(int id) {
            this.id = id;
        }

        Builder(TargetDef d) {
            this(d.id);
            state = d.state;
            ipaddr = d.ipaddr;
            ipaddr6 = d.ipaddr6;
            port = d.port;
            protocol = d.protocol;
            tcpopen = d.tcpopen;
            ping = d.ping;
            ping6 = d.ping6;
            agent = d.agent;
            agent6 = d.agent6;
            arp = d.arp;
            script = d.script;
            alert = d.alert;
            upalert = d.upalert;
            dsr = d.dsr;
            weight = d.weight;
        }

        TargetDef build() {
            return new TargetDef(id, state, ipaddr, ipaddr6, port, protocol, tcpopen, ping, ping6, agent, agent6,
                    arp, script, alert, upalert, dsr, weight);
        }
    }
}
