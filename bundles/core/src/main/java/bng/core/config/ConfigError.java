package bng.core.config;

/** One configuration error, positioned at a 1-based line and column of a named source. */
public record ConfigError(String file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
