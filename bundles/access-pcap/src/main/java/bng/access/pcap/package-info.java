/**
 * Access driver {@code pcap} ({@code raw} is bng.access.ring's AF_PACKET ring since it came): interfaces through libpcap, called
 * directly through the foreign-function API so the data path allocates nothing. Private: other
 * bundles see only the {@code AccessDriver} services.
 */
package bng.access.pcap;
