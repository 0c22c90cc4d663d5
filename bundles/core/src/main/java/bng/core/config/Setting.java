package bng.core.config;

import java.util.Locale;

/**
 * The global {@code set} parameters with their allowed ranges and the defaults that apply while a
 * parameter is not written. Switches are 0 or 1; times are seconds.
 */
public enum Setting {
    IPFORWARDING(0, 1, 0),
    /** RFC 3768 §6.1 Preempt_Mode: on unless turned off. */
    VRRPPREEMPT(0, 1, 1),
    VRRPPREEMPTTS(0, 3600, 0),
    MULTITHREADING(0, 1, 0),
    SESSIONAUTORESYNC(0, 1, 0),
    SESSIONSYNCACK(0, 1, 0),
    /** Idle time after which a client-to-target session is forgotten. */
    SESSIONTIMEOUT(1, 86400, 600),
    /** Idle time after which NAT state of a TCP connection expires. */
    TCPTIMEOUT(1, 86400, 3600),
    /** Idle time after which NAT state of a UDP flow expires. */
    UDPTIMEOUT(1, 86400, 60),
    /** Time a half-open TCP connection (SYN seen, not established) is kept. */
    SYNCTIMEOUT(1, 86400, 30),
    /** Capacity of the session table (entries). */
    SESSIONS(1, 100_000_000, 1_048_576),
    /** Seconds a disabled target's sessions may continue before they are removed (0 = at once). */
    DRAINTIMEOUT(0, 86400, 300),
    BMDURATION(1, 86400, 300),
    BMPSIZE(60, 9018, 1514),
    BMWSIZE(1, 1024, 16),
    /** VRRP version of the advertisements: 2 (RFC 3768) or 3 (RFC 5798). */
    VRRPVERSION(2, 3, 2),
    /** Seconds between VRRP advertisements (RFC 3768 Advertisement_Interval). */
    VRRPADVERINT(1, 255, 1),
    /** Gratuitous ARP announcements per owned address on every transition to master. */
    VRRPGARPCOUNT(1, 100, 3),
    /** Seconds between those announcements. */
    VRRPGARPINTERVAL(1, 60, 1),
    /** 1: VRRP advertisements carry the virtual router MAC 00:00:5e:00:01:VRID as their source. */
    VRRPVMAC(0, 1, 0),
    /** Priority lost while the gateway's check says down (tracking); unset = the sum of the trackvals. */
    GWTRACKVAL(0, 255, 0),
    /** bng: TCP port of the metrics and status page listener; 0 = no listener (none by default). */
    METRICSPORT(0, 65535, 0),
    /** bng: address the metrics listener binds to (an IPv4 or IPv6 address); loopback by default. */
    METRICSADDR("127.0.0.1");

    private final long min;
    private final long max;
    private final long defaultValue;
    private final String defaultAddress;

    Setting(long min, long max, long defaultValue) {
        this.min = min;
        this.max = max;
        this.defaultValue = defaultValue;
        this.defaultAddress = null;
    }

    Setting(String defaultAddress) {
        this.min = 0;
        this.max = 0;
        this.defaultValue = 0;
        this.defaultAddress = defaultAddress;
    }

    /** True for a setting whose value is an IP address, not a number. */
    public boolean isAddress() {
        return defaultAddress != null;
    }

    /** The default of an address setting (null for numeric ones). */
    public String defaultAddress() {
        return defaultAddress;
    }

    /** The name written after {@code set}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    public long defaultValue() {
        return defaultValue;
    }

    /** All setting names, in declaration order. */
    public static java.util.List<String> keywords() {
        return java.util.Arrays.stream(values()).map(Setting::keyword).toList();
    }

    /** The setting named keyword, or null. */
    public static Setting of(String keyword) {
        for (Setting s : values()) {
            if (s.keyword().equals(keyword)) {
                return s;
            }
        }
        return null;
    }
}
