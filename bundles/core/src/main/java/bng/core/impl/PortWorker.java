package bng.core.impl;

import bng.core.access.AccessPort;
import bng.core.api.Frame;
import java.io.IOException;
import java.util.function.IntFunction;

/**
 * One port's thread: receive a burst, dispatch it through the bus, send the frames that go out —
 * those for this port as one burst, those for other ports through theirs. Buffers are allocated
 * once; the loop allocates nothing.
 */
final class PortWorker implements Runnable {
    private static final System.Logger LOG = System.getLogger(PortWorker.class.getName());
    static final int BURST = 64;
    static final int FRAME_CAPACITY = 9216 + 18; // jumbo frame plus two VLAN tags
    private static final int RECEIVE_TIMEOUT_MS = 100;

    final int id;
    final String access;
    final AccessPort port;
    private final Dispatcher dispatcher;
    private final IntFunction<PortWorker> peers;
    private final Frame[] rx = new Frame[BURST];
    private final Frame[] tx = new Frame[BURST];
    private final Frame[] one = new Frame[1];
    private final Thread thread;
    private volatile boolean running = true;
    volatile String failure;

    PortWorker(int id, String access, AccessPort port, Dispatcher dispatcher, IntFunction<PortWorker> peers) {
        this.id = id;
        this.access = access;
        this.port = port;
        this.dispatcher = dispatcher;
        this.peers = peers;
        for (int i = 0; i < BURST; i++) {
            rx[i] = new Frame(FRAME_CAPACITY);
        }
        this.thread = new Thread(this, "bng-port-" + id + "-" + port.interfaceName());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        long mac = port.mac();
        while (running) {
            int n;
            try {
                n = port.receive(rx, BURST, RECEIVE_TIMEOUT_MS);
            } catch (IOException e) {
                if (running) {
                    failure = e.getMessage();
                    LOG.log(System.Logger.Level.ERROR, "port {0} ({1}) failed: {2}", id, port.interfaceName(), e.getMessage());
                }
                return;
            }
            if (n > 0 && dispatcher.dispatch(rx, n, id, mac) > 0) {
                transmit(n);
            }
        }
    }

    private void transmit(int n) {
        int local = 0;
        for (int i = 0; i < n; i++) {
            Frame f = rx[i];
            int out = f.outPort();
            if (out == id) {
                tx[local++] = f;
            } else if (out >= 0) {
                PortWorker peer = peers.apply(out);
                if (peer != null) {
                    one[0] = f;
                    peer.port.transmit(one, 1);
                }
            }
        }
        if (local > 0) {
            port.transmit(tx, local);
        }
    }

    /** Stops the thread, then (and only then) releases the bus and the driver's port. */
    void stop() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.close();
        port.close();
    }
}
