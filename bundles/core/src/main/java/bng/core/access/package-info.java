/**
 * The access SPI: drivers that give the bus ports (raw interfaces, the in-memory wire), and the
 * bursts of frames ports receive and transmit.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package bng.core.access;
