package bng.core.config;

/** {@code agent port,interval,timeout} (also {@code agent6}): a UDP bngagent check; seconds. */
public record AgentCheck(int port, int interval, int timeout) {
    @Override
    public String toString() {
        return port + "," + interval + "," + timeout;
    }
}
