package bng.core.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Literal IP address parsing and canonical printing. {@link InetAddress#getByName} is avoided on
 * purpose: it would resolve host names through DNS, and a configuration must never do that.
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** Parses a dotted quad, or returns null when text is not one. */
    public static Inet4Address parseIpv4(String text) {
        byte[] bytes = ipv4Bytes(text);
        return bytes == null ? null : (Inet4Address) fromBytes(bytes);
    }

    /** Parses an IPv6 literal (with "::" and an optional trailing dotted quad), or returns null. */
    public static Inet6Address parseIpv6(String text) {
        byte[] bytes = ipv6Bytes(text);
        return bytes == null ? null : ipv6FromBytes(bytes);
    }

    private static Inet6Address ipv6FromBytes(byte[] bytes) {
        try {
            // Inet6Address.getByAddress keeps ::ffff:a.b.c.d an Inet6Address; InetAddress would not.
            return Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always a valid IPv6 address", e);
        }
    }

    /** Dotted quad for IPv4, RFC 5952 text for IPv6 ({@code 2001:db8::4}). */
    public static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        if (isIpv4Mapped(groups)) { // RFC 5952 §5: mapped addresses keep the dotted quad
            return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** Parses a dotted IPv4 mask with contiguous one bits and returns its prefix length, or -1. */
    public static int maskToPrefix(String text) {
        byte[] bytes = ipv4Bytes(text);
        if (bytes == null) {
            return -1;
        }
        int bits = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        int prefix = Integer.bitCount(bits);
        return bits == prefixBits(prefix) ? prefix : -1;
    }

    /** The dotted mask of an IPv4 prefix length. */
    public static String prefixToMask(int prefix) {
        int bits = prefixBits(prefix);
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }

    /** True when both addresses have the same family and agree on their first prefix bits. */
    public static boolean samePrefix(InetAddress a, InetAddress b, int prefix) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length || prefix < 0 || prefix > x.length * 8) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The address with every bit after the first prefix bits cleared: the network it lies in. */
    public static InetAddress network(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress();
        for (int bit = Math.max(0, prefix); bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return bytes.length == 4 ? fromBytes(bytes) : ipv6FromBytes(bytes);
    }

    private static int prefixBits(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static boolean isIpv4Mapped(int[] groups) {
        for (int i = 0; i < 5; i++) {
            if (groups[i] != 0) {
                return false;
            }
        }
        return groups[5] == 0xffff;
    }

    private static InetAddress fromBytes(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always a valid IPv4 address", e);
        }
    }

    private static byte[] ipv4Bytes(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static byte[] ipv6Bytes(String text) {
        if (text.length() < 2 || text.length() > 45) {
            return null;
        }
        byte[] tail = null;
        String hex = text;
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.') >= 0) { // trailing dotted quad takes the last two groups
            tail = ipv4Bytes(text.substring(lastColon + 1));
            if (tail == null) {
                return null;
            }
            hex = text.substring(0, lastColon + 1) + "0:0"; // placeholder groups, overwritten below
        }
        int doubleColon = hex.indexOf("::");
        if (doubleColon >= 0 && hex.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String[] head = doubleColon >= 0 ? splitGroups(hex.substring(0, doubleColon)) : splitGroups(hex);
        String[] rest = doubleColon >= 0 ? splitGroups(hex.substring(doubleColon + 2)) : new String[0];
        if (head == null || rest == null) {
            return null;
        }
        int given = head.length + rest.length;
        if (doubleColon >= 0 ? given > 7 : given != 8) {
            return null;
        }
        byte[] bytes = new byte[16];
        if (!putGroups(head, bytes, 0) || !putGroups(rest, bytes, 8 - rest.length)) {
            return null;
        }
        if (tail != null) {
            System.arraycopy(tail, 0, bytes, 12, 4);
        }
        return bytes;
    }

    private static String[] splitGroups(String text) {
        if (text.isEmpty()) {
            return new String[0];
        }
        String[] groups = text.split(":", -1);
        for (String group : groups) {
            if (group.isEmpty() || group.length() > 4) {
                return null;
            }
        }
        return groups;
    }

    private static boolean putGroups(String[] groups, byte[] bytes, int firstGroup) {
        for (int i = 0; i < groups.length; i++) {
            int value = 0;
            for (char c : groups[i].toCharArray()) {
                int digit = Character.digit(c, 16);
                if (digit < 0 || c > 'f') {
                    return false;
                }
                value = value * 16 + digit;
            }
            bytes[2 * (firstGroup + i)] = (byte) (value >> 8);
            bytes[2 * (firstGroup + i) + 1] = (byte) value;
        }
        return true;
    }
}
