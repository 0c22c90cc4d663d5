package bng.dump;

import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import bng.core.api.PromptCommand;
import bng.core.api.RunningConfig;
import bng.core.config.InterfaceDef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code dump start INTERFACE [FILE] [size MB] [time SECONDS] [files N]}, {@code dump stop
 * [INTERFACE]} and {@code dump} (what runs). INTERFACE is the configuration's interface id or its
 * name. A dump's processor exists only while it runs: off means not on the bus at all.
 */
@Component(immediate = true, property = {
    PromptCommand.COMMAND + "=dump",
    PromptCommand.USAGE + "=dump [start INTERFACE [FILE] [size MB] [time SECONDS] [files N] | stop [INTERFACE]]",
    PromptCommand.DESCRIPTION + "=write what an interface receives to rotated pcap files (FILE.N.pcap)"})
public final class DumpCommand implements PromptCommand {
    static final int SNAPLEN = 9234;
    static final int RING = 1024;

    @Reference
    RunningConfig running;

    private BundleContext context;
    private final Map<Integer, Dump> dumps = new TreeMap<>();

    @Activate
    void activate(BundleContext bc) {
        context = bc;
    }

    @Deactivate
    synchronized void deactivate() {
        for (Dump d : dumps.values()) {
            d.stop();
        }
        dumps.clear();
    }

    @Override
    public synchronized boolean execute(List<String> args, StringBuilder out) {
        if (args.isEmpty()) {
            status(out);
            return true;
        }
        return switch (args.get(0)) {
            case "start" -> start(args.subList(1, args.size()), out);
            case "stop" -> stop(args.subList(1, args.size()), out);
            default -> {
                out.append("usage: dump [start INTERFACE [FILE] [size MB] [time SECONDS] [files N] | stop [INTERFACE]]\n");
                yield false;
            }
        };
    }

    private boolean start(List<String> a, StringBuilder out) {
        if (a.isEmpty()) {
            out.append("dump start: which interface?\n");
            return false;
        }
        InterfaceDef i = find(a.get(0));
        if (i == null) {
            out.append("dump start: no interface ").append(a.get(0)).append(" in the configuration\n");
            return false;
        }
        if (dumps.containsKey(i.id())) {
            out.append("dump start: interface ").append(i.id()).append(" is being dumped already\n");
            return false;
        }
        int k = 1;
        String name = i.name() == null ? "if" + i.id() : i.name();
        Path file = Path.of(System.getProperty("bng.dump.dir", "/var/tmp"), "bng-" + name);
        if (a.size() > 1 && !List.of("size", "time", "files").contains(a.get(1))) {
            file = Path.of(a.get(1)).toAbsolutePath();
            k = 2;
        }
        long size = Rotation.DEFAULT.maxBytes();
        long time = Rotation.DEFAULT.maxSeconds();
        int files = Rotation.DEFAULT.maxFiles();
        Rotation rotation;
        try {
            for (; k < a.size(); k += 2) {
                if (k + 1 >= a.size()) {
                    throw new IllegalArgumentException(a.get(k) + " needs a value");
                }
                long v = Long.parseLong(a.get(k + 1));
                switch (a.get(k)) {
                    case "size" -> size = v << 20;
                    case "time" -> time = v;
                    case "files" -> files = (int) Math.min(v, 100_000);
                    default -> throw new IllegalArgumentException("unknown option " + a.get(k));
                }
            }
            rotation = new Rotation(size, time, files);
        } catch (IllegalArgumentException e) {
            out.append("dump start: ").append(e.getMessage()).append('\n');
            return false;
        }
        try {
            Dump d = Dump.start(context, i.id(), file, rotation);
            dumps.put(i.id(), d);
            out.append("dumping interface ").append(i.id()).append(" (").append(name).append(") to ")
                .append(file).append(".N.pcap\n");
            return true;
        } catch (IOException | RuntimeException e) {
            out.append("dump start: ").append(e.getMessage()).append('\n');
            return false;
        }
    }

    private boolean stop(List<String> a, StringBuilder out) {
        List<Integer> which = new ArrayList<>();
        if (a.isEmpty()) {
            which.addAll(dumps.keySet());
        } else {
            InterfaceDef i = find(a.get(0));
            if (i == null || !dumps.containsKey(i.id())) {
                out.append("dump stop: interface ").append(a.get(0)).append(" is not being dumped\n");
                return false;
            }
            which.add(i.id());
        }
        for (int id : which) {
            Dump d = dumps.remove(id);
            d.stop();
            out.append("dump of interface ").append(id).append(" stopped: ").append(d.writer.frames())
                .append(" frames, ").append(d.ring.dropped()).append(" dropped, files ").append(d.writer.files()).append('\n');
        }
        return true;
    }

    private void status(StringBuilder out) {
        if (dumps.isEmpty()) {
            out.append("no dump running\n");
        }
        for (Map.Entry<Integer, Dump> e : dumps.entrySet()) {
            Dump d = e.getValue();
            out.append("interface ").append(e.getKey()).append(": ").append(d.writer.frames()).append(" frames, ")
                .append(d.ring.dropped()).append(" dropped, files ").append(d.writer.files());
            if (d.writer.failure() != null) {
                out.append(", failed: ").append(d.writer.failure());
            }
            out.append('\n');
        }
    }

    private InterfaceDef find(String word) {
        for (InterfaceDef i : running.current().interfaces().values()) {
            if (word.equals(Integer.toString(i.id())) || word.equals(i.name())) {
                return i;
            }
        }
        return null;
    }

    /** One running dump: its ring, writer thread and bus registration. */
    static final class Dump {
        final FrameRing ring;
        final DumpWriter writer;
        final Thread thread;
        final ServiceRegistration<PacketProcessor> registration;

        private Dump(FrameRing ring, DumpWriter writer, Thread thread, ServiceRegistration<PacketProcessor> registration) {
            this.ring = ring;
            this.writer = writer;
            this.thread = thread;
            this.registration = registration;
        }

        static Dump start(BundleContext bc, int port, Path file, Rotation rotation) throws IOException {
            FrameRing ring = new FrameRing(RING, SNAPLEN);
            DumpWriter writer = new DumpWriter(ring, file, rotation, SNAPLEN);
            writer.open();
            Thread t = new Thread(writer, "bng-dump-" + port);
            t.setDaemon(true);
            t.start();
            Hashtable<String, Object> props = new Hashtable<>(properties(port));
            return new Dump(ring, writer, t, bc.registerService(PacketProcessor.class, new DumpProcessor(port, ring), props));
        }

        static Map<String, Object> properties(int port) {
            return Map.of(ProcessorProperties.NAME, "dump.port" + port,
                ProcessorProperties.MODULE, "dump",
                ProcessorProperties.BAND, ProcessorProperties.BAND_ADVISOR,
                ProcessorProperties.PRIORITY, 0);
        }

        void stop() {
            // unregistering waits for port threads to leave the processor (the bus's contract)
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping: the framework unregistered it
            }
            writer.stop();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
