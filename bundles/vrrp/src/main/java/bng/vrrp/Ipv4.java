package bng.vrrp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as ints, the form frames carry. */
final class Ipv4 {
    private Ipv4() {}

    static int of(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static int parse(String dotted) {
        try {
            return of((Inet4Address) InetAddress.getByName(dotted));
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException(dotted, e);
        }
    }

    static String format(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}
