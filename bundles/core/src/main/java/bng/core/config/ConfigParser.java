package bng.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Entry point of the configuration language: text in, a validated snapshot or all its errors out. */
public final class ConfigParser {
    /** Errors reported at most; binary garbage would otherwise give one per line. */
    static final int MAX_ERRORS = 100;
    /** How messages about characters that are not text start (see {@link Lexer#problems()}). */
    private static final String BAD_CHARACTER = "not configuration text: ";

    /** Largest configuration file read: a 65532-target configuration is a few MB; /dev/zero must not fill memory. */
    public static final int MAX_FILE_BYTES = 64 << 20;

    private ConfigParser() {
    }

    /**
     * The text of a configuration file, decoded as UTF-8. Bytes that are not UTF-8 become U+FFFD,
     * which {@link #parse} reports with their line and column (in a comment they are harmless, as
     * a Latin-1 umlaut in a comment is to BalanceNG).
     */
    public static String readFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IOException("larger than " + (MAX_FILE_BYTES >> 20) + " MB: not a configuration file");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * Parses text (a whole file, or statements typed at the prompt) on top of base; never throws on
     * any input. Errors are sorted by line, then column; with any error the configuration is null.
     */
    public static ConfigResult parse(String sourceName, String text, Configuration base) {
        String source = sourceName == null ? "<input>" : sourceName;
        List<ConfigError> errors = new ArrayList<>();
        Set<Integer> badLines = new HashSet<>();
        Configuration result = null;
        try {
            result = parseAndValidate(source, text == null ? "" : text, base == null ? Configuration.empty() : base,
                    errors, badLines);
        } catch (RuntimeException | StackOverflowError e) {
            // The contract is "never throws": a bug must still surface as an error, not kill the prompt.
            errors.add(new ConfigError(source, 0, 0, "internal error: " + e));
        }
        // A line with a character that is not text gets that one message: what the parser made of
        // the line ("unknown keyword 'target 1'" for a non-breaking space) only confuses.
        errors.removeIf(e -> badLines.contains(e.line()) && !e.message().startsWith(BAD_CHARACTER));
        errors.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        if (errors.size() > MAX_ERRORS) {
            ConfigError first = errors.get(MAX_ERRORS);
            int more = errors.size() - MAX_ERRORS;
            errors.subList(MAX_ERRORS, errors.size()).clear();
            errors.add(new ConfigError(source, first.line(), first.column(),
                    more + " more errors from here on are not shown"));
        }
        return errors.isEmpty() ? new ConfigResult(result, errors) : new ConfigResult(null, errors);
    }

    /** True when text ends inside an open "{" block (the prompt then asks for more lines). */
    public static boolean needsMore(String text) {
        int depth = 0;
        for (Token t : Lexer.lex(text == null ? "" : text).tokens()) {
            if (t.is(Token.Type.OPEN)) {
                depth++;
            } else if (t.is(Token.Type.CLOSE) && depth > 0) {
                depth--;
            }
        }
        return depth > 0;
    }

    private static Configuration parseAndValidate(String source, String text, Configuration base,
            List<ConfigError> errors, Set<Integer> badLines) {
        Values values = new Values(source, errors);
        Lexer lexer = Lexer.lex(text);
        for (Lexer.Problem p : lexer.problems()) {
            values.error(new Position(p.line(), p.column()), BAD_CHARACTER + p.message());
            badLines.add(p.line());
        }
        for (Token t : lexer.unterminatedStrings()) {
            values.error(t.position(), "unterminated string: expected '\"' before the end of the line");
        }
        Map<String, Position> sites = new HashMap<>();
        ConfigurationBuilder builder = new ConfigurationBuilder(base);
        new StatementParser(lexer.tokens(), builder, values, new AttributeSetters(values, sites), errors).parseAll();
        Configuration config = builder.build();
        new Validator(config, sites, values).validate();
        return config;
    }
}
