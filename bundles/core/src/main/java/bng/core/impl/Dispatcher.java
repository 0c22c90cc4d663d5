package bng.core.impl;

import bng.core.api.Frame;
import bng.core.api.PacketContext;

/**
 * The bus as one port thread drives it: one burst at a time through the current dispatch table.
 * Single-threaded by contract, so its counters are plain fields (summed by the bus on demand) and
 * the only shared writes per burst are the two sequence steps that tell the bus where it is.
 */
public final class Dispatcher implements PacketContext {
    private final PacketBusManager bus;
    private final String name;
    /** Processor time is sampled on 1 frame in 16: a clock read costs ~22 ns here (docs/benchmarks.md). */
    static final int TIME_SAMPLE = 16;
    private volatile long sequence;
    private volatile boolean open = true;
    /** The port thread driving this dispatcher (set on its first burst). */
    private volatile Thread owner;

    long received;
    long handled;
    long unhandled;
    final long[] malformed = new long[Frame.ERROR_COUNT];

    // per-frame context state
    private Frame frame;
    private int inPort;
    private long inMac;
    private boolean isHandled;

    Dispatcher(PacketBusManager bus, String name) {
        this.bus = bus;
        this.name = name;
    }

    String name() {
        return name;
    }

    long sequence() {
        return sequence;
    }

    /** True when called from this dispatcher's own port thread (it cannot wait for itself). */
    boolean isCurrentThread() {
        return owner == Thread.currentThread();
    }

    boolean isOpen() {
        return open;
    }

    /**
     * Decodes and dispatches {@code frames[0..count)} that came in on {@code port}; afterwards each
     * frame's {@link Frame#outPort()} says where it goes (-1: nowhere). Returns how many are to be sent.
     */
    public int dispatch(Frame[] frames, int count, int port, long portMac) {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        sequence++; // odd: inside a burst (single writer, so ++ on the volatile is safe)
        DispatchTable t = bus.table;
        int toSend = 0;
        for (int i = 0; i < count; i++) {
            Frame f = frames[i];
            received++;
            int err = f.decode();
            f.setInPort(port);
            if (err != Frame.OK) {
                malformed[err]++;
                continue;
            }
            ProcessorEntry[] chain = t.chainFor(f);
            frame = f;
            inPort = port;
            inMac = portMac;
            isHandled = false;
            run(chain, t.isOther(chain), f.ethertype());
            if (isHandled) {
                handled++;
                if (f.outPort() >= 0) {
                    toSend++;
                }
            } else {
                unhandled++;
            }
        }
        frame = null;
        sequence++; // even: between bursts
        return toSend;
    }

    private void run(ProcessorEntry[] chain, boolean filter, int ethertype) {
        boolean timed = (received & (TIME_SAMPLE - 1)) == 0;
        long t0 = timed ? System.nanoTime() : 0;
        for (ProcessorEntry e : chain) {
            if ((isHandled && e.band == ProcessorEntry.DIRECTOR) || (filter && !e.wantsEthertype(ethertype))) {
                continue;
            }
            boolean before = isHandled;
            try {
                e.processor.process(this);
            } catch (Exception | LinkageError | StackOverflowError | AssertionError x) {
                // Isolation: a failing processor is counted and skipped, the port thread goes on.
                e.failures.increment();
                bus.processorFailures.increment();
            }
            e.packets.increment();
            if (timed) {
                long t1 = System.nanoTime();
                e.nanos.add((t1 - t0) * TIME_SAMPLE);
                t0 = t1;
            }
            if (!before && isHandled) {
                e.handled.increment();
            }
        }
    }

    /** Stops counting this thread as a bus user (its counters stay in the totals). */
    public void close() {
        open = false;
        bus.retire(this);
    }

    // ---------------------------------------------------------------- PacketContext

    @Override
    public Frame frame() {
        return frame;
    }

    @Override
    public int inPort() {
        return inPort;
    }

    @Override
    public long inPortMac() {
        return inMac;
    }

    @Override
    public boolean isHandled() {
        return isHandled;
    }

    @Override
    public void send(int port) {
        if (!isHandled) {
            isHandled = true;
            frame.setOutPort(port);
        }
    }

    @Override
    public void reply() {
        send(inPort);
    }

    @Override
    public void consume() {
        isHandled = true;
    }

    @Override
    public void drop() {
        isHandled = true;
    }
}
