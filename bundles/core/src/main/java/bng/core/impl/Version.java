package bng.core.impl;

/** bng's version as printed by {@code show version} and written into saved configurations. */
final class Version {
    static final String VERSION = "0.1.0";

    private Version() {}
}
