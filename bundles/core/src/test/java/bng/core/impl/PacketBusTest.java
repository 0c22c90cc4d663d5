package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.FrameTest;
import bng.core.api.PacketBus.BusCounters;
import bng.core.api.PacketBus.ProcessorInfo;
import bng.core.api.PacketContext;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Open-box tests of the packet bus: a {@link PacketBusManager} with no framework, processors
 * added with {@link PacketBusManager#add}, and bursts of real frames driven through a port
 * thread's {@link Dispatcher}.
 */
class PacketBusTest {
    static final int PORT = 2;
    static final long PORT_MAC = 0x02_00_00_00_00_01L;

    PacketBusManager bus;
    Dispatcher port;
    final List<String> calls = new ArrayList<>();

    @BeforeEach
    void setUp() {
        bus = new PacketBusManager();
        port = bus.newDispatcher("test-port");
    }

    @AfterEach
    void tearDown() {
        port.close();
        bus.deactivate();
    }

    static Map<String, Object> props(String name, String band, int priority) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProcessorProperties.NAME, name);
        p.put(ProcessorProperties.BAND, band);
        p.put(ProcessorProperties.PRIORITY, priority);
        return p;
    }

    static Map<String, Object> wants(String name, Object ethertype, Object proto) {
        Map<String, Object> p = props(name, ProcessorProperties.BAND_OBSERVER, 100);
        if (ethertype != null) {
            p.put(ProcessorProperties.ETHERTYPE, ethertype);
        }
        if (proto != null) {
            p.put(ProcessorProperties.IP_PROTOCOL, proto);
        }
        return p;
    }

    /** A processor that writes its name into {@link #calls} and does nothing else. */
    PacketProcessor recorder(String name) {
        return ctx -> calls.add(name);
    }

    static Frame frame(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        byte[] buf = new byte[2048];
        System.arraycopy(b, 0, buf, 0, b.length);
        return new Frame(buf, b.length);
    }

    static Frame[] burst(String... hex) {
        Frame[] f = new Frame[hex.length];
        for (int i = 0; i < hex.length; i++) {
            f[i] = frame(hex[i]);
        }
        return f;
    }

    int dispatch(Frame... frames) {
        return port.dispatch(frames, frames.length, PORT, PORT_MAC);
    }

    ProcessorInfo info(String name) {
        return bus.processors().stream().filter(i -> i.name().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no processor " + name));
    }

    // ---------------------------------------------------------------- order

    @Test
    void bandsThenPrioritiesLowerFirst() {
        // Added in a scrambled order; the bus sorts.
        bus.add(recorder("observer-10"), props("observer-10", ProcessorProperties.BAND_OBSERVER, 10));
        bus.add(recorder("director-20"), props("director-20", ProcessorProperties.BAND_DIRECTOR, 20));
        bus.add(recorder("advisor-500"), props("advisor-500", ProcessorProperties.BAND_ADVISOR, 500));
        bus.add(recorder("director-default"), Map.of(ProcessorProperties.NAME, "director-default"));
        bus.add(recorder("observer-1"), props("observer-1", ProcessorProperties.BAND_OBSERVER, 1));
        bus.add(recorder("director-5"), props("director-5", ProcessorProperties.BAND_DIRECTOR, 5));
        bus.add(recorder("advisor-1"), props("advisor-1", ProcessorProperties.BAND_ADVISOR, 1));

        dispatch(frame(FrameTest.ICMP_ECHO));
        List<String> expected = List.of("advisor-1", "advisor-500", "director-5", "director-20",
            "director-default", "observer-1", "observer-10");
        assertEquals(expected, calls);
        assertEquals(expected, bus.processors().stream().map(ProcessorInfo::name).toList(),
            "show processors lists dispatch order");
        assertEquals(ProcessorProperties.DEFAULT_PRIORITY, info("director-default").priority());
        assertEquals(ProcessorProperties.BAND_DIRECTOR, info("director-default").band());
    }

    @Test
    void equalPrioritiesRunInTheOrderTheyWereAdded() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "d" + i;
            bus.add(recorder(name), props(name, ProcessorProperties.BAND_DIRECTOR, 7));
            expected.add(name);
        }
        dispatch(frame(FrameTest.ICMP_ECHO));
        assertEquals(expected, calls, "older first, as ProcessorEntry's ordering promises");
    }

    @Test
    void priorityTextAndOutOfRangeValuesFallBackSensibly() {
        Map<String, Object> text = props("text", ProcessorProperties.BAND_DIRECTOR, 0);
        text.put(ProcessorProperties.PRIORITY, "0x10");
        Map<String, Object> huge = props("huge", ProcessorProperties.BAND_DIRECTOR, 0);
        huge.put(ProcessorProperties.PRIORITY, 1_000_000);
        Map<String, Object> bad = props("bad", ProcessorProperties.BAND_DIRECTOR, 0);
        bad.put(ProcessorProperties.PRIORITY, "soon");
        bus.add(recorder("huge"), huge);
        bus.add(recorder("bad"), bad);
        bus.add(recorder("text"), text);
        dispatch(frame(FrameTest.ICMP_ECHO));
        assertEquals(List.of("text", "bad", "huge"), calls);
        assertEquals(16, info("text").priority());
        assertEquals(ProcessorProperties.MAX_PRIORITY, info("huge").priority());
    }

    // ---------------------------------------------------------------- handling

    @Test
    void aHandlingDirectorStopsLaterDirectorsButNotObservers() {
        AtomicBoolean observerSawHandled = new AtomicBoolean();
        bus.add(recorder("advisor"), props("advisor", ProcessorProperties.BAND_ADVISOR, 1));
        bus.add(ctx -> {
            calls.add("first");
            ctx.consume();
        }, props("first", ProcessorProperties.BAND_DIRECTOR, 1));
        bus.add(recorder("second"), props("second", ProcessorProperties.BAND_DIRECTOR, 2));
        bus.add(ctx -> {
            calls.add("observer");
            observerSawHandled.set(ctx.isHandled());
        }, props("observer", ProcessorProperties.BAND_OBSERVER, 1));

        assertEquals(0, dispatch(frame(FrameTest.TCP_SYN)), "consumed: nothing to send");
        assertEquals(List.of("advisor", "first", "observer"), calls);
        assertTrue(observerSawHandled.get());
        assertEquals(1, info("first").handled());
        assertEquals(0, info("second").packets());
        assertEquals(0, info("observer").handled());
    }

    @Test
    void anAdvisorSeesEveryFrameAndADirectorThatHandlesSeesOnlyItsOwn() {
        LongAdder advisorSaw = new LongAdder();
        bus.add(ctx -> advisorSaw.increment(), props("advisor", ProcessorProperties.BAND_ADVISOR, 1));
        bus.add(PacketContext::drop, props("drop-all", ProcessorProperties.BAND_DIRECTOR, 1));
        Frame[] frames = allKinds();
        dispatch(frames);
        assertEquals(frames.length, advisorSaw.sum());
        assertEquals(frames.length, info("drop-all").handled());
        for (Frame f : frames) {
            assertEquals(-1, f.outPort(), "dropped frames go nowhere");
        }
    }

    @Test
    void sendAndReplySetTheOutPort() {
        bus.add(ctx -> {
            if (ctx.frame().ipProtocol() == Frame.PROTO_TCP) {
                ctx.send(7);
            } else if (ctx.frame().ipProtocol() == Frame.PROTO_UDP) {
                ctx.reply();
            }
        }, props("sender", ProcessorProperties.BAND_DIRECTOR, 1));
        // A later director's send on a handled frame cannot happen (it is skipped); an observer's is ignored.
        bus.add(ctx -> ctx.send(9), props("meddler", ProcessorProperties.BAND_OBSERVER, 1));
        Frame tcp = frame(FrameTest.TCP_SYN);
        Frame udp = frame(FrameTest.UDP);
        Frame icmp = frame(FrameTest.ICMP_ECHO);
        assertEquals(3, dispatch(tcp, udp, icmp), "the observer sent the unhandled ICMP frame");
        assertEquals(7, tcp.outPort());
        assertEquals(PORT, udp.outPort(), "reply goes out of the port it came in on");
        assertEquals(PORT, udp.inPort());
        assertEquals(9, icmp.outPort());
    }

    @Test
    void theContextNamesThePortAndItsMac() {
        AtomicLong mac = new AtomicLong();
        AtomicLong in = new AtomicLong();
        bus.add(ctx -> {
            mac.set(ctx.inPortMac());
            in.set(ctx.inPort());
        }, Map.of());
        dispatch(frame(FrameTest.ARP_REQUEST));
        assertEquals(PORT_MAC, mac.get());
        assertEquals(PORT, in.get());
    }

    // ---------------------------------------------------------------- filters

    static Frame[] allKinds() {
        return burst(FrameTest.ARP_REQUEST, FrameTest.ICMP_ECHO, FrameTest.TCP_SYN, FrameTest.UDP,
            FrameTest.IPV6_HBH_TCP, FrameTest.ICMPV6_ECHO, FrameTest.LLDP, FrameTest.VLAN_ICMP);
    }

    /** Registers a recorder with the given wants and returns the ethertype/protocol pairs it saw. */
    List<String> watch(String name, Object ethertype, Object proto) {
        List<String> seen = new ArrayList<>();
        bus.add(ctx -> seen.add(String.format("%04x/%d", ctx.frame().ethertype(), ctx.frame().ipProtocol())),
            wants(name, ethertype, proto));
        return seen;
    }

    @Test
    void ethertypeAndProtocolFilters() {
        List<String> arp = watch("arp", Frame.ETH_ARP, null);
        List<String> icmp = watch("icmp", null, Frame.PROTO_ICMP);
        List<String> lldp = watch("lldp", 0x88cc, null);
        List<String> ipv4 = watch("ipv4", Frame.ETH_IPV4, null);
        List<String> tcp6 = watch("tcp6", Frame.ETH_IPV6, Frame.PROTO_TCP);
        List<String> tcpOrUdp = watch("tcp-or-udp", null, new Integer[] {Frame.PROTO_TCP, Frame.PROTO_UDP});
        List<String> arpOrLldp = watch("arp-or-lldp", List.of(Frame.ETH_ARP, 0x88cc), null);
        List<String> all = watch("all", null, null);

        dispatch(allKinds());

        assertEquals(List.of("0806/-1"), arp);
        assertEquals(List.of("0800/1", "0800/1"), icmp, "ICMP untagged and tagged; never TCP, never ICMPv6");
        assertEquals(List.of("88cc/-1"), lldp);
        assertEquals(List.of("0800/1", "0800/6", "0800/17", "0800/1"), ipv4);
        assertEquals(List.of("86dd/6"), tcp6);
        assertEquals(List.of("0800/6", "0800/17", "86dd/6"), tcpOrUdp);
        assertEquals(List.of("0806/-1", "88cc/-1"), arpOrLldp);
        assertEquals(8, all.size());
        assertEquals("0x0806", info("arp").wants());
        assertEquals("proto 6,17", info("tcp-or-udp").wants());
        assertEquals("all", info("all").wants());
    }

    @Test
    void aLaterFragmentReachesProtocolProcessorsWithoutATransportHeader() {
        List<Integer> l4 = new ArrayList<>();
        bus.add(ctx -> l4.add(ctx.frame().l4Offset()), wants("udp", null, Frame.PROTO_UDP));
        dispatch(frame(FrameTest.IPV6_LATER_FRAGMENT));
        assertEquals(List.of(-1), l4);
    }

    // ---------------------------------------------------------------- malformed, failures, counters

    @Test
    void malformedFramesAreCountedPerReasonAndReachNoProcessor() {
        bus.add(recorder("advisor"), props("advisor", ProcessorProperties.BAND_ADVISOR, 1));
        bus.add(recorder("observer"), props("observer", ProcessorProperties.BAND_OBSERVER, 1));
        Frame shortEth = frame(FrameTest.ICMP_ECHO);
        shortEth.setLength(13);
        Frame shortVlan = frame(FrameTest.VLAN_ICMP);
        shortVlan.setLength(17);
        Frame badChecksum = frame(FrameTest.TCP_SYN);
        badChecksum.data()[14 + 8] = 1; // TTL 1, checksum not updated
        Frame badChecksum2 = frame(FrameTest.UDP);
        badChecksum2.data()[14 + 11] ^= 0x40;
        Frame shortL4 = frame(FrameTest.UDP);
        shortL4.data()[34 + 5] = 100; // UDP length beyond the datagram
        Frame badArp = frame(FrameTest.ARP_REQUEST);
        badArp.setLength(30);

        int sent = dispatch(shortEth, shortVlan, badChecksum, badChecksum2, shortL4, badArp);
        assertEquals(0, sent);
        assertTrue(calls.isEmpty(), "no processor sees a malformed frame: " + calls);
        BusCounters c = bus.counters();
        assertEquals(6, c.received());
        assertEquals(6, c.malformed());
        assertEquals(0, c.handled() + c.unhandled());
        long[] expected = new long[Frame.ERROR_COUNT];
        expected[Frame.ERR_SHORT_ETHERNET] = 1;
        expected[Frame.ERR_SHORT_VLAN] = 1;
        expected[Frame.ERR_BAD_IPV4_CHECKSUM] = 2;
        expected[Frame.ERR_SHORT_L4] = 1;
        expected[Frame.ERR_BAD_ARP] = 1;
        assertArrayEquals(expected, c.malformedByReason());
        for (Frame f : new Frame[] {shortEth, shortVlan, badChecksum, shortL4}) {
            assertEquals(-1, f.outPort());
        }
    }

    @Test
    void aThrowingProcessorIsCountedAndTheNextOneStillRuns() {
        bus.add(ctx -> {
            calls.add("runtime");
            throw new IllegalStateException("boom");
        }, props("runtime", ProcessorProperties.BAND_DIRECTOR, 1));
        bus.add(ctx -> {
            calls.add("linkage");
            throw new NoClassDefFoundError("bng/gone/Helper"); // what an uninstalled bundle's class does
        }, props("linkage", ProcessorProperties.BAND_DIRECTOR, 2));
        bus.add(ctx -> {
            calls.add("replier");
            ctx.reply();
        }, props("replier", ProcessorProperties.BAND_DIRECTOR, 3));
        bus.add(recorder("observer"), props("observer", ProcessorProperties.BAND_OBSERVER, 1));

        Frame[] frames = burst(FrameTest.ICMP_ECHO, FrameTest.TCP_SYN);
        assertEquals(2, dispatch(frames));
        assertEquals(List.of("runtime", "linkage", "replier", "observer", "runtime", "linkage", "replier", "observer"),
            calls);
        assertEquals(4, bus.counters().processorFailures());
        assertEquals(2, info("runtime").failures());
        assertEquals(2, info("linkage").failures());
        assertEquals(0, info("replier").failures());
        assertEquals(2, info("replier").handled());
        assertEquals(2, info("runtime").packets(), "a failed call still counts as a packet seen");
        assertEquals(PORT, frames[0].outPort());
    }

    @Test
    void aProcessorThatHandlesAndThenThrowsHasHandledTheFrame() {
        bus.add(ctx -> {
            ctx.send(5);
            throw new IllegalArgumentException("late");
        }, props("sloppy", ProcessorProperties.BAND_DIRECTOR, 1));
        bus.add(recorder("later"), props("later", ProcessorProperties.BAND_DIRECTOR, 2));
        Frame f = frame(FrameTest.UDP);
        assertEquals(1, dispatch(f));
        assertEquals(5, f.outPort());
        assertTrue(calls.isEmpty());
        assertEquals(1, info("sloppy").failures());
        assertEquals(1, info("sloppy").handled());
    }

    @Test
    void countersAddUp() {
        bus.add(ctx -> {
            if (ctx.frame().isArp()) {
                ctx.consume();
            }
        }, props("arp-taker", ProcessorProperties.BAND_DIRECTOR, 1));
        bus.add(ctx -> {
            if (ctx.frame().ipProtocol() == Frame.PROTO_TCP) {
                ctx.reply();
            }
        }, props("tcp-taker", ProcessorProperties.BAND_DIRECTOR, 2));
        bus.add(ctx -> { }, props("observer", ProcessorProperties.BAND_OBSERVER, 1));
        Frame broken = frame(FrameTest.ICMP_ECHO);
        broken.setLength(20);
        int sent = 0;
        for (int round = 0; round < 10; round++) {
            Frame[] frames = allKinds();
            Frame[] withBroken = new Frame[frames.length + 1];
            System.arraycopy(frames, 0, withBroken, 0, frames.length);
            withBroken[frames.length] = broken;
            sent += dispatch(withBroken);
        }
        BusCounters c = bus.counters();
        assertEquals(90, c.received());
        assertEquals(10, c.malformed());
        assertEquals(10 * 3, c.handled(), "ARP consumed, IPv4 TCP and IPv6 TCP replied");
        assertEquals(20, sent, "consumed frames are not sent");
        assertEquals(c.received(), c.handled() + c.unhandled() + c.malformed());
        assertEquals(80, info("arp-taker").packets());
        assertEquals(10, info("arp-taker").handled());
        assertEquals(70, info("tcp-taker").packets(), "it never sees what arp-taker handled");
        assertEquals(20, info("tcp-taker").handled());
        assertEquals(80, info("observer").packets());
        assertTrue(info("observer").nanos() >= 0);
    }

    @Test
    void aClosedPortsCountsStayInTheTotals() {
        Dispatcher other = bus.newDispatcher("other");
        Frame[] one = burst(FrameTest.UDP);
        other.dispatch(one, 1, 1, PORT_MAC);
        dispatch(burst(FrameTest.UDP));
        other.close();
        assertEquals(2, bus.counters().received());
        assertEquals(2, bus.counters().unhandled());
    }

    // ---------------------------------------------------------------- add and remove while running

    @Test
    void removeWaitsForThePortThreadAndTheProcessorIsNeverCalledAgain() throws Exception {
        bus.add(ctx -> { }, props("resident", ProcessorProperties.BAND_DIRECTOR, 5000));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        AtomicLong bursts = new AtomicLong();
        Dispatcher sender = bus.newDispatcher("sender");
        Thread t = new Thread(() -> {
            Frame[] frames = allKinds();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try {
                while (!done.get() && System.nanoTime() < deadline) {
                    sender.dispatch(frames, frames.length, 1, PORT_MAC);
                    bursts.incrementAndGet();
                }
            } catch (Throwable x) {
                senderFailure.set(x);
            }
        }, "bus-test-sender");
        t.start();

        LongAdder lateCalls = new LongAdder();
        LongAdder calledAtAll = new LongAdder();
        String[] bands = {ProcessorProperties.BAND_ADVISOR, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.BAND_OBSERVER};
        for (int i = 0; i < 1000; i++) {
            AtomicBoolean removed = new AtomicBoolean();
            AtomicLong called = new AtomicLong();
            // An assertion inside the processor would be swallowed by the bus's isolation, so count.
            PacketProcessor p = ctx -> {
                if (removed.get()) {
                    lateCalls.increment();
                }
                called.incrementAndGet();
            };
            Runnable remove = bus.add(p, props("churn-" + i, bands[i % 3], i % 100));
            // Two bursts later the sender has surely run one on the new table: remove it while hot.
            long seen = bursts.get();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            while (bursts.get() < seen + 2 && System.nanoTime() < until) {
                Thread.yield();
            }
            if (called.get() > 0) {
                calledAtAll.increment();
            }
            remove.run();
            removed.set(true);
            remove.run(); // a second remove is harmless
        }
        // Let the sender run a little longer over the removed processors, then stop it.
        long more = bursts.get() + 1000;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (bursts.get() < more && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        done.set(true);
        t.join(5000);
        assertFalse(t.isAlive());
        assertNull(senderFailure.get());
        sender.close();

        assertEquals(0, lateCalls.sum(), "a processor was called after its remove() returned");
        assertTrue(calledAtAll.sum() > 900, "the churn must really race the sender: " + calledAtAll.sum());
        assertEquals(0, bus.counters().processorFailures());
        assertEquals(List.of("resident"), bus.processors().stream().map(ProcessorInfo::name).toList());
        BusCounters c = bus.counters();
        assertEquals(c.received(), c.handled() + c.unhandled() + c.malformed());
    }
}
