package bng.core.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every multicast frame to the port, before it opens. IPv6 neighbour solicitations for bng's
 * addresses go to their solicited-node groups (33:33:ff:xx:xx:xx, RFC 4861 §7.2.2), which the
 * kernel never joined since bng's addresses are not the kernel's. A NIC filters unjoined groups in
 * hardware, so the capture would not see them; a veth filters nothing. {@code ip link set NAME
 * allmulticast on} (IFF_ALLMULTI) lets them all in. Best effort: an interface that refuses keeps
 * working for IPv4 and unicast IPv6, and the warning says what to run.
 */
public final class AllMulticast {
    private static final System.Logger LOG = System.getLogger(AllMulticast.class.getName());
    /** IFF_ALLMULTI in /sys/class/net/NAME/flags (linux/if.h). */
    public static final int IFF_ALLMULTI = 0x200;
    private static final long TIMEOUT_SECONDS = 5;

    private AllMulticast() {}

    public static void enable(String name) {
        if (isOn(name)) {
            return;
        }
        List<String> argv = List.of("ip", "link", "set", name, "allmulticast", "on");
        String output;
        int exit;
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                output = "no answer in " + TIMEOUT_SECONDS + " s";
                exit = -1;
            } else {
                output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                exit = p.exitValue();
            }
        } catch (IOException e) {
            output = e.getMessage();
            exit = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            output = "interrupted";
            exit = -1;
        }
        if (exit == 0) {
            LOG.log(System.Logger.Level.INFO, "{0}: all multicast frames received (ip link set {0} allmulticast on),"
                + " for IPv6 neighbour discovery", name);
        } else {
            LOG.log(System.Logger.Level.WARNING, "{0}: `{1}` failed ({2}): on a NIC that filters multicast, IPv6"
                + " neighbour solicitations to bng's addresses may not arrive; run it by hand", name,
                String.join(" ", argv), output);
        }
    }

    public static boolean isOn(String name) {
        try {
            String flags = Files.readString(Path.of("/sys/class/net", name, "flags")).strip();
            return (Integer.decode(flags) & IFF_ALLMULTI) != 0;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }
}
