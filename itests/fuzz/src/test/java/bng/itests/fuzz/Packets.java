package bng.itests.fuzz;

import bng.core.api.Checksums;
import bng.core.api.Frame;

/**
 * Builds well-formed frames from scratch (checksums computed here, not by the code under test) for
 * the fuzzers to start from and mutate, and re-seals a mutated frame's checksums on request so
 * mutations reach the processors rather than stopping at the checksum checks.
 */
final class Packets {
    static final long ROUTER_MAC = 0x02_00_00_00_00_0aL;
    static final long PORT1_MAC = 0x02_00_00_00_00_01L;
    static final long PORT2_MAC = 0x02_00_00_00_00_02L;
    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_ACK = 0x10;

    private Packets() {
    }

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
            | Integer.parseInt(p[3]);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }

    static void mac(byte[] b, int off, long mac) {
        for (int i = 0; i < 6; i++) {
            b[off + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | b[off + 1] & 0xff;
    }

    /** Ethernet + IPv4 (no options) + {@code l4} bytes of payload; returns the frame, l4 at 34. */
    static byte[] ipv4(long dstMac, long srcMac, int src, int dst, int proto, int l4Length) {
        byte[] b = new byte[14 + 20 + l4Length];
        mac(b, 0, dstMac);
        mac(b, 6, srcMac);
        put16(b, 12, Frame.ETH_IPV4);
        b[14] = 0x45;
        put16(b, 16, 20 + l4Length);
        put16(b, 18, 0x1c46);
        put16(b, 20, 0x4000);
        b[22] = 64;
        b[23] = (byte) proto;
        put32(b, 26, src);
        put32(b, 30, dst);
        return b;
    }

    static byte[] tcp(int src, int sport, int dst, int dport, int flags, int seq, int ack) {
        byte[] b = ipv4(PORT1_MAC, ROUTER_MAC, src, dst, Frame.PROTO_TCP, 20);
        put16(b, 34, sport);
        put16(b, 36, dport);
        put32(b, 38, seq);
        put32(b, 42, ack);
        b[46] = 0x50;
        b[47] = (byte) flags;
        put16(b, 48, 64_240);
        seal(b);
        return b;
    }

    static byte[] udp(int src, int sport, int dst, int dport, int payload) {
        byte[] b = ipv4(PORT1_MAC, ROUTER_MAC, src, dst, Frame.PROTO_UDP, 8 + payload);
        put16(b, 34, sport);
        put16(b, 36, dport);
        put16(b, 38, 8 + payload);
        seal(b);
        return b;
    }

    static byte[] echo(int type, int src, int dst, int id, int seq) {
        byte[] b = ipv4(PORT1_MAC, ROUTER_MAC, src, dst, Frame.PROTO_ICMP, 8 + 32);
        b[34] = (byte) type;
        put16(b, 38, id);
        put16(b, 40, seq);
        for (int i = 0; i < 32; i++) {
            b[42 + i] = (byte) (0x10 + i);
        }
        seal(b);
        return b;
    }

    static byte[] arp(int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] b = new byte[14 + 28 + 18]; // padded to the Ethernet minimum, as on a wire
        mac(b, 0, op == 1 ? 0xffff_ffff_ffffL : PORT1_MAC);
        mac(b, 6, senderMac);
        put16(b, 12, Frame.ETH_ARP);
        put16(b, 14, 1);
        put16(b, 16, Frame.ETH_IPV4);
        b[18] = 6;
        b[19] = 4;
        put16(b, 20, op);
        mac(b, 22, senderMac);
        put32(b, 28, senderIp);
        mac(b, 32, targetMac);
        put32(b, 38, targetIp);
        return b;
    }

    /** An 802.1Q tag inserted after the MACs. */
    static byte[] vlan(byte[] untagged, int id) {
        byte[] b = new byte[untagged.length + 4];
        System.arraycopy(untagged, 0, b, 0, 12);
        put16(b, 12, Frame.ETH_VLAN);
        put16(b, 14, id);
        System.arraycopy(untagged, 12, b, 16, untagged.length - 12);
        return b;
    }

    /** IPv6 TCP SYN 2001:db8::16 → 2001:db8::100, port 80. */
    static byte[] tcp6() {
        byte[] b = new byte[14 + 40 + 20];
        mac(b, 0, PORT1_MAC);
        mac(b, 6, ROUTER_MAC);
        put16(b, 12, Frame.ETH_IPV6);
        b[14] = 0x60;
        put16(b, 18, 20);
        b[20] = (byte) Frame.PROTO_TCP;
        b[21] = 64;
        byte[] s = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};
        System.arraycopy(s, 0, b, 22, 16);
        s[15] = 0x10;
        s[14] = 0x01;
        System.arraycopy(s, 0, b, 38, 16);
        put16(b, 54, 40_000);
        put16(b, 56, 80);
        b[66] = 0x50;
        b[67] = TCP_SYN;
        Frame f = new Frame(b, b.length);
        f.decode();
        put16(b, 70, Checksums.finish(Checksums.sum(b, 54, 20,
            Checksums.pseudoHeader6(b, 22, 38, Frame.PROTO_TCP, 20))));
        return b;
    }

    /**
     * Recomputes the IPv4 header checksum (when an IPv4 header is where it says) and the TCP, UDP
     * or ICMP checksum (when the frame then decodes with a transport header and is no fragment).
     */
    static void seal(byte[] b) {
        Frame f = new Frame(b, b.length);
        f.decode();
        int l3 = f.l3Offset();
        if (f.ethertype() == Frame.ETH_IPV4 && l3 >= 0 && l3 + 20 <= b.length) {
            int ihl = (b[l3] & 0x0f) * 4;
            if (ihl >= 20 && l3 + ihl <= b.length) {
                put16(b, l3 + 10, 0);
                put16(b, l3 + 10, Checksums.finish(Checksums.sum(b, l3, ihl, 0)));
            }
        }
        if (f.decode() != Frame.OK || f.l4Offset() < 0 || f.isFragment() || !f.isIpv4()) {
            return;
        }
        int l4 = f.l4Offset();
        int len = f.l4Length();
        switch (f.ipProtocol()) {
            case Frame.PROTO_TCP -> {
                put16(b, l4 + 16, 0);
                put16(b, l4 + 16, Checksums.finish(Checksums.sum(b, l4, len,
                    Checksums.pseudoHeader4(f.ipv4Src(), f.ipv4Dst(), Frame.PROTO_TCP, len))));
            }
            case Frame.PROTO_UDP -> {
                int udpLen = u16(b, l4 + 4);
                put16(b, l4 + 6, 0);
                int c = Checksums.finish(Checksums.sum(b, l4, udpLen,
                    Checksums.pseudoHeader4(f.ipv4Src(), f.ipv4Dst(), Frame.PROTO_UDP, udpLen)));
                put16(b, l4 + 6, c == 0 ? 0xffff : c);
            }
            case Frame.PROTO_ICMP -> {
                put16(b, l4 + 2, 0);
                put16(b, l4 + 2, Checksums.finish(Checksums.sum(b, l4, len, 0)));
            }
            default -> {
            }
        }
    }
}
