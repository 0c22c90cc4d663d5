package bng.core.impl;

import bng.core.config.ConfigParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bng control}'s other end: a UNIX-domain socket in the run directory, one virtual thread per
 * connection; no TCP port. Only root (and the user bng runs as) may use it, or also the members of
 * the control group when one is given ({@code BNG_CONTROL_GROUP}, framework property
 * {@code bng.controlgroup}): the run directory is mode 0700 (0750 and that group's with one), the
 * socket 0600 (0660), and every connection's peer credentials ({@code SO_PEERCRED}) are checked
 * too, so a socket opened up by mistake still refuses others, with a message saying why. Protocol: every answer ends with one
 * status line that starts with NUL — {@code READY prompt}, {@code ERROR prompt}, {@code MORE
 * prompt} (a block is open) or {@code BYE}. The pid file is written once the socket is bound,
 * after the configured modules have started, so "the socket answers" means "the instance is up".
 */
@Component(immediate = true)
public final class ControlServer {
    private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());
    private static final int MAX_STATEMENT = 1 << 20;

    @Reference
    CommandShell shell;

    @Reference
    ModuleManagerImpl modules;

    private BundleContext context;
    private volatile ServerSocketChannel server;
    private Path socket;
    private Path pidFile;
    private Thread acceptor;
    private String group;

    @Activate
    void activate(BundleContext ctx) {
        this.context = ctx;
        String runDir = ctx.getProperty("bng.rundir");
        if (runDir == null || runDir.isBlank()) {
            return; // embedded (tests): no control socket
        }
        String instance = ctx.getProperty("bng.instance");
        instance = instance == null || instance.isBlank() ? "0" : instance.trim();
        Path dir = Path.of(runDir);
        socket = dir.resolve("bng." + instance + ".sock");
        pidFile = dir.resolve("bng." + instance + ".pid");
        String g = ctx.getProperty("bng.controlgroup");
        group = g == null || g.isBlank() ? null : g.strip();
        acceptor = Thread.ofPlatform().daemon().name("bng-control").start(() -> serve(dir));
    }

    private void serve(Path dir) {
        try {
            modules.awaitIdle(60, TimeUnit.SECONDS);
            Files.createDirectories(dir);
            GroupPrincipal owners = group == null ? null
                : dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            if (owners != null) {
                Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(owners);
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(owners == null ? "rwx------" : "rwxr-x---"));
            Files.deleteIfExists(socket); // a stale socket of a killed instance
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(socket));
            if (owners != null) {
                Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(owners);
            } else { // no group: the directory goes back to bng's own (the socket's), should an earlier start have set one
                Files.getFileAttributeView(dir, PosixFileAttributeView.class)
                    .setGroup(Files.readAttributes(socket, PosixFileAttributes.class).group());
            }
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(owners == null ? "rw-------" : "rw-rw----"));
            server = ch;
            Files.writeString(pidFile, NativeProcess.pid() + "\n");
            LOG.log(System.Logger.Level.INFO, "control socket {0} ready ({1})", socket,
                group == null ? "root only" : "root and group " + group);
            while (ch.isOpen()) {
                SocketChannel c = ch.accept();
                Thread.ofVirtual().name("bng-control-session").start(() -> session(c));
            }
        } catch (IOException e) {
            if (server != null && server.isOpen() || server == null) {
                LOG.log(System.Logger.Level.ERROR, "control socket failed: " + e.getMessage());
            }
        }
    }

    private void session(SocketChannel c) {
        try (c; BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
             OutputStream out = Channels.newOutputStream(c)) {
            String refused = PeerCredentials.refusal(c, group);
            if (refused != null) {
                LOG.log(System.Logger.Level.WARNING, "control connection refused: " + refused);
                write(out, "control refused: " + refused + "\n");
                status(out, "BYE", "");
                return;
            }
            status(out, "READY", shell.prompt());
            StringBuilder pending = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (pending.isEmpty()) {
                    String word = line.strip();
                    if (word.equals("quit") || word.equals("exit")) {
                        status(out, "BYE", "");
                        return;
                    }
                    if (word.equals("shutdown")) {
                        write(out, "BalanceNG: shutting down\n");
                        status(out, "BYE", "");
                        shutdown();
                        return;
                    }
                }
                pending.append(line).append('\n');
                if (pending.length() > MAX_STATEMENT) {
                    pending.setLength(0);
                    write(out, "error: statement longer than " + MAX_STATEMENT + " characters, discarded\n");
                    status(out, "ERROR", shell.prompt());
                    continue;
                }
                String text = pending.toString();
                if (ConfigParser.needsMore(text)) {
                    status(out, "MORE", "> ");
                    continue;
                }
                pending.setLength(0);
                CommandShell.Result r = shell.execute(text);
                write(out, r.output());
                status(out, r.ok() ? "READY" : "ERROR", shell.prompt());
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "control session ended: " + e.getMessage());
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        if (text.isEmpty()) {
            return;
        }
        // Output lines never start with NUL: that byte marks the status line.
        String clean = text.replace('\0', ' ');
        if (!clean.endsWith("\n")) {
            clean += "\n";
        }
        out.write(clean.getBytes(StandardCharsets.UTF_8));
    }

    private static void status(OutputStream out, String word, String prompt) throws IOException {
        out.write(("\0" + word + (prompt.isEmpty() ? "" : " " + prompt) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void shutdown() {
        Thread.ofPlatform().name("bng-shutdown").start(() -> {
            try {
                context.getBundle(0).stop();
            } catch (BundleException | IllegalStateException e) {
                LOG.log(System.Logger.Level.ERROR, "shutdown failed: " + e.getMessage());
                Runtime.getRuntime().halt(1);
            }
        });
    }

    @Deactivate
    void deactivate() {
        try {
            ServerSocketChannel ch = server;
            if (ch != null) {
                ch.close();
            }
            if (socket != null) {
                Files.deleteIfExists(socket);
                Files.deleteIfExists(pidFile);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cleaning up the control socket: " + e.getMessage());
        }
        if (acceptor != null) {
            acceptor.interrupt();
        }
    }
}
