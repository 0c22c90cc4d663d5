package bng.core.config;

/** An object builder whose life-cycle state register/enable/disable/unregister change. */
interface LifeCycleBuilder {
    ObjectState state();

    void state(ObjectState newState);
}
