package bng.slb;

import bng.core.api.SessionTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * SNAT over IPv6: who a proxy port stands for. The session table gives a reply's connection by
 * (target, proxy port) ({@link SessionTable#proxied}), but an IPv6 connection's key is a hash,
 * which cannot give the client's address back; so slb keeps, per target of an IPv6 proxy server
 * and per proxy port, the connection's key, the client's 16-byte address and its port. The table
 * guarantees one live connection per (target, port), so the slot is exact: no hashing, no
 * collision, no removal — a port the table hands to another connection is simply rewritten on
 * that connection's first packet, and a reply is taken only while the key stored matches the one
 * the table gives. 64,512 ports × 26 bytes = 1.7 MB per target, allocated when a configuration
 * first makes the target an IPv6 proxy target, kept for the process's life (connections outlive
 * configurations).
 *
 * <p>Per packet: one acquire load on the forward path (a write of 26 bytes and a release store
 * only when the port changes hands), one on a reply; no lock, no allocation.
 */
final class ProxyClients {
    static final int PORTS = 65_536 - SessionTable.PROXY_PORT_FIRST;
    private static final VarHandle KEY = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[][] key = new long[65_536][];
    private final byte[][] address = new byte[65_536][];
    private final char[][] port = new char[65_536][];

    /** Makes room for target {@code t} (configuration thread). */
    synchronized void ensure(int t) {
        if (key[t] == null) {
            address[t] = new byte[PORTS * 16];
            port[t] = new char[PORTS];
            key[t] = new long[PORTS]; // last: the fast path tests it
        }
    }

    /** Records the client of connection {@code conn} on (target, proxy port): address at {@code b[off, off+16)}. */
    void record(int t, int proxyPort, long conn, byte[] b, int off, int clientPort) {
        long[] k = key[t];
        int i = proxyPort - SessionTable.PROXY_PORT_FIRST;
        if (k == null || i < 0 || (long) KEY.getAcquire(k, i) == conn) {
            return;
        }
        System.arraycopy(b, off, address[t], i * 16, 16);
        port[t][i] = (char) clientPort;
        KEY.setRelease(k, i, conn);
    }

    /** The slot of connection {@code conn} on (target, proxy port), or -1 when it is not recorded there. */
    int find(int t, int proxyPort, long conn) {
        long[] k = t >= 0 && t < key.length ? key[t] : null;
        int i = proxyPort - SessionTable.PROXY_PORT_FIRST;
        return k == null || i < 0 || (long) KEY.getAcquire(k, i) != conn ? -1 : i;
    }

    /** The 16-byte client addresses of target {@code t}; slot {@code i}'s starts at {@code i * 16}. */
    byte[] addresses(int t) {
        return address[t];
    }

    int clientPort(int t, int i) {
        return port[t][i];
    }
}
