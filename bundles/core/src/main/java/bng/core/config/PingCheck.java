package bng.core.config;

/** {@code ping interval,timeout} (also {@code ping6}): an ICMP echo health check; seconds. */
public record PingCheck(int interval, int timeout) {
    @Override
    public String toString() {
        return interval + "," + timeout;
    }
}
