/**
 * BalanceNG module {@code slb}: balances new flows to a virtual server over its healthy targets,
 * keeps each client on its target through core's session table, and forwards in DSR mode. Holds
 * behaviour only (sessions, health and counters live in core). Private.
 */
package bng.slb;
