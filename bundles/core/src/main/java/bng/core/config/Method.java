package bng.core.config;

/** Distribution method of a server ({@code method} keyword, default {@link #RR}). */
public enum Method implements Keyword {
    /** Round robin. */
    RR,
    /** Weighted round robin (target {@code weight}). */
    WRR,
    /** Random. */
    RANDOM,
    /** Weighted random (target {@code weight}). */
    WRANDOM,
    /** Client address hashing. */
    HASH,
    /** First operational target in list order. */
    FIRST,
    /** Least sessions. */
    SESSION,
    /** Least bandwidth. */
    BANDWIDTH,
    /** Least resource as reported by bngagent. */
    AGENT,
    /** Random, weighted by the bngagent value. */
    RNDAGENT;

    @Override
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
