package bng.dump;

/**
 * When a dump moves to a new file and how many it keeps, as tcpdump's -C/-G/-W: a file is closed
 * after {@code maxBytes} or {@code maxSeconds}, whichever comes first, and only the newest
 * {@code maxFiles} files stay.
 */
record Rotation(long maxBytes, long maxSeconds, int maxFiles) {
    static final Rotation DEFAULT = new Rotation(64L << 20, 3600, 8);

    Rotation {
        if (maxBytes < 1024 || maxSeconds < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("rotation needs size >= 1 KB, time >= 1 s and at least one file");
        }
    }
}
