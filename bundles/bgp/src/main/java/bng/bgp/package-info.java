/**
 * Module {@code bgp} (bng's own, not BalanceNG's): tells a BIRD 2 daemon which server VIPs this node
 * announces to its routers, so that routers spread flows over several bng nodes by ECMP
 * (docs/scale-out.md). Private.
 */
package bng.bgp;
