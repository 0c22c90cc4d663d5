package bng.itests.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands with a bounded wait and keeps what they printed. */
final class Sh {
    record Result(int exit, String out) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Sh() {}

    static Result run(long timeoutSeconds, String... cmd) {
        return run(timeoutSeconds, null, List.of(cmd));
    }

    static Result run(long timeoutSeconds, String stdin, List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            // Read in a virtual thread so a chatty process never blocks on a full pipe.
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.append("[read failed: ").append(e.getMessage()).append(']');
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reader.join(1000);
                return new Result(-1, out + "[timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + "]");
            }
            reader.join(5000);
            return new Result(p.exitValue(), out.toString());
        } catch (IOException e) {
            return new Result(-2, "cannot run " + cmd + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-3, "interrupted");
        }
    }

    /** Runs and fails the test with the command's output when it does not exit 0. */
    static String must(String... cmd) {
        Result r = run(60, cmd);
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", cmd) + " -> exit " + r.exit() + ": " + r.out());
        }
        return r.out();
    }

    /** {@code ip netns exec NS cmd...} */
    static String[] in(String ns, String... cmd) {
        List<String> l = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        l.addAll(Arrays.asList(cmd));
        return l.toArray(String[]::new);
    }
}
