package bng.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code bng [-i N] -g OID [N]} and {@code bng [-i N] -n OID [N]}: BalanceNG's helpers for
 * Net-SNMP's {@code pass} directive ({@code pass .1.3.6.1.4.1.2771 /opt/bng/bin/bng} in
 * snmpd.conf; snmpd adds -g or -n and the OID). The running instance answers {@code snmp get|next
 * OID} over its control socket; the three lines (OID, type, value) are printed as they come, and
 * nothing at all when there is no such object or no instance, which is what pass expects.
 */
final class SnmpPass {
    private SnmpPass() {}

    /** True when the arguments are a pass request ({@code -g} or {@code -n} present). */
    static boolean applies(String[] args) {
        for (String a : args) {
            if (a.equals("-g") || a.equals("-n")) {
                return true;
            }
        }
        return false;
    }

    static int run(String[] args, Path runDir, PrintStream out, PrintStream err) {
        String verb = null;
        String oid = null;
        Integer instance = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-g", "-n" -> {
                    if (verb != null || i + 1 == args.length) {
                        return usage(err);
                    }
                    verb = args[i].equals("-g") ? "get" : "next";
                    oid = args[++i];
                }
                case "-i" -> {
                    if (i + 1 == args.length || (instance = number(args[++i])) == null) {
                        return usage(err);
                    }
                }
                default -> {
                    Integer n = number(args[i]);
                    if (n == null || instance != null && !instance.equals(n)) {
                        return usage(err);
                    }
                    instance = n;
                }
            }
        }
        if (oid == null) {
            return usage(err);
        }
        if (!oid.matches("\\.?[0-9]+(\\.[0-9]+)*")) {
            err.println("bng: not an OID: " + oid);
            return 1;
        }
        InstanceFiles files = new InstanceFiles(runDir, instance == null ? 0 : instance);
        try (ControlClient client = ControlClient.connect(files.socket())) {
            ControlClient.Reply reply = client.send("snmp " + verb + " " + oid);
            if (reply.status() == ControlClient.Status.ERROR) {
                err.print(reply.output());
                return 1;
            }
            out.print(reply.output());
            return 0;
        } catch (IOException e) {
            err.println("bng: " + Main.describe(e, files.socket()));
            return 1;
        }
    }

    private static Integer number(String s) {
        try {
            int n = Integer.parseInt(s);
            return n < 0 ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int usage(PrintStream err) {
        err.println("usage: bng [-i instance] -g|-n OID [instance]");
        return 1;
    }
}
