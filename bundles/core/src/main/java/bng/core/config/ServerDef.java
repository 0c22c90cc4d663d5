package bng.core.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;

/**
 * {@code server N { ... }}, a virtual server; addresses, port, protocol, sessionid, prx and prx6 are
 * null when unset.
 *
 * @param protocol null means all protocols
 * @param targets primary target ids, in the order written
 * @param backup backup target ids, used only when every primary target is down
 * @param method distribution method, {@link Method#RR} unless set
 * @param proxy SNAT proxy mode
 */
public record ServerDef(int id, ObjectState state, Inet4Address ipaddr, Inet6Address ipaddr6, Integer port,
        Protocol protocol, List<Integer> targets, List<Integer> backup, Method method, SessionKey sessionid,
        boolean proxy, Inet4Address prx, Inet6Address prx6) {

    public ServerDef {
        targets = List.copyOf(targets);
        backup = List.copyOf(backup);
    }

    /** Mutable counterpart used while statements are applied. */
    static final class Builder implements LifeCycleBuilder {
        final int id;
        ObjectState state = ObjectState.DEFINED;
        Inet4Address ipaddr;
        Inet6Address ipaddr6;
        Integer port;
        Protocol protocol;
        List<Integer> targets = List.of();
        List<Integer> backup = List.of();
        Method method = Method.RR;
        SessionKey sessionid;
        boolean proxy;
        Inet4Address prx;
        Inet6Address prx6;

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

        Builder(ServerDef d) {
            this(d.id);
            state = d.state;
            ipaddr = d.ipaddr;
            ipaddr6 = d.ipaddr6;
            port = d.port;
            protocol = d.protocol;
            targets = d.targets;
            backup = d.backup;
            method = d.method;
            sessionid = d.sessionid;
            proxy = d.proxy;
            prx = d.prx;
            prx6 = d.prx6;
        }

        ServerDef build() {
            return new ServerDef(id, state, ipaddr, ipaddr6, port, protocol, targets, backup, method, sessionid, proxy,
                    prx, prx6);
        }
    }
}
