package bng.core.impl;

import bng.core.access.AccessDriver;
import bng.core.access.AccessPort;
import bng.core.api.ConfigListener;
import bng.core.api.ShowTopic;
import bng.core.api.Macs;
import bng.core.api.Ports;
import bng.core.api.Frame;
import bng.core.config.NetworkDef;
import bng.core.config.Configuration;
import bng.core.config.InterfaceDef;
import bng.core.config.ObjectState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * A port per enabled {@code interface N}, opened through the access driver it names. Ports come
 * and go with the configuration and with their drivers; an interface whose driver is not there
 * (yet) waits for it and says so in {@code show interfaces}.
 */
@Component(service = {ConfigListener.class, ShowTopic.class, Ports.class, PortManager.class}, immediate = true,
    property = {ShowTopic.TOPIC + "=interfaces", ShowTopic.DESCRIPTION + "=interfaces, their access and counters"})
public final class PortManager implements ConfigListener, ShowTopic, Ports {
    private static final System.Logger LOG = System.getLogger(PortManager.class.getName());
    private static final int MAX_PORTS = 4096;

    @Reference
    PacketBusManager bus;

    private final Map<String, AccessDriver> drivers = new ConcurrentHashMap<>();
    private final Map<Integer, InterfaceDef> wanted = new TreeMap<>();
    private final Map<Integer, String> problems = new TreeMap<>();
    private volatile PortWorker[] ports = new PortWorker[0];
    private volatile Map<Integer, Integer> networkPorts = Map.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindDriver(AccessDriver d, Map<String, Object> props) {
        drivers.put(String.valueOf(props.get(AccessDriver.ACCESS)), d);
        reconcile();
    }

    synchronized void unbindDriver(AccessDriver d, Map<String, Object> props) {
        String access = String.valueOf(props.get(AccessDriver.ACCESS));
        drivers.remove(access, d);
        for (PortWorker w : ports) {
            if (w != null && w.access.equals(access)) {
                close(w.id);
            }
        }
        reconcile();
    }

    @Override
    public synchronized void configurationChanged(Configuration previous, Configuration current) {
        Map<Integer, Integer> np = new TreeMap<>();
        for (NetworkDef n : current.networks().values()) {
            if (n.interfaceId() != null) {
                np.put(n.id(), n.interfaceId());
            }
        }
        networkPorts = Map.copyOf(np);
        wanted.clear();
        for (InterfaceDef i : current.interfaces().values()) {
            if (i.state() == ObjectState.ENABLED && i.id() < MAX_PORTS) {
                wanted.put(i.id(), i);
            }
        }
        reconcile();
    }

    /**
     * For open-box tests of modules: the real ports over the given drivers (by access name) with no
     * framework behind them; feed it snapshots with {@link #configurationChanged}, end it with
     * {@link #closeAll()}.
     */
    public static PortManager standalone(PacketBusManager bus, Map<String, AccessDriver> drivers) {
        PortManager m = new PortManager();
        m.bus = bus;
        drivers.forEach((access, d) -> m.bindDriver(d, Map.of(AccessDriver.ACCESS, access)));
        return m;
    }

    /** Stops every port thread and closes the ports (tests; the framework calls deactivate). */
    public void closeAll() {
        deactivate();
    }

    @Deactivate
    synchronized void deactivate() {
        for (PortWorker w : ports) {
            if (w != null) {
                w.stop();
            }
        }
        ports = new PortWorker[0];
    }

    private void reconcile() {
        PortWorker[] now = ports;
        for (PortWorker w : now) {
            if (w == null) {
                continue;
            }
            InterfaceDef d = wanted.get(w.id);
            if (d == null || !Objects.equals(d.name(), w.port.interfaceName()) || !Objects.equals(d.access(), w.access)
                || queues(d, drivers.get(d.access())) != w.siblings.length + 1) {
                close(w.id);
            }
        }
        problems.clear();
        for (InterfaceDef d : wanted.values()) {
            if (port(d.id()) != null) {
                continue;
            }
            AccessDriver driver = drivers.get(d.access());
            if (driver == null) {
                problems.put(d.id(), "waiting for access driver '" + d.access() + "'");
                continue;
            }
            try {
                PortWorker w = openQueues(d, driver);
                PortWorker[] grown = ports.length > d.id() ? ports.clone() : java.util.Arrays.copyOf(ports, d.id() + 1);
                grown[d.id()] = w;
                ports = grown;
                w.start();
                LOG.log(System.Logger.Level.INFO, "interface {0} ({1}) up via access {2}{3}", d.id(), d.name(), d.access(),
                    w.siblings.length > 0 ? ", " + (w.siblings.length + 1) + " threads" : "");
            } catch (IOException | RuntimeException e) {
                problems.put(d.id(), "cannot open: " + e.getMessage());
                LOG.log(System.Logger.Level.ERROR, "interface {0} ({1}): {2}", d.id(), d.name(), e.getMessage());
            }
        }
    }

    /** BalanceNG's {@code threads N} of the interface: 1 when unset. */
    private static int threads(InterfaceDef d) {
        return d.threads() == null ? 1 : Math.max(1, d.threads());
    }

    /** The receive queues (threads) the interface gets: what it asks for, at most what its driver can give. */
    private static int queues(InterfaceDef d, AccessDriver driver) {
        return driver == null ? 1 : Math.max(1, Math.min(threads(d), driver.maxQueues()));
    }

    /**
     * Opens the interface's ports: one, or with {@code threads N} one per queue, each with its own
     * dispatcher and thread, pinned to the process's allowed CPUs in turn (queue k on the k-th).
     * All or nothing: a queue that fails to open closes those already open.
     */
    private PortWorker openQueues(InterfaceDef d, AccessDriver driver) throws IOException {
        int queues = queues(d, driver);
        if (queues == 1) {
            AccessPort p = driver.open(d.name());
            if (threads(d) > 1) {
                LOG.log(System.Logger.Level.WARNING, "interface {0} ({1}): threads {2}, but access {3} runs one thread",
                    d.id(), d.name(), threads(d), d.access());
            }
            return new PortWorker(d.id(), d.access(), p, bus.newDispatcher("port-" + d.id()), this::port);
        }
        int[] cpus = CpuAffinity.allowed();
        PortWorker[] workers = new PortWorker[queues];
        try {
            for (int q = 0; q < queues; q++) {
                AccessPort p = driver.open(d.name(), q, queues);
                int cpu = cpus.length == 0 ? -1 : cpus[q % cpus.length];
                workers[q] = new PortWorker(d.id(), q, cpu, d.access(), p,
                    bus.newDispatcher("port-" + d.id() + "-q" + q), this::port);
            }
        } catch (IOException | RuntimeException e) {
            for (PortWorker w : workers) {
                if (w != null) {
                    w.port.close();
                }
            }
            throw e;
        }
        workers[0].siblings = java.util.Arrays.copyOfRange(workers, 1, queues);
        return workers[0];
    }

    private void close(int id) {
        PortWorker w = port(id);
        if (w == null) {
            return;
        }
        PortWorker[] shrunk = ports.clone();
        shrunk[id] = null;
        ports = shrunk;
        w.stop();
    }

    PortWorker port(int id) {
        PortWorker[] p = ports;
        return id >= 0 && id < p.length ? p[id] : null;
    }

    @Override
    public long mac(int port) {
        PortWorker w = port(port);
        return w == null ? -1 : w.port.mac();
    }

    @Override
    public boolean isUp(int port) {
        PortWorker w = port(port);
        return w != null && w.failure() == null;
    }

    @Override
    public boolean send(int port, byte[] frame, int length) {
        PortWorker w = port(port);
        if (w == null || length <= 0 || length > frame.length) {
            return false;
        }
        try {
            return w.port.transmit(new Frame[] {new Frame(frame, length)}, 1) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public int transmit(int port, Frame[] frames, int count) {
        PortWorker w = port(port);
        if (w == null || count <= 0) {
            return 0;
        }
        try {
            return w.port.transmit(frames, count);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public int portOfNetwork(int networkId) {
        Integer p = networkPorts.get(networkId);
        return p == null ? -1 : p;
    }

    @Override
    public PortCounters counters(int port) {
        PortWorker w = port(port);
        if (w == null) {
            return null;
        }
        long[] c = w.counters();
        return new PortCounters(w.port.interfaceName(), c[0], c[1], c[2]);
    }

    /**
     * Frames each open interface dropped for being longer than its MTU allows (all its queues), by
     * interface id; interfaces without such frames are left out.
     */
    synchronized Map<Integer, Long> oversizeFrames() {
        Map<Integer, Long> out = new TreeMap<>();
        for (InterfaceDef d : wanted.values()) {
            long n = oversizeFrames(port(d.id()));
            if (n > 0) {
                out.put(d.id(), n);
            }
        }
        return out;
    }

    private static long oversizeFrames(PortWorker w) {
        if (w == null) {
            return 0;
        }
        long n = w.port.oversizeFrames();
        for (PortWorker q : w.siblings) {
            n += q.port.oversizeFrames();
        }
        return n;
    }

    /** What an operator reads when an interface received frames longer than its MTU. */
    static String oversizeWarning(String name, long frames) {
        return frames + " frames longer than " + name + "'s MTU were received and dropped: the sender merged TCP "
            + "segments (TSO/GSO of the veth or bridge port in front of bng, or GRO/LRO), which bng cannot send on; "
            + "switch that off where the frames come from (ethtool -K PEER tso off gso off gro off), as a switch "
            + "port never sends such frames. Uploads (and NAT downloads) stall until then";
    }

    /** Problems by interface id (for start-up warnings and {@code show interfaces}). */
    synchronized Map<Integer, String> problems() {
        return new TreeMap<>(problems);
    }

    @Override
    public synchronized void show(List<String> args, StringBuilder out) {
        out.append(String.format("%-4s %-12s %-8s %-17s %-8s %10s %10s %8s%n",
            "id", "name", "access", "mac", "state", "received", "sent", "dropped"));
        for (InterfaceDef d : wanted.values()) {
            PortWorker w = port(d.id());
            if (w != null) {
                long[] c = w.counters();
                String failure = w.failure();
                String state = failure != null ? "down" : "up";
                out.append(String.format("%-4d %-12s %-8s %-17s %-8s %10d %10d %8d%n", d.id(), d.name(), d.access(),
                    Macs.format(w.port.mac()), state, c[0], c[1], c[2]));
                if (failure != null) {
                    out.append("     ").append(failure).append('\n');
                }
                long oversize = oversizeFrames(w);
                if (oversize > 0) {
                    out.append("     ").append(oversizeWarning(d.name(), oversize)).append('\n');
                }
                if (w.siblings.length > 0) {
                    showQueues(w, out);
                } else if (threads(d) > 1) {
                    out.append("     threads ").append(threads(d)).append(": access ").append(d.access())
                        .append(" runs one thread\n");
                }
            } else {
                out.append(String.format("%-4d %-12s %-8s %-17s %-8s %10s %10s %8s%n", d.id(), d.name(), d.access(),
                    "-", "down", "-", "-", "-"));
                String p = problems.get(d.id());
                if (p != null) {
                    out.append("     ").append(p).append('\n');
                }
            }
        }
    }

    /** One line per queue of a {@code threads N} interface: its CPU and counters. */
    private static void showQueues(PortWorker w, StringBuilder out) {
        List<PortWorker> all = new java.util.ArrayList<>();
        all.add(w);
        all.addAll(List.of(w.siblings));
        for (PortWorker q : all) {
            long[] c = q.port.counters();
            out.append(String.format("     queue %-3d cpu %-4s %29s %10d %10d %8d%n", q.queue,
                q.pinnedCpu >= 0 ? Integer.toString(q.pinnedCpu) : "-", "", c[0], c[1], c[2]));
        }
    }
}
