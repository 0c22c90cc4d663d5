package bng.core.impl;

import bng.core.api.Frame;
import bng.core.api.PacketBus;
import bng.core.api.PacketProcessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The packet bus ("master"): keeps the processor whiteboard as copy-on-write dispatch tables and
 * hands each port thread a {@link Dispatcher} that walks them.
 *
 * <p>Processors are resolved once, off the binding thread: a module's processor may itself need
 * services that lead back to the bus, and resolving inside SCR's bind would make that a cycle.
 * Unbinding is synchronous: the entry leaves the table and the call returns only after every port
 * thread has finished the burst it was in, so a module's deactivation never races a packet.
 */
@Component(service = {PacketBus.class, PacketBusManager.class}, immediate = true)
public final class PacketBusManager implements PacketBus {
    private static final System.Logger LOG = System.getLogger(PacketBusManager.class.getName());
    private static final long QUIESCE_WARN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Object lock = new Object();
    private final Map<ServiceReference<PacketProcessor>, ProcessorEntry> entries = new HashMap<>();
    private final Map<ServiceReference<PacketProcessor>, Boolean> pending = new HashMap<>();
    /** Insertion order: entries added here all have service id 0, so age is their order in this map. */
    private final Map<Object, ProcessorEntry> direct = new LinkedHashMap<>();
    private final List<Dispatcher> dispatchers = new CopyOnWriteArrayList<>();
    /** Dispatchers whose port closed: their counts still belong to the bus totals. */
    private final List<Dispatcher> retiredCounters = new CopyOnWriteArrayList<>();
    private final ExecutorService binder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bng-bus-binder");
        t.setDaemon(true);
        return t;
    });
    private BundleContext context;
    volatile DispatchTable table = DispatchTable.EMPTY;

    final LongAdder processorFailures = new LongAdder();

    /** For open-box tests and benchmarks: a bus with no framework behind it. */
    public PacketBusManager() {}

    @Activate
    void activate(BundleContext ctx) {
        this.context = ctx;
    }

    @Deactivate
    void deactivate() {
        binder.shutdownNow();
    }

    @Reference(name = "processor", service = PacketProcessor.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindProcessor(ServiceReference<PacketProcessor> ref) {
        synchronized (lock) {
            pending.put(ref, Boolean.TRUE);
        }
        binder.execute(() -> resolve(ref));
    }

    void unbindProcessor(ServiceReference<PacketProcessor> ref) {
        ProcessorEntry gone;
        synchronized (lock) {
            pending.remove(ref);
            gone = entries.remove(ref);
            if (gone == null) {
                return;
            }
            publish();
        }
        awaitQuiescence();
        context.ungetService(ref);
        LOG.log(System.Logger.Level.INFO, "processor {0} ({1}) removed", gone.name, gone.module);
    }

    private void resolve(ServiceReference<PacketProcessor> ref) {
        synchronized (lock) {
            if (pending.remove(ref) == null) {
                return; // unbound before we got to it
            }
        }
        PacketProcessor p = context.getService(ref);
        if (p == null) {
            LOG.log(System.Logger.Level.WARNING, "processor service {0} could not be obtained", ref);
            return;
        }
        Map<String, Object> props = new HashMap<>();
        for (String k : ref.getPropertyKeys()) {
            props.put(k, ref.getProperty(k));
        }
        synchronized (lock) {
            entries.put(ref, ProcessorEntry.of(p, props));
            publish();
        }
    }

    /** Adds a processor without a framework (tests, benchmarks). Returns a handle to remove it. */
    public Runnable add(PacketProcessor p, Map<String, ?> props) {
        ProcessorEntry e = ProcessorEntry.of(p, props);
        Object key = new Object();
        synchronized (lock) {
            direct.put(key, e);
            publish();
        }
        return () -> {
            synchronized (lock) {
                if (direct.remove(key) == null) {
                    return;
                }
                publish();
            }
            awaitQuiescence();
        };
    }

    private void publish() {
        List<ProcessorEntry> all = new ArrayList<>(entries.values());
        all.addAll(direct.values());
        table = new DispatchTable(all);
    }

    /** Waits until every dispatcher that was inside a burst has left it (the old table is then unused). */
    void awaitQuiescence() {
        long start = System.nanoTime();
        boolean warned = false;
        for (Dispatcher d : dispatchers) {
            long seen = d.sequence();
            if ((seen & 1) == 0 || d.isCurrentThread()) {
                continue; // idle between bursts, or it is us: a processor removing itself mid-burst
            }
            while (d.sequence() == seen && d.isOpen()) {
                if (!warned && System.nanoTime() - start > QUIESCE_WARN_NANOS) {
                    LOG.log(System.Logger.Level.WARNING, "port thread {0} is slow to leave a burst", d.name());
                    warned = true;
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    /** A dispatcher for one port thread. Close it when the thread ends. */
    public Dispatcher newDispatcher(String name) {
        Dispatcher d = new Dispatcher(this, name);
        dispatchers.add(d);
        return d;
    }

    void retire(Dispatcher d) {
        if (dispatchers.remove(d)) {
            retiredCounters.add(d);
        }
    }

    @Override
    public List<ProcessorInfo> processors() {
        List<ProcessorInfo> l = new ArrayList<>();
        for (ProcessorEntry e : table.all) {
            l.add(e.info());
        }
        return l;
    }

    @Override
    public BusCounters counters() {
        long received = 0;
        long handled = 0;
        long unhandled = 0;
        long[] malformed = new long[Frame.ERROR_COUNT];
        List<Dispatcher> every = new ArrayList<>(dispatchers);
        every.addAll(retiredCounters);
        for (Dispatcher d : every) {
            received += d.received;
            handled += d.handled;
            unhandled += d.unhandled;
            for (int i = 0; i < malformed.length; i++) {
                malformed[i] += d.malformed[i];
            }
        }
        long malformedTotal = 0;
        for (long m : malformed) {
            malformedTotal += m;
        }
        return new BusCounters(received, handled, unhandled, malformedTotal, processorFailures.sum(), malformed);
    }
}
