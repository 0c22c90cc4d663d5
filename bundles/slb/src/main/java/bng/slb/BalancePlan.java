package bng.slb;

import bng.core.config.Configuration;
import bng.core.config.GatewayDef;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.TargetDef;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the per-packet path needs for IPv4, computed once per configuration: beyond the
 * family-neutral {@link Plan}, the VIPs and {@code prx} addresses (matched by a scan: servers are
 * few), per target id its address, the connected networks and the gateway (to send replies on),
 * and a sorted index of translated targets (address, port) → (server, target) for the reply path.
 * Immutable but for the round-robin cursors (racy increments between port threads only skew the
 * rotation).
 */
final class BalancePlan extends Plan {
    static final BalancePlan EMPTY = new BalancePlan(Configuration.empty(), List.of());

    final int[] vip;
    /** The source address of proxied packets: {@code prx}, else the VIP. */
    final int[] prx;

    final int[] address;

    // Connected networks (enabled, with an address and an interface), and the default route.
    final int[] netAddr;
    final int[] netMask;
    final int[] netPort;
    /** The gateway's address, 0 when none. */
    final int gateway;

    // Reply index: sorted by (target address << 16 | target port); parallel server index and target id.
    final long[] replyKey;
    final int[] replyServer;
    final int[] replyTarget;

    /** @param notes what the plan could not honour (logged by the caller, once each) */
    BalancePlan(Configuration c, List<String> notes) {
        this(c, servers(c, s -> s.ipaddr() != null), notes);
    }

    private BalancePlan(Configuration c, List<ServerDef> servers, List<String> notes) {
        super(c, servers, t -> t.ipaddr() != null);
        int n = servers.size();
        vip = new int[n];
        prx = new int[n];
        address = new int[enabled.length];

        List<NetworkDef> nets = new ArrayList<>();
        for (NetworkDef d : c.networks().values()) {
            if (d.state() == ObjectState.ENABLED && d.addr() != null && d.mask() != null && d.interfaceId() != null) {
                nets.add(d);
            }
        }
        netAddr = new int[nets.size()];
        netMask = new int[nets.size()];
        netPort = new int[nets.size()];
        for (int k = 0; k < nets.size(); k++) {
            NetworkDef d = nets.get(k);
            netMask[k] = d.mask() == 0 ? 0 : -1 << (32 - d.mask());
            netAddr[k] = ipv4(d.addr()) & netMask[k];
            netPort[k] = d.interfaceId();
        }
        GatewayDef g = c.gateway();
        gateway = g == null || g.ipaddr() == null ? 0 : ipv4(g.ipaddr());

        for (TargetDef t : c.targets().values()) {
            if (t.ipaddr() != null) {
                address[t.id()] = ipv4(t.ipaddr());
                outPort[t.id()] = connectedPort(address[t.id()]);
            }
        }
        for (int i = 0; i < n; i++) {
            ServerDef s = servers.get(i);
            vip[i] = ipv4(s.ipaddr());
            prx[i] = s.prx() != null ? ipv4(s.prx()) : vip[i];
            for (int j = 0; j < i; j++) {
                if (vip[j] == vip[i] && port[j] == port[i] && protocol[j] == protocol[i]) {
                    notes.add("server " + s.id() + " has the same ipaddr, port and protocol as server " + serverId[j]
                        + " (a copied block?): only one of them can receive the packets; change one's ipaddr or port");
                }
            }
        }
        buildPools(c, servers, notes, "IPv4");
        List<long[]> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (TargetPool pool : new TargetPool[] {primaries[i], backups[i]}) {
                for (int t : pool.ids) {
                    if (mode(i, t) != MODE_DSR) {
                        replies.add(new long[] {(address[t] & 0xffff_ffffL) << 16 | replyPort(i, t), i, t});
                    }
                }
            }
        }
        replies.sort((a, b) -> Long.compare(a[0], b[0]));
        noteSharedReplySources(replies, notes);
        replyKey = new long[replies.size()];
        replyServer = new int[replies.size()];
        replyTarget = new int[replies.size()];
        for (int k = 0; k < replies.size(); k++) {
            replyKey[k] = replies.get(k)[0];
            replyServer[k] = (int) replies.get(k)[1];
            replyTarget[k] = (int) replies.get(k)[2];
        }
    }

    /**
     * Two NAT servers reaching one target address and port, one of them keyed by the client's
     * address only ({@code sessionid src}): a reply carries nothing that tells the servers apart,
     * so a client with sessions on both gets every reply from the first server's VIP and its
     * connections to the other fail. Said once per pair, with the ways out.
     */
    private void noteSharedReplySources(List<long[]> replies, List<String> notes) {
        for (int a = 0; a < replies.size(); a++) {
            for (int b = a + 1; b < replies.size() && replies.get(b)[0] == replies.get(a)[0]; b++) {
                int i = (int) replies.get(a)[1];
                int j = (int) replies.get(b)[1];
                if (i == j || proxy[i] || proxy[j] || !(bySource[i] || bySource[j])) {
                    continue;
                }
                long key = replies.get(a)[0];
                String note = "servers " + Math.min(serverId[i], serverId[j]) + " and " + Math.max(serverId[i], serverId[j])
                    + " both reach " + dotted((int) (key >>> 16)) + ":" + (key & 0xffff)
                    + " in NAT mode: its replies do not tell the servers apart, so a client with sessions on both gets "
                    + "them from one VIP only and its connections to the other fail; give each server its own target "
                    + "port, or sessionid src+port on both, or proxy enable";
                if (!notes.contains(note)) {
                    notes.add(note);
                }
            }
        }
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    @Override
    long maglevName(int target) {
        return Maglev.name(address[target], targetPort[target]);
    }

    /** The port of the connected network holding {@code addr}, or -1. */
    int connectedPort(int addr) {
        for (int k = 0; k < netAddr.length; k++) {
            if ((addr & netMask[k]) == netAddr[k]) {
                return netPort[k];
            }
        }
        return -1;
    }

    static int ipv4(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The index of the server for this destination, port and protocol, or -1. */
    int match(int dst, int dstPort, int proto) {
        int[] v = vip;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == dst && (port[i] == 0 || port[i] == dstPort) && (protocol[i] == 0 || protocol[i] == proto)) {
                return i;
            }
        }
        return -1;
    }

    /** The first index of the reply entries for a packet from {@code addr}:{@code port}, or -1. */
    int firstReply(int addr, int srcPort) {
        int k = Arrays.binarySearch(replyKey, (addr & 0xffff_ffffL) << 16 | srcPort);
        if (k < 0) {
            return -1;
        }
        while (k > 0 && replyKey[k - 1] == replyKey[k]) {
            k--;
        }
        return k;
    }
}
