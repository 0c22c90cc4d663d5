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
 * The director for virtual servers: a TCP or UDP frame to an enabled server's VIP (and port, and
 * protocol, when the server names them) is kept on its session's target, or, when it may open a
 * flow (a TCP SYN without ACK, any UDP datagram), bound to a target chosen by the server's method
 * ({@link TargetChooser}) among its enabled targets that hc reports up (backups only when no
 * primary is up). A TCP segment that is not a SYN and has no session is dropped: the flow started
 * elsewhere or its session expired — except for a {@code hash} server, where it is bound by the
 * Maglev table ("adopted"), which depends on configuration only, so a flow that the routers move
 * from another bng node (ECMP after a node loss, docs/scale-out.md) reaches the target that node
 * chose, as Katran and Maglev do. Sessions of a target that goes down move to a healthy target on
 * their next packet; those of a disabled target drain ({@link SessionBinder}).
 *
 * <p>Forwarding modes (reference §5), per server and target:
 * <ul>
 * <li>DSR (target {@code dsr enable}): only the Ethernet addresses change; the target answers the
 * client itself from the VIP on its loopback.
 * <li>NAT (a target without {@code dsr}): the destination becomes the target's address (and port,
 * when the target names one and the server does too); replies, which come back through bng
 * because the target's gateway is bng's {@code virt}, get the VIP (and server port) back as source.
 * <li>SNAT proxy (server {@code proxy enable}): as NAT, and the source becomes {@code prx} (default
 * the VIP) with a port allocated per connection by the session table; replies to prx:port are
 * mapped back to the client. Targets need no route to the client.
 * </ul>
 * Every mode sets the destination MAC to the next hop's (neighbour cache) and the source MAC to the
 * leaving port's. Replies leave for the client directly when it is in a connected network, else
 * for the {@code gateway}. Checksums are updated incrementally by {@link Frame}'s setters.
 *
 * <p>ICMP errors that quote a balanced flow go to that flow's target ({@link IcmpSteering}), so
 * path MTU discovery works through bng in every mode.
 *
 * <p>Per packet: array reads of the current {@link BalancePlan}, one or two session probes, no lock,
 * no allocation. Drop counters are plain fields (one port thread each today; with several, an
 * increment can be lost: statistics).
 */
@Component(immediate = true, service = {PacketProcessor.class, ConfigListener.class, ShowTopic.class}, property = {
    ProcessorProperties.NAME + "=slb.balancer",
    ProcessorProperties.MODULE + "=slb",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=2000",
    ProcessorProperties.ETHERTYPE + ":Integer=2048",
    ProcessorProperties.IP_PROTOCOL + ":Integer=1",
    ProcessorProperties.IP_PROTOCOL + ":Integer=6",
    ProcessorProperties.IP_PROTOCOL + ":Integer=17",
    ShowTopic.TOPIC + "=slb",
    ShowTopic.DESCRIPTION + "=slb forwarding and drop counters"
})
public final class ServerBalancer implements PacketProcessor, ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(ServerBalancer.class.getName());
    /** Later IPv4 fragments (no ports) follow their first: see {@link FragmentFollower}. */
    private final FragmentFollower fragments = new FragmentFollower();

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

    private volatile BalancePlan plan = BalancePlan.EMPTY;
    final SessionBinder binder = new SessionBinder();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    long forwarded;
    long replied;
    long unresolved;
    long noRoute;
    long noProxyPort;
    long martian;
    /** ICMP errors about balanced flows (fragmentation needed, unreachable): steered to the flow's target. */
    final IcmpSteering icmp = new IcmpSteering();

    @Activate
    void activate() {
        binder.startSampler("bng-slb-bandwidth", () -> plan);
    }

    @Deactivate
    void deactivate() {
        binder.stopSampler();
    }

    /** Re-seeds the random methods (tests: deterministic draws). */
    void seed(long seed) {
        binder.chooser = new TargetChooser(health, sessions, seed);
    }

    TargetChooser chooser() {
        return binder.chooser;
    }

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        binder.ready(health, sessions);
        List<String> notes = new ArrayList<>();
        plan = new BalancePlan(current, notes);
        for (String note : notes) {
            if (logged.add(note)) {
                LOG.log(System.Logger.Level.WARNING, note);
            }
        }
        // A server that is gone takes its sessions with it; any other change keeps them.
        for (int id : previous.servers().keySet()) {
            if (!current.servers().containsKey(id)) {
                sessions.clear(id);
            }
        }
    }

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        if (!f.isIpv4() || f.l4Offset() < 0) {
            if (f.isIpv4() && f.isFragment() && mastership.isMaster()) {
                fragments.follow(ctx, f, System.nanoTime()); // a later fragment: no ports, it follows its first
            }
            return;
        }
        BalancePlan p = plan;
        int proto = f.ipProtocol();
        if (proto == Frame.PROTO_ICMP) {
            if (mastership.isMaster()) {
                icmp.steer(ctx, f, p, sessions, neighbours, ports);
            }
            return;
        }
        int s = p.match(f.ipv4Dst(), f.dstPort(), proto);
        if (!mastership.isMaster()) {
            return; // a VRRP backup owns no VIP and no translation: the master serves them
        }
        if (s < 0) {
            if (p.replyKey.length > 0 && f.dstMac() == ctx.inPortMac()) {
                reply(ctx, f, p, proto);
            }
            return;
        }
        int client = f.ipv4Src();
        // A source bng owns (the VIP itself: a LAND-style loop at the target) or one that is not
        // unicast (0/8, 127/8, multicast, class E) is forged: a host never sends it (RFC 1122
        // §3.2.1.3), and a target would answer it at itself or at a group.
        int first = client >>> 24;
        if (first == 0 || first == 127 || first >= 224 || owned.ownsIpv4(client)) {
            martian++;
            ctx.drop();
            return;
        }
        boolean tcp = proto == Frame.PROTO_TCP;
        int flags = tcp ? f.tcpFlags() : 0;
        long key = SessionTable.key(client, p.bySource[s] ? 0 : f.srcPort(), p.serverId[s]);
        int target = binder.bind(sessions, health, p, s, key, client, tcp, flags);
        if (target < 0) {
            ctx.drop();
            return;
        }
        forward(ctx, f, p, s, target, tcp, flags);
    }

    private void forward(PacketContext ctx, Frame f, BalancePlan p, int s, int target, boolean tcp, int flags) {
        int src = f.ipv4Src();
        int dst = f.ipv4Dst();
        if (target >= p.address.length || p.address[target] == 0) {
            binder.noTarget++; // bound to a target the configuration no longer has
            ctx.drop();
            return;
        }
        int out = p.outPort[target];
        long srcMac = out < 0 ? -1 : out == ctx.inPort() ? ctx.inPortMac() : ports.mac(out);
        if (srcMac < 0) {
            noRoute++;
            ctx.drop();
            return;
        }
        long mac = neighbours.lookupIpv4(p.address[target]);
        if (mac < 0) {
            unresolved++; // arp resolves targets; until then the client retransmits
            neighbours.request(p.address[target]);
            ctx.drop();
            return;
        }
        int mode = p.mode(s, target);
        if (mode == BalancePlan.MODE_SNAT) {
            long conn = SessionTable.key(f.ipv4Src(), f.srcPort(), p.serverId[s]);
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
            f.setIpv4Src(p.prx[s]);
            f.setSrcPort(proxyPort);
        }
        if (mode != BalancePlan.MODE_DSR) {
            f.setIpv4Dst(p.address[target]);
            int tp = p.targetPort[target];
            if (tp != 0 && p.port[s] != 0 && tp != f.dstPort()) {
                f.setDstPort(tp);
            }
        }
        f.setDstMac(mac);
        f.setSrcMac(srcMac);
        sessions.count(p.serverId[s], target, f.length());
        forwarded++;
        if (f.isFragment()) {
            fragments.learn(src, dst, f, out, System.nanoTime());
        }
        ctx.send(out);
    }

    /**
     * A packet not to a VIP, sent to bng's MAC: a target's reply to a NAT client (source the
     * target's address and port, destination the client) or to a proxied connection (destination
     * prx and a proxy port)? Then it is translated back and sent toward the client; anything else
     * passes on untouched.
     */
    private void reply(PacketContext ctx, Frame f, BalancePlan p, int proto) {
        int src = f.ipv4Src();
        int k = p.firstReply(src, f.srcPort());
        if (k < 0) {
            k = p.firstReply(src, 0);
            if (k < 0) {
                return;
            }
        }
        int dst = f.ipv4Dst();
        int dport = f.dstPort();
        boolean tcp = proto == Frame.PROTO_TCP;
        // The target's FIN or RST closes the connection's session; any reply refreshes it.
        int flags = tcp ? (f.tcpFlags() & (SessionTable.TCP_FIN | SessionTable.TCP_RST)) | SessionTable.TCP_ACK : 0;
        long rk = p.replyKey[k];
        for (; k < p.replyKey.length && p.replyKey[k] == rk; k++) {
            int s = p.replyServer[k];
            int t = p.replyTarget[k];
            if (p.protocol[s] != 0 && p.protocol[s] != proto) {
                continue;
            }
            int client;
            int clientPort;
            long key;
            if (p.proxy[s]) {
                long conn = dst == p.prx[s] ? sessions.proxied(t, dport) : 0;
                if (conn == 0 || SessionTable.keyServer(conn) != p.serverId[s]) {
                    continue;
                }
                client = SessionTable.keyClient(conn);
                clientPort = SessionTable.keyPort(conn);
                key = conn;
            } else {
                client = dst;
                clientPort = dport;
                key = SessionTable.key(client, p.bySource[s] ? 0 : clientPort, p.serverId[s]);
            }
            int slot = sessions.find(key);
            if (slot < 0 || sessions.target(slot) != t) {
                continue;
            }
            int hop = p.connectedPort(client) >= 0 ? client : p.gateway;
            int out = hop == 0 ? -1 : p.connectedPort(hop);
            long srcMac = out < 0 ? -1 : out == ctx.inPort() ? ctx.inPortMac() : ports.mac(out);
            if (srcMac < 0) {
                noRoute++;
                ctx.drop();
                return;
            }
            long mac = neighbours.lookupIpv4(hop);
            if (mac < 0) {
                unresolved++; // a client in a connected network that arp has not met: ask, the target retransmits
                neighbours.request(hop);
                ctx.drop();
                return;
            }
            sessions.touch(slot, flags);
            if (p.proxy[s]) {
                f.setIpv4Dst(client);
                f.setDstPort(clientPort);
            }
            f.setIpv4Src(p.vip[s]);
            if (p.port[s] != 0 && f.srcPort() != p.port[s]) {
                f.setSrcPort(p.port[s]);
            }
            f.setDstMac(mac);
            f.setSrcMac(srcMac);
            sessions.count(p.serverId[s], t, f.length());
            replied++;
            if (f.isFragment()) {
                fragments.learn(src, dst, f, out, System.nanoTime());
            }
            ctx.send(out);
            return;
        }
    }

    /** Later fragments sent on after their first (tests, show slb). */
    long fragmentsFollowed() {
        return fragments.followed;
    }

    /** A target for a new session (tests). */
    int choose(BalancePlan p, int s, int client) {
        return binder.chooser.choose(p, s, client);
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-14s %d%n", "forwarded", forwarded));
        out.append(String.format("%-14s %d%n", "replied", replied));
        binder.show(out);
        out.append(String.format("%-14s %d%n", "unresolved", unresolved));
        out.append(String.format("%-14s %d%n", "no-route", noRoute));
        out.append(String.format("%-14s %d%n", "frag-followed", fragments.followed));
        out.append(String.format("%-14s %d%n", "frag-unknown", fragments.unknown));
        out.append(String.format("%-14s %d%n", "no-proxy-port", noProxyPort));
        out.append(String.format("%-14s %d%n", "martian-src", martian));
        out.append(String.format("%-14s %d%n", "icmp-to-target", icmp.steered));
        out.append(String.format("%-14s %d%n", "icmp-to-client", icmp.toClients));
        out.append(String.format("%-14s %d%n", "icmp-no-session", icmp.noSession));
        out.append(String.format("%-14s %d%n", "icmp-bad-sum", icmp.badChecksum));
        out.append(String.format("%-14s %d%n", "icmp-unresolved", icmp.unresolved + icmp.noRoute));
    }
}
