package bng.core.impl;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * bng's log line, one per event: {@code 2026-11-30T01:23:45.678Z LEVEL logger: message}. The time
 * is UTC with milliseconds, LEVEL is System.Logger's name (ERROR, WARNING, INFO, DEBUG, TRACE), the
 * logger is the class that logs. Line breaks inside a message become {@code " | "}, and an
 * exception is summarised on the same line ({@code [Type: message at Class.method(File:line)]}), so
 * a line is an event and {@code grep} and log shippers never see half of one.
 */
public final class LogLineFormatter extends Formatter {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(128);
        TIME.formatTo(r.getInstant(), sb);
        sb.append(' ').append(level(r.getLevel())).append(' ').append(r.getLoggerName() == null ? "-" : r.getLoggerName())
            .append(": ");
        String message = formatMessage(r);
        oneLine(sb, message == null ? "" : message);
        Throwable t = r.getThrown();
        if (t != null) {
            sb.append(" [");
            oneLine(sb, t.toString());
            StackTraceElement[] st = t.getStackTrace();
            if (st.length > 0) {
                sb.append(" at ").append(st[0]);
            }
            sb.append(']');
        }
        return sb.append('\n').toString();
    }

    static String level(Level l) {
        int v = l.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (v >= Level.WARNING.intValue()) {
            return "WARNING";
        }
        if (v >= Level.INFO.intValue()) {
            return "INFO";
        }
        return v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    private static void oneLine(StringBuilder sb, String s) {
        String t = s.strip();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\r') {
                continue;
            }
            if (c == '\n') {
                sb.append(" | ");
            } else {
                sb.append(c);
            }
        }
    }
}
