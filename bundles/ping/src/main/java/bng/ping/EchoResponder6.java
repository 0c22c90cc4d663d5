package bng.ping;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.OwnedAddresses;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Answers ICMPv6 echo requests (RFC 4443 §4.1) to an owned IPv6 address in place: addresses
 * swapped (the pseudo-header sum does not change), type 128 to 129 with the checksum updated
 * incrementally (RFC 1624), a fresh hop limit. Everything else passes on untouched.
 */
@Component(immediate = true, property = {
    ProcessorProperties.NAME + "=ping.echo6",
    ProcessorProperties.MODULE + "=ping",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=1000",
    ProcessorProperties.ETHERTYPE + ":Integer=34525",
    ProcessorProperties.IP_PROTOCOL + ":Integer=58"
})
public final class EchoResponder6 implements PacketProcessor {
    static final int ECHO_REQUEST = 128;
    static final int ECHO_REPLY = 129;
    static final int REPLY_HOP_LIMIT = 64;

    @Reference
    OwnedAddresses owned;

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        int icmp = f.l4Offset();
        if (icmp < 0 || !f.isIpv6() || f.isFragment() || f.u8(icmp) != ECHO_REQUEST || f.u8(icmp + 1) != 0) {
            return;
        }
        byte[] b = f.data();
        int src = f.ipv6SrcOffset();
        int dst = f.ipv6DstOffset();
        if (!owned.ownsIpv6(b, dst)) {
            return;
        }
        int len = f.l4Length();
        // RFC 4443 §2.3: the checksum covers the pseudo header; verify before answering.
        if (Checksums.fold(Checksums.sum(b, icmp, len, Checksums.pseudoHeader6(b, src, dst, Frame.PROTO_ICMPV6, len)))
                != 0xffff) {
            ctx.drop();
            return;
        }
        for (int i = 0; i < 16; i++) {
            byte t = b[src + i];
            b[src + i] = b[dst + i];
            b[dst + i] = t;
        }
        f.setTtl(REPLY_HOP_LIMIT);
        f.put16(icmp + 2, Checksums.update16(f.u16(icmp + 2), ECHO_REQUEST << 8, ECHO_REPLY << 8));
        f.put8(icmp, ECHO_REPLY);
        f.setDstMac(f.srcMac());
        f.setSrcMac(ctx.inPortMac());
        ctx.reply();
    }
}
