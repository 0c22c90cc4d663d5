package bng.hc;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.PacketContext;
import java.util.function.LongSupplier;

/**
 * The IPv6 half of {@link HealthProbeReceiver}: the same rules for answers to hc's probes, with the
 * target matched by its IPv6 address and every checksum over the IPv6 pseudo header. A SYN-ACK to
 * a probe port is turned in place into its RST; an ICMPv6 echo reply (RFC 4443 §4.2) with hc's
 * identifier, or an agent reply with the token, is success. No allocation, no lock.
 */
final class ProbeAnswers6 {
    private final ProbeTable table;
    private final LongSupplier clock;

    ProbeAnswers6(ProbeTable table, LongSupplier clock) {
        this.table = table;
        this.clock = clock;
    }

    void process(PacketContext ctx, Frame f) {
        if (f.isFragment() || f.l4Offset() < 0) {
            return;
        }
        switch (f.ipProtocol()) {
            case Frame.PROTO_TCP -> tcp(ctx, f);
            case Frame.PROTO_ICMPV6 -> icmp(ctx, f);
            case Frame.PROTO_UDP -> udp(ctx, f);
            default -> { }
        }
    }

    private boolean fromTarget(Frame f, int slot, int kind) {
        byte[] b = f.data();
        int src = f.ipv6SrcOffset();
        ProbeTable t = table;
        return t.kind[slot] == kind && t.remoteHi[slot] == Probes6.read64(b, src)
            && t.remoteLo[slot] == Probes6.read64(b, src + 8);
    }

    private boolean checksumOk(Frame f) {
        byte[] b = f.data();
        int l4 = f.l4Offset();
        int len = f.l4Length();
        return Checksums.fold(Checksums.sum(b, l4, len,
            Checksums.pseudoHeader6(b, f.ipv6SrcOffset(), f.ipv6DstOffset(), f.ipProtocol(), len))) == 0xffff;
    }

    private void tcp(PacketContext ctx, Frame f) {
        int dstPort = f.dstPort();
        int slot = dstPort - ProbeTable.FIRST_PORT;
        if (slot < 0 || slot >= ProbeTable.SIZE || !fromTarget(f, slot, ProbeTable.KIND_TCP6)
                || table.remotePort[slot] != f.srcPort()) {
            return;
        }
        if (!checksumOk(f)) {
            ctx.drop();
            return;
        }
        int l4 = f.l4Offset();
        int flags = f.tcpFlags();
        int ack = f.u32(l4 + 8);
        boolean acksOurSyn = (flags & Probes.TCP_ACK) != 0 && ack == table.isn[slot] + 1;
        if ((flags & Probes.TCP_RST) != 0) {
            if (acksOurSyn) {
                table.answer(slot, ProbeTable.REFUSED, clock.getAsLong());
            }
            ctx.consume();
            return;
        }
        if ((flags & (Probes.TCP_SYN | Probes.TCP_ACK)) == (Probes.TCP_SYN | Probes.TCP_ACK)) {
            if (acksOurSyn) {
                table.answer(slot, ProbeTable.ANSWERED, clock.getAsLong());
            }
            int srcPort = f.srcPort();
            f.setDstMac(f.srcMac());
            f.setSrcMac(ctx.inPortMac());
            f.setLength(Probes6.rst(f.data(), f.l3Offset(), dstPort, srcPort, ack));
            ctx.reply();
            return;
        }
        ctx.drop();
    }

    private void icmp(PacketContext ctx, Frame f) {
        int icmp = f.l4Offset();
        if (f.u8(icmp) != Probes6.ECHO_REPLY || f.u16(icmp + 4) != Probes.ECHO_ID) {
            return;
        }
        int slot = f.u16(icmp + 6);
        if (slot >= ProbeTable.SIZE || !fromTarget(f, slot, ProbeTable.KIND_ICMP6)) {
            return;
        }
        if (checksumOk(f)) {
            table.answer(slot, ProbeTable.ANSWERED, clock.getAsLong());
        }
        ctx.consume();
    }

    private void udp(PacketContext ctx, Frame f) {
        int slot = f.dstPort() - ProbeTable.FIRST_PORT;
        if (slot < 0 || slot >= ProbeTable.SIZE || !fromTarget(f, slot, ProbeTable.KIND_UDP6)
                || table.remotePort[slot] != f.srcPort()) {
            return;
        }
        int udp = f.l4Offset();
        // RFC 8200 §8.1: a zero UDP checksum over IPv6 is invalid.
        if (f.u16(udp + 6) != 0 && checksumOk(f) && f.l4Length() >= 8 + Probes.AGENT_REPLY
                && f.u32(udp + 8) == Probes.AGENT_MAGIC && f.u32(udp + 12) == table.isn[slot]) {
            table.load[slot] = f.u32(udp + 16);
            table.answer(slot, ProbeTable.ANSWERED, clock.getAsLong());
        }
        ctx.consume();
    }
}
