package bng.core.config;

/** Transport protocol of a server or target; a null protocol means all protocols. */
public enum Protocol implements Keyword {
    TCP, UDP;

    @Override
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
