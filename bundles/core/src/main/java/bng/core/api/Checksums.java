package bng.core.api;

/**
 * Internet checksum helpers (RFC 1071) and incremental updates (RFC 1624, eqn. 3:
 * HC' = ~(~HC + ~m + m')). All methods work on one's-complement sums held in an int and never
 * allocate.
 */
public final class Checksums {
    private Checksums() {}

    /** Adds the 16-bit big-endian words of {@code b[off, off+len)} to {@code sum} (odd tail padded with 0). */
    public static int sum(byte[] b, int off, int len, int sum) {
        int i = off;
        int end = off + len - 1;
        while (i < end) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i == end) {
            sum += (b[i] & 0xff) << 8;
        }
        return fold(sum);
    }

    /** Folds carries into the low 16 bits. */
    public static int fold(int sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    /** The checksum field value for a finished sum. */
    public static int finish(int sum) {
        return ~fold(sum) & 0xffff;
    }

    /** Checksum of {@code b[off, off+len)}: the value to store in a zeroed checksum field. */
    public static int checksum(byte[] b, int off, int len) {
        return finish(sum(b, off, len, 0));
    }

    /** RFC 1624 update of checksum {@code hc} when a 16-bit word changes from {@code m} to {@code m1}. */
    public static int update16(int hc, int m, int m1) {
        int sum = (~hc & 0xffff) + (~m & 0xffff) + (m1 & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** RFC 1624 update of checksum {@code hc} when a 32-bit value changes from {@code m} to {@code m1}. */
    public static int update32(int hc, int m, int m1) {
        int sum = (~hc & 0xffff) + (~(m >>> 16) & 0xffff) + (~m & 0xffff) + ((m1 >>> 16) & 0xffff) + (m1 & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** Sum of the IPv4 pseudo header (RFC 793 §3.1) for a transport segment of {@code l4len} bytes. */
    public static int pseudoHeader4(int src, int dst, int proto, int l4len) {
        return fold((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + l4len);
    }

    /** Sum of the IPv6 pseudo header (RFC 8200 §8.1); addresses are read from the frame. */
    public static int pseudoHeader6(byte[] b, int srcOff, int dstOff, int proto, int l4len) {
        int sum = sum(b, srcOff, 16, 0);
        sum = sum(b, dstOff, 16, sum);
        return fold(sum + (l4len >>> 16) + (l4len & 0xffff) + proto);
    }
}
