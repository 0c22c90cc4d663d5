package bng.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 1071 sums and RFC 1624 incremental updates against the RFCs' numbers and a naive reference. */
class ChecksumsTest {
    /** The plainest possible RFC 1071 sum: 64-bit accumulator, fold at the end. */
    static int reference(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xff;
            s += (i & 1) == 0 ? v << 8 : v;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    static byte[] words(int... w) {
        byte[] b = new byte[w.length * 2];
        for (int i = 0; i < w.length; i++) {
            b[2 * i] = (byte) (w[i] >>> 8);
            b[2 * i + 1] = (byte) w[i];
        }
        return b;
    }

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, so the checksum is 220d.
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0xddf2, Checksums.sum(b, 0, 8, 0));
        assertEquals(0x220d, Checksums.checksum(b, 0, 8));
        // Byte-order independence (§2(B)) seen from our side: the sum of the swapped words is swapped.
        byte[] swapped = {0x01, 0x00, 0x03, (byte) 0xf2, (byte) 0xf5, (byte) 0xf4, (byte) 0xf7, (byte) 0xf6};
        assertEquals(0xf2dd, Checksums.sum(swapped, 0, 8, 0));
    }

    @Test
    void aKnownIpv4HeaderChecksum() {
        // The classic example header 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
        byte[] h = words(0x4500, 0x0073, 0x0000, 0x4000, 0x4011, 0x0000, 0xc0a8, 0x0001, 0xc0a8, 0x00c7);
        assertEquals(0xb861, Checksums.checksum(h, 0, h.length));
        h[10] = (byte) 0xb8;
        h[11] = 0x61;
        assertEquals(0xffff, Checksums.fold(Checksums.sum(h, 0, h.length, 0)), "a right header sums to -0");
        assertEquals(0, Checksums.checksum(h, 0, h.length));
    }

    @Test
    void oddLengthsPadTheLastByteWithZero() {
        byte[] b = {(byte) 0xab, (byte) 0xcd, (byte) 0xef};
        assertEquals(0xab00, Checksums.sum(b, 0, 1, 0));
        assertEquals(0xabcd + 0xef00 - 0xffff, Checksums.sum(b, 0, 3, 0), "carry folded back");
        assertEquals(0xcdef, Checksums.sum(b, 1, 2, 0), "an odd offset starts a new word");
        assertEquals(0xcd00, Checksums.sum(b, 1, 1, 0));
        assertEquals(0, Checksums.sum(b, 2, 0, 0), "nothing sums to 0");
        assertEquals(0x1234, Checksums.sum(b, 3, 0, 0x1234), "the start value is kept");
    }

    @Test
    void sumMatchesTheReferenceOnRandomData() {
        Random rnd = new Random(1071);
        byte[] b = new byte[1600];
        for (int n = 0; n < 5000; n++) {
            rnd.nextBytes(b);
            int off = rnd.nextInt(64);
            int len = rnd.nextInt(b.length - off + 1);
            assertEquals(reference(b, off, len), Checksums.sum(b, off, len, 0), "off " + off + " len " + len);
        }
    }

    @Test
    void sumOfTheLargestDatagramDoesNotOverflow() {
        byte[] b = new byte[65535];
        java.util.Arrays.fill(b, (byte) 0xff);
        assertEquals(reference(b, 0, b.length), Checksums.sum(b, 0, b.length, 0));
        assertEquals(reference(b, 0, b.length), Checksums.sum(b, 0, b.length, 0xffff));
    }

    @Test
    void foldAndFinish() {
        assertEquals(0, Checksums.fold(0));
        assertEquals(1, Checksums.fold(0x10000));
        assertEquals(0xffff, Checksums.fold(0xffff));
        assertEquals(0x0003, Checksums.fold(0xffff + 0x0003), "0xffff is -0");
        assertEquals(0xffff, Checksums.fold(0xfffe_0001), "carries that carry again");
        assertEquals(0xffff, Checksums.finish(0));
        assertEquals(0, Checksums.finish(0xffff));
    }

    @Test
    void rfc1624CornerCaseGivesTheRecomputedZero() {
        // RFC 1624 §4: the other header octets sum to 0xCD7A and m = 0x5555 becomes 0x3285.
        byte[] h = words(0xcd7a, 0x5555);
        int hc = Checksums.checksum(h, 0, 4);
        assertEquals(0xdd2f, hc);
        h[2] = 0x32;
        h[3] = (byte) 0x85;
        int recomputed = Checksums.checksum(h, 0, 4);
        assertEquals(0x0000, recomputed);
        // Eqn. 2 (RFC 1141) would give 0xFFFF here; eqn. 3 gives what recomputation gives.
        assertEquals(recomputed, Checksums.update16(hc, 0x5555, 0x3285));
        assertNotEquals(0xffff, Checksums.update16(hc, 0x5555, 0x3285));
        // And back again.
        assertEquals(0xdd2f, Checksums.update16(0x0000, 0x3285, 0x5555));
    }

    @Test
    void update16EqualsFullRecomputation() {
        Random rnd = new Random(16);
        byte[] b = new byte[64];
        for (int n = 0; n < 20_000; n++) {
            rnd.nextBytes(b);
            int len = 4 + 2 * rnd.nextInt(30);
            int field = 2 * rnd.nextInt(len / 2);
            b[field] = 0;
            b[field + 1] = 0;
            int hc = Checksums.checksum(b, 0, len);
            int w = 2 * rnd.nextInt(len / 2);
            if (w == field) {
                continue;
            }
            int m = ((b[w] & 0xff) << 8) | (b[w + 1] & 0xff);
            int m1 = (n % 7 == 0) ? m : rnd.nextInt(0x10000); // sometimes no change at all
            b[w] = (byte) (m1 >>> 8);
            b[w + 1] = (byte) m1;
            int updated = Checksums.update16(hc, m, m1);
            assertEquals(Checksums.checksum(b, 0, len), updated, "case " + n);
            b[field] = (byte) (updated >>> 8);
            b[field + 1] = (byte) updated;
            assertEquals(0xffff, Checksums.fold(Checksums.sum(b, 0, len, 0)), "verifies, case " + n);
        }
    }

    @Test
    void update32EqualsFullRecomputation() {
        Random rnd = new Random(32);
        byte[] b = new byte[64];
        for (int n = 0; n < 20_000; n++) {
            rnd.nextBytes(b);
            int len = 8 + 2 * rnd.nextInt(28);
            b[0] = 0; // checksum field at 0, a 32-bit value at an even offset >= 2
            b[1] = 0;
            int hc = Checksums.checksum(b, 0, len);
            int at = 2 + 2 * rnd.nextInt((len - 4) / 2);
            int m = ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
            int m1 = rnd.nextInt();
            b[at] = (byte) (m1 >>> 24);
            b[at + 1] = (byte) (m1 >>> 16);
            b[at + 2] = (byte) (m1 >>> 8);
            b[at + 3] = (byte) m1;
            assertEquals(Checksums.checksum(b, 0, len), Checksums.update32(hc, m, m1), "case " + n);
        }
    }

    @Test
    void update32IsTwoUpdate16s() {
        Random rnd = new Random(3216);
        for (int n = 0; n < 10_000; n++) {
            int hc = rnd.nextInt(0x10000);
            int m = rnd.nextInt();
            int m1 = rnd.nextInt();
            int twice = Checksums.update16(Checksums.update16(hc, m >>> 16, m1 >>> 16), m & 0xffff, m1 & 0xffff);
            assertEquals(twice, Checksums.update32(hc, m, m1));
        }
    }

    @Test
    void pseudoHeadersEqualTheirBytes() {
        Random rnd = new Random(793);
        for (int n = 0; n < 2000; n++) {
            int src = rnd.nextInt();
            int dst = rnd.nextInt();
            int proto = rnd.nextInt(256);
            int len = rnd.nextInt(0x10000);
            // RFC 793 §3.1: src, dst, zero, protocol, length.
            byte[] ph4 = words(src >>> 16, src & 0xffff, dst >>> 16, dst & 0xffff, proto, len);
            assertEquals(Checksums.sum(ph4, 0, ph4.length, 0), Checksums.pseudoHeader4(src, dst, proto, len));

            byte[] frame = new byte[40];
            rnd.nextBytes(frame);
            int len6 = rnd.nextInt(1 << 20); // upper-layer length is 32 bits in IPv6 (RFC 8200 §8.1)
            byte[] ph6 = new byte[40];
            System.arraycopy(frame, 0, ph6, 0, 32);
            ph6[32] = (byte) (len6 >>> 24);
            ph6[33] = (byte) (len6 >>> 16);
            ph6[34] = (byte) (len6 >>> 8);
            ph6[35] = (byte) len6;
            ph6[39] = (byte) proto;
            assertEquals(Checksums.sum(ph6, 0, 40, 0), Checksums.pseudoHeader6(frame, 0, 16, proto, len6));
        }
    }
}
