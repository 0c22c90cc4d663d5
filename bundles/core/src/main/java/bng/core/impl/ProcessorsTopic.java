package bng.core.impl;

import bng.core.api.Frame;
import bng.core.api.PacketBus;
import bng.core.api.ShowTopic;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code show processors}: the dispatch order with per-processor counters, then the bus totals. */
@Component(property = {ShowTopic.TOPIC + "=processors", ShowTopic.DESCRIPTION + "=packet processors in dispatch order, with counters"})
public final class ProcessorsTopic implements ShowTopic {
    @Reference
    PacketBus bus;

    @Override
    public void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-20s %-8s %-9s %5s %-16s %12s %8s %12s %8s%n",
            "processor", "module", "band", "prio", "wants", "packets", "ns/pkt", "handled", "failures"));
        for (PacketBus.ProcessorInfo p : bus.processors()) {
            long perPacket = p.packets() == 0 ? 0 : p.nanos() / p.packets();
            out.append(String.format("%-20s %-8s %-9s %5d %-16s %12d %8d %12d %8d%n", p.name(), p.module(), p.band(),
                p.priority(), p.wants(), p.packets(), perPacket, p.handled(), p.failures()));
        }
        PacketBus.BusCounters c = bus.counters();
        out.append(String.format("bus: received %d, handled %d, unhandled %d, malformed %d, processor failures %d%n",
            c.received(), c.handled(), c.unhandled(), c.malformed(), c.processorFailures()));
        long[] m = c.malformedByReason();
        for (int i = 1; i < m.length; i++) {
            if (m[i] > 0) {
                out.append(String.format("  malformed %-20s %d%n", Frame.errorName(i), m[i]));
            }
        }
    }
}
