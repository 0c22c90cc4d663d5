package bng.vrrp;

import bng.core.api.Checksums;
import bng.core.api.Macs;

/**
 * bngsync on the wire: IPv4 UDP from port 10439 to port 10439 (BalanceNG's), between the two
 * nodes' {@code real} addresses. bng's payload (BalanceNG's own is not published):
 *
 * <pre>
 *  0  "BNGS" magic            4  version 1   5  type (1 sessions, 2 ack, 3 resync request)
 *  6  record count (u16)      8  sequence number (u32, per sender, +1 per datagram)
 * 12  records, 16 bytes each: session key (u64: client IPv4, client port, server id),
 *     target id (u32), op (1 added, 2 removed), state (SessionTable.STATE_*), proxy port (u16:
 *     the SNAT/NAT outside port the connection holds toward the target, 0 none; these two bytes
 *     were reserved and 0 before 2026-11-30, so an older peer sends "none")
 * </pre>
 *
 * An ack carries the sequence it acknowledges and no records. Built into one reused buffer.
 */
final class SyncFrames {
    static final int PORT = 10439;
    static final int MAGIC = 0x424e_4753; // "BNGS"
    static final int VERSION = 1;
    static final int TYPE_SESSIONS = 1;
    static final int TYPE_ACK = 2;
    static final int TYPE_RESYNC = 3;
    static final int HEADER = 12;
    static final int RECORD = 16;
    /** Records per datagram: 12 + 64 × 16 = 1036 bytes of payload, well inside a 1500 MTU. */
    static final int MAX_RECORDS = 64;
    static final int PAYLOAD = 14 + 20 + 8;
    static final int MAX_FRAME = PAYLOAD + HEADER + MAX_RECORDS * RECORD;

    private SyncFrames() {}

    /** Writes record {@code n} into the payload area of {@code b}. */
    static void record(byte[] b, int n, long key, int target, int op, int state, int proxyPort) {
        int o = PAYLOAD + HEADER + n * RECORD;
        put32(b, o, (int) (key >>> 32));
        put32(b, o + 4, (int) key);
        put32(b, o + 8, target);
        b[o + 12] = (byte) op;
        b[o + 13] = (byte) state;
        b[o + 14] = (byte) (proxyPort >>> 8);
        b[o + 15] = (byte) proxyPort;
    }

    /** Completes the frame around {@code count} records already written; returns its length. */
    static int finish(byte[] b, int type, int seq, int count, long srcMac, long dstMac, int src, int dst) {
        int payload = HEADER + count * RECORD;
        int p = PAYLOAD;
        put32(b, p, MAGIC);
        b[p + 4] = VERSION;
        b[p + 5] = (byte) type;
        put16(b, p + 6, count);
        put32(b, p + 8, seq);
        Macs.write(b, 0, dstMac);
        Macs.write(b, 6, srcMac);
        put16(b, 12, 0x0800);
        int ip = 14;
        int udpLen = 8 + payload;
        b[ip] = 0x45;
        b[ip + 1] = 0;
        put16(b, ip + 2, 20 + udpLen);
        put16(b, ip + 4, seq & 0xffff);
        put16(b, ip + 6, 0x4000); // DF
        b[ip + 8] = 64;
        b[ip + 9] = 17;
        put16(b, ip + 10, 0);
        put32(b, ip + 12, src);
        put32(b, ip + 16, dst);
        put16(b, ip + 10, Checksums.checksum(b, ip, 20));
        int u = ip + 20;
        put16(b, u, PORT);
        put16(b, u + 2, PORT);
        put16(b, u + 4, udpLen);
        put16(b, u + 6, 0);
        int sum = Checksums.finish(Checksums.sum(b, u, udpLen, Checksums.pseudoHeader4(src, dst, 17, udpLen)));
        put16(b, u + 6, sum == 0 ? 0xffff : sum); // RFC 768: 0 means "no checksum"
        int len = 14 + 20 + udpLen;
        if (len < 60) {
            java.util.Arrays.fill(b, len, 60, (byte) 0);
            len = 60;
        }
        return len;
    }

    static int get32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
