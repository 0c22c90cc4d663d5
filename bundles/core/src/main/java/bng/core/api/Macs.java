package bng.core.api;

/** MAC addresses as the low 48 bits of a long: no objects on the fast path, text only for people. */
public final class Macs {
    public static final long BROADCAST = 0xffff_ffff_ffffL;

    private Macs() {}

    public static long read(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    public static void write(byte[] b, int off, long mac) {
        for (int i = 5; i >= 0; i--) {
            b[off + i] = (byte) mac;
            mac >>>= 8;
        }
    }

    public static long of(byte[] six) {
        if (six == null || six.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
        return read(six, 0);
    }

    /** Parses {@code 02:00:00:00:00:01} (also with '-'); throws IllegalArgumentException with the reason. */
    public static long parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            v = (v << 8) | Integer.parseInt(p, 16);
        }
        return v;
    }

    public static String format(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int octet = (int) (mac >>> (i * 8)) & 0xff;
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    public static boolean isMulticast(long mac) {
        return ((mac >>> 40) & 1) != 0;
    }
}
