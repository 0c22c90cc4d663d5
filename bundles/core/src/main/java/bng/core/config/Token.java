package bng.core.config;

/** A lexical token with the 1-based line and column where it starts. */
record Token(Type type, String text, int line, int column) {
    enum Type { WORD, STRING, OPEN, CLOSE, NEWLINE, END }

    /** Longest token text quoted in an error message; a 1 MB line must not make a 1 MB message. */
    private static final int SHOWN_LENGTH = 40;

    boolean is(Type t) {
        return type == t;
    }

    boolean isWord(String word) {
        return type == Type.WORD && text.equals(word);
    }

    /** True for a word or a quoted string: something that can be a value. */
    boolean isValue() {
        return type == Type.WORD || type == Type.STRING;
    }

    /** True at the end of a statement line. */
    boolean endsLine() {
        return type == Type.NEWLINE || type == Type.END;
    }

    Position position() {
        return new Position(line, column);
    }

    /** Where the index-th element of a comma-separated word starts. */
    Position elementPosition(int index) {
        int offset = 0;
        for (int i = 0; i < index; i++) {
            offset = text.indexOf(',', offset) + 1;
        }
        return new Position(line, column + offset);
    }

    /** How the token is named in "found ..." parts of error messages. */
    String describe() {
        return switch (type) {
            case WORD -> "'" + shown(text) + "'";
            case STRING -> "\"" + shown(text) + "\"";
            case OPEN -> "'{'";
            case CLOSE -> "'}'";
            case NEWLINE -> "end of line";
            case END -> "end of input";
        };
    }

    private static String shown(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(SHOWN_LENGTH).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return text.codePointCount(0, text.length()) > SHOWN_LENGTH ? out + "..." : out.toString();
    }
}
