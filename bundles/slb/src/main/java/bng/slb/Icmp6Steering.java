package bng.slb;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.NeighbourCache;
import bng.core.api.PacketContext;
import bng.core.api.Ports;
import bng.core.api.SessionTable;

/**
 * {@link IcmpSteering}'s IPv6 half for the IPv6 servers (DSR: NAT over IPv6 is not built): an
 * ICMPv6 error (RFC 4443: destination unreachable, packet too big, time exceeded, parameter
 * problem) sent to a VIP about a datagram the VIP sent — a target's reply that a router could not
 * forward toward the client — goes to that flow's target, with only the MACs changed (the target
 * has the VIP). Packet too big matters most: IPv6 routers never fragment, so without it every
 * connection across a narrower link than the targets' stalls. The quoted datagram must carry TCP
 * or UDP right after its fixed header (a quote with extension headers passes on untouched), the
 * ICMPv6 checksum (pseudo header included) must verify, and the session must exist. No
 * allocation, no lock.
 */
final class Icmp6Steering {
    static final int DEST_UNREACHABLE = 1;
    static final int PACKET_TOO_BIG = 2;
    static final int TIME_EXCEEDED = 3;
    static final int PARAMETER_PROBLEM = 4;

    long steered;
    long noSession;
    long badChecksum;
    long unresolved;

    void steer(PacketContext ctx, Frame f, BalancePlan6 p, SessionTable sessions, NeighbourCache neighbours, Ports ports) {
        int icmp = f.l4Offset();
        int end = f.l3End();
        if (f.isFragment() || icmp < 0) {
            return;
        }
        int type = f.u8(icmp);
        if (type < DEST_UNREACHABLE || type > PARAMETER_PROBLEM) {
            return; // informational (echo, neighbour discovery): ping's and arp's
        }
        int q = icmp + 8;
        int ql4 = q + 40;
        if (ql4 + 8 > end || (f.u8(q) >>> 4) != 6) {
            return;
        }
        int qproto = f.u8(q + 6);
        if (qproto != Frame.PROTO_TCP && qproto != Frame.PROTO_UDP) {
            return;
        }
        byte[] b = f.data();
        long vipHi = BalancePlan6.read64(b, q + 8);
        long vipLo = BalancePlan6.read64(b, q + 16);
        int s = p.match(vipHi, vipLo, f.u16(ql4), qproto);
        int dst = f.ipv6DstOffset();
        if (s < 0 || BalancePlan6.read64(b, dst) != vipHi || BalancePlan6.read64(b, dst + 8) != vipLo) {
            return; // not an error about something a VIP sent
        }
        int len = end - icmp;
        if (Checksums.fold(Checksums.sum(b, icmp, len, Checksums.pseudoHeader6(b, f.ipv6SrcOffset(), dst,
                Frame.PROTO_ICMPV6, len))) != 0xffff) {
            badChecksum++;
            ctx.drop();
            return;
        }
        long key = ServerBalancer6.key(BalancePlan6.read64(b, q + 24), BalancePlan6.read64(b, q + 32),
            p.bySource[s] ? 0 : f.u16(ql4 + 2), p.serverId[s]);
        int slot = sessions.find(key);
        int target = slot < 0 ? -1 : sessions.target(slot);
        if (target < 0 || target >= p.address.length || p.address[target] == null || !p.dsr[target]) {
            noSession++; // no flow (expired or forged); an error never makes one
            ctx.drop();
            return;
        }
        int out = p.outPort[target];
        long srcMac = out < 0 ? -1 : out == ctx.inPort() ? ctx.inPortMac() : ports.mac(out);
        long mac = srcMac < 0 ? -1 : neighbours.lookupIpv6(p.address[target], 0);
        if (mac < 0) {
            unresolved++;
            ctx.drop();
            return;
        }
        f.setDstMac(mac);
        f.setSrcMac(srcMac);
        steered++;
        ctx.send(out);
    }
}
