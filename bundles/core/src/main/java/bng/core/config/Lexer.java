package bng.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits configuration text into words, quoted strings, braces and line ends, tracking line and
 * column. Newlines are tokens because a statement outside a block ends at the end of its line.
 * {@code //} starts a comment to the end of the line wherever it appears outside a string.
 */
final class Lexer {
    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private final List<Token> unterminatedStrings = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private int problemLine;
    private int pos;
    private int line = 1;
    private int column = 1;

    private Lexer(String text) {
        this.text = text;
    }

    /** Tokens of text, always ending with an END token. */
    static Lexer lex(String text) {
        Lexer lexer = new Lexer(text);
        lexer.run();
        return lexer;
    }

    List<Token> tokens() {
        return tokens;
    }

    /** Strings that reached the end of their line without a closing quote (start positions). */
    List<Token> unterminatedStrings() {
        return unterminatedStrings;
    }

    /** A character that cannot be text of the language, found outside a comment. */
    record Problem(int line, int column, String message) {
    }

    /** Characters that are not configuration text (at most one per line: the first), outside comments. */
    List<Problem> problems() {
        return problems;
    }

    private void run() {
        if (text.startsWith("\uFEFF")) {
            pos = 1; // a byte order mark (editors on Windows write one): not part of the first keyword
        }
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                tokens.add(new Token(Token.Type.NEWLINE, "\n", line, column));
                advance();
            } else if (Character.isWhitespace(c)) {
                advance();
            } else if (startsComment()) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    advance();
                }
            } else if (c == '{' || c == '}') {
                tokens.add(new Token(c == '{' ? Token.Type.OPEN : Token.Type.CLOSE, String.valueOf(c), line, column));
                advance();
            } else if (c == '"') {
                string();
            } else {
                word();
            }
        }
        tokens.add(new Token(Token.Type.END, "", line, column));
    }

    private void string() {
        int startLine = line;
        int startColumn = column;
        advance();
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != '"' && text.charAt(pos) != '\n') {
            check(text.charAt(pos));
            advance();
        }
        Token token = new Token(Token.Type.STRING, text.substring(start, pos), startLine, startColumn);
        tokens.add(token);
        if (pos < text.length() && text.charAt(pos) == '"') {
            advance();
        } else {
            unterminatedStrings.add(token);
        }
    }

    private void word() {
        int startColumn = column;
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == '{' || c == '}' || c == '"' || startsComment()) {
                break;
            }
            check(c);
            advance();
        }
        tokens.add(new Token(Token.Type.WORD, text.substring(start, pos), line, startColumn));
    }

    private void check(char c) {
        String problem = line == problemLine ? null : problem(c);
        if (problem != null) {
            problems.add(new Problem(line, column, problem));
            problemLine = line;
        }
    }

    /**
     * Why c cannot be configuration text, or null. Bytes that are not UTF-8 arrive as U+FFFD (the
     * file is decoded with replacement, so that a Latin-1 comment costs nothing); text copied from
     * a web page brings non-breaking spaces and typographic quotes that look like the real ones.
     */
    private static String problem(char c) {
        if (c == '\uFFFD') {
            return "bytes that are not UTF-8 text; bng reads configuration files as UTF-8 "
                    + "(iconv -f latin1 -t utf-8 converts a Latin-1 file)";
        }
        if (Character.isISOControl(c) && !Character.isWhitespace(c)) {
            return String.format("control character U+%04X; a configuration is text (is this a binary file?)", (int) c);
        }
        if (Character.isSpaceChar(c) && !Character.isWhitespace(c)) {
            return String.format("non-breaking space U+%04X (copied from a web page?); write a plain space", (int) c);
        }
        if (Character.getType(c) == Character.FORMAT) {
            return String.format("invisible character U+%04X (a zero-width space or byte order mark); delete it", (int) c);
        }
        if (c == '\u201C' || c == '\u201D' || c == '\u201E') {
            return "typographic quote " + c + "; strings are written between plain \" quotes";
        }
        return null;
    }

    private boolean startsComment() {
        return text.startsWith("//", pos);
    }

    private void advance() {
        if (text.charAt(pos) == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        pos++;
    }
}
