package bng.itests.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives headless Chromium through the DevTools protocol, run as its own JVM inside bng's network
 * namespace ({@code ip netns exec NS java -cp test-classes ...}), where the status page listens on
 * loopback: opens the page, prints what it shows at two moments ({@code SAMPLE n TEXT}) and saves
 * a screenshot. Arguments: URL, screenshot file, user-data dir, seconds between samples.
 */
public final class ChromiumDriver {
    /**
     * What the page shows, as one line without quotes: target rows, then per plotted target its
     * number of points / latest rate in bytes/s / x of its oldest point (which slides left as time passes).
     */
    static final String PROBE = "(() => { const rows = [...document.querySelectorAll('#targets tbody tr')]"
        + ".map(r => r.dataset.target + ':' + r.dataset.state).join(',');"
        + " const lines = [...document.querySelectorAll('#plot polyline')].map(p => p.dataset.target + '='"
        + " + p.getAttribute('points').split(' ').length + '/' + Math.round(series.get(+p.dataset.target).slice(-1)[0].rate)"
        + " + '/' + p.getAttribute('points').split(' ')[0].split(',')[0]).join('|');"
        + " return 'rows=' + rows + ';lines=' + lines + ';polls=' + polls; })()";

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path shot = Path.of(args[1]);
        Path profile = Path.of(args[2]);
        long gap = Long.parseLong(args[3]);
        Files.createDirectories(profile);
        Process chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--no-first-run", "--user-data-dir=" + profile,
            "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1000,900", url)
            .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            Path active = profile.resolve("DevToolsActivePort");
            for (int i = 0; i < 300 && !Files.exists(active); i++) {
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(active).get(0).strip());
            HttpClient http = HttpClient.newHttpClient();
            String ws = null;
            for (int i = 0; i < 50 && ws == null; i++) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"",
                    Pattern.DOTALL).matcher(list);
                if (m.find()) {
                    ws = m.group(1);
                } else {
                    Thread.sleep(100);
                }
            }
            if (ws == null) {
                throw new IllegalStateException("no page target in chromium");
            }
            Cdp cdp = new Cdp(http, ws);
            Thread.sleep(gap * 1000);
            System.out.println("SAMPLE 1 " + cdp.evaluate(PROBE));
            Thread.sleep(gap * 1000);
            System.out.println("SAMPLE 2 " + cdp.evaluate(PROBE));
            String png = cdp.call("Page.captureScreenshot", "{\"format\":\"png\"}");
            Matcher data = Pattern.compile("\"data\"\\s*:\\s*\"([^\"]+)\"").matcher(png);
            if (!data.find()) {
                throw new IllegalStateException("no screenshot: " + png.substring(0, Math.min(200, png.length())));
            }
            Files.write(shot, Base64.getDecoder().decode(data.group(1)));
            System.out.println("SCREENSHOT " + shot);
        } finally {
            chromium.destroy();
            if (!chromium.waitFor(5, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
            }
        }
    }

    /** One DevTools session over a WebSocket: a call sends {id, method, params} and waits for its id. */
    static final class Cdp implements WebSocket.Listener {
        private final WebSocket socket;
        private final StringBuilder partial = new StringBuilder();
        private final java.util.Map<Integer, CompletableFuture<String>> waiting = new java.util.concurrent.ConcurrentHashMap<>();
        private int next = 1;

        Cdp(HttpClient http, String url) {
            socket = http.newWebSocketBuilder().buildAsync(URI.create(url), this).join();
        }

        String evaluate(String expression) throws Exception {
            String r = call("Runtime.evaluate", "{\"expression\":" + quote(expression) + ",\"returnByValue\":true}");
            Matcher m = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]*)\"").matcher(r);
            return m.find() ? m.group(1) : "ERROR " + r;
        }

        String call(String method, String params) throws Exception {
            int id = next++;
            CompletableFuture<String> f = new CompletableFuture<>();
            waiting.put(id, f);
            socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).join();
            return f.get(20, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                Matcher m = Pattern.compile("^\\{\"id\":(\\d+)").matcher(message);
                if (m.find()) {
                    CompletableFuture<String> f = waiting.remove(Integer.parseInt(m.group(1)));
                    if (f != null) {
                        f.complete(message);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    private ChromiumDriver() {}

    static List<String> command(String java, String classpath, String url, String shot, String profile, int gap) {
        return List.of(java, "-cp", classpath, ChromiumDriver.class.getName(), url, shot, profile, Integer.toString(gap));
    }
}
