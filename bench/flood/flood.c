/*
 * flood: the benchmark's load generator (packet-io.md §2 "Method"). Sends 60-byte TCP SYNs
 * (Ethernet + IPv4 + TCP, no options, checksums correct) to DSTIP:80 from SRCIP and 4096 source
 * ports, through an AF_PACKET socket with PACKET_QDISC_BYPASS and sendmmsg batches of 64, until
 * COUNT frames are sent or SECONDS have passed. With PPS > 0 it paces to that rate (per batch).
 * Pinned to CPU (default 0) so it never competes with the balancer's core.
 *
 *   flood IFACE SRCMAC DSTMAC SRCIP DSTIP COUNT SECONDS [PPS] [CPU]
 *
 * Prints "sent N in S s (R pps)" on stdout. Written for the benchmark only: C is fine for a load
 * generator; the balancer stays Java.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME 60
#define PORTS 4096
#define BATCH 64

static uint8_t frames[PORTS][FRAME];

static uint16_t csum(const uint8_t *p, int n, uint32_t sum) {
    for (int i = 0; i + 1 < n; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1) sum += (uint32_t)(p[n - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static int mac(const char *s, uint8_t *out) {
    return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &out[0], &out[1], &out[2], &out[3], &out[4], &out[5]) == 6;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: flood IFACE SRCMAC DSTMAC SRCIP DSTIP COUNT SECONDS [PPS] [CPU]\n");
        return 2;
    }
    uint8_t smac[6], dmac[6];
    struct in_addr sip, dip;
    if (!mac(argv[2], smac) || !mac(argv[3], dmac) || !inet_aton(argv[4], &sip) || !inet_aton(argv[5], &dip)) {
        fprintf(stderr, "flood: bad MAC or IPv4 address\n");
        return 2;
    }
    long count = atol(argv[6]);
    double seconds = atof(argv[7]);
    double pps = argc > 8 ? atof(argv[8]) : 0;
    int cpu = argc > 9 ? atoi(argv[9]) : 0;

    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) perror("flood: sched_setaffinity");

    for (int i = 0; i < PORTS; i++) {
        uint8_t *f = frames[i];
        memset(f, 0, FRAME);
        memcpy(f, dmac, 6);
        memcpy(f + 6, smac, 6);
        f[12] = 0x08; f[13] = 0x00;
        uint8_t *ip = f + 14;
        ip[0] = 0x45; ip[2] = 0; ip[3] = 40;          /* 20 IP + 20 TCP; 6 bytes of Ethernet padding */
        ip[4] = (uint8_t)(i >> 8); ip[5] = (uint8_t)i;
        ip[6] = 0x40; ip[8] = 64; ip[9] = 6;         /* DF, TTL 64, TCP */
        memcpy(ip + 12, &sip, 4);
        memcpy(ip + 16, &dip, 4);
        uint16_t c = csum(ip, 20, 0);
        ip[10] = (uint8_t)(c >> 8); ip[11] = (uint8_t)c;
        uint8_t *tcp = ip + 20;
        int sport = 10000 + i;
        tcp[0] = (uint8_t)(sport >> 8); tcp[1] = (uint8_t)sport;
        tcp[3] = 80;
        tcp[4] = (uint8_t)(i * 7919 >> 8); tcp[7] = (uint8_t)i;   /* some sequence number */
        tcp[12] = 0x50; tcp[13] = 0x02;              /* header 20 bytes, SYN */
        tcp[14] = 0xfa; tcp[15] = 0xf0;              /* window 64240 */
        uint32_t ph = 0;
        ph += (uint32_t)(ip[12] << 8 | ip[13]) + (uint32_t)(ip[14] << 8 | ip[15]);
        ph += (uint32_t)(ip[16] << 8 | ip[17]) + (uint32_t)(ip[18] << 8 | ip[19]);
        ph += 6 + 20;
        c = csum(tcp, 20, ph);
        tcp[16] = (uint8_t)(c >> 8); tcp[17] = (uint8_t)c;
    }

    int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: send only, never receive */
    if (fd < 0) { perror("flood: socket"); return 1; }
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0) perror("flood: PACKET_QDISC_BYPASS");
    struct sockaddr_ll sll = {0};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = (int)if_nametoindex(argv[1]);
    sll.sll_protocol = 0;
    if (sll.sll_ifindex == 0) { fprintf(stderr, "flood: no interface %s\n", argv[1]); return 1; }
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) { perror("flood: bind"); return 1; }

    static struct mmsghdr msgs[BATCH];
    static struct iovec iov[BATCH];
    long sent = 0, errors = 0;
    int next = 0;
    double start = now(), end = start + seconds;
    double t = start;
    while (sent < count && t < end) {
        int n = BATCH;
        if (count - sent < n) n = (int)(count - sent);
        for (int i = 0; i < n; i++) {
            iov[i].iov_base = frames[next];
            iov[i].iov_len = FRAME;
            next = (next + 1) & (PORTS - 1);
            memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int r = sendmmsg(fd, msgs, (unsigned)n, 0);
        if (r > 0) sent += r; else errors++;
        t = now();
        if (pps > 0) {
            double due = start + sent / pps;   /* pace: sleep until this batch is due */
            while (t < due && t < end) {
                double gap = due - t;
                if (gap > 0.0002) {
                    struct timespec ts = {0, (long)(gap * 1e9 * 0.8)};
                    nanosleep(&ts, NULL);
                }
                t = now();
            }
        }
    }
    double took = now() - start;
    printf("sent %ld in %.2f s (%.0f pps), %ld failed sendmmsg calls\n", sent, took, sent / took, errors);
    return 0;
}
