package bng.hc;

import static bng.hc.HcBench.bytes;
import static bng.hc.HcBench.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Checksums;
import bng.core.api.Frame;
import bng.core.api.TargetHealth;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Golden frames (Katran-tester style): the probe the engine sends, byte for byte, and the real
 * bus with the real {@link HealthProbeReceiver} taking the target's answers. The hex comes from an
 * independent generator (Python struct, checksums from scratch): target 198.18.0.11 (MAC ..0b),
 * probed from real 198.18.0.2 on port 1 (MAC ..01), first slot 5 = source port 61005, ISN 0x12345678.
 */
class HealthProbeReceiverTest {
    static final String TCP_TARGET = NETWORK_AND("target 1 { ipaddr 198.18.0.11 tcpopen 80,3,10 }");
    static final String PING_TARGET = NETWORK_AND("target 1 { ipaddr 198.18.0.11 ping 3,8 }");

    /** SYN 198.18.0.2:61005 -> 198.18.0.11:80, DF, TTL 64, window 64240, MSS 1460. */
    static final String SYN =
        "02000000000b02000000000108004500002c000040004006ae9ac6120002c612000bee4d005012345678000000006002faf0b9b9"
        + "0000020405b4";
    /** The target kernel's SYN-ACK (ISN abcdef01, ack 12345679, Linux options: MSS, SACK, TS, WS). */
    static final String SYN_ACK =
        "02000000000102000000000b08004500003c000040004006ae8ac612000bc61200020050ee4dabcdef0112345679a012fe88bb1a"
        + "0000020405b40402080a000010000000000001030307";
    /** bng's RST for it: seq = their ack, no ACK flag, window 0, 20-byte headers (RFC 9293 §3.10.7.3). */
    static final String RST_OUT =
        "02000000000b020000000001080045000028000040004006ae9ec6120002c612000bee4d0050123456790000000050040000cc63"
        + "0000";
    /** A closed port: RST|ACK acknowledging the SYN. */
    static final String REFUSED =
        "02000000000102000000000b080045000028000040004006ae9ec612000bc61200020050ee4d000000001234567950140000cc53"
        + "0000";
    /** The SYN-ACK from port 8080 instead of 80. */
    static final String WRONG_PORT =
        "02000000000102000000000b08004500003c000040004006ae8ac612000bc61200021f90ee4dabcdef0112345679a012fe889bda"
        + "0000020405b40402080a000010000000000001030307";
    /** The SYN-ACK from 198.18.0.12 instead of .11. */
    static final String WRONG_ADDRESS =
        "02000000000102000000000b08004500003c000040004006ae89c612000cc61200020050ee4dabcdef0112345679a012fe88bb19"
        + "0000020405b40402080a000010000000000001030307";
    /** A SYN-ACK acknowledging something else (ack 123456dc): not success, but reset all the same. */
    static final String STALE_SYN_ACK =
        "02000000000102000000000b08004500003c000040004006ae8ac612000bc61200020050ee4dabcdef01123456dca012fe88bab7"
        + "0000020405b40402080a000010000000000001030307";
    static final String STALE_RST_OUT =
        "02000000000b020000000001080045000028000040004006ae9ec6120002c612000bee4d0050123456dc0000000050040000cc00"
        + "0000";
    /** Echo request 198.18.0.2 -> 198.18.0.11, id 0x6863 ("hc"), sequence 7 (the slot), 32 bytes 10..2f. */
    static final String ECHO =
        "02000000000b02000000000108004500003c000040004001ae8fc6120002c612000b08009d9368630007101112131415161718191a"
        + "1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
    static final String ECHO_REPLY =
        "02000000000102000000000b08004500003c1c4600004001d249c612000bc61200020000a59368630007101112131415161718191a"
        + "1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
    /** Somebody else's echo reply (id 1234) to the real address: ping's business, not ours. */
    static final String ECHO_REPLY_OTHER_ID =
        "02000000000102000000000b08004500003c1c4600004001d249c612000bc61200020000092504d20007101112131415161718191a"
        + "1b1c1d1e1f202122232425262728292a2b2c2d2e2f";

    static final String AGENT_TARGET = NETWORK_AND("target 1 { ipaddr 198.18.0.11 agent 439,3,10 }");
    /** Agent request 198.18.0.2:61005 -> 198.18.0.11:439: "bnga", token 12345678. */
    static final String AGENT_REQUEST =
        "02000000000b020000000001080045000024000040004011ae97c6120002c612000bee4d01b70010511b626e676112345678";
    /** The agent's reply: "bnga", the token, load 42. */
    static final String AGENT_REPLY =
        "02000000000102000000000b0800450000282222400040118c71c612000bc612000201b7ee4d001450e9626e676112345678"
        + "0000002a";
    /** A reply carrying another token: consumed, but proves nothing. */
    static final String AGENT_WRONG_TOKEN =
        "02000000000102000000000b0800450000282222400040118c71c612000bc612000201b7ee4d001450e8626e676112345679"
        + "0000002a";

    static String NETWORK_AND(String target) {
        return HcBench.NETWORK + target + "\nregister target 1\nenable target 1\n";
    }

    HcBench bench;

    @AfterEach
    void tearDown() {
        if (bench != null) {
            bench.close();
        }
    }

    HcBench tcp() {
        bench = new HcBench(5).arp().apply(TCP_TARGET);
        bench.engine.tick();
        return bench;
    }

    @Test
    void theSynIsExactlyAKernelLikeSyn() {
        tcp();
        assertEquals(1, bench.ports.count());
        byte[] syn = bench.ports.last();
        assertEquals(SYN, hex(syn));
        // Checksums recomputed: the IPv4 header sums to 0xffff (decode verifies it), so does the segment.
        Frame f = new Frame(syn.clone(), syn.length);
        assertEquals(Frame.OK, f.decode());
        assertEquals(0xffff, Checksums.fold(Checksums.sum(syn, f.l4Offset(), f.l4Length(),
            Checksums.pseudoHeader4(f.ipv4Src(), f.ipv4Dst(), Frame.PROTO_TCP, f.l4Length()))));
        assertEquals(61005, f.srcPort());
        assertEquals(Probes.TCP_SYN, f.tcpFlags());
    }

    @Test
    void aSynAckIsSuccessAndIsAnsweredWithTheExactRst() {
        tcp();
        bench.now += 400_000; // 0.4 ms later
        Frame f = bench.receive(SYN_ACK);
        assertEquals(HcBench.PORT, f.outPort(), "the RST leaves by the port the SYN-ACK came in on");
        assertEquals(RST_OUT, hex(bytes(f)));
        Frame again = new Frame(bytes(f), f.length());
        assertEquals(Frame.OK, again.decode());
        assertEquals(0xffff, Checksums.fold(Checksums.sum(again.data(), again.l4Offset(), again.l4Length(),
            Checksums.pseudoHeader4(again.ipv4Src(), again.ipv4Dst(), Frame.PROTO_TCP, again.l4Length()))));

        bench.engine.tick();
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertEquals("tcpopen 80: SYN-ACK in 0.4 ms", bench.health.all().getFirst().reason());
    }

    @Test
    void aRstIsConnectionRefusedAndIsConsumed() {
        tcp();
        Frame f = bench.receive(REFUSED);
        assertEquals(-1, f.outPort());
        assertEquals(REFUSED, hex(bytes(f)), "consumed as it was");
        assertEquals(1, bench.bus.counters().handled());
        assertEquals(ProbeTable.REFUSED, bench.table.state(5));
        bench.engine.tick();
        StringBuilder show = new StringBuilder();
        bench.engine.render(show);
        assertTrue(show.toString().contains("tcpopen 80: connection refused (RST)"), show::toString);
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1), "refused alone does not decide: the timeout does");
    }

    @Test
    void answersFromAnotherPortOrAddressAreLeftAlone() {
        tcp();
        for (String other : new String[] {WRONG_PORT, WRONG_ADDRESS}) {
            Frame f = bench.receive(other);
            assertEquals(-1, f.outPort());
            assertEquals(other, hex(bytes(f)), "untouched");
        }
        assertEquals(0, bench.bus.counters().handled());
        assertEquals(2, bench.bus.counters().unhandled(), "not consumed: later processors may want them");
        assertEquals(ProbeTable.PENDING, bench.table.state(5));
        bench.engine.tick();
        assertEquals(TargetHealth.UNKNOWN, bench.health.state(1));
    }

    @Test
    void aSynAckThatAcknowledgesSomethingElseIsResetButProvesNothing() {
        tcp();
        Frame f = bench.receive(STALE_SYN_ACK);
        assertEquals(HcBench.PORT, f.outPort());
        assertEquals(STALE_RST_OUT, hex(bytes(f)));
        assertEquals(ProbeTable.PENDING, bench.table.state(5));
    }

    @Test
    void aSynAckFromAGroupMacIsDroppedNotAnswered() {
        // Found by the bus fuzzer: the RST went back to the SYN-ACK's Ethernet source, a group MAC
        // included, so a forged SYN-ACK made bng send to every member. No target sends from one.
        tcp();
        String forged = SYN_ACK.substring(0, 12) + "03000000000b" + SYN_ACK.substring(24);
        Frame f = bench.receive(forged);
        assertEquals(-1, f.outPort());
        assertEquals(forged, hex(bytes(f)), "untouched");
        assertEquals(1, bench.bus.counters().handled());
        assertEquals(ProbeTable.PENDING, bench.table.state(5), "proves nothing");
    }

    @Test
    void aDamagedSynAckIsDroppedAndProvesNothing() {
        tcp();
        byte[] b = HexFormat.of().parseHex(SYN_ACK);
        b[b.length - 1] ^= 1; // one bit of the options: TCP checksum wrong, IPv4 header fine
        Frame f = bench.receive(b);
        assertEquals(-1, f.outPort());
        assertEquals(1, bench.bus.counters().handled());
        assertEquals(ProbeTable.PENDING, bench.table.state(5));
    }

    @Test
    void pingSendsAnExactEchoRequestAndItsReplyIsSuccess() {
        bench = new HcBench(7).arp().apply(PING_TARGET);
        bench.engine.tick();
        assertEquals(ECHO, hex(bench.ports.last()));
        assertEquals(Checksums.checksum(bench.ports.last(), 34, 40), 0, "ICMP checksum recomputed");

        Frame other = bench.receive(ECHO_REPLY_OTHER_ID);
        assertEquals(-1, other.outPort());
        assertEquals(1, bench.bus.counters().unhandled(), "another identifier is not ours");

        bench.now += 300_000;
        Frame f = bench.receive(ECHO_REPLY);
        assertEquals(-1, f.outPort());
        assertEquals(1, bench.bus.counters().handled(), "our reply is consumed");
        bench.engine.tick();
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertEquals("ping: echo reply in 0.3 ms", bench.health.all().getFirst().reason());
    }

    @Test
    void theReceiverAllocatesNothingPerPacket() {
        tcp();
        // Every path: foreign segment, SYN-ACK rewritten into a RST, RST consumed, echo replies.
        String[] frames = {WRONG_PORT, SYN_ACK, REFUSED, STALE_SYN_ACK, ECHO_REPLY, ECHO_REPLY_OTHER_ID, AGENT_REPLY};
        byte[][] raw = new byte[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            raw[i] = HexFormat.of().parseHex(frames[i]);
        }
        Frame f = new Frame(new byte[1518], 60);
        Frame[] burst = {f};
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        for (int round = 0; round < 2; round++) { // the first round warms up
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 10_000; i++) {
                byte[] b = raw[i % raw.length];
                System.arraycopy(b, 0, f.data(), 0, b.length);
                f.setLength(b.length);
                f.setOutPort(-1);
                bench.dispatcher.dispatch(burst, 1, HcBench.PORT, HcBench.PORT_MAC);
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            if (round == 1) {
                assertFalse(allocated > 1024, "allocated " + allocated + " bytes for 10000 frames");
            }
        }
    }

    @Test
    void agentSendsAnExactRequestAndItsReplyIsSuccessWithTheLoad() {
        bench = new HcBench(5).arp().apply(AGENT_TARGET);
        bench.engine.tick();
        assertEquals(AGENT_REQUEST, hex(bench.ports.last()));

        Frame wrong = bench.receive(AGENT_WRONG_TOKEN);
        assertEquals(-1, wrong.outPort());
        assertEquals(1, bench.bus.counters().handled(), "consumed");
        assertEquals(ProbeTable.PENDING, bench.table.state(5), "but not an answer");

        bench.now += 300_000;
        bench.receive(AGENT_REPLY);
        bench.engine.tick();
        assertEquals(TargetHealth.UP, bench.health.state(1));
        assertEquals(42, bench.health.load(1));
        assertEquals("agent 439: load 42 in 0.3 ms", bench.health.all().getFirst().reason());
    }
}
