package bng.access.pcap;

import bng.core.access.AccessDriver;
import org.osgi.service.component.annotations.Component;

/**
 * {@code access raw}, the default: today the libpcap port. An AF_PACKET ring driver (packet-io.md
 * §4) may take this name over later without a change to any configuration.
 */
@Component(service = AccessDriver.class, property = AccessDriver.ACCESS + "=raw")
public final class RawAccessDriver extends LibpcapAccessDriver {}
