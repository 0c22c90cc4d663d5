package bng.core.config;

import java.net.Inet4Address;

/** {@code gateway { ipaddr A ping interval,timeout }}: the default router, null fields when unset. */
public record GatewayDef(Inet4Address ipaddr, PingCheck ping) {

    /** Mutable counterpart used while statements are applied. */
    static final class Builder {
        Inet4Address ipaddr;
        PingCheck ping;

        Builder() {
        }

        Builder(GatewayDef d) {
            ipaddr = d.ipaddr;
            ping = d.ping;
        }

        GatewayDef build() {
            return new GatewayDef(ipaddr, ping);
        }
    }
}
