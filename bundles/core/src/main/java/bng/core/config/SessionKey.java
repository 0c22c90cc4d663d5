package bng.core.config;

/** What identifies a client session of a server ({@code sessionid src} or {@code src+port}). */
public enum SessionKey implements Keyword {
    SRC("src"), SRC_PORT("src+port");

    private final String keyword;

    SessionKey(String keyword) {
        this.keyword = keyword;
    }

    @Override
    public String keyword() {
        return keyword;
    }
}
