/**
 * BalanceNG module {@code rt}: IPv4 forwarding between bng's networks and to the {@code gateway}
 * when {@code set ipforwarding 1}. Holds behaviour only (neighbours live in core). Private.
 */
package bng.rt;
