package bng.vrrp;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import bng.core.api.SessionTable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * bngsync's receiving end on the fast path: UDP 10439 → 10439 from the configured syncpeer to our
 * {@code real}. Session records go straight into core's table ({@link SessionTable#insertSynced},
 * lock-free); acks and resync requests, and the wish to send them, are handed to {@link BngSync}'s
 * thread through atomics. A sequence gap (a lost datagram) asks the peer for a full resync.
 * Malformed datagrams are counted and dropped; other UDP passes on untouched.
 */
@Component(service = {PacketProcessor.class, SyncReceiver.class}, immediate = true, property = {
    ProcessorProperties.NAME + "=vrrp.bngsync",
    ProcessorProperties.MODULE + "=vrrp",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=450",
    ProcessorProperties.ETHERTYPE + ":Integer=2048",
    ProcessorProperties.IP_PROTOCOL + ":Integer=17"
})
public final class SyncReceiver implements PacketProcessor {
    /** What is accepted: datagrams from {@code peer} to {@code real}; peer 0 = bngsync off. */
    record Expect(int peer, int real, boolean ack) {
        static final Expect NONE = new Expect(0, 0, false);
    }

    @Reference
    SessionTable sessions;

    volatile Expect expect = Expect.NONE;

    /** Master side: the peer asked for everything. */
    final AtomicBoolean resyncWanted = new AtomicBoolean();
    /** Backup side: we should ask the peer for everything. */
    final AtomicBoolean askResync = new AtomicBoolean();
    /** Backup side: the sequence to acknowledge, -1 when none. */
    final AtomicLong ackDue = new AtomicLong(-1);
    private long expectedSeq = -1;

    long packets;
    long added;
    long removed;
    long acks;
    long resyncRequests;
    long gaps;
    long malformed;
    long refused;
    /** Synced proxy ports another connection held here already (that connection's replies win). */
    long proxyPortsRefused;
    long peerMac = -1;

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        Expect e = expect;
        if (e.peer() == 0 || !f.isIpv4() || f.isFragment() || f.l4Offset() < 0 || f.dstPort() != SyncFrames.PORT
                || f.srcPort() != SyncFrames.PORT || f.ipv4Src() != e.peer() || f.ipv4Dst() != e.real()) {
            return;
        }
        byte[] b = f.data();
        int u = f.l4Offset();
        int udpLen = f.l3End() - u;
        int p = u + 8;
        int payload = udpLen - 8;
        if (payload < SyncFrames.HEADER || SyncFrames.get32(b, p) != SyncFrames.MAGIC || b[p + 4] != SyncFrames.VERSION
                || (f.u16(u + 6) != 0 && Checksums.sum(b, u, udpLen,
                        Checksums.pseudoHeader4(f.ipv4Src(), f.ipv4Dst(), 17, udpLen)) != 0xffff)) {
            malformed++;
            ctx.drop();
            return;
        }
        int type = b[p + 5];
        int count = f.u16(p + 6);
        long seq = SyncFrames.get32(b, p + 8) & 0xffff_ffffL;
        if (payload < SyncFrames.HEADER + count * SyncFrames.RECORD) {
            malformed++;
            ctx.drop();
            return;
        }
        packets++;
        peerMac = f.srcMac();
        switch (type) {
            case SyncFrames.TYPE_SESSIONS -> sessions(b, p, count, seq, e);
            case SyncFrames.TYPE_ACK -> acks++;
            case SyncFrames.TYPE_RESYNC -> {
                resyncRequests++;
                resyncWanted.set(true);
            }
            default -> malformed++;
        }
        ctx.consume();
    }

    private void sessions(byte[] b, int p, int count, long seq, Expect e) {
        if (expectedSeq >= 0 ? seq != expectedSeq : seq != 0) {
            gaps++; // lost datagrams, or we (re)started after the peer: ask for everything
            askResync.set(true);
        }
        expectedSeq = (seq + 1) & 0xffff_ffffL;
        for (int n = 0; n < count; n++) {
            int o = p + SyncFrames.HEADER + n * SyncFrames.RECORD;
            long key = (long) SyncFrames.get32(b, o) << 32 | (SyncFrames.get32(b, o + 4) & 0xffff_ffffL);
            int target = SyncFrames.get32(b, o + 8);
            if (b[o + 12] == SessionTable.CHANGE_ADDED) {
                if (sessions.insertSynced(key, target, b[o + 13]) >= 0) {
                    added++;
                    int proxyPort = (b[o + 14] & 0xff) << 8 | (b[o + 15] & 0xff);
                    if (proxyPort != 0 && !sessions.claimProxyPort(key, target, proxyPort)) {
                        proxyPortsRefused++;
                    }
                } else {
                    refused++;
                }
            } else if (b[o + 12] == SessionTable.CHANGE_REMOVED) {
                sessions.remove(key);
                removed++;
            }
        }
        if (e.ack()) {
            ackDue.set(seq);
        }
    }
}
