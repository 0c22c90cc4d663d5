package bng.core.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The bus as the rest of bng sees it: counters for {@code show processors} and operators. */
@ProviderType
public interface PacketBus {
    /** Processors currently bound, in dispatch order (band, then priority). */
    List<ProcessorInfo> processors();

    /** Bus-wide counters. */
    BusCounters counters();

    /**
     * One processor's identity and counters at the time of the call; {@code nanos} is estimated
     * from a sample of the frames (timing every frame would cost more than most processors).
     */
    record ProcessorInfo(String name, String module, String band, int priority, String wants,
                         long packets, long nanos, long handled, long failures) {}

    /** Frames in, handled, unhandled (dropped for want of a taker), malformed by reason. */
    record BusCounters(long received, long handled, long unhandled, long malformed,
                       long processorFailures, long[] malformedByReason) {}
}
