# Independent generator of bngsync golden frames (checksums from scratch) for SyncTest.
import struct
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
def ip(a): return bytes(int(x) for x in a.split('.'))
def frame(smac, dmac, src, dst, typ, seq, records):
    payload = b'BNGS' + bytes([1, typ]) + struct.pack('!HI', len(records), seq)
    for key, target, op, state in records:
        payload += struct.pack('!QIBBH', key, target, op, state, 0)
    ulen = 8 + len(payload)
    udp = struct.pack('!HHHH', 10439, 10439, ulen, 0) + payload
    c = csum(ip(src) + ip(dst) + bytes([0, 17]) + struct.pack('!H', ulen) + udp) or 0xffff
    udp = udp[:6] + struct.pack('!H', c) + udp[8:]
    hdr = bytes([0x45, 0]) + struct.pack('!HHH', 20 + ulen, seq & 0xffff, 0x4000) + bytes([64, 17]) + b'\0\0' + ip(src) + ip(dst)
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    f = bytes.fromhex(dmac) + bytes.fromhex(smac) + b'\x08\x00' + hdr + udp
    return (f + b'\0' * max(0, 60 - len(f))).hex()
def key(client, port, server): return (int.from_bytes(ip(client), 'big') << 32) | (port << 16) | server
print('    static final String SESSIONS = "%s";' % frame('020000000002', '020000000003', '198.18.0.2', '198.18.0.3', 1, 5,
      [(key('198.18.0.20', 40000, 1), 1, 1, 2), (key('198.18.0.21', 40001, 1), 2, 2, 0)]))
print('    static final String ACK = "%s";' % frame('020000000003', '020000000002', '198.18.0.3', '198.18.0.2', 2, 5, []))
