package bng.core.config;

import java.util.List;

/** Outcome of a parse: a configuration when there is no error, otherwise null and the errors. */
public record ConfigResult(Configuration configuration, List<ConfigError> errors) {
    public ConfigResult {
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
