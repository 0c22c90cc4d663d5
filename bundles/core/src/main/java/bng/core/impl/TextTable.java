package bng.core.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns for {@code show}: each as wide as its widest cell, separated by two spaces, left
 * aligned; the last column is not padded (it may be free text such as a reason).
 */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(String... header) {
        columns = header.length;
        rows.add(header);
    }

    TextTable row(Object... cells) {
        String[] r = new String[columns];
        for (int i = 0; i < columns; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "-";
        }
        rows.add(r);
        return this;
    }

    void appendTo(StringBuilder out) {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            int start = out.length();
            for (int i = 0; i < columns; i++) {
                out.append(r[i]);
                if (i < columns - 1) {
                    out.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            // No trailing blanks when the last cells are short.
            int end = out.length();
            while (end > start && out.charAt(end - 1) == ' ') {
                end--;
            }
            out.setLength(end);
            out.append('\n');
        }
    }
}
