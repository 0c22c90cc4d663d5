package bng.core.config;

import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * {@code network N { ... }}; every attribute is null when unset.
 *
 * @param mask IPv4 prefix length (written as a dotted mask or a prefix length)
 * @param mask6 IPv6 prefix length
 * @param real this node's own address, the source of ARP requests and health checks
 * @param virt the floating address owned by the VRRP master
 * @param syncpeer the peer's real address for bngsync
 * @param interfaceId the interface the network lives on
 */
public record NetworkDef(int id, ObjectState state, String name, Inet4Address addr, Integer mask, Inet4Address real,
        Inet4Address virt, Integer mask6, Inet6Address real6, Inet6Address virt6, NatRole nat, Inet4Address syncpeer,
        Integer interfaceId) {

    /** Mutable counterpart used while statements are applied. */
    static final class Builder implements LifeCycleBuilder {
        final int id;
        ObjectState state = ObjectState.DEFINED;
        String name;
        Inet4Address addr;
        Integer mask;
        Inet4Address real;
        Inet4Address virt;
        Integer mask6;
        Inet6Address real6;
        Inet6Address virt6;
        NatRole nat;
        Inet4Address syncpeer;
        Integer interfaceId;

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

        Builder(NetworkDef d) {
            this(d.id);
            state = d.state;
            name = d.name;
            addr = d.addr;
            mask = d.mask;
            real = d.real;
            virt = d.virt;
            mask6 = d.mask6;
            real6 = d.real6;
            virt6 = d.virt6;
            nat = d.nat;
            syncpeer = d.syncpeer;
            interfaceId = d.interfaceId;
        }

        NetworkDef build() {
            return new NetworkDef(id, state, name, addr, mask, real, virt, mask6, real6, virt6, nat, syncpeer,
                    interfaceId);
        }
    }
}
