package bng.vrrp;

import bng.core.api.ConfigListener;
import bng.core.api.Macs;
import bng.core.api.Mastership;
import bng.core.api.NeighbourCache;
import bng.core.api.Ports;
import bng.core.api.SessionTable;
import bng.core.api.ShowTopic;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.Setting;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * bngsync's sending end (reference §6: {@code network N syncpeer ADDR}): while this node is master,
 * every {@link #TICK_MILLIS} ms the session table's new changes ({@link SessionTable#changes}) go
 * to the peer's {@code real} in numbered datagrams of up to {@link SyncFrames#MAX_RECORDS} records,
 * from our {@code real} of the first enabled network with a syncpeer, through {@link Ports#send}.
 * The whole table is sent when this node starts sending (becomes master), when the journal overran,
 * when the peer asks (it lost a datagram or just started) and, with {@code set sessionautoresync 1}, every {@link #AUTORESYNC_MILLIS} ms (which also
 * refreshes the peer's idle timers). A backup only receives ({@link SyncReceiver}) and, with
 * {@code set sessionsyncack 1}, acknowledges each datagram. One thread, {@code bng-sync}.
 */
@Component(immediate = true, service = {ConfigListener.class, ShowTopic.class},
    property = {ShowTopic.TOPIC + "=bngsync", ShowTopic.DESCRIPTION + "=session synchronisation with the peer node"})
public final class BngSync implements ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(BngSync.class.getName());
    static final long TICK_MILLIS = 100;
    static final long AUTORESYNC_MILLIS = 60_000;
    /** A resync the peer asks for again and again is answered at most this often. */
    static final long RESYNC_SPACING_MILLIS = 2_000;

    @Reference
    Ports ports;
    @Reference
    NeighbourCache neighbours;
    @Reference
    Mastership mastership;
    @Reference
    SessionTable sessions;
    @Reference
    SyncReceiver receiver;

    LongSupplier clock = () -> System.nanoTime() / 1_000_000;

    /** The sync link of a configuration; null when no enabled network has a syncpeer. */
    record Link(int networkId, int real, int peer, boolean autoresync, boolean ack) {}

    private ScheduledExecutorService scheduler;
    private volatile Link link;
    private final byte[] buf = new byte[SyncFrames.MAX_FRAME];
    private final SessionTable.ChangeVisitor change = this::add;
    private final SessionTable.Visitor walk = (client, clientPort, server, target, state, idle) ->
            add(SessionTable.key(client, clientPort, server), target, state, SessionTable.CHANGE_ADDED);
    private int pending;
    private long cursor = -1;
    private int seq;
    private long lastResync = Long.MIN_VALUE / 2;
    private long nextAutoresync;

    long sentPackets;
    long sentAdded;
    long sentRemoved;
    long resyncs;
    long sendFailures;

    @Activate
    void activate() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bng-sync");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        receiver.expect = SyncReceiver.Expect.NONE;
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        Link l = link(current);
        link = l;
        receiver.expect = l == null ? SyncReceiver.Expect.NONE : new SyncReceiver.Expect(l.peer(), l.real(), l.ack());
    }

    static Link link(Configuration c) {
        for (NetworkDef n : c.networks().values()) {
            if (n.state() == ObjectState.ENABLED && n.syncpeer() != null && n.real() != null) {
                return new Link(n.id(), Ipv4.of(n.real()), Ipv4.of(n.syncpeer()),
                        c.setting(Setting.SESSIONAUTORESYNC) == 1, c.setting(Setting.SESSIONSYNCACK) == 1);
            }
        }
        return null;
    }

    /** One round on the scheduler thread; a failure is logged and the next round runs anyway. */
    void tick() {
        try {
            round(clock.getAsLong());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "bngsync round failed", e);
        }
    }

    void round(long now) {
        Link l = link;
        if (l == null) {
            cursor = -1;
            return;
        }
        long ack = receiver.ackDue.getAndSet(-1);
        if (ack >= 0) {
            send(l, SyncFrames.TYPE_ACK, (int) ack, 0);
        }
        if (!mastership.isMaster()) {
            if (receiver.askResync.getAndSet(false)) {
                send(l, SyncFrames.TYPE_RESYNC, 0, 0);
            }
            cursor = -1; // a backup sends nothing; as master it starts from the changes made then
            return;
        }
        receiver.askResync.set(false);
        boolean full = cursor < 0; // a new sender: the peer gets the whole table once
        if (cursor < 0) {
            cursor = sessions.changeSequence();
        }
        if (receiver.resyncWanted.get() && now - lastResync >= RESYNC_SPACING_MILLIS) {
            receiver.resyncWanted.set(false);
            full = true;
        }
        if (l.autoresync() && now >= nextAutoresync) {
            full = true;
        }
        long next = sessions.changes(cursor, change);
        if (next < 0) {
            full = true; // the journal overran: only the whole table is right
            pending = 0;
            next = sessions.changeSequence();
        }
        cursor = next;
        if (full) {
            lastResync = now;
            nextAutoresync = now + AUTORESYNC_MILLIS;
            resyncs++;
            sessions.forEach(-1, -1, 0, true, walk);
        }
        flush(l);
    }

    private void add(long key, int target, int state, int op) {
        // A proxied connection's port goes with it: the new master must map the target's replies
        // back before the client side sends again (in a download the target sends first).
        int proxyPort = op == SessionTable.CHANGE_ADDED ? sessions.heldProxyPort(key, target) : 0;
        SyncFrames.record(buf, pending++, key, target, op, state, proxyPort);
        if (op == SessionTable.CHANGE_ADDED) {
            sentAdded++;
        } else {
            sentRemoved++;
        }
        if (pending == SyncFrames.MAX_RECORDS) {
            flush(link);
        }
    }

    private void flush(Link l) {
        if (pending > 0 && l != null) {
            send(l, SyncFrames.TYPE_SESSIONS, seq++, pending);
        }
        pending = 0;
    }

    private void send(Link l, int type, int sequence, int count) {
        int port = ports.portOfNetwork(l.networkId());
        long mac = port < 0 ? -1 : ports.mac(port);
        if (mac < 0) {
            sendFailures++;
            return;
        }
        long peerMac = neighbours.lookupIpv4(l.peer());
        int len = SyncFrames.finish(buf, type, sequence, count, mac, peerMac < 0 ? Macs.BROADCAST : peerMac, l.real(),
                l.peer());
        if (ports.send(port, buf, len)) {
            sentPackets++;
        } else {
            sendFailures++;
        }
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        try {
            scheduler.submit(() -> render(out)).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            out.append("  bngsync is not answering: ").append(e).append('\n');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** BalanceNG's lines (reference §11) first, then bng's counters. */
    void render(StringBuilder out) {
        Link l = link;
        if (l == null) {
            out.append("  bngsync is not active (no enabled network has a syncpeer)\n");
            return;
        }
        out.append("  bngsync is active\n");
        out.append("  we are talking (and expecting) IPv4 UDP port ").append(SyncFrames.PORT).append('\n');
        long mac = neighbours.lookupIpv4(l.peer());
        out.append(mac < 0 ? "  the MAC address for syncpeer is not known (sending to broadcast)\n"
                : "  the MAC address for syncpeer is known as " + Macs.format(mac) + "\n");
        SyncReceiver r = receiver;
        out.append("  bngsync IPv4 packets received: ").append(r.packets).append('\n');
        out.append("  bngsync IPv6 packets received: 0\n");
        out.append("  syncpeer ").append(Ipv4.format(l.peer())).append(" from ").append(Ipv4.format(l.real()))
                .append(", ").append(mastership.isMaster() ? "sending (master)" : "receiving (backup)")
                .append(", autoresync ").append(l.autoresync() ? "on" : "off").append(", ack ")
                .append(l.ack() ? "on" : "off").append('\n');
        out.append("  sent: packets ").append(sentPackets).append(", sessions added ").append(sentAdded)
                .append(", removed ").append(sentRemoved).append(", full resyncs ").append(resyncs)
                .append(", acknowledged ").append(r.acks).append(", send failures ").append(sendFailures).append('\n');
        out.append("  received: sessions added ").append(r.added).append(", removed ").append(r.removed)
                .append(", refused ").append(r.refused).append(", sequence gaps ").append(r.gaps)
                .append(", resync requests ").append(r.resyncRequests).append(", malformed ").append(r.malformed)
                .append(", proxy ports refused ").append(r.proxyPortsRefused).append('\n');
    }
}
