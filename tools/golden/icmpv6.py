#!/usr/bin/env python3
"""Independent generator of the ICMPv6 / neighbour discovery golden frames in bng's unit tests.

Builds each frame from scratch with Python's ipaddress module and its own RFC 1071 sum over the
RFC 8200 §8.1 pseudo header, sharing no code with bng. Run it and paste a frame into a test:
    python3 tools/golden/icmpv6.py
"""
import ipaddress
import struct


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ip6(s):
    return ipaddress.IPv6Address(s).packed


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def icmp6(src, dst, body, hop=255):
    """IPv6 header + ICMPv6 message whose checksum field (bytes 2-3 of body) is filled in."""
    pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
    c = csum(pseudo + body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    hdr = struct.pack("!IHBB", 0x60000000, len(body), 58, hop) + src + dst
    return hdr + body


def eth(dst, src, payload, vlan=None):
    tag = b"" if vlan is None else struct.pack("!HH", 0x8100, vlan)
    return mac(dst) + mac(src) + tag + struct.pack("!H", 0x86DD) + payload


def ns(target, lla=None):
    body = struct.pack("!BBHI", 135, 0, 0, 0) + ip6(target)
    if lla:
        body += bytes([1, 1]) + mac(lla)
    return body


def na(target, flags, lla=None):
    body = struct.pack("!BBHI", 136, 0, 0, flags << 29) + ip6(target)
    if lla:
        body += bytes([2, 1]) + mac(lla)
    return body


def echo(t, ident, seq, data):
    return struct.pack("!BBHHH", t, 0, 0, ident, seq) + data


def solicited_node(a):
    b = ip6(a)
    return str(ipaddress.IPv6Address(bytes.fromhex("ff02" + "00" * 8 + "0001ff") + b[13:]))


def group_mac(a):
    return "33:33:" + ":".join("%02x" % x for x in ip6(a)[12:])


S, O = 2, 1  # the NA flags R, S, O are bits 31..29: shifted by 29, S = 0b010, O = 0b001
BNG = "02:00:00:00:00:01"
HOST = "02:00:00:00:00:0a"
T1 = "02:00:00:00:00:0b"
DATA = bytes(range(0x10, 0x20))

frames = {}
frames["NS_VIP"] = eth(group_mac(solicited_node("2001:db8::100")), HOST,
                       icmp6(ip6("2001:db8::a"), ip6(solicited_node("2001:db8::100")), ns("2001:db8::100", HOST)))
frames["NA_VIP"] = eth(HOST, BNG, icmp6(ip6("2001:db8::100"), ip6("2001:db8::a"), na("2001:db8::100", S | O, BNG)))
frames["NS_REAL_UNICAST"] = eth(BNG, HOST, icmp6(ip6("2001:db8::a"), ip6("2001:db8::1"), ns("2001:db8::1", HOST)))
frames["NA_REAL"] = eth(HOST, BNG, icmp6(ip6("2001:db8::1"), ip6("2001:db8::a"), na("2001:db8::1", S | O, BNG)))
frames["NS_DAD"] = eth(group_mac(solicited_node("2001:db8::1")), "02:00:00:00:00:0d",
                       icmp6(ip6("::"), ip6(solicited_node("2001:db8::1")), ns("2001:db8::1")))
frames["NA_DAD"] = eth("33:33:00:00:00:01", BNG, icmp6(ip6("2001:db8::1"), ip6("ff02::1"), na("2001:db8::1", O, BNG)))
frames["NS_LINK_LOCAL"] = eth(group_mac(solicited_node("2001:db8::2")), HOST,
                              icmp6(ip6("fe80::a"), ip6(solicited_node("2001:db8::2")), ns("2001:db8::2", HOST)))
frames["NA_LINK_LOCAL"] = eth(HOST, BNG, icmp6(ip6("2001:db8::2"), ip6("fe80::a"), na("2001:db8::2", S | O, BNG)))
frames["NS_VLAN"] = eth(group_mac(solicited_node("2001:db8::100")), HOST,
                        icmp6(ip6("2001:db8::a"), ip6(solicited_node("2001:db8::100")), ns("2001:db8::100", HOST)), 100)
frames["NA_VLAN"] = eth(HOST, BNG, icmp6(ip6("2001:db8::100"), ip6("2001:db8::a"), na("2001:db8::100", S | O, BNG)), 100)
frames["NS_HOP64"] = eth(group_mac(solicited_node("2001:db8::100")), HOST,
                         icmp6(ip6("2001:db8::a"), ip6(solicited_node("2001:db8::100")), ns("2001:db8::100", HOST), 64))
frames["NS_NOT_OWNED"] = eth(group_mac(solicited_node("2001:db8::11")), HOST,
                             icmp6(ip6("2001:db8::a"), ip6(solicited_node("2001:db8::11")), ns("2001:db8::11", HOST)))
frames["NA_FROM_T1"] = eth(BNG, T1, icmp6(ip6("2001:db8::11"), ip6("2001:db8::1"), na("2001:db8::11", S | O, T1)))
frames["NA_MULTICAST_SOLICITED"] = eth("33:33:00:00:00:01", T1,
                                       icmp6(ip6("2001:db8::11"), ip6("ff02::1"), na("2001:db8::11", S | O, T1)))
frames["NS_OPTION_LENGTH_0"] = eth(group_mac(solicited_node("2001:db8::100")), HOST, icmp6(
    ip6("2001:db8::a"), ip6(solicited_node("2001:db8::100")), ns("2001:db8::100") + bytes([1, 0]) + mac(HOST)))
# bng's own: the resolver's solicitation for target 1 from real6, the announcement of real6.
frames["NS_RESOLVE_T1"] = eth(group_mac(solicited_node("2001:db8::11")), BNG,
                              icmp6(ip6("2001:db8::1"), ip6(solicited_node("2001:db8::11")), ns("2001:db8::11", BNG)))
frames["NA_UNSOLICITED_REAL"] = eth("33:33:00:00:00:01", BNG,
                                    icmp6(ip6("2001:db8::1"), ip6("ff02::1"), na("2001:db8::1", O, BNG)))
# ICMPv6 echo (RFC 4443 §4): request to the VIP and the reply bng writes over it (hop limit 64).
frames["ECHO6_REQUEST"] = eth(BNG, HOST, icmp6(ip6("2001:db8::a"), ip6("2001:db8::100"),
                                               echo(128, 0x1234, 1, DATA), 63))
frames["ECHO6_REPLY"] = eth(HOST, BNG, icmp6(ip6("2001:db8::100"), ip6("2001:db8::a"),
                                             echo(129, 0x1234, 1, DATA), 64))
frames["ECHO6_NOT_OWNED"] = eth(BNG, HOST, icmp6(ip6("2001:db8::a"), ip6("2001:db8::77"),
                                                 echo(128, 0x1234, 1, DATA), 63))
bad = bytearray(frames["ECHO6_REQUEST"])
bad[14 + 40 + 3] ^= 1
frames["ECHO6_BAD_CHECKSUM"] = bytes(bad)
# The health checker's probes over IPv6 (hc's CheckEngine test: slots 0, 1, 2; ISN/token 0x12345678):
# tcpopen 80 from real6 2001:db8::1 port 61000, ping6 (identifier "hc", sequence = slot 1, the
# 32-byte ping pattern), agent6 10000 from port 61002; and the target's answers.
REAL6, TGT6 = ip6("2001:db8::1"), ip6("2001:db8::11")


def tcp6(src, dst, sport, dport, seq, ack, flags, window, opts=b""):
    off = (20 + len(opts)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, window, 0, 0) + opts
    c = csum(src + dst + struct.pack("!I3xB", len(seg), 6) + seg)
    seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return struct.pack("!IHBB", 0x60000000, len(seg), 6, 64) + src + dst + seg


def udp6(src, dst, sport, dport, payload):
    d = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(src + dst + struct.pack("!I3xB", len(d), 17) + d) or 0xFFFF
    d = d[:6] + struct.pack("!H", c) + d[8:]
    return struct.pack("!IHBB", 0x60000000, len(d), 17, 64) + src + dst + d


PING = bytes(range(0x10, 0x30))
frames["HC_SYN6"] = eth(T1, BNG, tcp6(REAL6, TGT6, 61000, 80, 0x12345678, 0, 0x02, 64240, bytes([2, 4, 0x05, 0xA0])))
frames["HC_SYNACK6"] = eth(BNG, T1, tcp6(TGT6, REAL6, 80, 61000, 0x1000, 0x12345679, 0x12, 64800))
frames["HC_RST6"] = eth(T1, BNG, tcp6(REAL6, TGT6, 61000, 80, 0x12345679, 0, 0x04, 0))
frames["HC_RSTACK6"] = eth(BNG, T1, tcp6(TGT6, REAL6, 80, 61000, 0, 0x12345679, 0x14, 0))
frames["HC_ECHO6"] = eth(T1, BNG, icmp6(REAL6, TGT6, echo(128, 0x6863, 1, PING), 64))
frames["HC_ECHO6_REPLY"] = eth(BNG, T1, icmp6(TGT6, REAL6, echo(129, 0x6863, 1, PING), 64))
frames["HC_AGENT6"] = eth(T1, BNG, udp6(REAL6, TGT6, 61002, 10000, b"bnga" + struct.pack("!I", 0x12345678)))
frames["HC_AGENT6_REPLY"] = eth(BNG, T1, udp6(TGT6, REAL6, 10000, 61002,
                                              b"bnga" + struct.pack("!II", 0x12345678, 42)))
# slb over IPv6 (DSR): a client's SYN to the VIP, and the same frame leaving for target 1 (MACs only).
SYN_OPTS = bytes([2, 4, 0x05, 0xA0])
frames["SLB6_SYN"] = eth(BNG, HOST, tcp6(ip6("2001:db8::a0"), ip6("2001:db8::100"), 40000, 80, 0x1000, 0, 0x02, 64800,
                                         SYN_OPTS))
frames["SLB6_SYN_TO_T1"] = eth("02:00:00:00:00:11", BNG, tcp6(ip6("2001:db8::a0"), ip6("2001:db8::100"), 40000, 80,
                                                              0x1000, 0, 0x02, 64800, SYN_OPTS))
# slb over IPv6, NAT: server [2001:db8::103]:80 → target 3 [2001:db8::13]:8080 (TCP), server
# [2001:db8::105]:53 → target 6 2001:db8::16 (UDP, the client's port kept); the client's packet in,
# the same leaving for the target, the target's reply in, and the reply leaving for the client.
A0, T3, T6 = ip6("2001:db8::a0"), ip6("2001:db8::13"), ip6("2001:db8::16")
VIP3, VIP5 = ip6("2001:db8::103"), ip6("2001:db8::105")
frames["NAT6_SYN"] = eth(BNG, HOST, tcp6(A0, VIP3, 40000, 80, 0x1000, 0, 0x02, 64800, SYN_OPTS))
frames["NAT6_SYN_TO_T3"] = eth("02:00:00:00:00:13", BNG, tcp6(A0, T3, 40000, 8080, 0x1000, 0, 0x02, 64800, SYN_OPTS))
frames["NAT6_SYNACK"] = eth(BNG, "02:00:00:00:00:13", tcp6(T3, A0, 8080, 40000, 0x2000, 0x1001, 0x12, 64800, SYN_OPTS))
frames["NAT6_SYNACK_OUT"] = eth(HOST, BNG, tcp6(VIP3, A0, 80, 40000, 0x2000, 0x1001, 0x12, 64800, SYN_OPTS))
frames["NAT6_UDP"] = eth(BNG, HOST, udp6(A0, VIP5, 50000, 53, b"question?"))
frames["NAT6_UDP_TO_T6"] = eth("02:00:00:00:00:16", BNG, udp6(A0, T6, 50000, 53, b"question?"))
frames["NAT6_UDP_REPLY"] = eth(BNG, "02:00:00:00:00:16", udp6(T6, A0, 53, 50000, b"answer!"))
frames["NAT6_UDP_REPLY_OUT"] = eth(HOST, BNG, udp6(VIP5, A0, 53, 50000, b"answer!"))
# ICMPv6 errors quoting a balanced flow. A router on the clients' side (2001:db8::1) says "packet
# too big" (MTU 1280) about a reply VIP:80 → client:40000 to the VIP: it is steered to the session's
# target — NAT: outer destination, quoted source and port translated to target 3's; DSR (server
# 2001:db8::100): MACs only. Target 6 says "port unreachable" about the client's datagram: the
# client gets it from the VIP, quoting its own datagram to the VIP.
ROUTER6 = ip6("2001:db8::1")


def quoted(t, code, mtu_or_zero, packet):
    return struct.pack("!BBHI", t, code, 0, mtu_or_zero) + packet


frames["NAT6_PTB"] = eth(BNG, HOST, icmp6(ROUTER6, VIP3, quoted(2, 0, 1280, tcp6(
    VIP3, A0, 80, 40000, 0x2001, 0x1001, 0x18, 64800)), 64))
frames["NAT6_PTB_TO_T3"] = eth("02:00:00:00:00:13", BNG, icmp6(ROUTER6, T3, quoted(2, 0, 1280, tcp6(
    T3, A0, 8080, 40000, 0x2001, 0x1001, 0x18, 64800)), 64))
VIP0 = ip6("2001:db8::100")
frames["DSR6_PTB"] = eth(BNG, HOST, icmp6(ROUTER6, VIP0, quoted(2, 0, 1280, tcp6(
    VIP0, A0, 80, 40000, 0x2001, 0x1001, 0x18, 64800)), 64))
frames["NAT6_UNREACH"] = eth(BNG, "02:00:00:00:00:16", icmp6(T6, A0, quoted(1, 4, 0, udp6(A0, T6, 50000, 53, b"question?")), 64))
frames["NAT6_UNREACH_OUT"] = eth(HOST, BNG, icmp6(VIP5, A0, quoted(1, 4, 0, udp6(A0, VIP5, 50000, 53, b"question?")), 64))

if __name__ == "__main__":
    for k, v in frames.items():
        print(k, v.hex())
