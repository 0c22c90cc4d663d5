/**
 * Access drivers {@code raw} (the default) and {@code pcap}: interfaces through libpcap, called
 * directly through the foreign-function API so the data path allocates nothing. Private: other
 * bundles see only the {@code AccessDriver} services.
 */
package bng.access.pcap;
