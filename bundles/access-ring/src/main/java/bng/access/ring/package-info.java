/**
 * Access driver {@code raw} on Linux: an AF_PACKET socket per port with a receive ring mapped
 * through the foreign-function API (TPACKET_V3 blocks, or TPACKET_V2 slots for latency), a kernel
 * BPF filter, and one {@code sendmmsg} per transmitted burst. Private: other bundles see only the
 * {@code AccessDriver} service.
 */
package bng.access.ring;
