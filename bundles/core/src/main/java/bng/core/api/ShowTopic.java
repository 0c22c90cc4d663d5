package bng.core.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard for {@code show TOPIC}: core and modules each register theirs, so a module's topics
 * leave with it. Service properties: {@link #TOPIC} (String) and {@link #DESCRIPTION} (String).
 */
@ConsumerType
@FunctionalInterface
public interface ShowTopic {
    String TOPIC = "bng.show";
    String DESCRIPTION = "bng.show.description";

    /** Appends the topic's text (lines ending with '\n') for the words after {@code show TOPIC}. */
    void show(List<String> args, StringBuilder out);
}
