package bng.metrics;

import bng.core.api.PacketBus;
import bng.core.api.Ports;
import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.config.InterfaceDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import bng.core.config.TargetDef;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads core's counters at scrape time into Prometheus snapshots: nothing is counted twice and the
 * fast path is untouched (the counters exist already for {@code show}). Names follow Prometheus'
 * conventions: {@code bng_} prefix, base units (bytes, seconds), counters end in {@code _total}.
 */
final class BngCollector {
    private final Supplier<Configuration> config;
    private final SessionTable sessions;
    private final TargetHealth health;
    private final Ports ports;
    private final PacketBus bus;

    BngCollector(Supplier<Configuration> config, SessionTable sessions, TargetHealth health, Ports ports, PacketBus bus) {
        this.config = config;
        this.sessions = sessions;
        this.health = health;
        this.ports = ports;
        this.bus = bus;
    }

    MetricSnapshots collect() {
        Configuration c = config.get();
        List<MetricSnapshot> out = new ArrayList<>();
        servers(c, out);
        targets(c, out);
        ports(c, out);
        processors(out);
        sessionTable(out);
        // VRRP (issue 12): bng_vrrp_state / bng_vrrp_transitions_total belong here once core exports
        // the VRRP role as a service (the vrrp module is not built yet).
        return new MetricSnapshots(out);
    }

    private void servers(Configuration c, List<MetricSnapshot> out) {
        Counters p = new Counters("bng_server_packets", "Packets from clients to the server (virtual service)", null);
        Counters b = new Counters("bng_server_bytes", "Bytes from clients to the server", Unit.BYTES);
        Counters n = new Counters("bng_server_new_sessions", "Sessions created for the server", null);
        Gauges a = new Gauges("bng_server_active_sessions", "Sessions of the server in the session table");
        Gauges up = new Gauges("bng_server_up", "1 when the server is enabled and one of its targets (or backups) is up");
        for (ServerDef s : c.servers().values()) {
            Labels l = Labels.of("server", Integer.toString(s.id()), "address", Names.server(s));
            SessionTable.Counters k = sessions.serverCounters(s.id());
            p.add(l, k.packets());
            b.add(l, k.bytes());
            n.add(l, k.newSessions());
            a.add(l, k.active());
            up.add(l, "up".equals(Names.serverState(s, c, health)) ? 1 : 0);
        }
        out.add(p.build());
        out.add(b.build());
        out.add(n.build());
        out.add(a.build());
        out.add(up.build());
    }

    private void targets(Configuration c, List<MetricSnapshot> out) {
        Counters p = new Counters("bng_target_packets", "Packets forwarded to the target", null);
        Counters b = new Counters("bng_target_bytes", "Bytes forwarded to the target", Unit.BYTES);
        Counters n = new Counters("bng_target_new_sessions", "Sessions bound to the target", null);
        Gauges a = new Gauges("bng_target_active_sessions", "Sessions bound to the target in the session table");
        Counters t = new Counters("bng_target_health_transitions", "Health state changes of the target", null);
        Gauges up = new Gauges("bng_target_up", "1 when the target is enabled and its checks say up, else 0");
        StateSetSnapshot.Builder state = StateSetSnapshot.builder().name("bng_target_health_state")
            .help("Health of the target: unknown (no check passed yet), up, down, or disabled (not enabled)");
        for (TargetDef d : c.targets().values()) {
            Labels l = Labels.of("target", Integer.toString(d.id()), "address", Names.target(d));
            SessionTable.Counters k = sessions.targetCounters(d.id());
            p.add(l, k.packets());
            b.add(l, k.bytes());
            n.add(l, k.newSessions());
            a.add(l, k.active());
            t.add(l, health.transitions(d.id()));
            String s = d.state() == ObjectState.ENABLED ? TargetHealth.name(health.state(d.id())) : "disabled";
            up.add(l, "up".equals(s) ? 1 : 0);
            state.dataPoint(StateSetSnapshot.StateSetDataPointSnapshot.builder().labels(l)
                .state("unknown", "unknown".equals(s)).state("up", "up".equals(s)).state("down", "down".equals(s))
                .state("disabled", "disabled".equals(s)).build());
        }
        out.add(p.build());
        out.add(b.build());
        out.add(n.build());
        out.add(a.build());
        out.add(t.build());
        out.add(up.build());
        out.add(state.build());
    }

    private void ports(Configuration c, List<MetricSnapshot> out) {
        Counters r = new Counters("bng_port_received_frames", "Frames received by the port's driver", null);
        Counters s = new Counters("bng_port_sent_frames", "Frames sent by the port's driver", null);
        Counters d = new Counters("bng_port_dropped_frames",
            "Frames lost at the port: kernel drops, frames cut by the snapshot length, failed sends", null);
        Gauges up = new Gauges("bng_port_up", "1 when the interface is open and its thread runs");
        for (InterfaceDef i : c.interfaces().values()) {
            Ports.PortCounters k = ports.counters(i.id());
            Labels l = Labels.of("port", Integer.toString(i.id()), "interface", i.name() == null ? "" : i.name());
            up.add(l, ports.isUp(i.id()) ? 1 : 0);
            if (k != null) {
                r.add(l, k.received());
                s.add(l, k.sent());
                d.add(l, k.dropped());
            }
        }
        out.add(r.build());
        out.add(s.build());
        out.add(d.build());
        out.add(up.build());
    }

    private void processors(List<MetricSnapshot> out) {
        Counters p = new Counters("bng_processor_packets", "Frames a packet processor was called for", null);
        Counters h = new Counters("bng_processor_handled_packets", "Frames a processor handled (sent, consumed, dropped)", null);
        Counters f = new Counters("bng_processor_failures", "Calls of a processor that threw", null);
        Counters t = new Counters("bng_processor_seconds",
            "Time spent in a processor, estimated from 1 frame in 16 (as show processors)", Unit.SECONDS);
        for (PacketBus.ProcessorInfo i : bus.processors()) {
            Labels l = Labels.of("processor", i.name(), "module", i.module() == null ? "" : i.module(), "band", i.band());
            p.add(l, i.packets());
            h.add(l, i.handled());
            f.add(l, i.failures());
            t.add(l, i.nanos() / 1e9);
        }
        PacketBus.BusCounters b = bus.counters();
        Counters frames = new Counters("bng_bus_frames", "Frames the bus dispatched, by outcome", null);
        frames.add(Labels.of("outcome", "handled"), b.handled());
        frames.add(Labels.of("outcome", "unhandled"), b.unhandled());
        frames.add(Labels.of("outcome", "malformed"), b.malformed());
        out.add(p.build());
        out.add(h.build());
        out.add(f.build());
        out.add(t.build());
        out.add(frames.build());
    }

    private void sessionTable(List<MetricSnapshot> out) {
        Gauges size = new Gauges("bng_session_table_sessions", "Sessions in the table now");
        size.add(Labels.EMPTY, sessions.size());
        Gauges cap = new Gauges("bng_session_table_capacity_sessions", "Capacity of the session table (set sessions)");
        cap.add(Labels.EMPTY, sessions.capacity());
        Gauges fill = new Gauges("bng_session_table_fill_ratio", "Sessions now over capacity, 0..1");
        fill.add(Labels.EMPTY, sessions.capacity() == 0 ? 0 : (double) sessions.size() / sessions.capacity());
        Counters refused = new Counters("bng_session_table_refused_sessions", "New sessions refused because the table was full", null);
        refused.add(Labels.EMPTY, sessions.refused());
        out.add(size.build());
        out.add(cap.build());
        out.add(fill.build());
        out.add(refused.build());
    }

    /** A counter family; the client appends {@code _total}. */
    private static final class Counters {
        private final CounterSnapshot.Builder b;

        Counters(String name, String help, Unit unit) {
            b = CounterSnapshot.builder().name(name).help(help);
            if (unit != null) {
                b.unit(unit);
            }
        }

        void add(Labels l, double v) {
            b.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(v).build());
        }

        CounterSnapshot build() {
            return b.build();
        }
    }

    private static final class Gauges {
        private final GaugeSnapshot.Builder b;

        Gauges(String name, String help) {
            b = GaugeSnapshot.builder().name(name).help(help);
        }

        void add(Labels l, double v) {
            b.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(v).build());
        }

        GaugeSnapshot build() {
            return b.build();
        }
    }
}
