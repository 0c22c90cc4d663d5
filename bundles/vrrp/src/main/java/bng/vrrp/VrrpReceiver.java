package bng.vrrp;

import bng.core.api.Frame;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/**
 * Takes every VRRP frame (IP protocol 112) off the bus. A valid advertisement for our VRID is
 * folded into one {@link AtomicLong} — the best (priority, address) heard since the scheduler last
 * looked — so the fast path neither locks nor allocates, and the state machine stays on one thread.
 * Anything else is counted by reason and dropped (RFC 3768 §7.1), including our own adverts.
 */
@Component(service = {PacketProcessor.class, VrrpReceiver.class}, immediate = true, property = {
    ProcessorProperties.NAME + "=vrrp.adverts",
    ProcessorProperties.MODULE + "=vrrp",
    ProcessorProperties.BAND + "=" + ProcessorProperties.BAND_DIRECTOR,
    ProcessorProperties.PRIORITY + ":Integer=400",
    ProcessorProperties.ETHERTYPE + ":Integer=2048",
    ProcessorProperties.IP_PROTOCOL + ":Integer=112"
})
public final class VrrpReceiver implements PacketProcessor {
    /** What the receiver checks against; replaced whole on each configuration. */
    record Expect(int version, int vrid, int adverSeconds, int[] ownAddresses) {
        static final Expect NONE = new Expect(0, -1, 0, new int[0]);
    }

    private static final int REASONS = Adverts.REASONS.length;

    volatile Expect expect = Expect.NONE;
    /** (priority + 1) << 32 | address of the best valid advert since {@link #poll}; 0 = none. */
    private final AtomicLong best = new AtomicLong();

    long received;
    long own;
    final long[] rejected = new long[REASONS];

    @Override
    public void process(PacketContext ctx) {
        Frame f = ctx.frame();
        if (!f.isIpv4() || f.l4Offset() < 0) {
            return;
        }
        Expect e = expect;
        int why = e.vrid() < 0 ? Adverts.OTHER_VRID
                : Adverts.check(f.data(), f.l3Offset(), f.l4Offset(), f.l3End(), e.version(), e.vrid(), e.adverSeconds());
        if (why != Adverts.OK) {
            rejected[why]++;
            ctx.drop();
            return;
        }
        int src = f.ipv4Src();
        for (int a : e.ownAddresses()) {
            if (a == src) {
                own++;
                ctx.drop();
                return;
            }
        }
        received++;
        long packed = (long) (Adverts.priority(f.data(), f.l4Offset()) + 1) << 32 | (src & 0xffff_ffffL);
        best.accumulateAndGet(packed, Math::max);
        ctx.consume();
    }

    /** The best advert since the last call as (priority + 1) << 32 | address, or 0; resets it. */
    long poll() {
        return best.getAndSet(0);
    }

    long rejected() {
        long n = 0;
        for (int i = 1; i < REASONS; i++) {
            if (i != Adverts.OTHER_VRID) {
                n += rejected[i];
            }
        }
        return n;
    }
}
