package bng.hc;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Component;

/**
 * Answers to hc's probes, taken off the bus before anything else sees them (director 500, ahead of
 * ping's echo responder at 1000). A segment counts only when it comes from the probed
 * {@code target:port} to the probing {@code real} address and a port of the reserved range: a
 * SYN-ACK acknowledging the probe's SYN is success and is turned in place into the RST that frees
 * the target's socket (RFC 9293 §3.10.7.3); an acknowledging RST is "connection refused". An echo
 * reply with hc's identifier from the probed address is success, and so is an agent's UDP reply
 * carrying the request's token (its load figure is kept with the result). Everything else passes on
 * untouched. Results go into {@link ProbeTable} slots: no allocation, no lock. IPv6 answers
 * (ICMPv6 echo, TCP, UDP) are {@link ProbeAnswers6}'s.
 */
@Component(service = {PacketProcessor.class, HealthProbeReceiver.class}, immediate = true, property = {
    ProcessorProperties.NAME + "=hc.probes",
    ProcessorProperties.MODULE + "=hc",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=500",
    ProcessorProperties.ETHERTYPE + ":Integer=2048",
    ProcessorProperties.ETHERTYPE + ":Integer=34525",
    ProcessorProperties.IP_PROTOCOL + ":Integer=58",
    ProcessorProperties.IP_PROTOCOL + ":Integer=6",
    ProcessorProperties.IP_PROTOCOL + ":Integer=1",
    ProcessorProperties.IP_PROTOCOL + ":Integer=17"
})
public final class HealthProbeReceiver implements PacketProcessor {
    private static final int ECHO_REPLY = 0;

    final ProbeTable table;
    /** The scheduler's clock, so answer times and check times are read from the same source. */
    final LongSupplier clock;
    private final ProbeAnswers6 answers6;

    public HealthProbeReceiver() {
        this(new ProbeTable((int) System.nanoTime()), System::nanoTime);
    }

    HealthProbeReceiver(ProbeTable table, LongSupplier clock) {
        this.table = table;
        this.clock = clock;
        this.answers6 = new ProbeAnswers6(table, clock);
    }

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        if (f.isIpv6()) {
            answers6.process(ctx, f);
            return;
        }
        if (!f.isIpv4() || f.isFragment() || f.l4Offset() < 0) {
            return;
        }
        if (f.ipProtocol() == Frame.PROTO_TCP) {
            tcp(ctx, f);
        } else if (f.ipProtocol() == Frame.PROTO_ICMP) {
            icmp(ctx, f);
        } else if (f.ipProtocol() == Frame.PROTO_UDP) {
            udp(ctx, f);
        }
    }

    private void tcp(PacketContext ctx, Frame f) {
        int dstPort = f.dstPort();
        int slot = dstPort - ProbeTable.FIRST_PORT;
        if (slot < 0 || slot >= ProbeTable.SIZE) {
            return;
        }
        ProbeTable t = table;
        int src = f.ipv4Src();
        int dst = f.ipv4Dst();
        int srcPort = f.srcPort();
        if (t.kind[slot] != ProbeTable.KIND_TCP || t.remote[slot] != src || t.local[slot] != dst
                || t.remotePort[slot] != srcPort) {
            return;
        }
        if (Macs.isMulticast(f.srcMac())) {
            ctx.drop(); // forged: no target sends from a group MAC, and the RST would go to all members
            return;
        }
        int l4 = f.l4Offset();
        int l4Length = f.l4Length();
        byte[] b = f.data();
        if (Checksums.fold(Checksums.sum(b, l4, l4Length, Checksums.pseudoHeader4(src, dst, Frame.PROTO_TCP, l4Length)))
                != 0xffff) {
            ctx.drop(); // ours, but damaged: it proves nothing
            return;
        }
        int flags = f.tcpFlags();
        int ack = f.u32(l4 + 8);
        boolean acksOurSyn = (flags & Probes.TCP_ACK) != 0 && ack == t.isn[slot] + 1;
        if ((flags & Probes.TCP_RST) != 0) {
            if (acksOurSyn) {
                t.answer(slot, ProbeTable.REFUSED, clock.getAsLong());
            }
            ctx.consume();
            return;
        }
        if ((flags & (Probes.TCP_SYN | Probes.TCP_ACK)) == (Probes.TCP_SYN | Probes.TCP_ACK)) {
            if (acksOurSyn) {
                t.answer(slot, ProbeTable.ANSWERED, clock.getAsLong());
            }
            // Late or not, the target holds a half-open socket for us: reset it.
            f.setDstMac(f.srcMac());
            f.setSrcMac(ctx.inPortMac());
            f.setLength(Probes.rst(b, f.l3Offset(), dst, src, dstPort, srcPort, ack));
            ctx.reply();
            return;
        }
        ctx.drop(); // anything else to a probe port is noise for a connection we never open
    }

    private void icmp(PacketContext ctx, Frame f) {
        int icmp = f.l4Offset();
        if (f.l4Length() < 8 || f.u8(icmp) != ECHO_REPLY || f.u16(icmp + 4) != Probes.ECHO_ID) {
            return;
        }
        int slot = f.u16(icmp + 6);
        ProbeTable t = table;
        if (slot >= ProbeTable.SIZE || t.kind[slot] != ProbeTable.KIND_ICMP || t.remote[slot] != f.ipv4Src()
                || t.local[slot] != f.ipv4Dst()) {
            return;
        }
        if (Checksums.fold(Checksums.sum(f.data(), icmp, f.l4Length(), 0)) == 0xffff) {
            t.answer(slot, ProbeTable.ANSWERED, clock.getAsLong());
        }
        ctx.consume();
    }

    private void udp(PacketContext ctx, Frame f) {
        int slot = f.dstPort() - ProbeTable.FIRST_PORT;
        if (slot < 0 || slot >= ProbeTable.SIZE) {
            return;
        }
        ProbeTable t = table;
        int src = f.ipv4Src();
        int dst = f.ipv4Dst();
        if (t.kind[slot] != ProbeTable.KIND_UDP || t.remote[slot] != src || t.local[slot] != dst
                || t.remotePort[slot] != f.srcPort()) {
            return;
        }
        int udp = f.l4Offset();
        int length = f.l4Length();
        byte[] b = f.data();
        boolean checksumOk = f.u16(udp + 6) == 0 // RFC 768: no checksum sent
                || Checksums.fold(Checksums.sum(b, udp, length, Checksums.pseudoHeader4(src, dst, Frame.PROTO_UDP,
                        length))) == 0xffff;
        if (checksumOk && length >= 8 + Probes.AGENT_REPLY && f.u32(udp + 8) == Probes.AGENT_MAGIC
                && f.u32(udp + 12) == t.isn[slot]) {
            t.load[slot] = f.u32(udp + 16);
            t.answer(slot, ProbeTable.ANSWERED, clock.getAsLong());
        }
        ctx.consume(); // to a probe port from the agent: nobody else's
    }
}
