package bng.nat;

import bng.core.api.Checksums;
import bng.core.api.ConfigListener;
import bng.core.api.Frame;
import bng.core.api.OwnedAddresses;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import bng.core.api.SessionTable;
import bng.core.api.ShowTopic;
import bng.core.config.Configuration;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Generic NAT ("GNAT", reference §5.1): with {@code set ipforwarding 1}, a frame sent to bng's MAC
 * from a host in a {@code nat inside} network that rt would route into a {@code nat outside}
 * network (the destination's connected network, else the gateway's) leaves with that network's
 * {@code virt} as source and a port of bng's choosing; frames to that address and port come back
 * with the host's address and port as destination. TCP and UDP by port, ICMP echo by identifier;
 * ICMP errors about a mapped flow (fragmentation needed, unreachable, time exceeded) have their
 * quoted header translated too (RFC 5508 §3.2).
 *
 * <p>Behaviour (RFC 4787 terms): endpoint-independent mapping (one outside port per inside
 * address, port and protocol, whatever the destination: REQ-1) and endpoint-independent filtering
 * (any outside host may answer to a live mapping: REQ-8's transparent choice); one port space per
 * protocol shared by all outside addresses; no hairpinning (inside hosts reach each other
 * directly); a TCP mapping starts only with a SYN (RFC 5382 REQ-2's established state follows
 * core's session states). Fragments leaving an inside network are dropped (they carry no ports).
 *
 * <p>The mappings are sessions in core's table under the reserved ids {@link SessionTable#NAT_TCP},
 * {@link SessionTable#NAT_UDP} and {@link SessionTable#NAT_ICMP}, their ports from its SNAT port
 * index (1024..65535): expiry by {@code synctimeout}/{@code tcptimeout} (10 s after FIN or RST) and
 * {@code udptimeout} (UDP and ICMP), capacity, bngsync replication and survival across a removal of
 * this module all come from there.
 *
 * <p>This director only translates, in place, and does not handle the frame: rt (priority 8000)
 * forwards it, TTL and neighbours included. It runs after slb (2000), so VIP traffic and the
 * replies of slb's NAT targets are slb's, and after ping and arp. A frame rt would answer with
 * time exceeded (TTL ≤ 1) is left as it is. Allocation-free, lock-free, no exceptions per packet.
 */
@Component(immediate = true, service = {PacketProcessor.class, ConfigListener.class, ShowTopic.class}, property = {
    ProcessorProperties.NAME + "=nat.translator",
    ProcessorProperties.MODULE + "=nat",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=7000",
    ProcessorProperties.ETHERTYPE + ":Integer=2048",
    ShowTopic.TOPIC + "=nat",
    ShowTopic.DESCRIPTION + "=generic NAT mappings and counters"
})
public final class Translator implements PacketProcessor, ConfigListener, ShowTopic {
    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_UNREACHABLE = 3;
    static final int ICMP_ECHO = 8;
    static final int ICMP_TIME_EXCEEDED = 11;
    static final int ICMP_PARAMETER_PROBLEM = 12;
    /** The SYN-only test of a new TCP mapping. */
    static final int SYN_ACK = SessionTable.TCP_SYN | SessionTable.TCP_ACK;

    @Reference
    SessionTable sessions;
    @Reference
    OwnedAddresses owned;

    private volatile NatPlan plan = NatPlan.OFF;

    // Counters: plain fields written by port threads (statistics; exact with one port thread).
    long outbound;
    long inbound;
    long icmpErrors;
    /** A TCP segment other than a SYN with no mapping: not translated, dropped. */
    long noMapping;
    /** The session table refused the mapping (full). */
    long tableFull;
    /** None of the candidate ports was free. */
    long noPort;
    /** Fragments from an inside network toward an outside one. */
    long fragments;
    /** Neither TCP, UDP nor ICMP echo (or an ICMP error quoting nothing we map). */
    long untranslatable;
    /** The outside address is not ours now (VRRP backup). */
    long notOwner;

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        plan = new NatPlan(current);
    }

    @Override
    public void process(PacketContext ctx) {
        NatPlan p = plan;
        Frame f = ctx.frame();
        if (!p.active || !f.isIpv4() || f.dstMac() != ctx.inPortMac() || f.ttl() <= 1) {
            return;
        }
        int src = f.ipv4Src();
        int dst = f.ipv4Dst();
        if (p.isInside(src)) {
            outbound(ctx, f, p, dst);
        } else if (p.isOutsideAddress(dst)) {
            inbound(ctx, f);
        }
    }

    /** A frame from an inside host: translated when it is routed into an outside network. */
    private void outbound(PacketContext ctx, Frame f, NatPlan p, int dst) {
        int first = dst >>> 24;
        if (first == 0 || first == 127 || first >= 224 || owned.ownsIpv4(dst)) {
            return; // bng's own, or never routed
        }
        int k = p.egress(dst);
        if (k < 0 || p.role[k] != NatPlan.OUTSIDE || (p.mask[k] != -1 && (dst | p.mask[k]) == -1)) {
            return; // not leaving into an outside network: rt routes it as it is
        }
        int natAddr = p.natAddr[k];
        if (!owned.ownsIpv4(natAddr)) {
            notOwner++;
            ctx.drop();
            return;
        }
        if (f.isFragment()) {
            fragments++;
            ctx.drop();
            return;
        }
        int proto = f.ipProtocol();
        int l4 = f.l4Offset();
        if (l4 < 0) {
            untranslatable++;
            ctx.drop();
            return;
        }
        int id;
        int port;
        int flags = 0;
        if (proto == Frame.PROTO_TCP) {
            id = SessionTable.NAT_TCP;
            port = f.srcPort();
            flags = f.tcpFlags();
        } else if (proto == Frame.PROTO_UDP) {
            id = SessionTable.NAT_UDP;
            port = f.srcPort();
        } else if (proto == Frame.PROTO_ICMP && f.u8(l4) == ICMP_ECHO) {
            id = SessionTable.NAT_ICMP;
            port = f.u16(l4 + 4);
        } else if (proto == Frame.PROTO_ICMP && isError(f.u8(l4))) {
            outboundError(ctx, f, natAddr);
            return;
        } else {
            untranslatable++;
            ctx.drop();
            return;
        }
        long key = SessionTable.key(f.ipv4Src(), port, id);
        int slot = sessions.find(key);
        if (slot < 0) {
            if (id == SessionTable.NAT_TCP && (flags & SYN_ACK) != SessionTable.TCP_SYN) {
                noMapping++;
                ctx.drop();
                return;
            }
            slot = sessions.insert(key, id, id == SessionTable.NAT_TCP, flags);
            if (slot < 0) {
                tableFull++;
                ctx.drop();
                return;
            }
        } else {
            sessions.touch(slot, flags);
        }
        int out = sessions.proxyPort(key, id);
        if (out < 0) {
            noPort++;
            sessions.remove(key);
            ctx.drop();
            return;
        }
        f.setIpv4Src(natAddr);
        if (id == SessionTable.NAT_ICMP) {
            setIcmpId(f, l4, out);
        } else {
            f.setSrcPort(out);
        }
        sessions.count(id, id, f.length());
        outbound++;
    }

    /** A frame to an outside address: translated back when it reaches a live mapping. */
    private void inbound(PacketContext ctx, Frame f) {
        if (f.isFragment()) {
            return;
        }
        int proto = f.ipProtocol();
        int l4 = f.l4Offset();
        if (l4 < 0) {
            return;
        }
        int id;
        int port;
        int flags = 0;
        if (proto == Frame.PROTO_TCP) {
            id = SessionTable.NAT_TCP;
            port = f.dstPort();
            flags = f.tcpFlags();
        } else if (proto == Frame.PROTO_UDP) {
            id = SessionTable.NAT_UDP;
            port = f.dstPort();
        } else if (proto == Frame.PROTO_ICMP && f.u8(l4) == ICMP_ECHO_REPLY) {
            id = SessionTable.NAT_ICMP;
            port = f.u16(l4 + 4);
        } else if (proto == Frame.PROTO_ICMP && isError(f.u8(l4))) {
            inboundError(f, l4);
            return;
        } else {
            return;
        }
        long conn = sessions.proxied(id, port);
        int slot = conn == 0 ? -1 : sessions.find(conn);
        if (slot < 0 || sessions.target(slot) != id) {
            return; // no live mapping: not ours (the bus counts it unhandled)
        }
        sessions.touch(slot, flags);
        f.setIpv4Dst(SessionTable.keyClient(conn));
        if (id == SessionTable.NAT_ICMP) {
            setIcmpId(f, l4, SessionTable.keyPort(conn));
        } else {
            f.setDstPort(SessionTable.keyPort(conn));
        }
        sessions.count(id, id, f.length());
        inbound++;
    }

    /**
     * An ICMP error from outside about a translated flow: the quoted header (source = our outside
     * address and port) gets the inside host's address and port back, the outer destination too.
     */
    private void inboundError(Frame f, int l4) {
        int ip = l4 + 8;
        int q = quotedL4(f, ip);
        if (q < 0) {
            return;
        }
        int id = natId(f.u8(ip + 9));
        int port = id == SessionTable.NAT_ICMP ? f.u16(q + 4) : f.u16(q);
        if (id == 0 || (id == SessionTable.NAT_ICMP && f.u8(q) != ICMP_ECHO) || f.u32(ip + 12) != f.ipv4Dst()) {
            return;
        }
        long conn = sessions.proxied(id, port);
        int slot = conn == 0 ? -1 : sessions.find(conn);
        if (slot < 0 || sessions.target(slot) != id) {
            return;
        }
        int host = SessionTable.keyClient(conn);
        rewriteQuoted(f, l4, ip, q, id, ip + 12, host, id == SessionTable.NAT_ICMP ? q + 4 : q, SessionTable.keyPort(conn));
        f.setIpv4Dst(host);
        icmpErrors++;
    }

    /**
     * An ICMP error an inside host sends about a flow that came in through a mapping (the quote's
     * destination is the host's address and port): quote and outer source become the outside ones.
     */
    private void outboundError(PacketContext ctx, Frame f, int natAddr) {
        int l4 = f.l4Offset();
        int ip = l4 + 8;
        int q = quotedL4(f, ip);
        int id = q < 0 ? 0 : natId(f.u8(ip + 9));
        if (id == 0 || (id == SessionTable.NAT_ICMP && f.u8(q) != ICMP_ECHO_REPLY) || f.u32(ip + 16) != f.ipv4Src()) {
            untranslatable++;
            ctx.drop();
            return;
        }
        int portAt = id == SessionTable.NAT_ICMP ? q + 4 : q + 2;
        long key = SessionTable.key(f.ipv4Src(), f.u16(portAt), id);
        int out = sessions.find(key) < 0 ? -1 : sessions.proxyPort(key, id);
        if (out < 0) {
            untranslatable++;
            ctx.drop();
            return;
        }
        rewriteQuoted(f, l4, ip, q, id, ip + 16, natAddr, portAt, out);
        f.setIpv4Src(natAddr);
        icmpErrors++;
    }

    /** The offset of the quoted transport header when at least its first 8 bytes are there, else -1. */
    private static int quotedL4(Frame f, int ip) {
        if (ip + 20 > f.l3End() || (f.u8(ip) >>> 4) != 4 || (f.u8(ip) & 0x0f) < 5) {
            return -1;
        }
        int q = ip + (f.u8(ip) & 0x0f) * 4;
        return q + 8 <= f.l3End() && (f.u16(ip + 6) & 0x1fff) == 0 ? q : -1;
    }

    /**
     * Rewrites the quoted address at {@code addrAt} and port at {@code portAt}, keeping the quoted
     * IP header checksum and a quoted UDP checksum right (RFC 1624), then sums the ICMP message
     * again (an error is at most 576 bytes: RFC 1812 §4.3.2.3).
     */
    private static void rewriteQuoted(Frame f, int l4, int ip, int q, int id, int addrAt, int addr, int portAt, int port) {
        int oldAddr = f.u32(addrAt);
        int oldPort = f.u16(portAt);
        f.put32(addrAt, addr);
        f.put16(ip + 10, Checksums.update32(f.u16(ip + 10), oldAddr, addr));
        f.put16(portAt, port);
        if (id == SessionTable.NAT_UDP && f.u16(q + 6) != 0) {
            int c = Checksums.update16(Checksums.update32(f.u16(q + 6), oldAddr, addr), oldPort, port);
            f.put16(q + 6, c == 0 ? 0xffff : c);
        } else if (id == SessionTable.NAT_ICMP) {
            f.put16(q + 2, Checksums.update16(f.u16(q + 2), oldPort, port)); // the quoted echo's own checksum
        }
        f.put16(l4 + 2, 0);
        f.put16(l4 + 2, Checksums.checksum(f.data(), l4, f.l3End() - l4));
    }

    private static int natId(int proto) {
        return switch (proto) {
            case Frame.PROTO_TCP -> SessionTable.NAT_TCP;
            case Frame.PROTO_UDP -> SessionTable.NAT_UDP;
            case Frame.PROTO_ICMP -> SessionTable.NAT_ICMP;
            default -> 0;
        };
    }

    /** ICMP errors that quote the offending datagram (RFC 792). */
    private static boolean isError(int type) {
        return type == ICMP_UNREACHABLE || type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETER_PROBLEM;
    }

    /** Sets an ICMP echo's identifier, keeping its checksum right (ICMP's covers no addresses). */
    private static void setIcmpId(Frame f, int l4, int value) {
        int old = f.u16(l4 + 4);
        f.put16(l4 + 4, value);
        f.put16(l4 + 2, Checksums.update16(f.u16(l4 + 2), old, value));
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        NatPlan p = plan;
        StringBuilder addrs = new StringBuilder();
        for (int a : p.outside) {
            addrs.append(addrs.isEmpty() ? "" : ",").append(ipv4(a));
        }
        out.append(String.format("%-14s %s%n", "active", p.active ? "yes" : "no (needs ipforwarding 1, a nat inside and a nat outside network with virt)"));
        out.append(String.format("%-14s %s%n", "outside", addrs.isEmpty() ? "-" : addrs));
        int[] ids = {SessionTable.NAT_TCP, SessionTable.NAT_UDP, SessionTable.NAT_ICMP};
        String[] names = {"tcp", "udp", "icmp"};
        for (int i = 0; i < ids.length; i++) {
            SessionTable.Counters c = sessions.serverCounters(ids[i]);
            out.append(String.format("%-14s %d active, %d created, %d packets, %d bytes%n", names[i], c.active(),
                c.newSessions(), c.packets(), c.bytes()));
        }
        out.append(String.format("%-14s %d%n", "outbound", outbound));
        out.append(String.format("%-14s %d%n", "inbound", inbound));
        out.append(String.format("%-14s %d%n", "icmp-errors", icmpErrors));
        out.append(String.format("%-14s %d%n", "no-mapping", noMapping));
        out.append(String.format("%-14s %d%n", "table-full", tableFull));
        out.append(String.format("%-14s %d%n", "no-port", noPort));
        out.append(String.format("%-14s %d%n", "fragments", fragments));
        out.append(String.format("%-14s %d%n", "untranslatable", untranslatable));
        out.append(String.format("%-14s %d%n", "not-owner", notOwner));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            String name = names[i];
            sessions.forEach(id, id, 0, true, (client, port, server, target, state, idle) -> {
                if (rows.size() < MAX_ROWS) {
                    int outPort = sessions.proxyPort(SessionTable.key(client, port, server), server);
                    rows.add(String.format("%-5s %-21s %-6s %-12s %ds", name, ipv4(client) + ":" + port,
                        outPort < 0 ? "-" : Integer.toString(outPort), SessionTable.stateName(state), idle / 1000));
                }
            });
        }
        out.append(String.format("%-5s %-21s %-6s %-12s %s%n", "proto", "inside", "port", "state", "idle"));
        rows.sort(null);
        for (String r : rows) {
            out.append(r).append('\n');
        }
    }

    static final int MAX_ROWS = 10_000;

    static String ipv4(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }
}
