/*
 * cfwd: the benchmark's ceiling (issue 9): a minimal DSR forwarder in C with the same I/O design
 * as bng's ring driver (bng.access.ring, TPACKET_V2 default), so that bench/dsr-bench.sh and
 * bench/wrk-bench.sh can say how much of the machine's packet rate bng's Java leaves on the table.
 *
 *   - one AF_PACKET socket, protocol 0 until bound, PACKET_VERSION TPACKET_V2, PACKET_IGNORE_OUTGOING,
 *     PACKET_QDISC_BYPASS, a classic BPF filter keeping only frames to OWNMAC, an RX ring of
 *     8192 slots of 2 KiB (16 MiB, like bng's), then bind with ETH_P_ALL;
 *   - poll(2) only when the ring is empty (a wake-up per frame at light load, like V2 in bng);
 *   - a burst of up to 64 IPv4 frames to VIP: destination MAC = the target chosen by a hash of
 *     (source address, source port, destination port), source MAC = OWNMAC, rewritten in the ring
 *     slot itself; one sendmmsg(2) per burst with iovecs pointing into the slots, which go back to
 *     the kernel only after the send (no copy at all: bng copies into byte[] frames and back);
 *   - a frame the kernel marks TP_STATUS_CSUMNOTREADY (a local sender's offloaded checksum) gets
 *     its TCP/UDP checksum completed, like bng does, or the targets would drop it;
 *   - everything else (ARP, other addresses) is dropped: the forwarder answers nothing, the
 *     benchmark sends with static MACs.
 * It keeps no sessions (bng looks each flow up in its session table): it is the floor of the work
 * a DSR balancer does per packet, not a balancer.
 *
 *   cfwd IFACE OWNMAC VIP TARGETMAC... [-s SECONDS]
 *
 * Runs until SIGINT/SIGTERM or SECONDS, then prints "received R forwarded F dropped D
 * ring-drops K" on stdout. Written for the benchmark only; bng stays Java.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define SLOT 2048
#define SLOTS 8192
#define BURST 64
#define MAX_TARGETS 16

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

/* A frame from a local sender with checksum offload (TP_STATUS_CSUMNOTREADY) carries only the
 * pseudo-header sum in its TCP/UDP checksum field: complete it, as bng's ring driver does. */
static void complete_checksum(uint8_t *f, uint32_t len) {
    uint32_t ihl = (uint32_t)(f[14] & 15) * 4, tot = (uint32_t)(f[16] << 8 | f[17]);
    if (tot < ihl || 14 + tot > len) return;
    uint8_t *l4 = f + 14 + ihl;
    uint32_t l4len = tot - ihl, off;
    if (f[23] == 6 && l4len >= 20) off = 16; else if (f[23] == 17 && l4len >= 8) off = 6; else return;
    l4[off] = 0; l4[off + 1] = 0;
    uint32_t sum = 0;
    for (int i = 0; i < 8; i += 2) sum += (uint32_t)(f[26 + i] << 8 | f[27 + i]);
    sum += f[23] + l4len;
    for (uint32_t i = 0; i + 1 < l4len; i += 2) sum += (uint32_t)(l4[i] << 8 | l4[i + 1]);
    if (l4len & 1) sum += (uint32_t)(l4[l4len - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    uint16_t c = (uint16_t)~sum;
    if (c == 0 && f[23] == 17) c = 0xffff;
    l4[off] = (uint8_t)(c >> 8); l4[off + 1] = (uint8_t)c;
}

static int mac(const char *s, uint8_t *out) {
    return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &out[0], &out[1], &out[2], &out[3], &out[4], &out[5]) == 6;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: cfwd IFACE OWNMAC VIP TARGETMAC... [-s SECONDS]\n");
        return 2;
    }
    uint8_t own[6], targets[MAX_TARGETS][6];
    struct in_addr vip;
    double seconds = 0;
    int ntargets = 0;
    if (!mac(argv[2], own) || !inet_aton(argv[3], &vip)) { fprintf(stderr, "cfwd: bad MAC or VIP\n"); return 2; }
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) { seconds = atof(argv[++i]); continue; }
        if (ntargets == MAX_TARGETS || !mac(argv[i], targets[ntargets])) { fprintf(stderr, "cfwd: bad target MAC %s\n", argv[i]); return 2; }
        ntargets++;
    }
    if (ntargets == 0) { fprintf(stderr, "cfwd: no target\n"); return 2; }

    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) { perror("cfwd: socket"); return 1; }
    int v = TPACKET_V2, one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) != 0) { perror("cfwd: PACKET_VERSION"); return 1; }
    if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0) perror("cfwd: PACKET_IGNORE_OUTGOING");
    if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0) perror("cfwd: PACKET_QDISC_BYPASS");

    /* keep frames whose destination MAC is OWNMAC: ld [2] (bytes 2-5), ldh [0] (bytes 0-1) */
    uint32_t lo = (uint32_t)own[2] << 24 | (uint32_t)own[3] << 16 | (uint32_t)own[4] << 8 | own[5];
    uint32_t hi = (uint32_t)own[0] << 8 | own[1];
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, lo, 0, 3),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, hi, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) { perror("cfwd: SO_ATTACH_FILTER"); return 1; }

    struct tpacket_req req = { .tp_block_size = SLOT * 32, .tp_block_nr = SLOTS / 32, .tp_frame_size = SLOT, .tp_frame_nr = SLOTS };
    if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) { perror("cfwd: PACKET_RX_RING"); return 1; }
    size_t ring_len = (size_t)SLOT * SLOTS;
    uint8_t *ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ring == MAP_FAILED) { perror("cfwd: mmap"); return 1; }

    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
    sll.sll_ifindex = (int)if_nametoindex(argv[1]);
    if (sll.sll_ifindex == 0) { fprintf(stderr, "cfwd: no interface %s\n", argv[1]); return 1; }
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) { perror("cfwd: bind"); return 1; }

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    static struct mmsghdr msgs[BURST];
    static struct iovec iov[BURST];
    struct tpacket2_hdr *held[BURST];
    for (int i = 0; i < BURST; i++) {
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned long received = 0, forwarded = 0, dropped = 0, ring_drops = 0;
    unsigned next = 0, polls = 0;
    while (!stop) {
        int n = 0, taken = 0;
        while (taken < BURST) {
            struct tpacket2_hdr *h = (struct tpacket2_hdr *)(ring + (size_t)next * SLOT);
            if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) break;
            next = (next + 1) % SLOTS;
            taken++;
            received++;
            uint8_t *f = (uint8_t *)h + h->tp_mac;
            uint32_t len = h->tp_snaplen;
            if (len >= 14 + 20 && f[12] == 0x08 && f[13] == 0x00 && (f[14] >> 4) == 4 && memcmp(f + 30, &vip, 4) == 0) {
                uint32_t ihl = (uint32_t)(f[14] & 15) * 4;
                if (h->tp_status & TP_STATUS_CSUMNOTREADY) complete_checksum(f, len);
                uint32_t hash = (uint32_t)f[26] << 24 ^ (uint32_t)f[27] << 16 ^ (uint32_t)f[28] << 8 ^ f[29];
                if (len >= 14 + ihl + 4) {
                    const uint8_t *l4 = f + 14 + ihl;
                    hash ^= (uint32_t)(l4[0] << 8 | l4[1]) * 2654435761u ^ (uint32_t)(l4[2] << 8 | l4[3]);
                }
                hash ^= hash >> 16;
                memcpy(f, targets[(hash * 0x45d9f3bu >> 8) % (uint32_t)ntargets], 6);
                memcpy(f + 6, own, 6);
                iov[n].iov_base = f;
                iov[n].iov_len = len;
                held[n++] = h;
            } else {
                dropped++;
                __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
            }
        }
        if (n > 0) {
            int done = 0;
            for (int tries = 0; done < n && tries < 2; tries++) {
                int r = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
                if (r > 0) done += r; else if (errno != EINTR && errno != EAGAIN && errno != ENOBUFS) break;
            }
            forwarded += (unsigned long)done;
            dropped += (unsigned long)(n - done);
            for (int i = 0; i < n; i++) __atomic_store_n(&held[i]->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        }
        if (taken == 0) {
            struct pollfd p = { .fd = fd, .events = POLLIN };
            poll(&p, 1, 100);
            if (seconds > 0 && (++polls & 15) == 0) {
                struct timespec t;
                clock_gettime(CLOCK_MONOTONIC, &t);
                if ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= seconds) break;
            }
        }
    }
    struct tpacket_stats st;
    socklen_t sl = sizeof st;
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) == 0) ring_drops = st.tp_drops;
    printf("received %lu forwarded %lu dropped %lu ring-drops %lu\n", received, forwarded, dropped, ring_drops);
    return 0;
}
