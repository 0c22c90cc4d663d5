package bng.hc;

/**
 * A target's answers to a probe the engine sent, built independently of {@link Probes} (own
 * checksum code): turn the SYN around with other flags, or the echo request into its reply.
 */
final class Segments {
    private Segments() {
    }

    /** The target's answer to {@code syn}: flags, sequence {@code seq}, ack = the SYN's ISN + 1. */
    static byte[] answer(byte[] syn, int flags, int seq) {
        byte[] b = new byte[14 + 20 + 20];
        System.arraycopy(syn, 6, b, 0, 6);
        System.arraycopy(syn, 0, b, 6, 6);
        b[12] = 0x08;
        b[14] = 0x45;
        b[16] = 0;
        b[17] = 40;
        b[20] = 0x40;
        b[22] = 64;
        b[23] = 6;
        System.arraycopy(syn, 30, b, 26, 4);
        System.arraycopy(syn, 26, b, 30, 4);
        int ipSum = sum(b, 14, 20, 0);
        b[24] = (byte) (~ipSum >> 8);
        b[25] = (byte) ~ipSum;
        System.arraycopy(syn, 36, b, 34, 2);
        System.arraycopy(syn, 34, b, 36, 2);
        put32(b, 38, seq);
        put32(b, 42, u32(syn, 38) + 1);
        b[46] = 0x50;
        b[47] = (byte) flags;
        b[48] = (byte) 0xfe;
        b[49] = (byte) 0x88;
        int s = sum(b, 26, 8, 6 + 20); // pseudo header: addresses, protocol, length
        s = sum(b, 34, 20, s);
        b[50] = (byte) (~s >> 8);
        b[51] = (byte) ~s;
        return b;
    }

    /** The echo reply to an echo request: addresses and MACs turned, type 0, checksum from scratch. */
    static byte[] echoReply(byte[] request) {
        byte[] b = request.clone();
        System.arraycopy(request, 6, b, 0, 6);
        System.arraycopy(request, 0, b, 6, 6);
        System.arraycopy(request, 30, b, 26, 4);
        System.arraycopy(request, 26, b, 30, 4);
        b[34] = 0;
        b[36] = 0;
        b[37] = 0;
        int s = sum(b, 34, b.length - 34, 0);
        b[36] = (byte) (~s >> 8);
        b[37] = (byte) ~s;
        return b;
    }

    static int sum(byte[] b, int off, int len, int sum) {
        for (int i = 0; i < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    static int u32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
