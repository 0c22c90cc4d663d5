package bng.rt;

import bng.core.api.Checksums;
import bng.core.api.ConfigListener;
import bng.core.api.Frame;
import bng.core.api.NeighbourCache;
import bng.core.api.OwnedAddresses;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.ShowTopic;
import bng.core.config.Configuration;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * IPv4 forwarding (RFC 1812, the parts a LAN router needs) when {@code set ipforwarding 1}: an
 * IPv4 frame sent to bng's MAC whose destination bng does not own is sent on — to the destination
 * itself when it lies in a connected network, else to the {@code gateway} — with the TTL
 * decremented (checksum updated incrementally), the next hop's MAC from the neighbour cache and
 * the leaving port's MAC as source. An unknown next hop is dropped, counted, and handed to the arp
 * module to resolve ({@link NeighbourCache#request}); the sender retransmits.
 *
 * <p>A frame whose TTL would reach 0 gets an ICMP time exceeded (RFC 792, type 11 code 0: the
 * original IP header and its first 8 data bytes) from the real address of the network it came in
 * on, sent back to the previous hop; none is sent about an ICMP error, a non-first fragment, or
 * to a broadcast/multicast source (RFC 1812 §4.3.2.7).
 *
 * <p>Runs late among directors (priority 8000): slb's VIPs and NAT replies, ping and arp come
 * first; whatever none of them took and is not bng's own is routed. The network's {@code virt}
 * is owned (core's address book), so targets use it as their gateway (reference E1).
 * Allocation-free and lock-free per packet.
 */
@Component(immediate = true, service = {PacketProcessor.class, ConfigListener.class, ShowTopic.class}, property = {
    ProcessorProperties.NAME + "=rt.router",
    ProcessorProperties.MODULE + "=rt",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=8000",
    ProcessorProperties.ETHERTYPE + ":Integer=2048",
    ShowTopic.TOPIC + "=rt",
    ShowTopic.DESCRIPTION + "=rt forwarding and drop counters"
})
public final class Router implements PacketProcessor, ConfigListener, ShowTopic {
    static final int ICMP_TIME_EXCEEDED = 11;
    static final int ERROR_TTL = 64;

    @Reference
    OwnedAddresses owned;
    @Reference
    NeighbourCache neighbours;
    @Reference
    Ports ports;

    private volatile Routes routes = Routes.OFF;

    long forwarded;
    long timeExceeded;
    long unresolved;
    long noRoute;

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        routes = new Routes(current);
    }

    @Override
    public void process(PacketContext ctx) {
        Routes r = routes;
        Frame f = ctx.frame();
        if (!r.forwarding || !f.isIpv4() || f.dstMac() != ctx.inPortMac()) {
            return;
        }
        int dst = f.ipv4Dst();
        int first = dst >>> 24;
        if (first == 0 || first == 127 || first >= 224 || owned.ownsIpv4(dst) || r.isDirectedBroadcast(dst)) {
            return; // bng's own, or never forwarded
        }
        int ttl = f.ttl();
        if (ttl <= 1) {
            timeExceeded(ctx, f, r);
            return;
        }
        int k = r.connected(dst);
        int hop = dst;
        if (k < 0 && r.gateway != 0) {
            hop = r.gateway;
            k = r.connected(hop);
        }
        int out = k < 0 ? -1 : r.port[k];
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
        f.setTtl(ttl - 1);
        f.setDstMac(mac);
        f.setSrcMac(srcMac);
        forwarded++;
        ctx.send(out);
    }

    /** Turns the frame in place into an ICMP time exceeded for its sender and sends it back. */
    private void timeExceeded(PacketContext ctx, Frame f, Routes r) {
        int src = f.ipv4Src();
        int l3 = f.l3Offset();
        byte[] b = f.data();
        int ihl = (f.u8(l3) & 0x0f) * 4;
        boolean icmpError = f.ipProtocol() == Frame.PROTO_ICMP && f.l4Offset() >= 0 && isError(f.u8(f.l4Offset()));
        int from = r.errorSource(ctx.inPort(), src);
        int quote = Math.min(ihl + 8, f.l3End() - l3);
        if (icmpError || f.isFragment() && (f.u16(l3 + 6) & 0x1fff) != 0 || src >>> 24 >= 224 || src == 0
                || from == 0 || l3 + 28 + quote > f.capacity()) {
            noRoute++; // nothing may be said about it: dropped
            ctx.drop();
            return;
        }
        System.arraycopy(b, l3, b, l3 + 28, quote);
        // IPv4 header (RFC 791): version 4, IHL 5, no options, not fragmented.
        f.put16(l3, 0x4500);
        f.put16(l3 + 2, 28 + quote);
        f.put32(l3 + 4, 0);
        f.put16(l3 + 8, ERROR_TTL << 8 | Frame.PROTO_ICMP);
        f.put16(l3 + 10, 0);
        f.put32(l3 + 12, from);
        f.put32(l3 + 16, src);
        f.put16(l3 + 10, Checksums.checksum(b, l3, 20));
        // ICMP (RFC 792): type 11, code 0 (TTL exceeded in transit), checksum, 4 unused bytes.
        int icmp = l3 + 20;
        f.put32(icmp, ICMP_TIME_EXCEEDED << 24);
        f.put32(icmp + 4, 0);
        f.put16(icmp + 2, Checksums.checksum(b, icmp, 8 + quote));
        f.setLength(l3 + 28 + quote);
        f.setDstMac(f.srcMac());
        f.setSrcMac(ctx.inPortMac());
        timeExceeded++;
        ctx.reply();
    }

    /** ICMP error types (RFC 1812 §4.3.2.7: no error about an error). */
    private static boolean isError(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-14s %s%n", "ipforwarding", routes.forwarding ? "1" : "0"));
        out.append(String.format("%-14s %d%n", "forwarded", forwarded));
        out.append(String.format("%-14s %d%n", "time-exceeded", timeExceeded));
        out.append(String.format("%-14s %d%n", "unresolved", unresolved));
        out.append(String.format("%-14s %d%n", "no-route", noRoute));
    }
}
