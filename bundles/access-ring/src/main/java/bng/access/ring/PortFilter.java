package bng.access.ring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The classic BPF program the kernel runs before a frame reaches the ring (filter.txt,
 * {@code SO_ATTACH_FILTER}): it keeps frames addressed to the port's MAC or to a group address
 * (broadcast, multicast: ARP requests, VRRP, IPv6 ND) and drops frames whose source is the port's
 * own MAC. So flooded unicast for other hosts (a bridge that has not learnt a target yet,
 * packet-io.md pitfalls 4-5) and bng's own output seen through another socket (pitfall 6) cost no
 * copy, no wake-up and no ring slot. A VRRP virtual MAC would need this widened (not built yet).
 */
final class PortFilter {
    // Opcodes (linux/bpf_common.h): class | size | mode, class | op | src.
    private static final int LD_W_ABS = 0x20;
    private static final int LD_H_ABS = 0x28;
    private static final int LD_B_ABS = 0x30;
    private static final int JEQ_K = 0x15;
    private static final int JSET_K = 0x45;
    private static final int RET_K = 0x06;
    private static final int KEEP = 0x40000; // bytes to keep: all of any frame

    private PortFilter() {}

    /** The program as (code, jt, jf, k) rows, for the port's MAC. */
    static int[][] program(long mac) {
        int hi = (int) (mac >>> 16);
        int lo = (int) (mac & 0xffff);
        return new int[][] {
            {LD_B_ABS, 0, 0, 0},    // 0: A = first byte of the destination
            {JSET_K, 4, 0, 1},      // 1: group bit set (broadcast/multicast) -> 6
            {LD_W_ABS, 0, 0, 0},    // 2: destination, high 4 bytes
            {JEQ_K, 0, 6, hi},      // 3: not ours -> 10 (drop)
            {LD_H_ABS, 0, 0, 4},    // 4: destination, low 2 bytes
            {JEQ_K, 0, 4, lo},      // 5: not ours -> 10 (drop)
            {LD_W_ABS, 0, 0, 6},    // 6: source, high 4 bytes
            {JEQ_K, 0, 3, hi},      // 7: not ours -> 11 (keep)
            {LD_H_ABS, 0, 0, 10},   // 8: source, low 2 bytes
            {JEQ_K, 0, 1, lo},      // 9: ours -> 10 (drop), else 11 (keep)
            {RET_K, 0, 0, 0},       // 10: drop
            {RET_K, 0, 0, KEEP},    // 11: keep
        };
    }

    /** Attaches the program to the socket. */
    static void attach(int fd, long mac, String name) throws IOException {
        int[][] p = program(mac);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(8L * p.length, 8);
            for (int i = 0; i < p.length; i++) {
                long at = 8L * i;
                insns.set(JAVA_SHORT, at, (short) p[i][0]);
                insns.set(JAVA_BYTE, at + 2, (byte) p[i][1]);
                insns.set(JAVA_BYTE, at + 3, (byte) p[i][2]);
                insns.set(JAVA_INT, at + 4, p[i][3]);
            }
            MemorySegment prog = arena.allocate(16, 8); // struct sock_fprog { u16 len; struct sock_filter *filter; }
            prog.set(JAVA_SHORT, 0, (short) p.length);
            prog.set(ADDRESS, 8, insns);
            Libc.setOption(fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, prog, name + ": SO_ATTACH_FILTER", arena);
        }
    }
}
