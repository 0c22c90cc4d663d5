package bng.access.pcap;

import bng.core.access.AccessDriver;
import org.osgi.service.component.annotations.Component;

/** {@code access pcap}: interfaces through libpcap, explicitly. */
@Component(service = AccessDriver.class, property = AccessDriver.ACCESS + "=pcap")
public final class PcapAccessDriver extends LibpcapAccessDriver {}
