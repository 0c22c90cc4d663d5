package bng.ping;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;
import bng.core.api.OwnedAddresses;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Answers ICMP echo requests (RFC 792) addressed to an owned IPv4 address, rewriting the request
 * in place into the reply: swap addresses, type 8 to 0, fresh TTL, checksums updated
 * incrementally (RFC 1624). Requests for anything else pass on untouched; requests from a group MAC
 * or a source that is not unicast are dropped unanswered.
 */
@Component(immediate = true, property = {
    ProcessorProperties.NAME + "=ping.echo",
    ProcessorProperties.MODULE + "=ping",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=1000",
    ProcessorProperties.ETHERTYPE + ":Integer=2048",
    ProcessorProperties.IP_PROTOCOL + ":Integer=1"
})
public final class EchoResponder implements PacketProcessor {
    static final int ECHO_REPLY = 0;
    static final int ECHO_REQUEST = 8;
    static final int REPLY_TTL = 64;

    @Reference
    OwnedAddresses owned;

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        int icmp = f.l4Offset();
        if (icmp < 0 || f.isFragment() || f.u8(icmp) != ECHO_REQUEST || f.u8(icmp + 1) != 0) {
            return;
        }
        int dst = f.ipv4Dst();
        if (!owned.ownsIpv4(dst)) {
            return;
        }
        // Never a reflector: a reply goes back to the claimed sender, so a group MAC or a source
        // that is not unicast (RFC 1122 §3.2.1.3: 0/8, 127/8, multicast, class E) is dropped.
        int first = f.ipv4Src() >>> 24;
        if (Macs.isMulticast(f.srcMac()) || first == 0 || first == 127 || first >= 224) {
            ctx.drop();
            return;
        }
        // The ICMP checksum covers the whole message; verify before answering (RFC 792).
        if (Checksums.fold(Checksums.sum(f.data(), icmp, f.l4Length(), 0)) != 0xffff) {
            ctx.drop();
            return;
        }
        int src = f.ipv4Src();
        int l3 = f.l3Offset();
        // Swapping source and destination leaves the IPv4 header checksum unchanged.
        f.put32(l3 + 12, dst);
        f.put32(l3 + 16, src);
        f.setTtl(REPLY_TTL);
        f.put16(icmp + 2, Checksums.update16(f.u16(icmp + 2), ECHO_REQUEST << 8, ECHO_REPLY << 8));
        f.put8(icmp, ECHO_REPLY);
        f.setDstMac(f.srcMac());
        f.setSrcMac(ctx.inPortMac());
        ctx.reply();
    }
}
