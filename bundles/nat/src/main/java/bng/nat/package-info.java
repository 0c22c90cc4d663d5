/**
 * BalanceNG module {@code nat} ("GNAT"): connections that hosts in {@code nat inside} networks open
 * toward {@code nat outside} networks leave with the outside network's {@code virt} as source;
 * replies are mapped back. The mappings live in core's session table (they outlive the module);
 * rt forwards the translated frames. Private.
 */
package bng.nat;
