package bng.nat;

import java.nio.ByteBuffer;

/** Frames built from scratch, every checksum computed over the whole frame (not incrementally). */
final class Packets {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;

    private Packets() {}

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    static int sum(byte[] b, int off, int len) {
        int s = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            s += (b[off + i] & 0xff) << 8 | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xff) << 8;
        }
        return s;
    }

    static int fold(int s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return ~s & 0xffff;
    }

    static int pseudo(int src, int dst, int proto, int len) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + len;
    }

    /** Ethernet + IPv4 header (no options, DF) around {@code l4}, IP checksum computed. */
    static byte[] ipv4(long dstMac, long srcMac, int src, int dst, int proto, int ttl, byte[] l4) {
        byte[] b = new byte[14 + 20 + l4.length];
        ByteBuffer w = ByteBuffer.wrap(b);
        w.putShort((short) (dstMac >>> 32)).putInt((int) dstMac).putShort((short) (srcMac >>> 32)).putInt((int) srcMac);
        w.putShort((short) 0x0800);
        w.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 0x1234).putShort((short) 0x4000);
        w.put((byte) ttl).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst);
        w.putShort(24, (short) fold(sum(b, 14, 20)));
        System.arraycopy(l4, 0, b, 34, l4.length);
        return b;
    }

    /** A TCP segment with 6 payload bytes, checksum over the pseudo header. */
    static byte[] tcp(long dstMac, long srcMac, int src, int sport, int dst, int dport, int flags, int ttl) {
        byte[] s = new byte[26];
        ByteBuffer w = ByteBuffer.wrap(s);
        w.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(flags == 0x02 ? 0 : 2000);
        w.put((byte) 0x50).put((byte) flags).putShort((short) 64240).putShort((short) 0).putShort((short) 0);
        w.put("hello!".getBytes());
        w.putShort(16, (short) fold(sum(s, 0, s.length) + pseudo(src, dst, TCP, s.length)));
        return ipv4(dstMac, srcMac, src, dst, TCP, ttl, s);
    }

    /** A UDP datagram with 4 payload bytes, checksum over the pseudo header. */
    static byte[] udp(long dstMac, long srcMac, int src, int sport, int dst, int dport, int ttl) {
        byte[] s = new byte[12];
        ByteBuffer w = ByteBuffer.wrap(s);
        w.putShort((short) sport).putShort((short) dport).putShort((short) 12).putShort((short) 0).putInt(0x01020304);
        int c = fold(sum(s, 0, s.length) + pseudo(src, dst, UDP, s.length));
        w.putShort(6, (short) (c == 0 ? 0xffff : c));
        return ipv4(dstMac, srcMac, src, dst, UDP, ttl, s);
    }

    /** An ICMP echo request (type 8) or reply (0) with identifier {@code id}, sequence 1, 8 payload bytes. */
    static byte[] echo(long dstMac, long srcMac, int src, int dst, int type, int id, int ttl) {
        byte[] s = new byte[16];
        ByteBuffer w = ByteBuffer.wrap(s);
        w.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) 1).putLong(0x0102030405060708L);
        w.putShort(2, (short) fold(sum(s, 0, s.length)));
        return ipv4(dstMac, srcMac, src, dst, ICMP, ttl, s);
    }

    /** ICMP error {@code type}/{@code code} (4 bytes {@code rest}) quoting {@code quoted}'s IP header and first 8 data bytes. */
    static byte[] icmpError(long dstMac, long srcMac, int src, int dst, int type, int code, int rest, byte[] quoted, int ttl) {
        byte[] s = new byte[8 + 28];
        ByteBuffer w = ByteBuffer.wrap(s);
        w.put((byte) type).put((byte) code).putShort((short) 0).putInt(rest);
        System.arraycopy(quoted, 14, s, 8, 28);
        w.putShort(2, (short) fold(sum(s, 0, s.length)));
        return ipv4(dstMac, srcMac, src, dst, ICMP, ttl, s);
    }
}
