package bng.slb;

import bng.core.api.ConfigListener;
import bng.core.api.Frame;
import bng.core.api.Mastership;
import bng.core.api.NeighbourCache;
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
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link ServerBalancer} for IPv6 VIPs ({@code server ipaddr6}), DSR targets with an
 * {@code ipaddr6}: same session rules, methods {@code rr} and {@code hash} (Maglev), the Ethernet
 * addresses rewritten with the target's MAC from the IPv6 neighbour cache. NAT over IPv6 is not
 * implemented: such targets are counted and dropped.
 *
 * <p>Sessions live in the same {@link SessionTable}, whose key has room for an IPv4 client only.
 * An IPv6 session's key is therefore a 48-bit hash of (client address, client port or 0) above the
 * server id in the low 16 bits ({@link #key}), so per-server operations ({@code clear}, counters)
 * work unchanged. Two clients of one server share a key with probability 2^-48 per pair (a million
 * concurrent clients: about 2^-9 that any pair does); a collision only makes the second client
 * stick to the first one's target, which is a target of the same server and up, so nothing breaks.
 * {@code show sessions} prints the hash's high 32 bits where an IPv4 client would be.
 */
@Component(immediate = true, service = {PacketProcessor.class, ConfigListener.class, ShowTopic.class}, property = {
    ProcessorProperties.NAME + "=slb.balancer6",
    ProcessorProperties.MODULE + "=slb",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=2000",
    ProcessorProperties.ETHERTYPE + ":Integer=34525",
    ProcessorProperties.IP_PROTOCOL + ":Integer=58",
    ProcessorProperties.IP_PROTOCOL + ":Integer=6",
    ProcessorProperties.IP_PROTOCOL + ":Integer=17",
    ShowTopic.TOPIC + "=slb6",
    ShowTopic.DESCRIPTION + "=slb forwarding and drop counters for IPv6 servers"
})
public final class ServerBalancer6 implements PacketProcessor, ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(ServerBalancer6.class.getName());
    private static final int OPEN_MASK = SessionTable.TCP_SYN | SessionTable.TCP_ACK | SessionTable.TCP_FIN
        | SessionTable.TCP_RST;

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

    private volatile BalancePlan6 plan = BalancePlan6.EMPTY;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    long forwarded;
    long newSessions;
    long noSession;
    long noTarget;
    long full;
    long raced;
    long unresolved;
    long natNotYet;
    long noRoute;

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        List<String> notes = new ArrayList<>();
        plan = new BalancePlan6(current, notes);
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
            icmp6.steer(ctx, f, p, sessions, neighbours, ports); // errors about a flow: packet too big
            return;
        }
        byte[] b = f.data();
        int dst = f.ipv6DstOffset();
        int s = p.match(BalancePlan6.read64(b, dst), BalancePlan6.read64(b, dst + 8), f.dstPort(), proto);
        if (s < 0) {
            return;
        }
        int src = f.ipv6SrcOffset();
        long clientHi = BalancePlan6.read64(b, src);
        long clientLo = BalancePlan6.read64(b, src + 8);
        boolean tcp = proto == Frame.PROTO_TCP;
        int flags = tcp ? f.tcpFlags() : 0;
        boolean opens = !tcp || (flags & OPEN_MASK) == SessionTable.TCP_SYN;
        long key = key(clientHi, clientLo, p.bySource[s] ? 0 : f.srcPort(), p.serverId[s]);
        int slot = sessions.find(key);
        int target = slot < 0 ? -1 : sessions.target(slot);
        if (target >= 0 && opens && !usable(p, target)) {
            sessions.remove(key);
            target = -1;
        }
        if (target >= 0) {
            sessions.touch(slot, flags);
        } else {
            if (!opens) {
                noSession++;
                ctx.drop();
                return;
            }
            target = choose(p, s, BalancePlan6.fold(clientHi, clientLo));
            if (target < 0) {
                noTarget++;
                ctx.drop();
                return;
            }
            slot = sessions.insert(key, target, tcp, flags);
            if (slot < 0) {
                full++;
                ctx.drop();
                return;
            }
            target = sessions.target(slot);
            if (target < 0) {
                raced++;
                ctx.drop();
                return;
            }
            newSessions++;
        }
        forward(ctx, f, p, p.serverId[s], target);
    }

    private void forward(PacketContext ctx, Frame f, BalancePlan6 p, int server, int target) {
        if (target >= p.address.length || p.address[target] == null) {
            noTarget++;
            ctx.drop();
            return;
        }
        if (!p.dsr[target]) {
            natNotYet++;
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
        long mac = neighbours.lookupIpv6(p.address[target], 0);
        if (mac < 0) {
            unresolved++; // arp's neighbour discovery resolves targets; until then the client retransmits
            ctx.drop();
            return;
        }
        f.setDstMac(mac);
        f.setSrcMac(srcMac);
        sessions.count(server, target, f.length());
        forwarded++;
        ctx.send(out);
    }

    private boolean usable(BalancePlan6 p, int target) {
        return p.isTarget(target) && health.state(target) == TargetHealth.UP;
    }

    int choose(BalancePlan6 p, int s, int client) {
        int t = pick(p, s, p.primaries[s], p.primaryTable[s], client);
        return t >= 0 ? t : pick(p, s, p.backups[s], p.backupTable[s], client);
    }

    private int pick(BalancePlan6 p, int s, int[] targets, int[] table, int client) {
        int n = targets.length;
        if (table == null) {
            int start = Integer.remainderUnsigned(p.cursor[s]++, Math.max(1, n));
            for (int i = 0; i < n; i++) {
                int t = targets[(start + i) % n];
                if (usable(p, t)) {
                    return t;
                }
            }
            return -1;
        }
        boolean any = false;
        for (int t : targets) {
            any |= usable(p, t);
        }
        if (!any) {
            return -1;
        }
        int m = table.length;
        for (int i = Maglev.index(client, m), c = 0; c < m; c++, i = i + 1 == m ? 0 : i + 1) {
            if (usable(p, table[i])) {
                return table[i];
            }
        }
        return -1;
    }

    /** ICMPv6 errors about a flow (packet too big, unreachable), steered to the flow's target. */
    final Icmp6Steering icmp6 = new Icmp6Steering();

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-14s %d%n", "forwarded", forwarded));
        out.append(String.format("%-14s %d%n", "new-sessions", newSessions));
        out.append(String.format("%-14s %d%n", "no-session", noSession));
        out.append(String.format("%-14s %d%n", "no-target", noTarget));
        out.append(String.format("%-14s %d%n", "table-full", full));
        out.append(String.format("%-14s %d%n", "raced", raced));
        out.append(String.format("%-14s %d%n", "unresolved", unresolved));
        out.append(String.format("%-14s %d%n", "nat-not-yet", natNotYet));
        out.append(String.format("%-14s %d%n", "no-route", noRoute));
        out.append(String.format("%-14s %d%n", "icmp-steered", icmp6.steered));
        out.append(String.format("%-14s %d%n", "icmp-no-flow", icmp6.noSession));
        out.append(String.format("%-14s %d%n", "icmp-bad-sum", icmp6.badChecksum));
        out.append(String.format("%-14s %d%n", "icmp-unresolved", icmp6.unresolved));
    }
}
