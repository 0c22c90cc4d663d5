package bng.hc;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.Macs;

/**
 * The frames a health check sends, written into a caller's buffer: a TCP SYN (RFC 9293 §3.1), an
 * ICMP echo request (RFC 792) and an agent request (UDP), both IPv4 with DF set and identification 0 (an atomic datagram,
 * RFC 6864 §4.1), TTL 64, checksums computed from scratch. Kept like a kernel's own SYN (MSS
 * option, window 64240) so that the target's stack treats it as any client's.
 */
final class Probes {
    static final int ETH_HEADER = 14;
    static final int IPV4_HEADER = 20;
    static final int TTL = 64;
    static final int SYN_WINDOW = 64_240;
    static final int MSS = 1_460;
    /** TCP header of the SYN: 20 bytes and the 4-byte MSS option (RFC 9293 §3.2). */
    static final int SYN_TCP_HEADER = 24;
    static final int SYN_LENGTH = ETH_HEADER + IPV4_HEADER + SYN_TCP_HEADER;
    /** ICMP echo identifier of every hc probe ("hc"); the sequence number is the probe slot. */
    static final int ECHO_ID = 0x6863;
    static final int ECHO_DATA = 32;
    static final int ECHO_LENGTH = ETH_HEADER + IPV4_HEADER + 8 + ECHO_DATA;

    /** Agent request (bng's agent protocol, docs/configuration.md): "bnga", a token; UDP. */
    static final int AGENT_MAGIC = 0x626e6761;
    static final int AGENT_REQUEST = 8;
    /** Agent reply: "bnga", the request's token, the load as an unsigned 32-bit number. */
    static final int AGENT_REPLY = 12;
    static final int AGENT_LENGTH = ETH_HEADER + IPV4_HEADER + 8 + AGENT_REQUEST;

    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_ACK = 0x10;

    private Probes() {
    }

    /** Writes a SYN from {@code src:srcPort} to {@code dst:dstPort}; returns the frame length. */
    static int syn(byte[] b, long srcMac, long dstMac, int src, int dst, int srcPort, int dstPort, int isn) {
        int ip = ethernet(b, dstMac, srcMac);
        int tcp = ipv4(b, ip, Frame.PROTO_TCP, IPV4_HEADER + SYN_TCP_HEADER, src, dst);
        put16(b, tcp, srcPort);
        put16(b, tcp + 2, dstPort);
        put32(b, tcp + 4, isn);
        put32(b, tcp + 8, 0);
        b[tcp + 12] = (byte) ((SYN_TCP_HEADER / 4) << 4);
        b[tcp + 13] = (byte) TCP_SYN;
        put16(b, tcp + 14, SYN_WINDOW);
        put16(b, tcp + 16, 0);
        put16(b, tcp + 18, 0);
        b[tcp + 20] = 2; // kind MSS
        b[tcp + 21] = 4;
        put16(b, tcp + 22, MSS);
        tcpChecksum(b, tcp, SYN_TCP_HEADER, src, dst);
        return SYN_LENGTH;
    }

    /** Writes an ICMP echo request with identifier {@link #ECHO_ID}; returns the frame length. */
    static int echoRequest(byte[] b, long srcMac, long dstMac, int src, int dst, int sequence) {
        int ip = ethernet(b, dstMac, srcMac);
        int icmp = ipv4(b, ip, Frame.PROTO_ICMP, IPV4_HEADER + 8 + ECHO_DATA, src, dst);
        b[icmp] = 8;
        b[icmp + 1] = 0;
        put16(b, icmp + 2, 0);
        put16(b, icmp + 4, ECHO_ID);
        put16(b, icmp + 6, sequence);
        for (int i = 0; i < ECHO_DATA; i++) {
            b[icmp + 8 + i] = (byte) (0x10 + i); // the usual ping pattern
        }
        put16(b, icmp + 2, Checksums.checksum(b, icmp, 8 + ECHO_DATA));
        return ECHO_LENGTH;
    }

    /** Writes an agent request from {@code src:srcPort} to {@code dst:dstPort}; returns the frame length. */
    static int agentRequest(byte[] b, long srcMac, long dstMac, int src, int dst, int srcPort, int dstPort,
            int token) {
        int ip = ethernet(b, dstMac, srcMac);
        int udp = ipv4(b, ip, Frame.PROTO_UDP, IPV4_HEADER + 8 + AGENT_REQUEST, src, dst);
        put16(b, udp, srcPort);
        put16(b, udp + 2, dstPort);
        put16(b, udp + 4, 8 + AGENT_REQUEST);
        put16(b, udp + 6, 0);
        put32(b, udp + 8, AGENT_MAGIC);
        put32(b, udp + 12, token);
        int sum = Checksums.sum(b, udp, 8 + AGENT_REQUEST,
                Checksums.pseudoHeader4(src, dst, Frame.PROTO_UDP, 8 + AGENT_REQUEST));
        int c = Checksums.finish(sum);
        put16(b, udp + 6, c == 0 ? 0xffff : c); // RFC 768: a computed 0 is sent as all ones
        return AGENT_LENGTH;
    }

    /**
     * Writes, at {@code l3}, the RST that answers a SYN-ACK whose acknowledgement was {@code ack}
     * (RFC 9293 §3.10.7.3: {@code <SEQ=SEG.ACK><CTL=RST>}), with a fresh 20-byte IPv4 header and no
     * options; the Ethernet header must already be turned. Returns the frame length.
     */
    static int rst(byte[] b, int l3, int src, int dst, int srcPort, int dstPort, int ack) {
        int tcp = ipv4(b, l3, Frame.PROTO_TCP, IPV4_HEADER + 20, src, dst);
        put16(b, tcp, srcPort);
        put16(b, tcp + 2, dstPort);
        put32(b, tcp + 4, ack);
        put32(b, tcp + 8, 0);
        b[tcp + 12] = (byte) (5 << 4);
        b[tcp + 13] = (byte) TCP_RST;
        put16(b, tcp + 14, 0);
        put16(b, tcp + 16, 0);
        put16(b, tcp + 18, 0);
        tcpChecksum(b, tcp, 20, src, dst);
        return tcp + 20;
    }

    /** An ARP request frame (RFC 826) without padding: Ethernet 14 + ARP 28. */
    static final int ARP_LENGTH = ETH_HEADER + 28;

    /**
     * Writes an ARP request "who has {@code dst}, tell {@code src}" to {@code dstMac} (the known
     * MAC: a unicast poll, RFC 1122 §2.3.2.1; or broadcast); returns the frame length. The bus
     * pads short frames as the driver requires.
     */
    static int arpRequest(byte[] b, long srcMac, long dstMac, int src, int dst) {
        Macs.write(b, 0, dstMac);
        Macs.write(b, 6, srcMac);
        put16(b, 12, 0x0806);
        int a = ETH_HEADER;
        put16(b, a, 1); // Ethernet
        put16(b, a + 2, 0x0800);
        b[a + 4] = 6;
        b[a + 5] = 4;
        put16(b, a + 6, 1); // request
        Macs.write(b, a + 8, srcMac);
        put32(b, a + 14, src);
        Macs.write(b, a + 18, 0);
        put32(b, a + 24, dst);
        return ARP_LENGTH;
    }

    private static int ethernet(byte[] b, long dstMac, long srcMac) {
        Macs.write(b, 0, dstMac);
        Macs.write(b, 6, srcMac);
        put16(b, 12, 0x0800);
        return ETH_HEADER;
    }

    /** Writes a 20-byte IPv4 header at {@code ip} with its checksum; returns the offset after it. */
    private static int ipv4(byte[] b, int ip, int proto, int totalLength, int src, int dst) {
        b[ip] = 0x45;
        b[ip + 1] = 0;
        put16(b, ip + 2, totalLength);
        put16(b, ip + 4, 0);
        put16(b, ip + 6, 0x4000); // DF
        b[ip + 8] = (byte) TTL;
        b[ip + 9] = (byte) proto;
        put16(b, ip + 10, 0);
        put32(b, ip + 12, src);
        put32(b, ip + 16, dst);
        put16(b, ip + 10, Checksums.checksum(b, ip, IPV4_HEADER));
        return ip + IPV4_HEADER;
    }

    private static void tcpChecksum(byte[] b, int tcp, int length, int src, int dst) {
        int sum = Checksums.sum(b, tcp, length, Checksums.pseudoHeader4(src, dst, Frame.PROTO_TCP, length));
        put16(b, tcp + 16, Checksums.finish(sum));
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }
}
