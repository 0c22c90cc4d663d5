package bng.core.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Converts value tokens into typed values. Each method reports what it expected and returns null
 * when the token does not fit, so that parsing goes on and every error of a text is found.
 * {@code what} names the attribute in messages, e.g. "target 2 weight".
 */
final class Values {
    /** Highest object id; bounds memory and keeps ids printable in fixed columns. */
    static final int MAX_ID = 65535;
    /**
     * Server and target ids stop below the ids core keeps for generic NAT's mappings in the session
     * table ({@code SessionTable.NAT_ICMP}..{@code NAT_TCP}, 65533..65535).
     */
    static final int MAX_SERVER_TARGET_ID = 65532;

    /** The highest id an object of {@code kind} ("server", "target", "interface", ...) may have. */
    static int maxId(String kind) {
        return kind.equals("server") || kind.equals("target") ? MAX_SERVER_TARGET_ID : MAX_ID;
    }

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._+:@-]+");
    private static final Pattern MODULE_NAME = Pattern.compile("[a-z][a-z0-9]*");

    /**
     * Ids all the lists of one text may name together (ranges expanded): twice what BalanceNG's
     * limits need (512 servers listing its at most 1024 targets), and a bound on memory: a few thousand lines of
     * {@code server N targets 1-65532} must not exhaust it.
     */
    static final int MAX_LISTED_IDS = 1 << 20;

    private final String source;
    private final List<ConfigError> errors;
    private long listed;

    Values(String source, List<ConfigError> errors) {
        this.source = source;
        this.errors = errors;
    }

    void error(Position at, String message) {
        errors.add(new ConfigError(source, at.line(), at.column(), message));
    }

    private <T> T expected(Token v, String what, String expectation) {
        error(v.position(), what + ": expected " + expectation + ", found " + v.describe());
        return null;
    }

    /** True when text is a word that needs no quotes in a saved file. */
    static boolean isPlainName(String text) {
        return PLAIN_NAME.matcher(text).matches() && !text.contains("//");
    }

    String text(Token v, String what) {
        return v.isValue() ? v.text() : expected(v, what, "a name or a quoted string");
    }

    Integer number(Token v, String what, long min, long max) {
        Long n = v.is(Token.Type.WORD) ? parseNumber(v.text()) : null;
        if (n == null || n < min || n > max) {
            return expected(v, what, "a number " + min + ".." + max);
        }
        return n.intValue();
    }

    /** A number beyond int's range, such as a four-octet AS number. */
    Long longNumber(Token v, String what, long min, long max) {
        Long n = v.is(Token.Type.WORD) ? parseNumber(v.text()) : null;
        if (n == null || n < min || n > max) {
            return expected(v, what, "a number " + min + ".." + max);
        }
        return n;
    }

    /** A BGP hold time: 0 (no keepalives) or 3..65535 seconds, RFC 4271 §4.2. */
    Integer holdTime(Token v, String what) {
        Long n = v.is(Token.Type.WORD) ? parseNumber(v.text()) : null;
        if (n == null || n > 65535 || (n != 0 && n < 3)) {
            return expected(v, what, "0 or a number 3..65535 (seconds, RFC 4271)");
        }
        return n.intValue();
    }

    /** Comma-separated IPv4 addresses without repeats ({@code 198.18.0.1,198.18.0.9}). */
    List<Inet4Address> ipv4List(Token v, String what) {
        String[] parts = v.is(Token.Type.WORD) ? v.text().split(",", -1) : null;
        if (parts == null || parts.length > 16) {
            return expected(v, what, "1..16 comma-separated IPv4 addresses such as 198.18.0.1,198.18.0.9");
        }
        List<Inet4Address> list = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            Inet4Address a = IpAddresses.parseIpv4(parts[i]);
            if (a == null) {
                error(v.elementPosition(i), what + ": expected an IPv4 address such as 198.18.0.1, found "
                        + new Token(Token.Type.WORD, parts[i], 0, 0).describe());
                return null;
            }
            if (list.contains(a)) {
                error(v.elementPosition(i), what + ": " + parts[i] + " is listed twice");
                return null;
            }
            list.add(a);
        }
        return list;
    }

    Long setting(Token v, Setting s) {
        Long n = v.is(Token.Type.WORD) ? parseNumber(v.text()) : null;
        if (n == null || n < s.min() || n > s.max()) {
            return expected(v, "set " + s.keyword(), "a number " + s.min() + ".." + s.max());
        }
        return n;
    }

    Integer id(Token v, String kind) {
        return number(v, kind + " id", 1, maxId(kind));
    }

    Inet4Address ipv4(Token v, String what) {
        Inet4Address a = v.is(Token.Type.WORD) ? IpAddresses.parseIpv4(v.text()) : null;
        return a != null ? a : expected(v, what, "an IPv4 address such as 198.18.0.1");
    }

    /** An IPv4 or IPv6 address. */
    java.net.InetAddress address(Token v, String what) {
        java.net.InetAddress a = null;
        if (v.is(Token.Type.WORD)) {
            a = IpAddresses.parseIpv4(v.text());
            if (a == null) {
                a = IpAddresses.parseIpv6(v.text());
            }
        }
        return a != null ? a : expected(v, what, "an IPv4 or IPv6 address such as 127.0.0.1 or ::1");
    }

    Inet6Address ipv6(Token v, String what) {
        Inet6Address a = v.is(Token.Type.WORD) ? IpAddresses.parseIpv6(v.text()) : null;
        return a != null ? a : expected(v, what, "an IPv6 address such as 2001:db8::1");
    }

    /** A dotted mask with contiguous bits, or a prefix length; returns the prefix length. */
    Integer mask(Token v, String what) {
        if (v.is(Token.Type.WORD)) {
            int prefix = v.text().contains(".") ? IpAddresses.maskToPrefix(v.text()) : -1;
            Long n = parseNumber(v.text());
            if (prefix >= 0) {
                return prefix;
            }
            if (n != null && n <= 32) {
                return n.intValue();
            }
        }
        return expected(v, what, "a dotted mask such as 255.255.255.0 or a prefix length 0..32");
    }

    Boolean enable(Token v, String what) {
        if (v.isWord("enable")) {
            return true;
        }
        return v.isWord("disable") ? false : expected(v, what, "enable or disable");
    }

    String oneOf(Token v, String what, List<String> choices) {
        return v.is(Token.Type.WORD) && choices.contains(v.text()) ? v.text()
                : expected(v, what, "one of " + String.join(", ", choices));
    }

    <E extends Enum<E> & Keyword> E keyword(Token v, String what, E[] choices) {
        for (E choice : choices) {
            if (v.isWord(choice.keyword())) {
                return choice;
            }
        }
        String names = Arrays.stream(choices).map(Keyword::keyword).collect(Collectors.joining(", "));
        return expected(v, what, "one of " + names);
    }

    /** Comma-separated ids without spaces and without repeats ({@code 1,2,3}). */
    List<Integer> ids(Token v, String what, String kind) {
        return ids(v, what, kind, null);
    }

    /**
     * Comma-separated ids or ranges of ids without spaces and without repeats ({@code 1,2,3},
     * {@code 1-4,7}); when {@code positions} is given, it receives where each id was written (a
     * range's ids all point at the range).
     */
    List<Integer> ids(Token v, String what, String kind, List<Position> positions) {
        String[] parts = v.is(Token.Type.WORD) ? v.text().split(",", -1) : null;
        if (parts == null || parts.length > MAX_ID) {
            return expected(v, what, "comma-separated " + kind + " ids such as 1,2");
        }
        List<Integer> ids = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        int offset = 0; // where parts[i] starts in the token: elementPosition(i) for each i would be quadratic
        for (int i = 0; i < parts.length; offset += parts[i].length() + 1, i++) {
            String part = parts[i];
            Position at = new Position(v.line(), v.column() + offset);
            int dash = part.indexOf('-', 1);
            Long first = parseNumber(dash < 0 ? part : part.substring(0, dash));
            Long last = dash < 0 ? first : parseNumber(part.substring(dash + 1));
            if (first == null || last == null || first < 1 || last > maxId(kind)) {
                String found = part.isEmpty()
                    ? (i == parts.length - 1 ? "nothing after the last ','" : "an empty entry")
                        + " (lists are written without spaces: 1,2)"
                    : new Token(Token.Type.WORD, part, 0, 0).describe();
                error(at, what + ": expected " + kind + " ids 1.." + maxId(kind)
                        + " (or ranges such as 1-4) separated by commas, found " + found);
                return null;
            }
            if (first > last) {
                error(at, what + ": the range " + part + " runs backwards; write " + last + "-" + first);
                return null;
            }
            if (listed + (last - first + 1) > MAX_LISTED_IDS) {
                error(at, what + ": more than " + MAX_LISTED_IDS + " ids are listed in this text (BalanceNG's "
                        + "limits, 512 servers and 1024 targets, need at most 524288)");
                return null;
            }
            listed += last - first + 1;
            for (long n = first; n <= last; n++) {
                if (!seen.add((int) n)) {
                    error(at, what + ": " + kind + " " + n + " is listed twice");
                    return null;
                }
                ids.add((int) n);
                if (positions != null) {
                    positions.add(at);
                }
            }
        }
        return ids;
    }

    /** {@code count} comma-separated numbers, each within its own range. */
    int[] numbers(Token v, String what, String shape, long[]... ranges) {
        String[] parts = v.is(Token.Type.WORD) ? v.text().split(",", -1) : null;
        String expectation = shape + " (" + Arrays.stream(ranges).map(r -> r[0] + ".." + r[1])
                .collect(Collectors.joining(",")) + ")";
        if (parts == null || parts.length != ranges.length) {
            return expected(v, what, expectation);
        }
        int[] result = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long n = parseNumber(parts[i]);
            if (n == null || n < ranges[i][0] || n > ranges[i][1]) {
                return expected(v, what, expectation);
            }
            result[i] = n.intValue();
        }
        return result;
    }

    List<String> moduleNames(Token v) {
        List<String> names = v.is(Token.Type.WORD) ? List.of(v.text().split(",", -1)) : List.of("");
        if (names.stream().allMatch(n -> MODULE_NAME.matcher(n).matches())) {
            return names;
        }
        return expected(v, "modules", "comma-separated lower-case module names such as vrrp,arp,slb");
    }

    /** Decimal digits only; null when not a number or too long to be in any range we accept. */
    private static Long parseNumber(String text) {
        if (text.isEmpty() || text.length() > 12 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.parseLong(text);
    }
}
