package bng.arp;

import static bng.arp.ArpFrames.OP;
import static bng.arp.ArpFrames.OP_REPLY;
import static bng.arp.ArpFrames.OP_REQUEST;
import static bng.arp.ArpFrames.SHA;
import static bng.arp.ArpFrames.SPA;
import static bng.arp.ArpFrames.THA;
import static bng.arp.ArpFrames.TPA;

import bng.core.api.ConfigListener;
import bng.core.api.Frame;
import bng.core.api.Macs;
import bng.core.api.NeighbourCache;
import bng.core.api.OwnedAddresses;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Answers ARP requests (RFC 826) for owned addresses in place, and learns every sender it sees
 * into the core neighbour cache. Replies are consumed once learnt; requests for others pass on.
 *
 * <p>Learning from every request, not only those for us, departs from RFC 826's "merge only" on
 * purpose: a load balancer must know its targets and gateway before it first asks, and a
 * gratuitous ARP (RFC 5227 §3) must move a neighbour at once.
 *
 * <p>Only on-link senders are learnt: an address inside an enabled network whose interface is the
 * port the frame came in on (the check Linux makes by routing the sender back, {@code arp_process}).
 * Otherwise a host on one segment could move a target of another segment to its port, or fill the
 * cache with addresses bng can never reach (found by the bus fuzzer, docs/reliability.md).
 */
@Component(immediate = true, service = {PacketProcessor.class, ConfigListener.class}, property = {
    ProcessorProperties.NAME + "=arp.responder",
    ProcessorProperties.MODULE + "=arp",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=1000",
    ProcessorProperties.ETHERTYPE + ":Integer=2054"
})
public final class ArpResponder implements PacketProcessor, ConfigListener {
    /** Enabled networks as parallel arrays: port (= interface id), network address, mask. */
    private record OnLink(int[] port, int[] net, int[] mask) {
        static final OnLink NONE = new OnLink(new int[0], new int[0], new int[0]);

        boolean contains(int port, int address) {
            for (int i = 0; i < this.port.length; i++) {
                if (this.port[i] == port && (address & mask[i]) == net[i]) {
                    return true;
                }
            }
            return false;
        }
    }

    private volatile OnLink onLink = OnLink.NONE;

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
        if (spa != 0 && soundSender && !owned.ownsIpv4(spa) && onLink.contains(ctx.inPort(), spa)) {
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

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        List<NetworkDef> nets = new ArrayList<>();
        for (NetworkDef n : current.networks().values()) {
            if (n.state() == ObjectState.ENABLED && n.addr() != null && n.mask() != null && n.interfaceId() != null) {
                nets.add(n);
            }
        }
        int[] port = new int[nets.size()];
        int[] net = new int[nets.size()];
        int[] mask = new int[nets.size()];
        for (int i = 0; i < port.length; i++) {
            NetworkDef n = nets.get(i);
            port[i] = n.interfaceId();
            mask[i] = n.mask() == 0 ? 0 : -1 << (32 - n.mask());
            net[i] = Networks.toInt(n.addr()) & mask[i];
        }
        onLink = new OnLink(port, net, mask);
    }
}
