/**
 * BalanceNG module {@code arp}: answers ARP for owned addresses, announces them with gratuitous
 * ARP, resolves targets and the gateway from each network's {@code real} address, and brings the
 * {@code arp-insert} prompt command. The neighbour cache itself lives in core. Private.
 */
package bng.arp;
