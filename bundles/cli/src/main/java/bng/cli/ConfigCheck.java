package bng.cli;

import bng.core.config.ConfigError;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Validates a configuration file with bng's own parser, before anything is started. */
public final class ConfigCheck {
    private ConfigCheck() {}

    /** Each problem as one line {@code file:line:col: message}; empty when the file is valid. */
    public static List<String> errors(Path file) {
        String name = file.toString();
        String text;
        try {
            text = ConfigParser.readFile(file);
        } catch (NoSuchFileException e) {
            return List.of(name + ": cannot read: no such file");
        } catch (AccessDeniedException e) {
            return List.of(name + ": cannot read: permission denied");
        } catch (IOException e) {
            return List.of(name + ": cannot read: " + e.getMessage());
        }
        ConfigResult result = ConfigParser.parse(name, text, Configuration.empty());
        return result.ok() ? List.of() : result.errors().stream().map(ConfigError::toString).toList();
    }
}
