package bng.core.config;

/** {@code tcpopen port,interval,timeout}: a TCP connect health check; times in seconds. */
public record TcpOpenCheck(int port, int interval, int timeout) {
    @Override
    public String toString() {
        return port + "," + interval + "," + timeout;
    }
}
