package bng.core.impl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Core's bundle activator: before any component logs, routes java.util.logging (where every
 * bundle's System.Logger goes) to one handler with bng's line format ({@link LogLineFormatter}).
 * Framework property {@code bng.log}: {@code stdout} (bin/bng's foreground start: a terminal,
 * systemd's journal) or a file path (the daemon {@code bng start} spawns: a
 * {@link RotatingFileHandler} with {@code bng.log.limit} bytes, default 10 MiB, and
 * {@code bng.log.count} files, default 5). Without the property (tests in a framework) logging is
 * left as the JVM set it up.
 */
public final class Logs implements BundleActivator {
    public static final String PROPERTY = "bng.log";
    static final long DEFAULT_LIMIT = 10L << 20;
    static final int DEFAULT_COUNT = 5;

    private Handler installed;
    private Handler[] replaced = new Handler[0];

    @Override
    public void start(BundleContext ctx) {
        String target = ctx.getProperty(PROPERTY);
        if (target == null || target.isBlank()) {
            return;
        }
        Handler h;
        try {
            h = "stdout".equals(target) ? new LineHandler(System.out)
                : new RotatingFileHandler(Path.of(target), number(ctx, "bng.log.limit", DEFAULT_LIMIT),
                    (int) number(ctx, "bng.log.count", DEFAULT_COUNT));
        } catch (IOException | RuntimeException e) {
            System.err.println("bng: cannot log to " + target + ": " + e + "; logging to standard error");
            return;
        }
        h.setFormatter(new LogLineFormatter());
        h.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        replaced = root.getHandlers();
        for (Handler old : replaced) {
            root.removeHandler(old);
        }
        root.addHandler(h);
        installed = h;
    }

    @Override
    public void stop(BundleContext ctx) {
        Handler h = installed;
        if (h == null) {
            return;
        }
        Logger root = Logger.getLogger("");
        root.removeHandler(h);
        for (Handler old : replaced) {
            root.addHandler(old);
        }
        h.close();
        installed = null;
    }

    private static long number(BundleContext ctx, String key, long fallback) {
        String v = ctx.getProperty(key);
        try {
            return v == null || v.isBlank() ? fallback : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** One formatted line per record to a stream, flushed at once (a foreground log is read live). */
    static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void publish(LogRecord r) {
            if (isLoggable(r)) {
                out.print(getFormatter().format(r));
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
