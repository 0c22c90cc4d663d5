package bng.core.config;

/** The generic-NAT role of a network: inside is the targets' side. */
public enum NatRole implements Keyword {
    INSIDE, OUTSIDE;

    @Override
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
