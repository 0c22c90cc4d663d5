package bng.slb;

import bng.core.api.ConfigListener;
import bng.core.api.Frame;
import bng.core.api.Mastership;
import bng.core.api.NeighbourCache;
import bng.core.api.OwnedAddresses;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.SessionTable;
import bng.core.api.ShowTopic;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link ServerBalancer} for IPv6 VIPs ({@code server ipaddr6}) and targets with an
 * {@code ipaddr6}: the same session rules and every distribution method ({@link SessionBinder},
 * {@link TargetChooser}, shared with IPv4), in three modes:
 * <ul>
 * <li>DSR ({@code dsr enable}): only the Ethernet addresses change.
 * <li>NAT (no {@code dsr}): the destination becomes the target's IPv6 address (and port, when the
 * target names one and the server does too); the target's replies, which come back through bng
 * because its default route is bng's {@code virt6}, get the VIP (and server port) back as source
 * and leave for the client, which must be in a connected network (BalanceNG's {@code gateway} has
 * no IPv6 address): an unknown client is asked for by neighbour discovery
 * ({@link NeighbourCache#requestIpv6}) while the target retransmits. The TCP/UDP checksum follows
 * each rewrite incrementally, the IPv6 pseudo header included ({@link Frame#setIpv6Dst}).
 * <li>SNAT proxy (server {@code proxy enable}): as NAT, and the source becomes {@code prx6} (default
 * the VIP) with a port from the session table's proxy index; replies to prx6:port go back to the
 * client, whose address {@link ProxyClients} keeps per (target, port), since the key is a hash.
 * </ul>
 * ICMPv6 errors (RFC 4443 §3: unreachable, packet too big, time exceeded, parameter problem)
 * that quote a balanced flow follow it ({@link #icmpError}), so path MTU discovery works through
 * bng: IPv6 routers never fragment, a lost "packet too big" is a connection that hangs (not yet
 * for proxied flows: counted as {@code icmp-no-session}).
 *
 * <p>Sessions live in the same {@link SessionTable}, whose key has room for an IPv4 client only.
 * An IPv6 session's key is therefore a 48-bit hash of (client address, client port or 0) above the
 * server id in the low 16 bits ({@link #key}), so per-server operations ({@code clear}, counters)
 * work unchanged, and a NAT reply rebuilds it from its destination. Two clients of one server share
 * a key with probability 2^-48 per pair (a million concurrent clients: about 2^-9 that any pair
 * does); a collision only makes the second client stick to the first one's target, which is a
 * target of the same server and up, so nothing breaks. {@code show sessions} prints the hash's
 * high 32 bits where an IPv4 client would be.
 */
@Component(immediate = true, service = {PacketProcessor.class, ConfigListener.class, ShowTopic.class}, property = {
    ProcessorProperties.NAME + "=slb.balancer6",
    ProcessorProperties.MODULE + "=slb",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=2000",
    ProcessorProperties.ETHERTYPE + ":Integer=34525",
    ProcessorProperties.IP_PROTOCOL + ":Integer=6",
    ProcessorProperties.IP_PROTOCOL + ":Integer=17",
    ProcessorProperties.IP_PROTOCOL + ":Integer=58",
    ShowTopic.TOPIC + "=slb6",
    ShowTopic.DESCRIPTION + "=slb forwarding and drop counters for IPv6 servers"
})
public final class ServerBalancer6 implements PacketProcessor, ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(ServerBalancer6.class.getName());

    @Reference
    SessionTable sessions;
    @Reference
    TargetHealth health;
    @Reference
    NeighbourCache neighbours;
    @Reference
    Ports ports;
    @Reference
    Mastership mastership;
    @Reference
    OwnedAddresses owned;

    private volatile BalancePlan6 plan = BalancePlan6.EMPTY;
    private final ProxyClients proxyClients = new ProxyClients();
    final SessionBinder binder = new SessionBinder();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    long forwarded;
    long replied;
    long unresolved;
    long noRoute;
    long noProxyPort;
    long martian;
    /** ICMPv6 errors about a reply (to the VIP) steered to the session's target. */
    long icmpToTarget;
    /** ICMPv6 errors of a NAT target (or its path) about a client's packet, translated back to the client. */
    long icmpToClient;
    /** ICMPv6 errors to a VIP about a flow without a session. */
    long icmpNoSession;

    @Activate
    void activate() {
        binder.startSampler("bng-slb6-bandwidth", () -> plan);
    }

    @Deactivate
    void deactivate() {
        binder.stopSampler();
    }

    /** Re-seeds the random methods (tests: deterministic draws). */
    void seed(long seed) {
        binder.chooser = new TargetChooser(health, sessions, seed);
    }

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        binder.ready(health, sessions);
        List<String> notes = new ArrayList<>();
        BalancePlan6 next = new BalancePlan6(current, notes);
        for (int s = 0; s < next.serverId.length; s++) {
            if (next.proxy[s]) {
                for (TargetPool pool : new TargetPool[] {next.primaries[s], next.backups[s]}) {
                    for (int t : pool.ids) {
                        proxyClients.ensure(t);
                    }
                }
            }
        }
        plan = next;
        for (String note : notes) {
            if (logged.add(note)) {
                LOG.log(System.Logger.Level.WARNING, note);
            }
        }
        // Sessions of removed servers are cleared by ServerBalancer (the table is keyed by server id).
    }

    /** The session key of an IPv6 client: a 48-bit hash of address and port above the 16-bit server id. */
    static long key(long clientHi, long clientLo, int clientPort, int serverId) {
        long h = Maglev.mix(clientHi ^ Maglev.mix(clientLo ^ ((long) clientPort << 48)));
        return (h & 0xffff_ffff_ffff_0000L) | (serverId & 0xffffL);
    }

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        if (!f.isIpv6() || f.l4Offset() < 0) {
            return; // a non-first fragment has no ports
        }
        BalancePlan6 p = plan;
        if (p.serverId.length == 0 || !mastership.isMaster()) {
            return; // no IPv6 server, or a VRRP backup (it owns no VIP)
        }
        int proto = f.ipProtocol();
        if (proto == Frame.PROTO_ICMPV6) {
            icmpError(ctx, f, p);
            return;
        }
        byte[] b = f.data();
        int dst = f.ipv6DstOffset();
        int s = p.match(BalancePlan6.read64(b, dst), BalancePlan6.read64(b, dst + 8), f.dstPort(), proto);
        if (s < 0) {
            if (p.replyHi.length > 0 && f.dstMac() == ctx.inPortMac()) {
                reply(ctx, f, p, proto);
            }
            return;
        }
        int src = f.ipv6SrcOffset();
        long clientHi = BalancePlan6.read64(b, src);
        long clientLo = BalancePlan6.read64(b, src + 8);
        // Unspecified, loopback, multicast or an address bng owns (the VIP: a loop at the target) is
        // forged as a source (RFC 4291 §2.5.2, §2.5.3, §2.7): a target would answer it at itself or a group.
        if ((clientHi >>> 56) == 0xff || (clientHi == 0 && (clientLo == 0 || clientLo == 1)) || owned.ownsIpv6(b, src)) {
            martian++;
            ctx.drop();
            return;
        }
        boolean tcp = proto == Frame.PROTO_TCP;
        int flags = tcp ? f.tcpFlags() : 0;
        long key = key(clientHi, clientLo, p.bySource[s] ? 0 : f.srcPort(), p.serverId[s]);
        int target = binder.bind(sessions, health, p, s, key, BalancePlan6.fold(clientHi, clientLo), tcp, flags);
        if (target < 0) {
            ctx.drop();
            return;
        }
        forward(ctx, f, p, s, target, tcp, flags);
    }

    private void forward(PacketContext ctx, Frame f, BalancePlan6 p, int s, int target, boolean tcp, int flags) {
        if (target >= p.address.length || p.address[target] == null) {
            binder.noTarget++; // bound to a target the configuration no longer has
            ctx.drop();
            return;
        }
        int mode = p.mode(s, target);
        int out = hopToTarget(ctx, f, p, target);
        if (out < 0) {
            ctx.drop();
            return;
        }
        if (mode == Plan.MODE_SNAT) {
            byte[] b = f.data();
            int src = f.ipv6SrcOffset();
            long conn = key(BalancePlan6.read64(b, src), BalancePlan6.read64(b, src + 8), f.srcPort(), p.serverId[s]);
            if (p.bySource[s] && !binder.connection(sessions, conn, target, tcp, flags)) {
                binder.full++;
                ctx.drop();
                return;
            }
            int proxyPort = sessions.proxyPort(conn, target);
            if (proxyPort < 0) {
                noProxyPort++;
                ctx.drop();
                return;
            }
            proxyClients.record(target, proxyPort, conn, b, src, f.srcPort());
            f.setIpv6Src(p.prx[s], 0);
            f.setSrcPort(proxyPort);
        }
        if (mode != Plan.MODE_DSR) {
            f.setIpv6Dst(p.address[target], 0);
            int tp = p.targetPort[target];
            if (tp != 0 && p.port[s] != 0 && tp != f.dstPort()) {
                f.setDstPort(tp);
            }
        }
        sessions.count(p.serverId[s], target, f.length());
        forwarded++;
        ctx.send(out);
    }

    /**
     * A packet not to a VIP, sent to bng's MAC, from a NAT or proxied target's address and port: a
     * reply, when the session rebuilt from its destination (NAT: the client) or the connection on
     * its destination port (proxy: to prx6, {@link ProxyClients}) is bound to that target. It gets
     * the VIP (and server port) as source, proxied ones the client's address and port as
     * destination, and leaves for the client; anything else passes untouched.
     */
    private void reply(PacketContext ctx, Frame f, BalancePlan6 p, int proto) {
        byte[] b = f.data();
        int src = f.ipv6SrcOffset();
        long hi = BalancePlan6.read64(b, src);
        long lo = BalancePlan6.read64(b, src + 8);
        int first = p.firstReply(hi, lo, f.srcPort());
        if (first < 0) {
            return;
        }
        int dst = f.ipv6DstOffset();
        long clientHi = BalancePlan6.read64(b, dst);
        long clientLo = BalancePlan6.read64(b, dst + 8);
        int dport = f.dstPort();
        boolean tcp = proto == Frame.PROTO_TCP;
        // The target's FIN or RST closes the connection's session; any reply refreshes it.
        int flags = tcp ? (f.tcpFlags() & (SessionTable.TCP_FIN | SessionTable.TCP_RST)) | SessionTable.TCP_ACK : 0;
        for (int k = first; p.sameReply(k, first); k++) {
            int s = p.replyServer[k];
            int t = p.replyTarget[k];
            if (p.protocol[s] != 0 && p.protocol[s] != proto) {
                continue;
            }
            byte[] client = b;
            int at = dst;
            long key;
            int proxied = -1;
            if (p.proxy[s]) {
                long conn = clientHi == p.prxHi[s] && clientLo == p.prxLo[s] ? sessions.proxied(t, dport) : 0;
                proxied = conn == 0 || SessionTable.keyServer(conn) != p.serverId[s] ? -1 : proxyClients.find(t, dport, conn);
                if (proxied < 0) {
                    continue;
                }
                client = proxyClients.addresses(t);
                at = proxied * 16;
                key = conn;
            } else {
                key = key(clientHi, clientLo, p.bySource[s] ? 0 : dport, p.serverId[s]);
            }
            int slot = sessions.find(key);
            if (slot < 0 || sessions.target(slot) != t) {
                continue;
            }
            int out = hopToClient(ctx, f, p, client, at);
            if (out < 0) {
                ctx.drop();
                return;
            }
            sessions.touch(slot, flags);
            if (proxied >= 0) {
                f.setIpv6Dst(client, at);
                f.setDstPort(proxyClients.clientPort(t, proxied));
            }
            f.setIpv6Src(p.vip[s], 0);
            if (p.port[s] != 0 && f.srcPort() != p.port[s]) {
                f.setSrcPort(p.port[s]);
            }
            sessions.count(p.serverId[s], t, f.length());
            replied++;
            ctx.send(out);
            return;
        }
    }

    /**
     * An ICMPv6 error quoting a TCP or UDP packet of a balanced flow (RFC 4443 §2.4 (c): as much of
     * the invoking packet as fits). About a reply (quoted source = the VIP and server port, sent
     * to the VIP, e.g. "packet too big" from a router on the clients' side): it goes to the
     * session's target — DSR as it is, NAT with the destination, the quoted source and its port
     * translated to the target's (the target's kernel finds its socket by the quoted tuple). About
     * a client's packet that a NAT target received (quoted destination = the target, sent to the
     * client): translated back like a reply, the quoted destination and port to the VIP's. Every
     * rewrite keeps the ICMPv6 checksum and the quoted transport checksum right ({@link Quoted}).
     * Anything else (informational messages, errors about other packets) passes untouched.
     */
    private void icmpError(PacketContext ctx, Frame f, BalancePlan6 p) {
        int l4 = f.l4Offset();
        int type = f.u8(l4);
        int in = l4 + 8;
        int q = in + 40;
        if (type < 1 || type > 4 || q + 8 > f.l3End() || (f.u8(in) >>> 4) != 6) {
            return; // informational (echo, ND: ping's and arp's), or too short to name a flow
        }
        int qproto = f.u8(in + 6);
        if (qproto != Frame.PROTO_TCP && qproto != Frame.PROTO_UDP) {
            return;
        }
        byte[] b = f.data();
        int qsrc = in + 8;
        int qdst = in + 24;
        long srcHi = BalancePlan6.read64(b, qsrc);
        long srcLo = BalancePlan6.read64(b, qsrc + 8);
        int dst = f.ipv6DstOffset();
        int s = p.match(srcHi, srcLo, f.u16(q), qproto);
        if (s >= 0 && BalancePlan6.read64(b, dst) == srcHi && BalancePlan6.read64(b, dst + 8) == srcLo) {
            icmpToTarget(ctx, f, p, s, q, qproto);
        } else if (s < 0 && p.replyHi.length > 0 && f.dstMac() == ctx.inPortMac()
                && BalancePlan6.read64(b, dst) == srcHi && BalancePlan6.read64(b, dst + 8) == srcLo) {
            icmpToClient(ctx, f, p, q, qproto);
        }
    }

    private void icmpToTarget(PacketContext ctx, Frame f, BalancePlan6 p, int s, int q, int qproto) {
        byte[] b = f.data();
        int qdst = q - 16;
        long key = key(BalancePlan6.read64(b, qdst), BalancePlan6.read64(b, qdst + 8),
            p.bySource[s] ? 0 : f.u16(q + 2), p.serverId[s]);
        int target = sessions.lookup(key);
        if (target < 0 || target >= p.address.length || p.address[target] == null) {
            icmpNoSession++; // to the VIP, which bng owns: nobody else takes it
            ctx.drop();
            return;
        }
        int mode = p.mode(s, target);
        if (mode == Plan.MODE_SNAT) {
            icmpNoSession++; // not steered yet: the quote would need prx6 and the proxy port put in for the client
            ctx.drop();
            return;
        }
        int out = hopToTarget(ctx, f, p, target);
        if (out < 0) {
            ctx.drop();
            return;
        }
        if (mode == Plan.MODE_NAT) {
            int csum = Quoted.checksumOffset(f, q, qproto);
            Quoted.setAddress(f, q - 32, p.address[target], 0, csum, qproto);
            int tp = p.targetPort[target];
            if (tp != 0 && p.port[s] != 0 && tp != f.u16(q)) {
                Quoted.setPort(f, q, tp, csum, qproto);
            }
            f.setIpv6Dst(p.address[target], 0);
        }
        icmpToTarget++;
        ctx.send(out);
    }

    private void icmpToClient(PacketContext ctx, Frame f, BalancePlan6 p, int q, int qproto) {
        byte[] b = f.data();
        int qsrc = q - 32;
        int qdst = q - 16;
        long hi = BalancePlan6.read64(b, qdst);
        long lo = BalancePlan6.read64(b, qdst + 8);
        int first = p.firstReply(hi, lo, f.u16(q + 2));
        if (first < 0) {
            return;
        }
        long clientHi = BalancePlan6.read64(b, qsrc);
        long clientLo = BalancePlan6.read64(b, qsrc + 8);
        for (int k = first; p.sameReply(k, first); k++) {
            int s = p.replyServer[k];
            int t = p.replyTarget[k];
            if ((p.protocol[s] != 0 && p.protocol[s] != qproto)
                    || sessions.lookup(key(clientHi, clientLo, p.bySource[s] ? 0 : f.u16(q), p.serverId[s])) != t) {
                continue;
            }
            int out = hopToClient(ctx, f, p, b, f.ipv6DstOffset());
            if (out < 0) {
                ctx.drop();
                return;
            }
            int csum = Quoted.checksumOffset(f, q, qproto);
            Quoted.setAddress(f, qdst, p.vip[s], 0, csum, qproto);
            if (p.port[s] != 0 && f.u16(q + 2) != p.port[s]) {
                Quoted.setPort(f, q + 2, p.port[s], csum, qproto);
            }
            int src = f.ipv6SrcOffset();
            if (BalancePlan6.read64(b, src) == hi && BalancePlan6.read64(b, src + 8) == lo) {
                f.setIpv6Src(p.vip[s], 0); // the target itself reports: it speaks as the VIP
            }
            icmpToClient++;
            ctx.send(out);
            return;
        }
    }

    /** Sets the MACs toward {@code target} and returns the leaving port, or -1 (counted: no route, unresolved). */
    private int hopToTarget(PacketContext ctx, Frame f, BalancePlan6 p, int target) {
        int out = p.outPort[target];
        long srcMac = out < 0 ? -1 : out == ctx.inPort() ? ctx.inPortMac() : ports.mac(out);
        if (srcMac < 0) {
            noRoute++;
            return -1;
        }
        long mac = neighbours.lookupIpv6(p.address[target], 0);
        if (mac < 0) {
            unresolved++; // arp's neighbour discovery resolves targets; until then the client retransmits
            return -1;
        }
        f.setDstMac(mac);
        f.setSrcMac(srcMac);
        return out;
    }

    /**
     * Sets the MACs toward the client at {@code a[off, off+16)} and returns the leaving port, or -1
     * (counted): a client beyond a router has no route (IPv6 has no gateway), one neighbour
     * discovery has not met is asked for, and the target retransmits.
     */
    private int hopToClient(PacketContext ctx, Frame f, BalancePlan6 p, byte[] a, int off) {
        int out = p.connectedPort(BalancePlan6.read64(a, off), BalancePlan6.read64(a, off + 8));
        long srcMac = out < 0 ? -1 : out == ctx.inPort() ? ctx.inPortMac() : ports.mac(out);
        if (srcMac < 0) {
            noRoute++;
            return -1;
        }
        long mac = neighbours.lookupIpv6(a, off);
        if (mac < 0) {
            unresolved++;
            neighbours.requestIpv6(a, off);
            return -1;
        }
        f.setDstMac(mac);
        f.setSrcMac(srcMac);
        return out;
    }

    /** A target for a new session (tests). */
    int choose(BalancePlan6 p, int s, int client) {
        return binder.chooser.choose(p, s, client);
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-14s %d%n", "forwarded", forwarded));
        out.append(String.format("%-14s %d%n", "replied", replied));
        binder.show(out);
        out.append(String.format("%-14s %d%n", "unresolved", unresolved));
        out.append(String.format("%-14s %d%n", "no-route", noRoute));
        out.append(String.format("%-14s %d%n", "no-proxy-port", noProxyPort));
        out.append(String.format("%-14s %d%n", "martian-src", martian));
        out.append(String.format("%-14s %d%n", "icmp-to-target", icmpToTarget));
        out.append(String.format("%-14s %d%n", "icmp-to-client", icmpToClient));
        out.append(String.format("%-14s %d%n", "icmp-no-session", icmpNoSession));
    }
}
