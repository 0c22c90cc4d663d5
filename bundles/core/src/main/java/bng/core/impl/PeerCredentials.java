package bng.core.impl;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;

/**
 * Who is at the other end of a control connection: the kernel's {@code SO_PEERCRED} (the uid and
 * gid of the process that connected), read through {@code jdk.net.ExtendedSocketOptions}. That
 * package is looked up from the platform class loader rather than imported: the framework need not
 * export it. A peer is allowed when it is root, the user bng runs as, or — with a control group —
 * has that group as its primary group or is listed as its member in {@code /etc/group}. Fails
 * closed: without credentials nobody but the file modes' choice gets through.
 */
final class PeerCredentials {
    private static final SocketOption<?> SO_PEERCRED;
    private static final Method USER;
    private static final Method GROUP;

    static {
        SocketOption<?> option = null;
        Method user = null;
        Method group = null;
        try {
            ClassLoader platform = ClassLoader.getPlatformClassLoader();
            option = (SocketOption<?>) platform.loadClass("jdk.net.ExtendedSocketOptions").getField("SO_PEERCRED").get(null);
            Class<?> principal = platform.loadClass("jdk.net.UnixDomainPrincipal");
            user = principal.getMethod("user");
            group = principal.getMethod("group");
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.getLogger(PeerCredentials.class.getName()).log(System.Logger.Level.WARNING,
                "SO_PEERCRED is not available: control connections are refused ({0})", e.toString());
        }
        SO_PEERCRED = option;
        USER = user;
        GROUP = group;
    }

    private PeerCredentials() {
    }

    /** Null when the peer may use the prompt, else why not (one line, for the peer and the log). */
    static String refusal(SocketChannel c, String controlGroup) {
        if (SO_PEERCRED == null) {
            return "peer credentials (SO_PEERCRED) are not available on this system";
        }
        String user;
        String group;
        try {
            Object principal = c.getOption(SO_PEERCRED);
            user = ((UserPrincipal) USER.invoke(principal)).getName();
            group = ((GroupPrincipal) GROUP.invoke(principal)).getName();
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            return "cannot read the peer's credentials: " + e;
        }
        if (allowed(user, group, controlGroup, System.getProperty("user.name"), Path.of("/etc/group"))) {
            return null;
        }
        return "user " + user + " (group " + group + ") is " + (controlGroup == null
            ? "not root: the control socket is root only (BNG_CONTROL_GROUP names a group that may use it too)"
            : "neither root nor in the control group " + controlGroup);
    }

    static boolean allowed(String user, String group, String controlGroup, String self, Path groupFile) {
        if (user.equals("root") || user.equals("0") || user.equals(self)) {
            return true;
        }
        if (controlGroup == null) {
            return false;
        }
        if (group.equals(controlGroup)) {
            return true;
        }
        try {
            // name:password:gid:member,member
            for (String line : Files.readAllLines(groupFile)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[0].equals(controlGroup) && Arrays.asList(f[3].split(",")).contains(user)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
