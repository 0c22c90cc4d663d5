package bng.itests.framework;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;
import java.nio.ByteBuffer;

/** Real ICMP echo frames as a host on the wire would send them, and a reader for the replies. */
final class EchoFrames {
    static final long HOST_MAC = Macs.parse("02:00:00:00:00:0a");
    static final int HOST_IP = ip(198, 18, 0, 10);

    private EchoFrames() {}

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** Ethernet + IPv4 + ICMP echo request (RFC 792) with 32 bytes of payload and correct checksums. */
    static byte[] request(long dstMac, int dstIp, int identifier, int sequence) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + 32);
        byte[] a = b.array();
        Macs.write(a, 0, dstMac);
        Macs.write(a, 6, HOST_MAC);
        b.putShort(12, (short) Frame.ETH_IPV4);
        b.put(14, (byte) 0x45).putShort(16, (short) (20 + 8 + 32)).putShort(18, (short) sequence)
            .put(22, (byte) 64).put(23, (byte) Frame.PROTO_ICMP).putInt(26, HOST_IP).putInt(30, dstIp);
        b.putShort(24, (short) Checksums.checksum(a, 14, 20));
        b.put(34, (byte) 8).putShort(38, (short) identifier).putShort(40, (short) sequence);
        for (int i = 0; i < 32; i++) {
            a[42 + i] = (byte) i;
        }
        b.putShort(36, (short) Checksums.checksum(a, 34, 8 + 32));
        return a;
    }

    /** The sequence number if {@code f} is a well-formed echo reply from {@code fromIp} to the host, else -1. */
    static int replySequence(byte[] f, int fromIp) {
        Frame v = new Frame(f, f.length);
        if (v.decode() != Frame.OK || !v.isIpv4() || v.ipProtocol() != Frame.PROTO_ICMP || v.l4Offset() < 0) {
            return -1;
        }
        int icmp = v.l4Offset();
        boolean sound = v.u8(icmp) == 0 && v.ipv4Src() == fromIp && v.ipv4Dst() == HOST_IP && v.dstMac() == HOST_MAC
            && Checksums.fold(Checksums.sum(f, icmp, v.l4Length(), 0)) == 0xffff;
        return sound ? v.u16(icmp + 6) : -1;
    }
}
