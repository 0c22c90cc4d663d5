package bng.bench;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;

/**
 * The pcap4j reference of issue 9 (bench/dsr-bench.sh, variant {@code pcap4j}): the least a DSR
 * forwarder on pcap4j does, the way a pcap4j access driver would run — {@code getNextRawPacket}
 * (a new {@code byte[]} a frame, as pcap4j returns them), the destination MAC set to a target
 * picked by a hash of the client's address and ports, the source MAC set to the interface's, and
 * {@code sendPacket} (one {@code pcap_sendpacket} system call a frame). No sessions, no ARP, no bus:
 * a ceiling for a bng on pcap4j, which would do all of this and more. bng's own {@code access pcap}
 * is libpcap called through the foreign-function API instead (docs/architecture.md says why).
 *
 * <pre>java -cp bench/target/benchmarks.jar bng.bench.Pcap4jForwarder IFACE OWN_MAC VIP TARGET_MAC...</pre>
 *
 * Runs until SIGTERM, when it prints {@code received N forwarded N dropped N ring-drops 0} like
 * bench/cfwd/cfwd.c (its frames lost in libpcap's ring on a second line).
 */
public final class Pcap4jForwarder {
    /** Written by the main thread only, read by the shutdown hook (volatile: a plain field stays in a register). */
    private static volatile long received;
    private static volatile long forwarded;
    private static volatile long dropped;

    private Pcap4jForwarder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: Pcap4jForwarder IFACE OWN_MAC VIP TARGET_MAC...");
            System.exit(2);
        }
        byte[] own = mac(args[1]);
        if (!(InetAddress.getByName(args[2]) instanceof Inet4Address)) {
            throw new IllegalArgumentException("VIP must be an IPv4 address: " + args[2]);
        }
        byte[][] targets = new byte[args.length - 3][];
        for (int i = 3; i < args.length; i++) {
            targets[i - 3] = mac(args[i]);
        }
        PcapHandle handle = new PcapHandle.Builder(args[0])
            .snaplen(2048)
            .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
            .timeoutMillis(1)
            .bufferSize(32 << 20)
            .immediateMode(true)
            .build();
        handle.setFilter("ether dst " + args[1] + " and ip dst host " + args[2], BpfCompileMode.OPTIMIZE);
        handle.setDirection(org.pcap4j.core.PcapHandle.PcapDirection.IN);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The counts first: libpcap's statistics are asked of the handle the main thread is still in.
            System.out.printf("received %d forwarded %d dropped %d ring-drops 0%n", received, forwarded, dropped);
            System.out.flush();
            try {
                PcapStat stat = handle.getStats();
                System.out.printf("libpcap: received %d dropped %d%n", stat.getNumPacketsReceived(), stat.getNumPacketsDropped());
            } catch (Exception e) {
                System.out.println("libpcap: no statistics: " + e);
            }
            System.out.flush();
        }));
        while (true) { // until SIGTERM: the hook prints the counters
            byte[] f = handle.getNextRawPacket(); // null when the 1 ms timeout passes with nothing
            if (f == null) {
                continue;
            }
            received++;
            if (f.length < 34 || f[12] != 0x08 || f[13] != 0x00) {
                dropped++;
                continue;
            }
            int hash = (f[26] & 0xff) << 24 ^ (f[27] & 0xff) << 16 ^ (f[28] & 0xff) << 8 ^ (f[29] & 0xff);
            int l4 = 14 + (f[14] & 0x0f) * 4;
            if ((f[23] == 6 || f[23] == 17) && l4 + 4 <= f.length) {
                hash ^= ((f[l4] & 0xff) << 8 | (f[l4 + 1] & 0xff)) * 0x9e3779b1 ^ ((f[l4 + 2] & 0xff) << 8 | (f[l4 + 3] & 0xff));
            }
            hash ^= hash >>> 16;
            System.arraycopy(targets[Integer.remainderUnsigned(hash * 0x45d9f3b >>> 8, targets.length)], 0, f, 0, 6);
            System.arraycopy(own, 0, f, 6, 6);
            try {
                handle.sendPacket(f);
                forwarded++;
            } catch (Exception e) {
                dropped++;
            }
        }
    }

    private static byte[] mac(String s) {
        String[] parts = s.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + s);
        }
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
