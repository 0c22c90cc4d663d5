package bng.bgp;

import java.net.Inet4Address;

/**
 * What this node says about one server's VIP, and why.
 *
 * @param server the server id
 * @param vip the server's IPv4 address, announced as a /32
 * @param announced true when the VIP is to be announced
 * @param reason why, for {@code show bgp}
 */
record Announcement(int server, Inet4Address vip, boolean announced, String reason) {}
