package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log line format and the rotating file: one line per event, bounded files. */
class LogsTest {
    @TempDir
    Path dir;

    static LogRecord record(Level level, String message, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("bng.core.impl.Example");
        r.setInstant(Instant.parse("2026-11-30T01:23:45.678Z"));
        r.setParameters(params);
        return r;
    }

    @Test
    void oneLinePerEventInUtcWithSystemLoggerLevels() {
        LogLineFormatter f = new LogLineFormatter();
        assertEquals("2026-11-30T01:23:45.678Z INFO bng.core.impl.Example: target 1 unknown -> up: tcpopen\n",
            f.format(record(Level.INFO, "target {0} {1} -> {2}: {3}", 1, "unknown", "up", "tcpopen")));
        assertEquals("2026-11-30T01:23:45.678Z ERROR bng.core.impl.Example: two | lines\n",
            f.format(record(Level.SEVERE, "two\nlines\n")));
        LogRecord thrown = record(Level.WARNING, "port 2 failed");
        thrown.setThrown(new IOException("link\ngone"));
        String line = f.format(thrown);
        assertTrue(line.matches("2026-11-30T01:23:45\\.678Z WARNING bng\\.core\\.impl\\.Example: port 2 failed "
            + "\\[java\\.io\\.IOException: link \\| gone at bng\\.core\\.impl\\.LogsTest\\.oneLine\\S+\\(LogsTest\\.java:\\d+\\)\\]\n"), line);
        assertEquals("2026-11-30T01:23:45.678Z DEBUG bng.core.impl.Example: x\n", f.format(record(Level.FINE, "x")));
    }

    @Test
    void rotationKeepsAtMostCountFilesOfAtMostLimitBytes() throws IOException {
        Path log = dir.resolve("bng.3.log");
        RotatingFileHandler h = new RotatingFileHandler(log, 1024, 3);
        h.setFormatter(new LogLineFormatter());
        for (int i = 0; i < 100; i++) {
            h.publish(record(Level.INFO, "event {0}", Integer.toString(i)));
        }
        h.close();
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("bng.3.log", "bng.3.log.1", "bng.3.log.2"), names);
        for (String n : names) {
            assertTrue(Files.size(dir.resolve(n)) <= 1024, n);
        }
        List<String> current = Files.readAllLines(log);
        assertTrue(current.getLast().endsWith(": event 99"), current.toString());
        List<String> older = Files.readAllLines(dir.resolve("bng.3.log.1"));
        // each file holds whole lines, and .1 continues exactly where .2 ends and the current one begins
        int lastOfOlder = Integer.parseInt(older.getLast().replaceAll(".*event ", ""));
        int firstOfCurrent = Integer.parseInt(current.getFirst().replaceAll(".*event ", ""));
        assertEquals(lastOfOlder + 1, firstOfCurrent);
    }
}
