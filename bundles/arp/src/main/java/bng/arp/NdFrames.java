package bng.arp;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;

/**
 * IPv6 neighbour discovery messages (RFC 4861 §4.3, §4.4) that this module builds: advertisements
 * (answers and unsolicited announcements) and solicitations (resolution). Addresses travel as two
 * big-endian longs so that an answer can be written over the solicitation it answers without a
 * scratch array. Every message carries one link-layer address option (§4.6.1), hop limit 255
 * (§7.1.1) and an ICMPv6 checksum over the pseudo header (RFC 4443 §2.3).
 */
final class NdFrames {
    static final int NEIGHBOUR_SOLICITATION = 135;
    static final int NEIGHBOUR_ADVERTISEMENT = 136;
    static final int OPTION_SOURCE_LINK_ADDRESS = 1;
    static final int OPTION_TARGET_LINK_ADDRESS = 2;
    static final int HOP_LIMIT = 255;

    /** NA flags (RFC 4861 §4.4), in the first 32-bit word after the checksum. */
    static final int FLAG_ROUTER = 0x8000_0000;
    static final int FLAG_SOLICITED = 0x4000_0000;
    static final int FLAG_OVERRIDE = 0x2000_0000;

    static final int IPV6_HEADER = 40;
    /** ICMPv6 NS/NA: type, code, checksum, 4 bytes flags/reserved, 16 bytes target. */
    static final int ND_HEADER = 24;
    static final int OPTION_LENGTH = 8;
    static final int ND_LENGTH = ND_HEADER + OPTION_LENGTH;
    /** Ethernet + IPv6 + NS/NA with one link-layer option: 86 bytes, above Ethernet's minimum. */
    static final int FRAME_LENGTH = 14 + IPV6_HEADER + ND_LENGTH;

    /** ff02::1, all nodes (RFC 4291 §2.7.1). */
    static final long ALL_NODES_HI = 0xff02_0000_0000_0000L;
    static final long ALL_NODES_LO = 1L;

    private NdFrames() {}

    /** Writes a whole advertisement frame (untagged) into {@code b}; returns its length. */
    static int advertisement(byte[] b, long srcMac, long dstMac, long targetHi, long targetLo, long dstHi, long dstLo,
            int flags) {
        Macs.write(b, 0, dstMac);
        Macs.write(b, 6, srcMac);
        put16(b, 12, Frame.ETH_IPV6);
        return writeAdvertisement(b, 14, srcMac, targetHi, targetLo, dstHi, dstLo, flags);
    }

    /**
     * An unsolicited advertisement to all nodes (RFC 4861 §7.2.6): S clear, O set, so every
     * neighbour that caches the address moves it to {@code mac} at once.
     */
    static int unsolicited(byte[] b, long mac, long hi, long lo) {
        return advertisement(b, mac, multicastMac(ALL_NODES_LO), hi, lo, ALL_NODES_HI, ALL_NODES_LO, FLAG_OVERRIDE);
    }

    /**
     * Writes IPv6 header + NA (source = target: bng advertises its own address) at {@code l3};
     * returns the frame's end. The Ethernet header is the caller's.
     */
    static int writeAdvertisement(byte[] b, int l3, long mac, long targetHi, long targetLo, long dstHi, long dstLo,
            int flags) {
        writeIpv6(b, l3, targetHi, targetLo, dstHi, dstLo);
        int icmp = l3 + IPV6_HEADER;
        b[icmp] = (byte) NEIGHBOUR_ADVERTISEMENT;
        b[icmp + 1] = 0;
        put32(b, icmp + 4, flags);
        putLong(b, icmp + 8, targetHi);
        putLong(b, icmp + 16, targetLo);
        writeOption(b, icmp + ND_HEADER, OPTION_TARGET_LINK_ADDRESS, mac);
        return finish(b, l3);
    }

    /**
     * A multicast solicitation for {@code target} from {@code src} (RFC 4861 §7.2.2): to the
     * target's solicited-node group, with our link-layer address so the answer can come straight
     * back. Returns the frame's length.
     */
    static int solicitation(byte[] b, long mac, long srcHi, long srcLo, long targetHi, long targetLo) {
        long groupLo = 0x0000_0001_ff00_0000L | (targetLo & 0x00ff_ffffL);
        Macs.write(b, 0, multicastMac(groupLo));
        Macs.write(b, 6, mac);
        put16(b, 12, Frame.ETH_IPV6);
        int l3 = 14;
        writeIpv6(b, l3, srcHi, srcLo, ALL_NODES_HI, groupLo);
        int icmp = l3 + IPV6_HEADER;
        b[icmp] = (byte) NEIGHBOUR_SOLICITATION;
        b[icmp + 1] = 0;
        put32(b, icmp + 4, 0);
        putLong(b, icmp + 8, targetHi);
        putLong(b, icmp + 16, targetLo);
        writeOption(b, icmp + ND_HEADER, OPTION_SOURCE_LINK_ADDRESS, mac);
        return finish(b, l3);
    }

    /** The Ethernet group for an IPv6 multicast address: 33:33 and its low 32 bits (RFC 2464 §7). */
    static long multicastMac(long groupLo) {
        return 0x3333_0000_0000L | (groupLo & 0xffff_ffffL);
    }

    /** Whether {@code hi:lo} is the solicited-node group of {@code targetLo} (ff02::1:ffXX:XXXX, RFC 4291 §2.7.1). */
    static boolean isSolicitedNodeOf(long hi, long lo, long targetLo) {
        return hi == ALL_NODES_HI && (lo & 0xffff_ffff_ff00_0000L) == 0x0000_0001_ff00_0000L
            && (lo & 0x00ff_ffffL) == (targetLo & 0x00ff_ffffL);
    }

    private static void writeIpv6(byte[] b, int l3, long srcHi, long srcLo, long dstHi, long dstLo) {
        put32(b, l3, 0x6000_0000); // version 6, traffic class 0, flow label 0
        put16(b, l3 + 4, ND_LENGTH);
        b[l3 + 6] = (byte) Frame.PROTO_ICMPV6;
        b[l3 + 7] = (byte) HOP_LIMIT;
        putLong(b, l3 + 8, srcHi);
        putLong(b, l3 + 16, srcLo);
        putLong(b, l3 + 24, dstHi);
        putLong(b, l3 + 32, dstLo);
    }

    private static void writeOption(byte[] b, int off, int type, long mac) {
        b[off] = (byte) type;
        b[off + 1] = 1; // in units of 8 bytes
        Macs.write(b, off + 2, mac);
    }

    private static int finish(byte[] b, int l3) {
        int icmp = l3 + IPV6_HEADER;
        put16(b, icmp + 2, 0);
        int pseudo = Checksums.pseudoHeader6(b, l3 + 8, l3 + 24, Frame.PROTO_ICMPV6, ND_LENGTH);
        put16(b, icmp + 2, Checksums.finish(Checksums.sum(b, icmp, ND_LENGTH, pseudo)));
        return icmp + ND_LENGTH;
    }

    static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }
}
