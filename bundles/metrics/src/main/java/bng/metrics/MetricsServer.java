package bng.metrics;

import bng.core.api.ConfigListener;
import bng.core.api.PacketBus;
import bng.core.api.Ports;
import bng.core.api.RunningConfig;
import bng.core.api.SessionTable;
import bng.core.api.ShowTopic;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import bng.core.config.Setting;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The local HTTP listener of {@code set metricsport} on {@code set metricsaddr}: {@code /metrics}
 * (Prometheus text format 0.0.4), {@code /} (the status page) and {@code /status.json}. It follows
 * the configuration: bound, moved or closed at each commit that changes those two settings.
 *
 * <p>The JDK's own HTTP server on one thread: scrapes are rare and small, and it is in every JDK
 * (module {@code jdk.httpserver}), so the runtime carries no web stack.
 */
@Component(service = {ConfigListener.class, ShowTopic.class}, immediate = true,
    property = {ShowTopic.TOPIC + "=metrics", ShowTopic.DESCRIPTION + "=the metrics and status page listener"})
public final class MetricsServer implements ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(MetricsServer.class.getName());

    @Reference
    RunningConfig running;
    @Reference
    SessionTable sessions;
    @Reference
    TargetHealth health;
    @Reference
    Ports ports;
    @Reference
    PacketBus bus;

    private HttpServer server;
    private ExecutorService executor;
    private InetSocketAddress bound;
    private String failure;
    private final java.util.concurrent.atomic.AtomicLong scrapes = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public synchronized void configurationChanged(Configuration previous, Configuration current) {
        int port = (int) current.setting(Setting.METRICSPORT);
        InetSocketAddress wanted = port == 0 ? null : new InetSocketAddress(current.address(Setting.METRICSADDR), port);
        if (Objects.equals(wanted, bound)) {
            return;
        }
        stop();
        if (wanted != null) {
            start(wanted);
        }
    }

    /** The address the listener is bound to (port resolved), or null. */
    synchronized InetSocketAddress address() {
        return server == null ? null : server.getAddress();
    }

    private void start(InetSocketAddress at) {
        BngCollector collector = new BngCollector(running::current, sessions, health, ports, bus);
        StatusJson status = new StatusJson(running::current, sessions, health);
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        try {
            HttpServer s = HttpServer.create(at, 8);
            s.createContext("/metrics", x -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream(8192);
                writer.write(b, collector.collect());
                scrapes.incrementAndGet();
                reply(x, 200, writer.getContentType(), b.toByteArray());
            });
            s.createContext("/status.json", x -> reply(x, 200, "application/json",
                status.render(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8)));
            s.createContext("/", x -> {
                String path = x.getRequestURI().getPath();
                if (path.equals("/") || path.equals("/index.html")) {
                    reply(x, 200, "text/html; charset=utf-8", resource("status.html"));
                } else {
                    reply(x, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
                }
            });
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bng-metrics");
                t.setDaemon(true);
                return t;
            });
            s.setExecutor(executor);
            s.start();
            server = s;
            bound = at;
            LOG.log(System.Logger.Level.INFO, "metrics and status page on http://{0}/",
                format(s.getAddress()));
        } catch (IOException | RuntimeException e) {
            if (executor != null) {
                executor.shutdownNow();
                executor = null;
            }
            // remembered, so the next commit does not retry the same address until it changes
            bound = at;
            failure = e.getMessage();
            LOG.log(System.Logger.Level.ERROR, "metrics listener on {0}: {1}", format(at), e.getMessage());
        }
    }

    static String format(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip instanceof java.net.Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + a.getPort();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = MetricsServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static void reply(HttpExchange x, int code, String type, byte[] body) throws IOException {
        try (x) {
            x.getResponseHeaders().set("Content-Type", type);
            x.getResponseHeaders().set("Cache-Control", "no-store");
            if (x.getRequestMethod().equals("HEAD")) {
                x.sendResponseHeaders(code, -1);
                return;
            }
            x.sendResponseHeaders(code, body.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
    }

    private void stop() {
        if (server != null) {
            server.stop(0);
            LOG.log(System.Logger.Level.INFO, "metrics listener closed");
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        server = null;
        executor = null;
        bound = null;
        failure = null;
    }

    @Override
    public synchronized void show(java.util.List<String> args, StringBuilder out) {
        if (server != null) {
            String at = "http://" + format(server.getAddress());
            out.append("listening  ").append(at).append("/metrics (Prometheus), ").append(at).append("/ (status page)\n");
            out.append("scrapes    ").append(scrapes.get()).append('\n');
        } else if (bound != null) {
            out.append("failed     ").append(format(bound)).append(": ").append(failure).append('\n');
        } else {
            out.append("no listener (set metricsport PORT opens one, on set metricsaddr, 127.0.0.1 by default)\n");
        }
    }
}
