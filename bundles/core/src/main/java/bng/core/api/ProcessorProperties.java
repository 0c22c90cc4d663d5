package bng.core.api;

/**
 * Service properties a {@link PacketProcessor} registers with. They form the contract between the
 * bus and the modules.
 */
public final class ProcessorProperties {
    private ProcessorProperties() {}

    /** Name shown by {@code show processors} (String); defaults to the implementation class. */
    public static final String NAME = "bng.processor.name";

    /**
     * Band (String): {@code advisor} (looks, learns, counts; runs first), {@code director} (answers,
     * rewrites, forwards, drops; only until one handles the frame) or {@code observer} (sees every
     * frame after the directors, handled or not: dumps, traces). Default {@code director}.
     */
    public static final String BAND = "bng.processor.band";

    /** Order inside the band (Integer, 0..9999): lower runs earlier. Default 5000. */
    public static final String PRIORITY = "bng.processor.priority";

    /**
     * Ethertypes wanted (Integer or Integer[], e.g. 0x0806); absent means every ethertype. Frames
     * whose ethertype is not listed never reach the processor.
     */
    public static final String ETHERTYPE = "bng.processor.ethertype";

    /**
     * IP protocols wanted (Integer or Integer[], e.g. 1 for ICMP); absent means every protocol. A
     * processor with this property sees only IPv4/IPv6 frames (narrowed further by ETHERTYPE).
     */
    public static final String IP_PROTOCOL = "bng.processor.ipproto";

    /** The BalanceNG module a processor belongs to (String), e.g. {@code ping}. */
    public static final String MODULE = "bng.module";

    public static final String BAND_ADVISOR = "advisor";
    public static final String BAND_DIRECTOR = "director";
    public static final String BAND_OBSERVER = "observer";
    public static final int DEFAULT_PRIORITY = 5000;
    public static final int MAX_PRIORITY = 9999;
}
