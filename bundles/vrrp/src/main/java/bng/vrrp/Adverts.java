package bng.vrrp;

import bng.core.api.Checksums;
import bng.core.api.Macs;

/**
 * VRRP advertisements on the wire: built into a caller's buffer and checked in place, never an
 * object. Version 2 is RFC 3768 §5 (checksum over the VRRP message, authentication type 0, 8 bytes
 * of zero authentication data, interval in seconds); version 3 is RFC 5798 §5 (checksum with the
 * IPv4 pseudo header, no authentication, Max Adver Int in centiseconds).
 */
final class Adverts {
    static final int PROTO_VRRP = 112;
    /** 224.0.0.18, RFC 3768 §5.2.2. */
    static final int GROUP = 0xe000_0012;
    static final long GROUP_MAC = 0x01_00_5e_00_00_12L;
    /** RFC 3768 §7.1: a router forwards nothing with TTL 255, so only a neighbour can send it. */
    static final int TTL = 255;
    /** 00:00:5e:00:01:VRID, RFC 3768 §7.3. */
    static final long VIRTUAL_MAC_BASE = 0x00_00_5e_00_01_00L;
    static final int TYPE_ADVERTISEMENT = 1;
    static final int ETH = 14;
    static final int IP = 20;
    static final int MIN_FRAME = 60;
    static final int MAX_ADDRESSES = 16;
    static final int MAX_FRAME = ETH + IP + 8 + 4 * MAX_ADDRESSES + 8;

    static final int OK = 0;
    static final int BAD_TTL = 1;
    static final int BAD_VERSION = 2;
    static final int BAD_TYPE = 3;
    static final int BAD_LENGTH = 4;
    static final int BAD_CHECKSUM = 5;
    static final int BAD_AUTH = 6;
    static final int BAD_INTERVAL = 7;
    static final int OTHER_VRID = 8;
    static final String[] REASONS = {"ok", "ttl", "version", "type", "length", "checksum", "auth", "interval",
        "other vrid"};

    private Adverts() {}

    static long virtualMac(int vrid) {
        return VIRTUAL_MAC_BASE | (vrid & 0xff);
    }

    /**
     * Writes a whole Ethernet frame (padded to 60 bytes) and returns its length.
     *
     * @param adverSeconds the advertisement interval (v3 writes it in centiseconds)
     * @param addresses the first {@code count} are listed (the network's {@code virt})
     */
    static int build(byte[] b, int version, long srcMac, long dstMac, int src, int dst, int vrid, int priority,
            int adverSeconds, int[] addresses, int count) {
        int vrrpLen = 8 + 4 * count + (version == 2 ? 8 : 0);
        int ipLen = IP + vrrpLen;
        int len = Math.max(MIN_FRAME, ETH + ipLen);
        java.util.Arrays.fill(b, 0, len, (byte) 0);
        Macs.write(b, 0, dstMac);
        Macs.write(b, 6, srcMac);
        put16(b, 12, 0x0800);
        int ip = ETH;
        b[ip] = 0x45;
        b[ip + 1] = (byte) 0xc0; // precedence "internetwork control", as routers and keepalived send it
        put16(b, ip + 2, ipLen);
        b[ip + 8] = (byte) TTL;
        b[ip + 9] = (byte) PROTO_VRRP;
        put32(b, ip + 12, src);
        put32(b, ip + 16, dst);
        put16(b, ip + 10, Checksums.checksum(b, ip, IP));
        int v = ip + IP;
        b[v] = (byte) (version << 4 | TYPE_ADVERTISEMENT);
        b[v + 1] = (byte) vrid;
        b[v + 2] = (byte) priority;
        b[v + 3] = (byte) count;
        if (version == 2) {
            b[v + 4] = 0; // authentication type 0: none (RFC 3768 §5.3.6)
            b[v + 5] = (byte) adverSeconds;
        } else {
            put16(b, v + 4, (adverSeconds * 100) & 0x0fff);
        }
        for (int i = 0; i < count; i++) {
            put32(b, v + 8 + 4 * i, addresses[i]);
        }
        int sum = version == 2 ? 0 : Checksums.pseudoHeader4(src, dst, PROTO_VRRP, vrrpLen);
        put16(b, v + 6, Checksums.finish(Checksums.sum(b, v, vrrpLen, sum)));
        return len;
    }

    /**
     * Checks a received advertisement (RFC 3768 §7.1, RFC 5798 §7.1) whose IP header starts at
     * {@code l3} and VRRP message at {@code l4}, ending at {@code l3End}. Returns {@link #OK} or why it
     * must be ignored.
     */
    static int check(byte[] b, int l3, int l4, int l3End, int version, int vrid, int adverSeconds) {
        if ((b[l3 + 8] & 0xff) != TTL) {
            return BAD_TTL;
        }
        int len = l3End - l4;
        if (len < 8) {
            return BAD_LENGTH;
        }
        if ((b[l4] & 0xff) >>> 4 != version) {
            return BAD_VERSION;
        }
        if ((b[l4] & 0x0f) != TYPE_ADVERTISEMENT) {
            return BAD_TYPE;
        }
        int count = b[l4 + 3] & 0xff;
        if (len < 8 + 4 * count + (version == 2 ? 8 : 0)) {
            return BAD_LENGTH;
        }
        int sum = version == 2 ? 0
                : Checksums.pseudoHeader4(get32(b, l3 + 12), get32(b, l3 + 16), PROTO_VRRP, len);
        if (Checksums.sum(b, l4, len, sum) != 0xffff) {
            return BAD_CHECKSUM;
        }
        if ((b[l4 + 1] & 0xff) != vrid) {
            return OTHER_VRID;
        }
        if (version == 2) {
            if (b[l4 + 4] != 0) {
                return BAD_AUTH;
            }
            if ((b[l4 + 5] & 0xff) != adverSeconds) {
                return BAD_INTERVAL; // RFC 3768 §7.1: MUST be discarded
            }
        }
        return OK;
    }

    static int priority(byte[] b, int l4) {
        return b[l4 + 2] & 0xff;
    }

    static int get32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
