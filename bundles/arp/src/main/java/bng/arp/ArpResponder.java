package bng.arp;

import static bng.arp.ArpFrames.OP;
import static bng.arp.ArpFrames.OP_REPLY;
import static bng.arp.ArpFrames.OP_REQUEST;
import static bng.arp.ArpFrames.SHA;
import static bng.arp.ArpFrames.SPA;
import static bng.arp.ArpFrames.THA;
import static bng.arp.ArpFrames.TPA;

import bng.core.api.Frame;
import bng.core.api.Macs;
import bng.core.api.NeighbourCache;
import bng.core.api.OwnedAddresses;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Answers ARP requests (RFC 826) for owned addresses in place, and learns every sender it sees
 * into the core neighbour cache. Replies are consumed once learnt; requests for others pass on.
 *
 * <p>Learning from every request, not only those for us, departs from RFC 826's "merge only" on
 * purpose: a load balancer must know its targets and gateway before it first asks, and a
 * gratuitous ARP (RFC 5227 §3) must move a neighbour at once.
 */
@Component(immediate = true, property = {
    ProcessorProperties.NAME + "=arp.responder",
    ProcessorProperties.MODULE + "=arp",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=1000",
    ProcessorProperties.ETHERTYPE + ":Integer=2054"
})
public final class ArpResponder implements PacketProcessor {
    @Reference
    OwnedAddresses owned;

    @Reference
    NeighbourCache neighbours;

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        if (!f.isArp()) {
            return; // the bus only sends sound ARP here; stay safe if that ever changes
        }
        int a = f.l3Offset();
        int op = f.u16(a + OP);
        if (op != OP_REQUEST && op != OP_REPLY) {
            return;
        }
        byte[] b = f.data();
        long sha = Macs.read(b, a + SHA);
        int spa = f.u32(a + SPA);
        // A zero sender is an RFC 5227 probe; a group MAC as sender is forged or broken.
        boolean soundSender = sha != 0 && !Macs.isMulticast(sha);
        if (spa != 0 && soundSender && !owned.ownsIpv4(spa)) {
            neighbours.learnIpv4(spa, sha, ctx.inPort());
        }
        if (op == OP_REPLY) {
            ctx.consume();
            return;
        }
        int tpa = f.u32(a + TPA);
        if (!soundSender || !owned.ownsIpv4(tpa)) {
            return;
        }
        // Turn the request into the reply (RFC 826 "swap"): sender becomes target.
        long mac = ctx.inPortMac();
        f.put16(a + OP, OP_REPLY);
        Macs.write(b, a + THA, sha);
        f.put32(a + TPA, spa);
        Macs.write(b, a + SHA, mac);
        f.put32(a + SPA, tpa);
        f.setDstMac(sha);
        f.setSrcMac(mac);
        ctx.reply();
    }
}
