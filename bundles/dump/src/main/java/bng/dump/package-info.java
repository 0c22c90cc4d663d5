/**
 * Packet dumps: {@code dump start INTERFACE [FILE]} registers a processor that copies the frames an
 * interface receives into a ring; a writer thread stores them in rotated pcap files through pcap4j.
 * Nothing is registered while no dump runs, so the fast path pays nothing then.
 */
package bng.dump;
