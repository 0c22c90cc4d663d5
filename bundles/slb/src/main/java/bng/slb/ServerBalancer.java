package bng.slb;

import bng.core.api.ConfigListener;
import bng.core.api.Frame;
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
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The director for virtual servers: a TCP or UDP frame to an enabled server's VIP (and port, and
 * protocol, when the server names them) is kept on its session's target, or, when it may open a
 * flow (a TCP SYN without ACK, any UDP datagram), bound to a target chosen among the server's
 * enabled targets that hc reports up (backups only when no primary is up) by {@code rr} or
 * {@code hash} (Maglev). A TCP segment that is not a SYN and has no session is dropped: the flow
 * started elsewhere or its session expired.
 *
 * <p>DSR (target {@code dsr enable}): only the Ethernet addresses change (destination = the
 * target's MAC from the neighbour cache, source = the leaving port's MAC) and the frame leaves on
 * the port of the network that holds the target (reference §4; the target answers the client
 * itself from the VIP on its loopback). NAT targets come with issue 6 and are dropped.
 *
 * <p>Per packet: array reads of the current {@link BalancePlan}, one session probe, no lock, no
 * allocation. Drop counters are plain fields (one port thread each today; with several, an
 * increment can be lost: statistics).
 */
@Component(immediate = true, service = {PacketProcessor.class, ConfigListener.class, ShowTopic.class}, property = {
    ProcessorProperties.NAME + "=slb.balancer",
    ProcessorProperties.MODULE + "=slb",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=2000",
    ProcessorProperties.ETHERTYPE + ":Integer=2048",
    ProcessorProperties.IP_PROTOCOL + ":Integer=6",
    ProcessorProperties.IP_PROTOCOL + ":Integer=17",
    ShowTopic.TOPIC + "=slb",
    ShowTopic.DESCRIPTION + "=slb forwarding and drop counters"
})
public final class ServerBalancer implements PacketProcessor, ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(ServerBalancer.class.getName());
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
    OwnedAddresses owned;

    private volatile BalancePlan plan = BalancePlan.EMPTY;
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
    long martian;

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
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
            return; // not IPv4, or a later fragment (no ports): fragments follow their flow with issue 6
        }
        BalancePlan p = plan;
        int proto = f.ipProtocol();
        int s = p.match(f.ipv4Dst(), f.dstPort(), proto);
        if (s < 0) {
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
        boolean opens = !tcp || (flags & OPEN_MASK) == SessionTable.TCP_SYN;
        long key = SessionTable.key(client, p.bySource[s] ? 0 : f.srcPort(), p.serverId[s]);
        int slot = sessions.find(key);
        int target = slot < 0 ? -1 : sessions.target(slot);
        if (target >= 0 && opens && !usable(p, target)) {
            sessions.remove(key); // a new flow of a client whose target is out of service: choose again
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
            target = choose(p, s, client);
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
            target = sessions.target(slot); // another port thread may have bound it first
            if (target < 0) {
                raced++;
                ctx.drop();
                return;
            }
            newSessions++;
        }
        forward(ctx, f, p, p.serverId[s], target);
    }

    private void forward(PacketContext ctx, Frame f, BalancePlan p, int server, int target) {
        if (target >= p.address.length || p.address[target] == 0) {
            noTarget++; // bound to a target the configuration no longer has
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
        long mac = neighbours.lookupIpv4(p.address[target]);
        if (mac < 0) {
            unresolved++; // arp resolves targets; until then the client retransmits
            ctx.drop();
            return;
        }
        f.setDstMac(mac);
        f.setSrcMac(srcMac);
        sessions.count(server, target, f.length());
        forwarded++;
        ctx.send(out);
    }

    private boolean usable(BalancePlan p, int target) {
        return p.isTarget(target) && health.state(target) == TargetHealth.UP;
    }

    /** A target for a new session: a primary that is up, else a backup that is up, else -1. */
    int choose(BalancePlan p, int s, int client) {
        int t = pick(p, s, p.primaries[s], p.primaryTable[s], client);
        return t >= 0 ? t : pick(p, s, p.backups[s], p.backupTable[s], client);
    }

    private int pick(BalancePlan p, int s, int[] targets, int[] table, int client) {
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
        // A target that is down keeps its table entries; its clients go to the next entries that
        // are up, so the clients of the targets that are up stay where they were.
        int m = table.length;
        for (int i = Maglev.index(client, m), c = 0; c < m; c++, i = i + 1 == m ? 0 : i + 1) {
            if (usable(p, table[i])) {
                return table[i];
            }
        }
        return -1;
    }

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
        out.append(String.format("%-14s %d%n", "martian-src", martian));
    }
}
