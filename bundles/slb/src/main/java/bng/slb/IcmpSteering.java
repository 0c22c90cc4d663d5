package bng.slb;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.NeighbourCache;
import bng.core.api.PacketContext;
import bng.core.api.Ports;
import bng.core.api.SessionTable;

/**
 * ICMP errors about a balanced flow (RFC 792 destination unreachable — among them RFC 1191's
 * fragmentation needed — time exceeded, parameter problem), steered by the header they quote to
 * the flow's target. A router that cannot forward a target's reply toward the client (a narrower
 * link, DF set) sends the error to the reply's source, the VIP, which bng owns: without steering
 * the target never learns the path MTU and every full-sized segment of the connection is lost
 * (a "PMTU black hole"). The quoted datagram is the reply as it left toward the client: source
 * VIP:port, destination client:port, so the server is matched on the quoted source and the session
 * is looked up with the quoted destination as the client.
 *
 * <p>By the flow's mode: DSR — only the MACs change (the target has the VIP); NAT — the outer
 * destination and the quoted source become the target's address and port, so the target's kernel
 * finds its socket; SNAT proxy — also the quoted destination becomes prx and the connection's proxy
 * port. The quoted IPv4 header checksum and the quoted TCP/UDP checksum (when quoted) follow
 * incrementally (RFC 1624), the ICMP checksum is verified first and recomputed last (an ICMP
 * error quotes at most 576 bytes: bounded work, and these are rare).
 *
 * <p>And the other way, for NAT and proxy flows: an error from the target's side about a packet bng
 * translated toward the target is translated back and sent to the client ({@link #toClient}).
 *
 * <p>An error that does not quote a TCP/UDP datagram from a VIP passes on untouched (it is not
 * about a balanced flow); one about a flow bng has no session for is dropped and counted. No
 * allocation, no lock: called from {@link ServerBalancer#process} on the port thread.
 */
final class IcmpSteering {
    static final int DEST_UNREACHABLE = 3;
    static final int TIME_EXCEEDED = 11;
    static final int PARAMETER_PROBLEM = 12;

    long steered;
    /** Errors from the target side about a client's translated packet, sent on to the client. */
    long toClients;
    long noSession;
    long badChecksum;
    long unresolved;
    long noRoute;

    void steer(PacketContext ctx, Frame f, BalancePlan p, SessionTable sessions, NeighbourCache neighbours, Ports ports) {
        int icmp = f.l4Offset();
        int end = f.l3End();
        if (f.isFragment() || icmp < 0) {
            return; // a fragmented error: the quote may be cut; not ours to reassemble
        }
        int type = f.u8(icmp);
        if (type != DEST_UNREACHABLE && type != TIME_EXCEEDED && type != PARAMETER_PROBLEM) {
            return; // echo and friends: ping's
        }
        int q = icmp + 8;
        if (q + 20 > end || (f.u8(q) >>> 4) != 4) {
            return;
        }
        int qihl = (f.u8(q) & 0x0f) * 4;
        int qproto = f.u8(q + 9);
        int ql4 = q + qihl;
        // The quote must carry the ports (RFC 792: header + 64 bits), and they exist only in a first fragment.
        if (qihl < 20 || ql4 + 8 > end || (qproto != Frame.PROTO_TCP && qproto != Frame.PROTO_UDP)
                || (f.u16(q + 6) & 0x1fff) != 0) {
            return;
        }
        int vip = f.u32(q + 12);
        int client = f.u32(q + 16);
        int vport = f.u16(ql4);
        int cport = f.u16(ql4 + 2);
        int s = p.match(vip, vport, qproto);
        if (s < 0 || f.ipv4Dst() != vip) {
            if (p.replyKey.length > 0 && f.dstMac() == ctx.inPortMac()) {
                toClient(ctx, f, p, sessions, neighbours, ports, q, ql4, qproto);
            }
            return; // not an error about something a VIP sent
        }
        if (Checksums.fold(Checksums.sum(f.data(), icmp, end - icmp, 0)) != 0xffff) {
            badChecksum++;
            ctx.drop();
            return;
        }
        int serverId = p.serverId[s];
        long key = SessionTable.key(client, p.bySource[s] ? 0 : cport, serverId);
        int slot = sessions.find(key);
        int target = slot < 0 ? -1 : sessions.target(slot);
        if (target < 0 || target >= p.address.length || p.address[target] == 0) {
            noSession++; // no flow to tell (expired, or forged): an error is never a reason to make one
            ctx.drop();
            return;
        }
        int mode = p.mode(s, target);
        int proxyPort = 0;
        if (mode == BalancePlan.MODE_SNAT) {
            long conn = SessionTable.key(client, cport, serverId);
            int c = sessions.find(conn);
            if (c < 0 || sessions.target(c) != target || (proxyPort = sessions.proxyPort(conn, target)) < 0) {
                noSession++;
                ctx.drop();
                return;
            }
        }
        int address = p.address[target];
        int out = p.outPort[target];
        long srcMac = out < 0 ? -1 : out == ctx.inPort() ? ctx.inPortMac() : ports.mac(out);
        if (srcMac < 0) {
            noRoute++;
            ctx.drop();
            return;
        }
        long mac = neighbours.lookupIpv4(address);
        if (mac < 0) {
            unresolved++;
            neighbours.request(address);
            ctx.drop();
            return;
        }
        if (mode != BalancePlan.MODE_DSR) {
            int csum = quotedChecksum(f, qproto, ql4, end);
            int tp = p.targetPort[target];
            int port = tp != 0 && p.port[s] != 0 ? tp : vport;
            csum = rewrite(f, q + 12, ql4, q, csum, vip, address, vport, port);
            if (mode == BalancePlan.MODE_SNAT) {
                csum = rewrite(f, q + 16, ql4 + 2, q, csum, client, p.prx[s], cport, proxyPort);
            }
            if (csum >= 0) {
                f.put16(csumOffset(qproto, ql4), qproto == Frame.PROTO_UDP && csum == 0 ? 0xffff : csum);
            }
            f.setIpv4Dst(address); // the outer header; ICMPv4's own checksum covers no addresses
            f.put16(icmp + 2, 0);
            f.put16(icmp + 2, Checksums.checksum(f.data(), icmp, end - icmp));
        }
        f.setDstMac(mac);
        f.setSrcMac(srcMac);
        steered++;
        ctx.send(out);
    }

    /**
     * The other direction, NAT and proxy only: an error about a packet bng translated toward a
     * target (the quote is client:port → target:port, or prx:proxy-port → target:port), sent to bng's
     * MAC because bng is the target network's gateway — the target's own "port unreachable" for a
     * UDP service that is down, or a router's "fragmentation needed" on the target's side. It goes
     * to the client as if the VIP had sent it: the quoted destination becomes VIP:port, a proxied
     * quote's source the client's address and port, the outer destination the client, and the outer
     * source the VIP when it was the target itself. Anything that matches no session passes on.
     */
    private void toClient(PacketContext ctx, Frame f, BalancePlan p, SessionTable sessions, NeighbourCache neighbours,
            Ports ports, int q, int ql4, int qproto) {
        int icmp = f.l4Offset();
        int end = f.l3End();
        int from = f.u32(q + 12);
        int fromPort = f.u16(ql4);
        int to = f.u32(q + 16);
        int toPort = f.u16(ql4 + 2);
        int k = p.firstReply(to, toPort);
        if (k < 0) {
            k = p.firstReply(to, 0);
            if (k < 0) {
                return;
            }
        }
        long rk = p.replyKey[k];
        for (; k < p.replyKey.length && p.replyKey[k] == rk; k++) {
            int s = p.replyServer[k];
            int t = p.replyTarget[k];
            if (p.protocol[s] != 0 && p.protocol[s] != qproto) {
                continue;
            }
            int client;
            int clientPort;
            long key;
            if (p.proxy[s]) {
                long conn = from == p.prx[s] ? sessions.proxied(t, fromPort) : 0;
                if (conn == 0 || SessionTable.keyServer(conn) != p.serverId[s]) {
                    continue;
                }
                client = SessionTable.keyClient(conn);
                clientPort = SessionTable.keyPort(conn);
                key = conn;
            } else {
                client = from;
                clientPort = fromPort;
                key = SessionTable.key(client, p.bySource[s] ? 0 : clientPort, p.serverId[s]);
            }
            int slot = sessions.find(key);
            if (slot < 0 || sessions.target(slot) != t) {
                continue;
            }
            if (Checksums.fold(Checksums.sum(f.data(), icmp, end - icmp, 0)) != 0xffff) {
                badChecksum++;
                ctx.drop();
                return;
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
                unresolved++;
                neighbours.request(hop);
                ctx.drop();
                return;
            }
            int vport = p.port[s] != 0 ? p.port[s] : toPort;
            int csum = quotedChecksum(f, qproto, ql4, end);
            csum = rewrite(f, q + 16, ql4 + 2, q, csum, to, p.vip[s], toPort, vport);
            if (p.proxy[s]) {
                csum = rewrite(f, q + 12, ql4, q, csum, from, client, fromPort, clientPort);
            }
            if (csum >= 0) {
                f.put16(csumOffset(qproto, ql4), qproto == Frame.PROTO_UDP && csum == 0 ? 0xffff : csum);
            }
            if (f.ipv4Src() == to) {
                f.setIpv4Src(p.vip[s]); // the target's own error: the client knows it as the VIP
            }
            if (f.ipv4Dst() != client) {
                f.setIpv4Dst(client);
            }
            f.put16(icmp + 2, 0);
            f.put16(icmp + 2, Checksums.checksum(f.data(), icmp, end - icmp));
            f.setDstMac(mac);
            f.setSrcMac(srcMac);
            toClients++;
            ctx.send(out);
            return;
        }
    }

    /** The quoted TCP/UDP checksum when the quote holds it (a UDP 0 means none), else -1. */
    private static int quotedChecksum(Frame f, int proto, int ql4, int end) {
        int off = csumOffset(proto, ql4);
        if (off + 2 > end) {
            return -1;
        }
        int c = f.u16(off);
        return proto == Frame.PROTO_UDP && c == 0 ? -1 : c;
    }

    private static int csumOffset(int proto, int ql4) {
        return proto == Frame.PROTO_TCP ? ql4 + 16 : ql4 + 6;
    }

    /**
     * Rewrites one quoted address (at {@code addrOff}) and port (at {@code portOff}), keeping the
     * quoted IPv4 header checksum (of the header at {@code q}) right; returns the quoted transport
     * checksum updated for both, or -1 when there is none.
     */
    private static int rewrite(Frame f, int addrOff, int portOff, int q, int csum, int from, int to, int fromPort,
            int toPort) {
        if (from != to) {
            f.put32(addrOff, to);
            f.put16(q + 10, Checksums.update32(f.u16(q + 10), from, to));
            if (csum >= 0) {
                csum = Checksums.update32(csum, from, to);
            }
        }
        if (fromPort != toPort) {
            f.put16(portOff, toPort);
            if (csum >= 0) {
                csum = Checksums.update16(csum, fromPort, toPort);
            }
        }
        return csum;
    }
}
