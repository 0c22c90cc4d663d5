package bng.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A reusable, mutable view over one frame's bytes with the offsets of its layers decoded once.
 *
 * <p>A port owns a fixed set of frames and refills them burst after burst; processors read and
 * rewrite the bytes in place. {@link #decode()} never throws: a short or inconsistent frame gets an
 * {@link #error()} code, and the bus counts and drops it before any processor sees it. Writers
 * that change addresses, ports or TTL keep the IP and transport checksums right (RFC 1624).
 */
@ProviderType
public final class Frame {
    public static final int ETH_IPV4 = 0x0800;
    public static final int ETH_ARP = 0x0806;
    public static final int ETH_IPV6 = 0x86dd;
    public static final int ETH_VLAN = 0x8100;
    public static final int ETH_QINQ = 0x88a8;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_VRRP = 112;

    /** Decode errors; 0 means the frame is sound as far as it was decoded. */
    public static final int OK = 0;
    public static final int ERR_SHORT_ETHERNET = 1;
    public static final int ERR_SHORT_VLAN = 2;
    public static final int ERR_BAD_ARP = 3;
    public static final int ERR_BAD_IPV4_HEADER = 4;
    public static final int ERR_BAD_IPV4_LENGTH = 5;
    public static final int ERR_BAD_IPV4_CHECKSUM = 6;
    public static final int ERR_BAD_IPV6_HEADER = 7;
    public static final int ERR_BAD_IPV6_EXTENSION = 8;
    public static final int ERR_SHORT_L4 = 9;
    public static final int ERROR_COUNT = 10;

    private static final String[] ERROR_NAMES = {
        "ok", "short-ethernet", "short-vlan", "bad-arp", "bad-ipv4-header", "bad-ipv4-length",
        "bad-ipv4-checksum", "bad-ipv6-header", "bad-ipv6-extension", "short-l4"
    };

    /** How many IPv6 extension headers we walk before calling the chain hostile. */
    private static final int MAX_IPV6_EXTENSIONS = 8;

    private final byte[] data;
    private int length;

    private int vlan;
    private int ethertype;
    private int l3;
    private int l3End;
    private int l4;
    private int proto;
    private boolean fragment;
    private int error;

    private int inPort = -1;
    private int outPort = -1;

    public Frame(int capacity) {
        this.data = new byte[capacity];
    }

    /** Wraps an existing array (tests, injected frames); the frame takes its length from {@code len}. */
    public Frame(byte[] data, int len) {
        this.data = data;
        setLength(len);
    }

    public static String errorName(int code) {
        return code >= 0 && code < ERROR_NAMES.length ? ERROR_NAMES[code] : "unknown";
    }

    public byte[] data() {
        return data;
    }

    public int capacity() {
        return data.length;
    }

    public int length() {
        return length;
    }

    /** Sets the number of valid bytes (a driver after a receive, a processor that builds a reply). */
    public void setLength(int len) {
        this.length = Math.max(0, Math.min(len, data.length));
    }

    public int inPort() {
        return inPort;
    }

    public void setInPort(int port) {
        this.inPort = port;
    }

    /** The port this frame leaves on, or -1 when it is not to be sent. */
    public int outPort() {
        return outPort;
    }

    public void setOutPort(int port) {
        this.outPort = port;
    }

    // ---------------------------------------------------------------- decode

    /** Decodes the layer offsets once; returns {@link #error()}. Never throws. */
    public int decode() {
        vlan = -1;
        ethertype = -1;
        l3 = -1;
        l3End = -1;
        l4 = -1;
        proto = -1;
        fragment = false;
        outPort = -1;
        error = decodeEthernet();
        return error;
    }

    private int decodeEthernet() {
        if (length < 14) {
            return ERR_SHORT_ETHERNET;
        }
        int off = 12;
        int type = u16(off);
        // 802.1ad outer tag then 802.1Q, or a single 802.1Q tag: keep the innermost VLAN id.
        for (int tags = 0; (type == ETH_VLAN || type == ETH_QINQ) && tags < 2; tags++) {
            if (length < off + 6) {
                return ERR_SHORT_VLAN;
            }
            vlan = u16(off + 2) & 0x0fff;
            off += 4;
            type = u16(off);
        }
        ethertype = type;
        l3 = off + 2;
        return switch (type) {
            case ETH_ARP -> decodeArp();
            case ETH_IPV4 -> decodeIpv4();
            case ETH_IPV6 -> decodeIpv6();
            default -> OK;
        };
    }

    private int decodeArp() {
        // Ethernet/IPv4 ARP only (RFC 826): htype 1, ptype 0x0800, hlen 6, plen 4.
        if (length < l3 + 28 || u16(l3) != 1 || u16(l3 + 2) != ETH_IPV4 || u8(l3 + 4) != 6 || u8(l3 + 5) != 4) {
            return ERR_BAD_ARP;
        }
        l3End = l3 + 28;
        return OK;
    }

    private int decodeIpv4() {
        if (length < l3 + 20) {
            return ERR_BAD_IPV4_HEADER;
        }
        int vihl = u8(l3);
        int ihl = (vihl & 0x0f) * 4;
        if ((vihl >>> 4) != 4 || ihl < 20 || l3 + ihl > length) {
            return ERR_BAD_IPV4_HEADER;
        }
        int total = u16(l3 + 2);
        if (total < ihl || l3 + total > length) {
            return ERR_BAD_IPV4_LENGTH;
        }
        if (Checksums.fold(Checksums.sum(data, l3, ihl, 0)) != 0xffff) {
            return ERR_BAD_IPV4_CHECKSUM;
        }
        l3End = l3 + total;
        proto = u8(l3 + 9);
        int fragField = u16(l3 + 6);
        int fragOffset = fragField & 0x1fff;
        fragment = fragOffset != 0 || (fragField & 0x2000) != 0;
        if (fragOffset != 0) {
            return OK; // no transport header in a later fragment
        }
        l4 = l3 + ihl;
        return checkL4();
    }

    private int decodeIpv6() {
        if (length < l3 + 40 || (u8(l3) >>> 4) != 6) {
            return ERR_BAD_IPV6_HEADER;
        }
        int payload = u16(l3 + 4);
        if (l3 + 40 + payload > length) {
            return ERR_BAD_IPV6_HEADER;
        }
        l3End = l3 + 40 + payload;
        int next = u8(l3 + 6);
        int off = l3 + 40;
        for (int i = 0; i <= MAX_IPV6_EXTENSIONS; i++) {
            switch (next) {
                case 0, 43, 60 -> { // hop-by-hop, routing, destination options (RFC 8200 §4)
                    if (off + 8 > l3End) {
                        return ERR_BAD_IPV6_EXTENSION;
                    }
                    int extLen = (u8(off + 1) + 1) * 8;
                    next = u8(off);
                    off += extLen;
                    if (off > l3End) {
                        return ERR_BAD_IPV6_EXTENSION;
                    }
                }
                case 44 -> { // fragment header (RFC 8200 §4.5)
                    if (off + 8 > l3End) {
                        return ERR_BAD_IPV6_EXTENSION;
                    }
                    int fragField = u16(off + 2);
                    fragment = true;
                    next = u8(off);
                    off += 8;
                    if ((fragField & 0xfff8) != 0) {
                        proto = next;
                        return OK;
                    }
                }
                default -> {
                    proto = next;
                    l4 = off;
                    return checkL4();
                }
            }
        }
        return ERR_BAD_IPV6_EXTENSION;
    }

    private int checkL4() {
        int room = l3End - l4;
        int need = switch (proto) {
            case PROTO_TCP -> 20;
            case PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6 -> 8;
            default -> 0;
        };
        if (room < need) {
            l4 = -1;
            return ERR_SHORT_L4;
        }
        if (proto == PROTO_TCP) {
            int dataOffset = (u8(l4 + 12) >>> 4) * 4;
            if (dataOffset < 20 || dataOffset > room) {
                l4 = -1;
                return ERR_SHORT_L4;
            }
        } else if (proto == PROTO_UDP) {
            // In a first fragment the UDP length covers the whole datagram, not this fragment.
            int udpLen = u16(l4 + 4);
            if (udpLen < 8 || (udpLen > room && !fragment)) {
                l4 = -1;
                return ERR_SHORT_L4;
            }
        }
        return OK;
    }

    // ---------------------------------------------------------------- decoded view

    public int error() {
        return error;
    }

    public boolean isMalformed() {
        return error != OK;
    }

    /** The innermost VLAN id, or -1 for an untagged frame. */
    public int vlan() {
        return vlan;
    }

    /** The ethertype after any VLAN tags, or -1 when the frame is too short. */
    public int ethertype() {
        return ethertype;
    }

    public boolean isArp() {
        return ethertype == ETH_ARP && error == OK;
    }

    public boolean isIpv4() {
        return ethertype == ETH_IPV4 && l3End >= 0;
    }

    public boolean isIpv6() {
        return ethertype == ETH_IPV6 && l3End >= 0;
    }

    /** Offset of the network header (ARP, IPv4, IPv6). */
    public int l3Offset() {
        return l3;
    }

    /** End of the IP datagram (frames may carry Ethernet padding beyond it). */
    public int l3End() {
        return l3End;
    }

    /** Offset of the transport header, or -1 (not IP, a later fragment, or too short). */
    public int l4Offset() {
        return l4;
    }

    public int l4Length() {
        return l4 < 0 ? 0 : l3End - l4;
    }

    /** IP protocol (after IPv6 extension headers), or -1. */
    public int ipProtocol() {
        return proto;
    }

    public boolean isFragment() {
        return fragment;
    }

    // ---------------------------------------------------------------- raw access

    public int u8(int off) {
        return data[off] & 0xff;
    }

    public int u16(int off) {
        return ((data[off] & 0xff) << 8) | (data[off + 1] & 0xff);
    }

    public int u32(int off) {
        return (u16(off) << 16) | u16(off + 2);
    }

    public void put8(int off, int v) {
        data[off] = (byte) v;
    }

    public void put16(int off, int v) {
        data[off] = (byte) (v >>> 8);
        data[off + 1] = (byte) v;
    }

    public void put32(int off, int v) {
        put16(off, v >>> 16);
        put16(off + 2, v);
    }

    // ---------------------------------------------------------------- Ethernet

    public long dstMac() {
        return Macs.read(data, 0);
    }

    public long srcMac() {
        return Macs.read(data, 6);
    }

    public void setDstMac(long mac) {
        Macs.write(data, 0, mac);
    }

    public void setSrcMac(long mac) {
        Macs.write(data, 6, mac);
    }

    // ---------------------------------------------------------------- IPv4

    public int ipv4Src() {
        return u32(l3 + 12);
    }

    public int ipv4Dst() {
        return u32(l3 + 16);
    }

    public int ttl() {
        return isIpv6() ? u8(l3 + 7) : u8(l3 + 8);
    }

    public void setIpv4Src(int addr) {
        rewriteIpv4Address(l3 + 12, addr);
    }

    public void setIpv4Dst(int addr) {
        rewriteIpv4Address(l3 + 16, addr);
    }

    private void rewriteIpv4Address(int off, int addr) {
        int old = u32(off);
        put32(off, addr);
        put16(l3 + 10, Checksums.update32(u16(l3 + 10), old, addr));
        int csum = l4ChecksumOffset();
        if (csum >= 0) {
            put16(csum, udpZero(Checksums.update32(u16(csum), old, addr)));
        }
    }

    /** Sets the TTL (IPv4) or hop limit (IPv6), keeping the IPv4 header checksum right. */
    public void setTtl(int ttl) {
        if (isIpv6()) {
            put8(l3 + 7, ttl);
            return;
        }
        int old = u16(l3 + 8);
        int now = (ttl << 8) | (old & 0xff);
        put16(l3 + 8, now);
        put16(l3 + 10, Checksums.update16(u16(l3 + 10), old, now));
    }

    // ---------------------------------------------------------------- IPv6

    /** Offset of the IPv6 source address (16 bytes). */
    public int ipv6SrcOffset() {
        return l3 + 8;
    }

    /** Offset of the IPv6 destination address (16 bytes). */
    public int ipv6DstOffset() {
        return l3 + 24;
    }

    public void setIpv6Src(byte[] addr, int off) {
        rewriteIpv6Address(l3 + 8, addr, off);
    }

    public void setIpv6Dst(byte[] addr, int off) {
        rewriteIpv6Address(l3 + 24, addr, off);
    }

    private void rewriteIpv6Address(int at, byte[] addr, int off) {
        int csum = l4ChecksumOffset();
        int c = csum >= 0 ? u16(csum) : 0;
        for (int i = 0; i < 16; i += 2) {
            int old = u16(at + i);
            int now = ((addr[off + i] & 0xff) << 8) | (addr[off + i + 1] & 0xff);
            put16(at + i, now);
            c = Checksums.update16(c, old, now);
        }
        if (csum >= 0) {
            put16(csum, udpZero(c));
        }
    }

    // ---------------------------------------------------------------- transport

    public int srcPort() {
        return u16(l4);
    }

    public int dstPort() {
        return u16(l4 + 2);
    }

    public void setSrcPort(int port) {
        rewritePort(l4, port);
    }

    public void setDstPort(int port) {
        rewritePort(l4 + 2, port);
    }

    private void rewritePort(int off, int port) {
        int old = u16(off);
        put16(off, port);
        int csum = l4ChecksumOffset();
        if (csum >= 0) {
            put16(csum, udpZero(Checksums.update16(u16(csum), old, port)));
        }
    }

    /**
     * Completes a TCP or UDP checksum that the sending kernel left partial, and returns whether it
     * did. Frames captured from a veth or a local container before any NIC saw them may carry
     * CHECKSUM_PARTIAL: the field holds only the folded pseudo-header sum (what Linux stores,
     * e.g. {@code tcp_v4_send_check}), the rest was to be added by hardware that never runs.
     * Re-sent as is, the receiver drops them (packet-io.md pitfall 1).
     *
     * <p>{@link #decode()} must have run. Cost: constant when the field differs from the
     * pseudo-header sum (every correct frame but 1 in 65536); only a field equal to it makes the
     * whole segment be summed, and a segment that then verifies is left alone. A wrong checksum
     * that is not in the partial form is left as it is: it is not ours to hide. Fragments are
     * skipped (the checksum covers the whole datagram). Allocates nothing.
     */
    public boolean completePartialChecksum() {
        if (l4 < 0 || fragment || error != OK) {
            return false;
        }
        int csum;
        int len;
        if (proto == PROTO_TCP) {
            csum = l4 + 16;
            len = l3End - l4;
        } else if (proto == PROTO_UDP) {
            csum = l4 + 6;
            len = u16(l4 + 4); // the UDP length; the IP payload may be longer
            if (isIpv4() && u16(csum) == 0) {
                return false; // no checksum (RFC 768)
            }
        } else {
            return false;
        }
        int pseudo = isIpv4()
            ? Checksums.pseudoHeader4(ipv4Src(), ipv4Dst(), proto, len)
            : Checksums.pseudoHeader6(data, l3 + 8, l3 + 24, proto, len);
        int field = u16(csum);
        // 0x0000 and 0xffff are the same one's-complement number.
        if (field != pseudo && !(field == 0 && pseudo == 0xffff) && !(field == 0xffff && pseudo == 0)) {
            return false;
        }
        if (Checksums.fold(Checksums.sum(data, l4, len, pseudo)) == 0xffff) {
            return false; // a complete checksum that happens to equal the pseudo-header sum
        }
        put16(csum, 0);
        put16(csum, udpZero(Checksums.finish(Checksums.sum(data, l4, len, pseudo))));
        return true;
    }

    /** TCP flags byte. */
    public int tcpFlags() {
        return u8(l4 + 13);
    }

    /**
     * Offset of the transport checksum that covers the pseudo header (TCP, UDP, ICMPv6), or -1.
     * A UDP checksum of 0 over IPv4 means "none" and stays 0. ICMPv4 is not here: its checksum
     * covers no addresses.
     */
    private int l4ChecksumOffset() {
        if (l4 < 0) {
            return -1;
        }
        return switch (proto) {
            case PROTO_TCP -> l4 + 16;
            case PROTO_UDP -> (isIpv4() && u16(l4 + 6) == 0) ? -1 : l4 + 6;
            case PROTO_ICMPV6 -> l4 + 2;
            default -> -1;
        };
    }

    /** A computed UDP checksum of 0 is sent as 0xffff (RFC 768); harmless for TCP's field values. */
    private int udpZero(int csum) {
        return (proto == PROTO_UDP && csum == 0) ? 0xffff : csum;
    }
}
