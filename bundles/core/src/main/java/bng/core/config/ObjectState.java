package bng.core.config;

/** Life cycle of interfaces, networks, servers and targets: define, then register, then enable. */
public enum ObjectState {
    /** Written in the configuration but not known to the running engine. */
    DEFINED,
    /** Known and checked, not in service ({@code register}, or {@code disable} of an enabled object). */
    REGISTERED,
    /** In service ({@code enable}). */
    ENABLED
}
