package bng.arp;

import static bng.arp.NdFrames.FLAG_OVERRIDE;
import static bng.arp.NdFrames.FLAG_SOLICITED;
import static bng.arp.NdFrames.NEIGHBOUR_ADVERTISEMENT;
import static bng.arp.NdFrames.NEIGHBOUR_SOLICITATION;
import static bng.arp.NdFrames.ND_HEADER;
import static bng.arp.NdFrames.readLong;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;
import bng.core.api.NeighbourCache;
import bng.core.api.OwnedAddresses;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import bng.core.api.ShowTopic;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * IPv6 neighbour discovery (RFC 4861), the ARP responder's twin: answers neighbour solicitations
 * for owned IPv6 addresses with an advertisement written over the solicitation, and learns
 * neighbours from the link-layer options of solicitations (§7.2.3) and advertisements (§7.2.5).
 * Messages that fail the §7.1 validity checks (hop limit 255 first: it proves the sender is on
 * the link) are counted and dropped; {@code show nd} prints the counters.
 *
 * <p>Solicitations come to the solicited-node group (33:33:ff:xx:xx:xx) as well as unicast: the
 * port receives them because libpcap captures the interface, not a socket (see docs).
 */
@Component(immediate = true, service = {PacketProcessor.class, ShowTopic.class}, property = {
    ProcessorProperties.NAME + "=arp.nd",
    ProcessorProperties.MODULE + "=arp",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=1000",
    ProcessorProperties.ETHERTYPE + ":Integer=34525",
    ProcessorProperties.IP_PROTOCOL + ":Integer=58",
    ShowTopic.TOPIC + "=nd",
    ShowTopic.DESCRIPTION + "=IPv6 neighbour discovery counters (the neighbours are in show arp)"
})
public final class NeighbourDiscovery implements PacketProcessor, ShowTopic {
    @Reference
    OwnedAddresses owned;

    @Reference
    NeighbourCache neighbours;

    final LongAdder solicitations = new LongAdder();
    final LongAdder advertisements = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder learnt = new LongAdder();
    final LongAdder badHopLimit = new LongAdder();
    final LongAdder invalid = new LongAdder();

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        int icmp = f.l4Offset();
        if (icmp < 0 || !f.isIpv6() || f.isFragment()) {
            return;
        }
        int type = f.u8(icmp);
        if (type != NEIGHBOUR_SOLICITATION && type != NEIGHBOUR_ADVERTISEMENT) {
            return;
        }
        int l3 = f.l3Offset();
        if (f.u8(l3 + 7) != NdFrames.HOP_LIMIT) {
            badHopLimit.increment(); // §7.1.1: it was forwarded by a router, so it is not from the link
            ctx.drop();
            return;
        }
        byte[] b = f.data();
        int len = f.l4Length();
        if (f.u8(icmp + 1) != 0 || len < ND_HEADER
                || Checksums.fold(Checksums.sum(b, icmp, len, Checksums.pseudoHeader6(b, l3 + 8, l3 + 24,
                    Frame.PROTO_ICMPV6, len))) != 0xffff) {
            invalid.increment();
            ctx.drop();
            return;
        }
        long targetHi = readLong(b, icmp + 8);
        long targetLo = readLong(b, icmp + 16);
        long linkAddress = linkAddressOption(b, icmp + ND_HEADER, icmp + len,
            type == NEIGHBOUR_SOLICITATION ? NdFrames.OPTION_SOURCE_LINK_ADDRESS : NdFrames.OPTION_TARGET_LINK_ADDRESS);
        if ((targetHi >>> 56) == 0xff || linkAddress == -2) {
            invalid.increment(); // a multicast target, or an option of length 0 (§7.1.1, §7.1.2)
            ctx.drop();
            return;
        }
        if (type == NEIGHBOUR_SOLICITATION) {
            solicit(ctx, f, b, l3, icmp, targetHi, targetLo, linkAddress);
        } else {
            advertise(ctx, f, b, l3, icmp, linkAddress);
        }
    }

    private void solicit(PacketContext ctx, Frame f, byte[] b, int l3, int icmp, long targetHi, long targetLo,
            long linkAddress) {
        solicitations.increment();
        long srcHi = readLong(b, l3 + 8);
        long srcLo = readLong(b, l3 + 16);
        boolean unspecified = srcHi == 0 && srcLo == 0;
        if (unspecified && (linkAddress != -1
                || !NdFrames.isSolicitedNodeOf(readLong(b, l3 + 24), readLong(b, l3 + 32), targetLo))) {
            invalid.increment(); // §7.1.1: a DAD probe goes to the solicited-node group without an option
            ctx.drop();
            return;
        }
        boolean sound = linkAddress >= 0 && linkAddress != 0 && !Macs.isMulticast(linkAddress);
        if (!unspecified && sound && !owned.ownsIpv6(b, l3 + 8)) {
            neighbours.learnIpv6(b, l3 + 8, linkAddress, ctx.inPort());
            learnt.increment();
        }
        if (!owned.ownsIpv6(b, icmp + 8)) {
            return; // someone else's neighbour: pass on
        }
        int end = l3 + NdFrames.IPV6_HEADER + NdFrames.ND_LENGTH;
        if (end > f.capacity()) {
            ctx.drop(); // cannot happen with a port's buffers; stay safe with tiny test frames
            return;
        }
        long mac = ctx.inPortMac();
        // §7.2.4: to the solicitor, or to all nodes when it has no address yet (then S is clear).
        long ethDst = unspecified ? NdFrames.multicastMac(NdFrames.ALL_NODES_LO) : sound ? linkAddress : f.srcMac();
        long dstHi = unspecified ? NdFrames.ALL_NODES_HI : srcHi;
        long dstLo = unspecified ? NdFrames.ALL_NODES_LO : srcLo;
        int flags = (unspecified ? 0 : FLAG_SOLICITED) | FLAG_OVERRIDE;
        f.setDstMac(ethDst);
        f.setSrcMac(mac);
        f.setLength(NdFrames.writeAdvertisement(b, l3, mac, targetHi, targetLo, dstHi, dstLo, flags));
        answered.increment();
        ctx.reply();
    }

    private void advertise(PacketContext ctx, Frame f, byte[] b, int l3, int icmp, long linkAddress) {
        advertisements.increment();
        boolean toGroup = f.u8(l3 + 24) == 0xff;
        if (toGroup && (f.u32(icmp + 4) & FLAG_SOLICITED) != 0) {
            invalid.increment(); // §7.1.2: a solicited advertisement is never multicast
            ctx.drop();
            return;
        }
        if (!owned.ownsIpv6(b, icmp + 8)) {
            if (linkAddress > 0 && !Macs.isMulticast(linkAddress)) {
                neighbours.learnIpv6(b, icmp + 8, linkAddress, ctx.inPort());
                learnt.increment();
            } else if (linkAddress == -1 && neighbours.lookupIpv6(b, icmp + 8) != -1 && !Macs.isMulticast(f.srcMac())) {
                // §7.2.5: without the option an advertisement only refreshes what is cached
                // (Linux leaves it out when answering a unicast solicitation).
                neighbours.learnIpv6(b, icmp + 8, f.srcMac(), ctx.inPort());
                learnt.increment();
            }
        }
        ctx.consume();
    }

    /** The MAC in the first option of {@code type}, -1 when there is none, -2 when an option is malformed. */
    static long linkAddressOption(byte[] b, int from, int end, int type) {
        long found = -1;
        int o = from;
        while (o + 2 <= end) {
            int optLen = (b[o + 1] & 0xff) * 8;
            if (optLen == 0 || o + optLen > end) {
                return -2;
            }
            if ((b[o] & 0xff) == type && optLen >= 8 && found == -1) {
                found = Macs.read(b, o + 2);
            }
            o += optLen;
        }
        return found;
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-28s %d%n", "solicitations received", solicitations.sum()));
        out.append(String.format("%-28s %d%n", "advertisements received", advertisements.sum()));
        out.append(String.format("%-28s %d%n", "solicitations answered", answered.sum()));
        out.append(String.format("%-28s %d%n", "neighbours learnt", learnt.sum()));
        out.append(String.format("%-28s %d%n", "dropped: hop limit not 255", badHopLimit.sum()));
        out.append(String.format("%-28s %d%n", "dropped: invalid", invalid.sum()));
    }
}
