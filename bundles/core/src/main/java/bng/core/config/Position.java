package bng.core.config;

/** A 1-based line and column in the parsed text. */
record Position(int line, int column) {
    /** Used for a problem that no statement of the parsed text caused (it came with the base). */
    static final Position UNKNOWN = new Position(0, 0);
}
