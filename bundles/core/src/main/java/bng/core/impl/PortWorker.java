package bng.core.impl;

import bng.core.access.AccessPort;
import bng.core.api.Frame;
import java.io.IOException;
import java.util.function.IntFunction;

/**
 * One port's thread: receive a burst, dispatch it through the bus, send the frames that go out —
 * those for this port as one burst, those for other ports through theirs. Buffers are allocated
 * once; the loop allocates nothing.
 *
 * <p>An interface with {@code threads N} has N workers, one per receive queue of the driver: the
 * first (queue 0) is the interface's worker as the rest of bng sees it (its port sends what other
 * ports and slow-path senders send there), the others are its {@link #siblings}; each pins itself
 * to its CPU when it starts.
 */
final class PortWorker implements Runnable {
    private static final System.Logger LOG = System.getLogger(PortWorker.class.getName());
    static final int BURST = 64;
    static final int FRAME_CAPACITY = 9216 + 18; // jumbo frame plus two VLAN tags
    private static final int RECEIVE_TIMEOUT_MS = 100;

    final int id;
    final int queue;
    final String access;
    final AccessPort port;
    /** Queues 1..N-1 of the same interface (only on queue 0's worker; empty for one thread). */
    PortWorker[] siblings = new PortWorker[0];
    private final int cpu;
    /** The CPU this worker pinned itself to, -1 when not pinned. */
    volatile int pinnedCpu = -1;
    private final Dispatcher dispatcher;
    private final IntFunction<PortWorker> peers;
    private final Frame[] rx = new Frame[BURST];
    private final Frame[] tx = new Frame[BURST];
    private final Frame[] one = new Frame[1];
    private final Thread thread;
    private volatile boolean running = true;
    volatile String failure;

    PortWorker(int id, String access, AccessPort port, Dispatcher dispatcher, IntFunction<PortWorker> peers) {
        this(id, 0, -1, access, port, dispatcher, peers);
    }

    /** Queue {@code queue} of interface {@code id}; pins its thread to {@code cpu} unless it is -1. */
    PortWorker(int id, int queue, int cpu, String access, AccessPort port, Dispatcher dispatcher,
               IntFunction<PortWorker> peers) {
        this.id = id;
        this.queue = queue;
        this.cpu = cpu;
        this.access = access;
        this.port = port;
        this.dispatcher = dispatcher;
        this.peers = peers;
        for (int i = 0; i < BURST; i++) {
            rx[i] = new Frame(FRAME_CAPACITY);
        }
        this.thread = new Thread(this, "bng-port-" + id + "-" + port.interfaceName() + (cpu >= 0 ? "-q" + queue : ""));
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
        for (PortWorker s : siblings) {
            s.start();
        }
    }

    /** Why this interface (any of its queues) failed, or null. */
    String failure() {
        String f = failure;
        for (PortWorker s : siblings) {
            f = f != null ? f : s.failure;
        }
        return f;
    }

    /** The driver's counters summed over the interface's queues: received, sent, dropped. */
    long[] counters() {
        long[] c = port.counters().clone();
        for (PortWorker s : siblings) {
            long[] o = s.port.counters();
            for (int i = 0; i < c.length && i < o.length; i++) {
                c[i] += o[i];
            }
        }
        return c;
    }

    /** The oversize frame count at which the next warning is logged (doubling: a few lines, not one per frame). */
    private long nextOversizeLog = 1;

    @Override
    public void run() {
        if (cpu >= 0 && CpuAffinity.pinCurrentThread(cpu)) {
            pinnedCpu = cpu;
        }
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
            long oversize = port.oversizeFrames(); // a field read per burst; logs at 1, 2, 4, 8, ... frames
            if (oversize >= nextOversizeLog) {
                LOG.log(System.Logger.Level.WARNING, "port {0}: {1}", id,
                    PortManager.oversizeWarning(port.interfaceName(), oversize));
                nextOversizeLog = oversize * 2;
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

    /** Stops the thread, then (and only then) releases the bus and the driver's port; siblings first. */
    void stop() {
        for (PortWorker s : siblings) {
            s.stop();
        }
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
