/**
 * BalanceNG module {@code hc}: health checks of targets ({@code tcpopen}, {@code ping}, {@code agent}) sent from
 * bng's own stack with the network's {@code real} address; results go to core's TargetHealth.
 * Private.
 */
package bng.hc;
