/** BalanceNG module {@code ping}: answers ICMP echo for the addresses this node owns. Private. */
package bng.ping;
