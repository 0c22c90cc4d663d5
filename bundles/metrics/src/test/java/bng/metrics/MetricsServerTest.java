package bng.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.PacketBus;
import bng.core.api.PacketContext;
import bng.core.api.Ports;
import bng.core.api.ProcessorProperties;
import bng.core.api.RunningConfig;
import bng.core.api.SessionTable;
import bng.core.api.TargetHealth;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.Dispatcher;
import bng.core.impl.HealthBoard;
import bng.core.impl.PacketBusManager;
import bng.core.impl.SessionStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The listener as a scraper sees it: core's real session table, health board and bus (a real
 * frame dispatched through a processor), served over HTTP on loopback and parsed back as text.
 */
class MetricsServerTest {
    static final String CONFIG = """
        hostname lb1
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 { addr 198.18.0.0 mask 24 real 198.18.0.2 interface 1 }
        register network 1
        enable network 1
        server 1 { ipaddr 198.18.0.100 port 80 protocol tcp targets 1,2 }
        target 1 { ipaddr 198.18.0.11 port 80 tcpopen 80,3,10 dsr enable }
        target 2 { ipaddr 198.18.0.12 port 80 tcpopen 80,3,10 dsr enable }
        register server 1
        enable server 1
        register targets 1,2
        enable target 1
        """;
    /** An ARP request 198.18.0.16 asks for 198.18.0.2 (only to make the bus count a frame). */
    static final String ARP = "ffffffffffff02000000000a0806000108000604000102000000000ac6120010000000000000c6120002";

    SessionStore sessions;
    HealthBoard health;
    PacketBusManager bus;
    MetricsServer server;
    Configuration config;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        ConfigResult r = ConfigParser.parse("t.conf", CONFIG, Configuration.empty());
        assertTrue(r.ok(), r.errors().toString());
        config = r.configuration();
        sessions = new SessionStore(1000);
        health = new HealthBoard();
        bus = new PacketBusManager();
        server = new MetricsServer();
        server.sessions = sessions;
        server.health = health;
        server.bus = bus;
        server.ports = new OnePort();
        server.running = new Fixed();
    }

    @AfterEach
    void tearDown() {
        server.deactivate();
    }

    @Test
    void noListenerUntilMetricsportIsSet() {
        server.configurationChanged(Configuration.empty(), config);
        assertNull(server.address());
        StringBuilder out = new StringBuilder();
        server.show(java.util.List.of(), out);
        assertTrue(out.toString().startsWith("no listener"), out.toString());
    }

    @Test
    void aTakenPortIsReportedByShowMetrics() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Configuration on = ConfigParser.parse("on", "set metricsport " + taken.getLocalPort(), config).configuration();
            server.configurationChanged(config, on);
            assertNull(server.address());
            StringBuilder out = new StringBuilder();
            server.show(java.util.List.of(), out);
            assertTrue(out.toString().startsWith("failed     127.0.0.1:" + taken.getLocalPort() + ": "), out.toString());
        }
    }

    @Test
    void scrapeShowsCountersOfServersTargetsPortsProcessorsAndTheTable() throws Exception {
        long key = SessionTable.key(0xc6120010, 40000, 1);
        int slot = sessions.insert(key, 1, true, SessionTable.TCP_SYN);
        assertTrue(slot >= 0);
        sessions.count(1, 1, 1500);
        sessions.count(1, 1, 60);
        health.report(1, TargetHealth.UP, "tcpopen 80: connected");
        health.report(2, TargetHealth.DOWN, "tcpopen 80: connection refused");
        Runnable remove = bus.add(PacketContext::consume, Map.of(ProcessorProperties.NAME, "test.sink",
            ProcessorProperties.MODULE, "test", ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR));
        Dispatcher d = bus.newDispatcher("t");
        byte[] arp = HexFormat.of().parseHex(ARP);
        bng.core.api.Frame[] frames = {new bng.core.api.Frame(new byte[9234], 0)};
        System.arraycopy(arp, 0, frames[0].data(), 0, arp.length);
        frames[0].setLength(arp.length);
        for (int i = 0; i < 200 && bus.processors().isEmpty(); i++) {
            Thread.sleep(10); // the bus binds processors on a thread of its own
        }
        d.dispatch(frames, 1, 1, 0x02_00_00_00_00_01L);

        var at = listen();
        String text = scrape(at);
        StringBuilder shown = new StringBuilder();
        server.show(java.util.List.of(), shown);
        assertEquals("listening  http://127.0.0.1:" + at.getPort() + "/metrics (Prometheus), http://127.0.0.1:" + at.getPort()
            + "/ (status page)\nscrapes    1\n", shown.toString());

        assertTrue(text.contains("bng_server_bytes_total{address=\"198.18.0.100:80\",server=\"1\"} 1560.0\n"), text);
        assertTrue(text.contains("bng_server_packets_total{address=\"198.18.0.100:80\",server=\"1\"} 2.0\n"), text);
        assertTrue(text.contains("bng_server_up{address=\"198.18.0.100:80\",server=\"1\"} 1.0\n"), text);
        assertTrue(text.contains("bng_target_new_sessions_total{address=\"198.18.0.11:80\",target=\"1\"} 1.0\n"), text);
        assertTrue(text.contains("bng_target_active_sessions{address=\"198.18.0.11:80\",target=\"1\"} 1.0\n"), text);
        assertTrue(text.contains("bng_target_up{address=\"198.18.0.11:80\",target=\"1\"} 1.0\n"), text);
        // target 2 is registered, not enabled: its checks do not put it in service
        assertTrue(text.contains("bng_target_health_state{address=\"198.18.0.12:80\",target=\"2\",bng_target_health_state=\"disabled\"} 1\n"), text);
        assertTrue(text.contains("bng_target_health_transitions_total{address=\"198.18.0.12:80\",target=\"2\"} 1.0\n"), text);
        assertTrue(text.contains("bng_port_received_frames_total{interface=\"eth0\",port=\"1\"} 7.0\n"), text);
        assertTrue(text.contains("bng_port_dropped_frames_total{interface=\"eth0\",port=\"1\"} 2.0\n"), text);
        assertTrue(text.contains("bng_processor_packets_total{band=\"director\",module=\"test\",processor=\"test.sink\"} 1.0\n"), text);
        assertTrue(text.contains("# TYPE bng_processor_seconds_total counter\n"), text);
        assertTrue(text.contains("bng_session_table_capacity_sessions 1000.0\n"), text);
        assertTrue(text.contains("bng_session_table_fill_ratio 0.001\n"), text);
        d.close();
        remove.run();
    }

    @Test
    void statusJsonAndPageAreServed() throws Exception {
        sessions.count(1, 1, 1500);
        health.report(1, TargetHealth.UP, "tcpopen 80: connected");
        var at = listen();
        HttpResponse<String> json = get(at, "/status.json");
        assertEquals(200, json.statusCode());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
        String body = json.body();
        assertTrue(body.contains("\"hostname\":\"lb1\""), body);
        assertTrue(body.contains("{\"id\":1,\"address\":\"198.18.0.100:80\",\"state\":\"up\""), body);
        assertTrue(body.contains("{\"id\":1,\"address\":\"198.18.0.11:80\",\"state\":\"up\""), body);
        assertTrue(body.contains("\"reason\":\"tcpopen 80: connected\",\"packets\":1,\"bytes\":1500"), body);
        assertTrue(body.contains("{\"id\":2,\"address\":\"198.18.0.12:80\",\"state\":\"disabled\""), body);
        HttpResponse<String> page = get(at, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<svg id=\"plot\""));
        assertEquals(404, get(at, "/nothing").statusCode());
    }

    @Test
    void listenerMovesWithTheConfigurationAndCloses() throws Exception {
        var first = listen();
        int other = freePort();
        Configuration moved = ConfigParser.parse("m", "set metricsport " + other, config).configuration();
        server.configurationChanged(config, moved);
        assertEquals(other, server.address().getPort());
        assertEquals(200, get(server.address(), "/metrics").statusCode());
        Configuration off = ConfigParser.parse("o", "set metricsport 0", moved).configuration();
        server.configurationChanged(moved, off);
        assertNull(server.address());
        assertTrue(first.getPort() != other);
    }

    private java.net.InetSocketAddress listen() throws Exception {
        Configuration on = ConfigParser.parse("on", "set metricsport " + freePort(), config).configuration();
        config = on;
        server.configurationChanged(Configuration.empty(), on);
        var at = server.address();
        assertEquals("127.0.0.1", at.getAddress().getHostAddress());
        return at;
    }

    private String scrape(java.net.InetSocketAddress at) throws Exception {
        HttpResponse<String> r = get(at, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    private HttpResponse<String> get(java.net.InetSocketAddress at, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private final class Fixed implements RunningConfig {
        @Override
        public Configuration current() {
            return config;
        }

        @Override
        public String sourceFile() {
            return null;
        }

        @Override
        public ConfigResult apply(String sourceName, String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ConfigResult reload() {
            throw new UnsupportedOperationException();
        }
    }

    /** Port 1 open with fixed driver counters (the drivers' own counting is tested with them). */
    private static final class OnePort implements Ports {
        @Override
        public long mac(int port) {
            return port == 1 ? 0x02_00_00_00_00_01L : -1;
        }

        @Override
        public boolean isUp(int port) {
            return port == 1;
        }

        @Override
        public boolean send(int port, byte[] frame, int length) {
            return false;
        }

        @Override
        public int portOfNetwork(int networkId) {
            return networkId == 1 ? 1 : -1;
        }

        @Override
        public PortCounters counters(int port) {
            return port == 1 ? new PortCounters("eth0", 7, 5, 2) : null;
        }
    }
}
