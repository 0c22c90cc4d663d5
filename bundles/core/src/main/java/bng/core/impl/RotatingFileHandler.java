package bng.core.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The daemon's log: appends to {@code FILE} (e.g. {@code /run/bng/bng.0.log}); when the next line
 * would take it past {@code limit} bytes, {@code FILE.(count-2)} becomes {@code FILE.(count-1)}
 * (the oldest is dropped), ..., {@code FILE} becomes {@code FILE.1}, and a new {@code FILE} begins.
 * So at most {@code count} files of at most {@code limit} bytes each (a single longer line excepted)
 * exist, and the current one always has the same name (what {@code tail -F} and the tests read).
 */
public final class RotatingFileHandler extends Handler {
    private final Path file;
    private final long limit;
    private final int count;
    private OutputStream out;
    private long size;

    public RotatingFileHandler(Path file, long limit, int count) throws IOException {
        this.file = file;
        this.limit = Math.max(1024, limit);
        this.count = Math.max(1, count);
        Files.createDirectories(file.toAbsolutePath().getParent());
        open();
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        if (out == null || !isLoggable(r)) {
            return;
        }
        byte[] line;
        try {
            line = getFormatter().format(r).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            reportError("cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        try {
            if (size > 0 && size + line.length > limit) {
                rotate();
            }
            out.write(line);
            out.flush();
            size += line.length;
        } catch (IOException e) {
            reportError("cannot write " + file, e, ErrorManager.WRITE_FAILURE);
        }
    }

    private void rotate() throws IOException {
        out.close();
        if (count == 1) {
            Files.deleteIfExists(file);
        } else {
            Files.deleteIfExists(numbered(count - 1));
            for (int i = count - 2; i >= 1; i--) {
                if (Files.exists(numbered(i))) {
                    Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    private Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    @Override
    public synchronized void flush() {
        try {
            if (out != null) {
                out.flush();
            }
        } catch (IOException e) {
            reportError("cannot flush " + file, e, ErrorManager.FLUSH_FAILURE);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            reportError("cannot close " + file, e, ErrorManager.CLOSE_FAILURE);
        }
        out = null;
    }
}
