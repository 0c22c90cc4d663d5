package bng.core.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Receive merging off before a port opens. GRO/LRO hand the capture frames larger than the MTU
 * (segments merged by the kernel or the NIC), which bng could not send on again
 * (packet-io.md pitfall 10). There is no sysfs view of these features, so this runs
 * {@code ethtool}; a port that cannot be made safe is not opened. In core so that every driver of
 * real interfaces (raw, pcap) shares one implementation.
 */
public final class Offloads {
    private static final System.Logger LOG = System.getLogger(Offloads.class.getName());
    private static final long TIMEOUT_SECONDS = 5;

    private Offloads() {}

    public static void disableReceiveMerging(String name) throws IOException {
        String command = "ethtool -K " + name + " gro off lro off";
        Result set = run(List.of("ethtool", "-K", name, "gro", "off", "lro", "off"), command);
        if (set.exit == 0) {
            LOG.log(System.Logger.Level.INFO, "{0}: receive merging off ({1})", name, command);
            return;
        }
        // ethtool fails when one feature cannot be changed; what counts is that both are off.
        Result show = run(List.of("ethtool", "-k", name), command);
        if (show.exit == 0 && isOff(show.output, "generic-receive-offload") && isOff(show.output, "large-receive-offload")) {
            LOG.log(System.Logger.Level.INFO, "{0}: receive merging already off ({1} said: {2})", name, command,
                set.output.strip());
            return;
        }
        throw new IOException(name + ": cannot switch GRO/LRO off (merged frames cannot be re-sent): `" + command
            + "` said: " + set.output.strip() + "; run it by hand and start again");
    }

    public static boolean isOff(String features, String feature) {
        for (String line : features.split("\n")) {
            String l = line.strip();
            if (l.startsWith(feature + ":")) {
                return l.substring(feature.length() + 1).strip().startsWith("off");
            }
        }
        return false;
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> argv, String purpose) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("ethtool is not installed (apt-get install ethtool): bng needs `" + purpose
                + "` before it opens the interface (merged frames cannot be re-sent)");
        }
        try {
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("`" + String.join(" ", argv) + "` did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running `" + String.join(" ", argv) + "`");
        }
    }
}
