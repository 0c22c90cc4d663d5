package bng.itests.e2e;

import java.util.Arrays;

/**
 * Frames crafted byte by byte for the hostile-packet tests, with checksums computed here from
 * scratch (RFC 1071), so that a deliberately broken field is the only thing broken.
 */
final class Craft {
    static final int ETH_IPV4 = 0x0800;
    static final int ETH_ARP = 0x0806;
    static final int ETH_IPV6 = 0x86dd;
    static final int ETH_VLAN = 0x8100;
    static final int ETH_QINQ = 0x88a8;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int VRRP = 112;
    static final int SYN = 0x02;

    private Craft() {}

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
            | Integer.parseInt(p[3]);
    }

    static long mac(int host) {
        return 0x02_00_00_00_00_00L | host;
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }

    static void putMac(byte[] b, int off, long mac) {
        for (int i = 0; i < 6; i++) {
            b[off + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    static int sum(byte[] b, int off, int len, int s) {
        for (int i = 0; i + 1 < len; i += 2) {
            s += (b[off + i] & 0xff) << 8 | b[off + i + 1] & 0xff;
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xff) << 8;
        }
        return s;
    }

    static int finish(int s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return ~s & 0xffff;
    }

    /** Ethernet header (dst, src, type) then {@code body}. */
    static byte[] ethernet(long dst, long src, int type, byte[] body) {
        byte[] b = new byte[14 + body.length];
        putMac(b, 0, dst);
        putMac(b, 6, src);
        put16(b, 12, type);
        System.arraycopy(body, 0, b, 14, body.length);
        return b;
    }

    /** An IPv4 datagram: header of {@code options.length + 20} bytes (checksum right), then payload. */
    static byte[] ipv4(int src, int dst, int proto, int ttl, int fragField, byte[] options, byte[] payload) {
        int ihl = 20 + options.length;
        byte[] b = new byte[ihl + payload.length];
        b[0] = (byte) (0x40 | ihl / 4);
        put16(b, 2, b.length);
        put16(b, 4, 0x4242);
        put16(b, 6, fragField);
        b[8] = (byte) ttl;
        b[9] = (byte) proto;
        put32(b, 12, src);
        put32(b, 16, dst);
        System.arraycopy(options, 0, b, 20, options.length);
        System.arraycopy(payload, 0, b, ihl, payload.length);
        put16(b, 10, finish(sum(b, 0, ihl, 0)));
        return b;
    }

    static void resealIpv4Header(byte[] ip) {
        int ihl = Math.min((ip[0] & 0x0f) * 4, ip.length);
        put16(ip, 10, 0);
        put16(ip, 10, finish(sum(ip, 0, ihl, 0)));
    }

    /** A TCP segment (20-byte header, no options) with its checksum over the IPv4 pseudo header. */
    static byte[] tcp(int src, int dst, int sport, int dport, int flags, int seq) {
        byte[] t = new byte[20];
        put16(t, 0, sport);
        put16(t, 2, dport);
        put32(t, 4, seq);
        t[12] = 0x50;
        t[13] = (byte) flags;
        put16(t, 14, 64_240);
        put16(t, 16, finish(sum(t, 0, 20, pseudo(src, dst, TCP, 20))));
        return t;
    }

    static byte[] udp(int src, int dst, int sport, int dport, int payload) {
        byte[] u = new byte[8 + payload];
        put16(u, 0, sport);
        put16(u, 2, dport);
        put16(u, 4, u.length);
        for (int i = 8; i < u.length; i++) {
            u[i] = (byte) i;
        }
        int c = finish(sum(u, 0, u.length, pseudo(src, dst, UDP, u.length)));
        put16(u, 6, c == 0 ? 0xffff : c);
        return u;
    }

    static byte[] icmp(int type, int code, byte[] rest) {
        byte[] m = new byte[4 + rest.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        System.arraycopy(rest, 0, m, 4, rest.length);
        put16(m, 2, finish(sum(m, 0, m.length, 0)));
        return m;
    }

    static int pseudo(int src, int dst, int proto, int len) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + len;
    }

    /** An Ethernet/IPv4 ARP body (RFC 826) with the given hardware and protocol lengths. */
    static byte[] arp(int op, long sha, int spa, int tpa, int hlen, int plen) {
        byte[] a = new byte[28];
        put16(a, 0, 1);
        put16(a, 2, ETH_IPV4);
        a[4] = (byte) hlen;
        a[5] = (byte) plen;
        put16(a, 6, op);
        putMac(a, 8, sha);
        put32(a, 14, spa);
        put32(a, 24, tpa);
        return a;
    }

    static byte[] vlanTagged(byte[] frame, int tpid, int id) {
        byte[] b = new byte[frame.length + 4];
        System.arraycopy(frame, 0, b, 0, 12);
        put16(b, 12, tpid);
        put16(b, 14, id);
        System.arraycopy(frame, 12, b, 16, frame.length - 12);
        return b;
    }

    static byte[] cut(byte[] frame, int length) {
        return Arrays.copyOf(frame, length);
    }
}
