package bng.slb;

import bng.core.api.Checksums;
import bng.core.api.Frame;

/**
 * Rewrites inside the packet an ICMPv6 error quotes (RFC 4443 §2.4 (c)), for NAT: each changed
 * word updates the quoted TCP/UDP checksum (whose pseudo header holds the quoted addresses) and
 * the ICMPv6 checksum (which covers the whole quote, the quoted checksum included), incrementally
 * (RFC 1624), as RFC 5508 §4.2 asks of a NAT. The quoted checksum is left alone when the quote is
 * cut before it. Allocation-free.
 */
final class Quoted {
    private Quoted() {
    }

    /** The quoted transport checksum's offset when the quote holds it, else -1. */
    static int checksumOffset(Frame f, int q, int proto) {
        int at = proto == Frame.PROTO_TCP ? q + 16 : q + 6;
        if (at + 2 > f.l3End() || (proto == Frame.PROTO_UDP && f.u16(at) == 0)) {
            return -1; // cut short, or a UDP datagram without a checksum
        }
        return at;
    }

    /** Sets the 16 quoted address bytes at {@code at} to {@code addr[off, off+16)}. */
    static void setAddress(Frame f, int at, byte[] addr, int off, int csum, int proto) {
        int icmp = f.l4Offset() + 2;
        int c = f.u16(icmp);
        int inner = csum >= 0 ? f.u16(csum) : 0;
        for (int i = 0; i < 16; i += 2) {
            int old = f.u16(at + i);
            int now = (addr[off + i] & 0xff) << 8 | (addr[off + i + 1] & 0xff);
            f.put16(at + i, now);
            c = Checksums.update16(c, old, now);
            inner = Checksums.update16(inner, old, now);
        }
        f.put16(icmp, finish(f, c, csum, inner, proto));
    }

    /** Sets the quoted port at {@code at} (source: the transport header, destination: + 2). */
    static void setPort(Frame f, int at, int port, int csum, int proto) {
        int icmp = f.l4Offset() + 2;
        int old = f.u16(at);
        f.put16(at, port);
        int c = Checksums.update16(f.u16(icmp), old, port);
        int inner = csum >= 0 ? Checksums.update16(f.u16(csum), old, port) : 0;
        f.put16(icmp, finish(f, c, csum, inner, proto));
    }

    /** Stores the quoted checksum (0 → 0xffff for UDP) and returns the ICMPv6 checksum that accounts for it. */
    private static int finish(Frame f, int icmp, int csum, int inner, int proto) {
        if (csum < 0) {
            return icmp;
        }
        if (proto == Frame.PROTO_UDP && inner == 0) {
            inner = 0xffff;
        }
        int old = f.u16(csum);
        f.put16(csum, inner);
        return Checksums.update16(icmp, old, inner);
    }
}
