/**
 * BalanceNG module {@code arp}: answers ARP for owned addresses, announces them with gratuitous
 * ARP, resolves targets and the gateway from each network's {@code real} address, and brings the
 * {@code arp-insert} prompt command; for IPv6, neighbour discovery (RFC 4861): answers
 * solicitations for owned addresses, announces them unsolicited, resolves IPv6 targets from
 * {@code real6}. The neighbour cache itself lives in core. Private.
 */
package bng.arp;
