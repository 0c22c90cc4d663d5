package bng.core.config;

/** An enum value that is written in the configuration language as a lower-case keyword. */
public interface Keyword {
    /** The keyword as written in a configuration file. */
    String keyword();
}
