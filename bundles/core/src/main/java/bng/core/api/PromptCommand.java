package bng.core.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard for prompt commands that modules bring (e.g. arp's {@code arp-insert}, slb's
 * {@code clear sessions}): they leave with their module. Service properties: {@link #COMMAND}
 * (the first word), {@link #USAGE} and {@link #DESCRIPTION} for {@code help}. Core's own words
 * ({@code show}, {@code module}, {@code save}, ...) and configuration keywords cannot be taken.
 */
@ConsumerType
@FunctionalInterface
public interface PromptCommand {
    String COMMAND = "bng.command";
    String USAGE = "bng.command.usage";
    String DESCRIPTION = "bng.command.description";

    /** Runs the command with the words after its name; appends output; returns false on error. */
    boolean execute(List<String> args, StringBuilder out);
}
