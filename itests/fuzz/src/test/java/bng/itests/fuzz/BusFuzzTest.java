package bng.itests.fuzz;

import static bng.itests.fuzz.BusRig.CLIENT;
import static bng.itests.fuzz.BusRig.REAL;
import static bng.itests.fuzz.BusRig.T1;
import static bng.itests.fuzz.BusRig.T1_MAC;
import static bng.itests.fuzz.BusRig.T2;
import static bng.itests.fuzz.BusRig.UDP_VIP;
import static bng.itests.fuzz.BusRig.VIP;
import static bng.itests.fuzz.Packets.TCP_ACK;
import static bng.itests.fuzz.Packets.TCP_RST;
import static bng.itests.fuzz.Packets.TCP_SYN;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * The bus with ping, arp, hc's probe receiver and slb bound, fed bursts of frames that start as
 * one of the kinds each processor answers (echo requests to owned and foreign addresses, ARP
 * requests and replies, SYNs and ACKs to a VIP, UDP to a VIP, probe answers for armed slots,
 * IPv6, VLAN-tagged) or as raw bytes, then mutated byte by byte, cut or grown, and optionally
 * re-sealed (checksums recomputed) so mutations reach the processors. {@link BusRig} checks the
 * invariants after every burst.
 */
class BusFuzzTest {
    private static final BusRig RIG = new BusRig();

    @FuzzTest
    void dispatch(FuzzedDataProvider data) {
        RIG.reset();
        int bursts = data.consumeInt(1, 3);
        for (int b = 0; b < bursts; b++) {
            int port = data.consumeBoolean() ? 1 : 2;
            byte[][] burst = new byte[data.consumeInt(1, 3)][];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = frame(data);
            }
            RIG.dispatch(port, burst);
        }
    }

    static byte[] frame(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 15);
        int clientPort = data.consumeInt(1024, 65535);
        int seq = data.consumeInt();
        byte[] b = switch (kind) {
            case 0 -> Packets.echo(8, CLIENT, REAL, 0x1234, 1);
            case 1 -> Packets.echo(8, CLIENT, VIP, 0x1234, 1);
            case 2 -> Packets.echo(8, CLIENT, Packets.ip("198.18.0.50"), 0x1234, 1);
            case 3 -> Packets.arp(1, 0x02_00_00_00_00_16L, CLIENT, 0, REAL);
            case 4 -> Packets.arp(2, T1_MAC, T1, Packets.PORT1_MAC, REAL);
            case 5 -> Packets.tcp(CLIENT, clientPort, VIP, 80, TCP_SYN, seq, 0);
            case 6 -> Packets.tcp(CLIENT, clientPort, VIP, 80, TCP_ACK, seq, 1);
            case 7 -> Packets.udp(CLIENT, clientPort, UDP_VIP, 53, 12);
            case 8 -> Packets.tcp(T1, 80, REAL, BusRig.PROBE_PORT + BusRig.TCP_SLOT, TCP_SYN | TCP_ACK, seq,
                BusRig.PROBE_ISN + 1);
            case 9 -> Packets.tcp(T1, 80, REAL, BusRig.PROBE_PORT + BusRig.TCP_SLOT, TCP_RST | TCP_ACK, 0,
                BusRig.PROBE_ISN + 1);
            case 10 -> Packets.echo(0, T2, REAL, 0x6863, BusRig.ICMP_SLOT);
            case 11 -> agentReply();
            case 12 -> Packets.tcp6();
            case 13 -> Packets.vlan(Packets.tcp(CLIENT, clientPort, VIP, 80, TCP_SYN, seq, 0), 7);
            case 14 -> Packets.arp(1, 0x02_00_00_00_00_16L, data.consumeInt(), 0, data.consumeInt());
            default -> data.consumeBytes(data.consumeInt(0, 1600));
        };
        int mutations = data.consumeInt(0, 6);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            b[data.consumeInt(0, b.length - 1)] = data.consumeByte();
        }
        int resize = data.consumeInt(-2, 2);
        if (resize < 0 && b.length > 0) {
            b = Arrays.copyOf(b, data.consumeInt(0, b.length - 1)); // truncated
        } else if (resize > 1) {
            b = Arrays.copyOf(b, Math.min(9234, b.length + data.consumeInt(1, 9000))); // padding, jumbo
        }
        if (data.consumeBoolean()) {
            Packets.seal(b);
        }
        return b;
    }

    private static byte[] agentReply() {
        byte[] b = Packets.udp(T1, 3333, REAL, BusRig.PROBE_PORT + BusRig.UDP_SLOT, 12);
        Packets.put32(b, 42, 0x626e6761); // the agent's magic
        Packets.put32(b, 46, BusRig.PROBE_ISN);
        Packets.put32(b, 50, 25);
        Packets.seal(b);
        return b;
    }
}
