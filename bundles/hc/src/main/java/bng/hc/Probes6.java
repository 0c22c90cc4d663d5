package bng.hc;

import static bng.hc.Probes.put16;
import static bng.hc.Probes.put32;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;

/**
 * {@link Probes} over IPv6: a TCP SYN, an ICMPv6 echo request (RFC 4443 §4.1) and an agent request,
 * from the network's {@code real6}, hop limit 64, checksums over the IPv6 pseudo header (RFC 8200
 * §8.1, mandatory for UDP too). Addresses are two big-endian longs. Same identifiers as the IPv4
 * probes: echo identifier {@link Probes#ECHO_ID} with the slot as sequence, source port
 * {@link ProbeTable#FIRST_PORT} + slot.
 */
final class Probes6 {
    static final int IPV6_HEADER = 40;
    static final int HOP_LIMIT = 64;
    static final int ECHO_REQUEST = 128;
    static final int ECHO_REPLY = 129;
    /** An IPv6 SYN's MSS: 1500 less 40 + 20 bytes of headers. */
    static final int MSS = 1_440;
    static final int SYN_LENGTH = Probes.ETH_HEADER + IPV6_HEADER + Probes.SYN_TCP_HEADER;
    static final int ECHO_LENGTH = Probes.ETH_HEADER + IPV6_HEADER + 8 + Probes.ECHO_DATA;
    static final int AGENT_LENGTH = Probes.ETH_HEADER + IPV6_HEADER + 8 + Probes.AGENT_REQUEST;

    private Probes6() {}

    static int syn(byte[] b, long srcMac, long dstMac, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort,
            int dstPort, int isn) {
        int tcp = header(b, dstMac, srcMac, Frame.PROTO_TCP, Probes.SYN_TCP_HEADER, srcHi, srcLo, dstHi, dstLo);
        put16(b, tcp, srcPort);
        put16(b, tcp + 2, dstPort);
        put32(b, tcp + 4, isn);
        put32(b, tcp + 8, 0);
        b[tcp + 12] = (byte) ((Probes.SYN_TCP_HEADER / 4) << 4);
        b[tcp + 13] = (byte) Probes.TCP_SYN;
        put16(b, tcp + 14, Probes.SYN_WINDOW);
        put16(b, tcp + 16, 0);
        put16(b, tcp + 18, 0);
        b[tcp + 20] = 2; // kind MSS
        b[tcp + 21] = 4;
        put16(b, tcp + 22, MSS);
        checksum(b, Probes.ETH_HEADER, tcp, Probes.SYN_TCP_HEADER, Frame.PROTO_TCP, 16);
        return SYN_LENGTH;
    }

    static int echoRequest(byte[] b, long srcMac, long dstMac, long srcHi, long srcLo, long dstHi, long dstLo,
            int sequence) {
        int icmp = header(b, dstMac, srcMac, Frame.PROTO_ICMPV6, 8 + Probes.ECHO_DATA, srcHi, srcLo, dstHi, dstLo);
        b[icmp] = (byte) ECHO_REQUEST;
        b[icmp + 1] = 0;
        put16(b, icmp + 2, 0);
        put16(b, icmp + 4, Probes.ECHO_ID);
        put16(b, icmp + 6, sequence);
        for (int i = 0; i < Probes.ECHO_DATA; i++) {
            b[icmp + 8 + i] = (byte) (0x10 + i);
        }
        checksum(b, Probes.ETH_HEADER, icmp, 8 + Probes.ECHO_DATA, Frame.PROTO_ICMPV6, 2);
        return ECHO_LENGTH;
    }

    static int agentRequest(byte[] b, long srcMac, long dstMac, long srcHi, long srcLo, long dstHi, long dstLo,
            int srcPort, int dstPort, int token) {
        int udp = header(b, dstMac, srcMac, Frame.PROTO_UDP, 8 + Probes.AGENT_REQUEST, srcHi, srcLo, dstHi, dstLo);
        put16(b, udp, srcPort);
        put16(b, udp + 2, dstPort);
        put16(b, udp + 4, 8 + Probes.AGENT_REQUEST);
        put16(b, udp + 6, 0);
        put32(b, udp + 8, Probes.AGENT_MAGIC);
        put32(b, udp + 12, token);
        checksum(b, Probes.ETH_HEADER, udp, 8 + Probes.AGENT_REQUEST, Frame.PROTO_UDP, 6);
        if (((b[udp + 6] & 0xff) | (b[udp + 7] & 0xff)) == 0) {
            put16(b, udp + 6, 0xffff); // RFC 8200 §8.1: a computed 0 is sent as all ones
        }
        return AGENT_LENGTH;
    }

    /**
     * Writes over a SYN-ACK at {@code l3} the RST that answers it (RFC 9293 §3.10.7.3), addresses
     * turned; the Ethernet header must already be turned. Returns the frame length.
     */
    static int rst(byte[] b, int l3, int srcPort, int dstPort, int ack) {
        long srcHi = read64(b, l3 + 24);
        long srcLo = read64(b, l3 + 32);
        long dstHi = read64(b, l3 + 8);
        long dstLo = read64(b, l3 + 16);
        int tcp = ipv6(b, l3, Frame.PROTO_TCP, 20, srcHi, srcLo, dstHi, dstLo);
        put16(b, tcp, srcPort);
        put16(b, tcp + 2, dstPort);
        put32(b, tcp + 4, ack);
        put32(b, tcp + 8, 0);
        b[tcp + 12] = (byte) (5 << 4);
        b[tcp + 13] = (byte) Probes.TCP_RST;
        put16(b, tcp + 14, 0);
        put16(b, tcp + 16, 0);
        put16(b, tcp + 18, 0);
        checksum(b, l3, tcp, 20, Frame.PROTO_TCP, 16);
        return tcp + 20;
    }

    private static int header(byte[] b, long dstMac, long srcMac, int proto, int payload, long srcHi, long srcLo,
            long dstHi, long dstLo) {
        Macs.write(b, 0, dstMac);
        Macs.write(b, 6, srcMac);
        put16(b, 12, Frame.ETH_IPV6);
        return ipv6(b, Probes.ETH_HEADER, proto, payload, srcHi, srcLo, dstHi, dstLo);
    }

    private static int ipv6(byte[] b, int l3, int proto, int payload, long srcHi, long srcLo, long dstHi, long dstLo) {
        put32(b, l3, 0x6000_0000);
        put16(b, l3 + 4, payload);
        b[l3 + 6] = (byte) proto;
        b[l3 + 7] = (byte) HOP_LIMIT;
        write64(b, l3 + 8, srcHi);
        write64(b, l3 + 16, srcLo);
        write64(b, l3 + 24, dstHi);
        write64(b, l3 + 32, dstLo);
        return l3 + IPV6_HEADER;
    }

    private static void checksum(byte[] b, int l3, int l4, int length, int proto, int field) {
        put16(b, l4 + field, 0);
        int pseudo = Checksums.pseudoHeader6(b, l3 + 8, l3 + 24, proto, length);
        put16(b, l4 + field, Checksums.finish(Checksums.sum(b, l4, length, pseudo)));
    }

    static long read64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static void write64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
