package bng.core.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Entry point of the configuration language: text in, a validated snapshot or all its errors out. */
public final class ConfigParser {
    private ConfigParser() {
    }

    /**
     * Parses text (a whole file, or statements typed at the prompt) on top of base; never throws on
     * any input. Errors are sorted by line, then column; with any error the configuration is null.
     */
    public static ConfigResult parse(String sourceName, String text, Configuration base) {
        String source = sourceName == null ? "<input>" : sourceName;
        List<ConfigError> errors = new ArrayList<>();
        Configuration result = null;
        try {
            result = parseAndValidate(source, text == null ? "" : text, base == null ? Configuration.empty() : base,
                    errors);
        } catch (RuntimeException | StackOverflowError e) {
            // The contract is "never throws": a bug must still surface as an error, not kill the prompt.
            errors.add(new ConfigError(source, 0, 0, "internal error: " + e));
        }
        errors.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
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
            List<ConfigError> errors) {
        Values values = new Values(source, errors);
        Lexer lexer = Lexer.lex(text);
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
