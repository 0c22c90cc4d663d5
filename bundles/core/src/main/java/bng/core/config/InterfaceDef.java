package bng.core.config;

/**
 * {@code interface N { name, access, threads, trackval }}.
 *
 * @param name OS interface name, null when unset
 * @param access access method, "raw" unless set
 * @param threads packet-processing threads, null when unset
 * @param trackval VRRP tracking weight, null when unset
 */
public record InterfaceDef(int id, ObjectState state, String name, String access, Integer threads, Integer trackval) {
    /** The access method used when none is written. */
    public static final String DEFAULT_ACCESS = "raw";

    /** Mutable counterpart used while statements are applied. */
    static final class Builder implements LifeCycleBuilder {
        final int id;
        ObjectState state = ObjectState.DEFINED;
        String name;
        String access = DEFAULT_ACCESS;
        Integer threads;
        Integer trackval;

        @Override
        public ObjectState state() {
            return state;
        }

        @Override
        public void state(ObjectState newState) {
            state = newState;
        }

        Builder(int id) {
            this.id = id;
        }

        Builder(InterfaceDef d) {
            this(d.id);
            state = d.state;
            name = d.name;
            access = d.access;
            threads = d.threads;
            trackval = d.trackval;
        }

        InterfaceDef build() {
            return new InterfaceDef(id, state, name, access, threads, trackval);
        }
    }
}
