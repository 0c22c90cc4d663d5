package bng.arp;

import bng.core.api.Frame;
import bng.core.api.Macs;

/**
 * Ethernet/IPv4 ARP packets (RFC 826) that this module builds itself: requests for resolution and
 * gratuitous announcements. Offsets are relative to the ARP header.
 */
final class ArpFrames {
    static final int OP_REQUEST = 1;
    static final int OP_REPLY = 2;

    static final int HTYPE = 0;
    static final int PTYPE = 2;
    static final int HLEN = 4;
    static final int PLEN = 5;
    static final int OP = 6;
    static final int SHA = 8;
    static final int SPA = 14;
    static final int THA = 18;
    static final int TPA = 24;

    static final int ETHERNET_HEADER = 14;
    static final int ARP_LENGTH = 28;
    /** Frames are padded to Ethernet's 60-byte minimum (without FCS) so no driver has to. */
    static final int FRAME_LENGTH = 60;

    private ArpFrames() {}

    /**
     * Writes a broadcast ARP request into {@code b[0..60)} and returns its length. The target
     * hardware address is zero, as RFC 826 leaves it unknown (and RFC 5227 §2.1.1 requires).
     */
    static int request(byte[] b, long srcMac, int senderIp, int targetIp) {
        Macs.write(b, 0, Macs.BROADCAST);
        Macs.write(b, 6, srcMac);
        put16(b, 12, Frame.ETH_ARP);
        int a = ETHERNET_HEADER;
        put16(b, a + HTYPE, 1);
        put16(b, a + PTYPE, Frame.ETH_IPV4);
        b[a + HLEN] = 6;
        b[a + PLEN] = 4;
        put16(b, a + OP, OP_REQUEST);
        Macs.write(b, a + SHA, srcMac);
        put32(b, a + SPA, senderIp);
        Macs.write(b, a + THA, 0);
        put32(b, a + TPA, targetIp);
        for (int i = a + ARP_LENGTH; i < FRAME_LENGTH; i++) {
            b[i] = 0;
        }
        return FRAME_LENGTH;
    }

    /** A gratuitous ARP announcement (RFC 5227 §3): a broadcast request with sender = target = the address. */
    static int announcement(byte[] b, long srcMac, int address) {
        return request(b, srcMac, address, address);
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
