#!/usr/bin/env bash
# DSR forwarding benchmark on this one machine (docs/benchmarks.md, "DSR forwarding"): the seed's
# network from bin/seed-net (with --flood-sink: static FDB, floods dropped at the targets' ingress),
# the C generator bench/flood/flood.c in the router's namespace pinned to CPU0, and for each variant
#   bridge  the same flood straight to t1's MAC and address, no balancer (the kernel's ceiling)
#   pcap    bng with examples/dsr.conf, interface 1 `access pcap` (libpcap through FFM)
#   ring-v3 bng with examples/dsr.conf as it is, `access raw` (the AF_PACKET ring) with
#           -Dbng.ring.version=3: TPACKET_V3 blocks, woken per block (1 ms block timeout)
#   ring-v2 the same with -Dbng.ring.version=2: TPACKET_V2 slots, woken per frame (the default)
#   c-ring  bench/cfwd/cfwd.c: a minimal C forwarder of the same I/O design (TPACKET_V2 ring,
#           sendmmsg bursts) rewriting in place, no sessions: the ceiling bng is judged against
#   pcap4j  bng.bench.Pcap4jForwarder (bench/target/benchmarks.jar, mvn -Pbench -pl bench package):
#           the least a forwarder on pcap4j does (a byte[] a frame, one pcap_sendpacket a frame),
#           issue 9's pcap reference: bng's own `access pcap` is libpcap through FFM instead
# bng runs pinned to CPU1 (taskset). Forwarded frames are counted at the targets' bridge ports
# (veth tx counters, bridge side) over WINDOW seconds after WARMUP seconds of flood. One table.
#
#   bench/dsr-bench.sh [VARIANTS...]        default: bridge c-ring pcap4j pcap ring-v3 ring-v2
# Environment: RUNS (repetitions, median reported; 1), RATE (fixed-rate pps for the CPU table;
# 100000, 0 skips it), WARMUP (3), WINDOW (8), LATENCY (1: ping/TCP-connect medians of 100),
# NICE (-15: generator and bng run at this nice level, so that other work on a shared machine
# does not starve them and the table measures bng rather than the neighbours; 0 to not do so).
# Needs root, gcc, nginx, nft, and a built tree (mvn install -DskipTests). Not part of the tests.
set -uo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

variants=("$@")
(( ${#variants[@]} )) || variants=(bridge c-ring pcap4j pcap ring-v3 ring-v2)
RUNS=${RUNS:-1} RATE=${RATE:-100000} WARMUP=${WARMUP:-3} WINDOW=${WINDOW:-8} LATENCY=${LATENCY:-1} NICE=${NICE:--15}
P=bngb$(( $$ % 10000 ))
FLOOD_SRC=198.18.0.50 VIP=198.18.0.100 T1=198.18.0.11
RT_MAC=02:00:00:00:00:01 LB_MAC=02:00:00:00:00:02 T1_MAC=02:00:00:00:00:0b T2_MAC=02:00:00:00:00:0c
work=$(mktemp -d /tmp/bng-bench.XXXXXX)
export BNG_RUN_DIR=$work/run
bng_pid=""

[[ $(id -u) == 0 ]] || { echo "dsr-bench: needs root (namespaces, raw sockets)" >&2; exit 1; }
for tool in gcc nginx nft taskset curl; do
  command -v "$tool" >/dev/null || { echo "dsr-bench: $tool is needed" >&2; exit 1; }
done
[[ -f runtime/target/bng.jar ]] || { echo "dsr-bench: build first: mvn -q -B install -DskipTests" >&2; exit 1; }

# shared with bench/wrk-bench.sh: in_ns, ticks, median, start_bng_conf, stop_bng, start_cfwd, start_pcap4j, stop_forwarder
# shellcheck source=bench/lib.sh
source bench/lib.sh

start_bng() {   # start_bng ACCESS [JVM OPTIONS]: bng with examples/dsr.conf, interface 1 through ACCESS, on CPU1
  sed "s/access raw/access $1/" examples/dsr.conf > "$work/dsr-$1.conf"
  start_bng_conf "$work/dsr-$1.conf" "$1" "${2:-}"
}

cleanup() {
  stop_bng
  bin/seed-net down "$P"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stat_of() { in_ns sw cat "/sys/class/net/v$P$1/statistics/$2"; }
# offered (router → bridge), forwarded (bridge → t1 + t2), bng CPU ticks, GC pauses so far,
# CPU ticks the whole machine was busy (other workloads distort results: pitfall 15)
snapshot() {
  local cpu=0 gcs=0 busy
  if [[ -n $bng_pid ]]; then
    cpu=$(ticks "$bng_pid")
    gcs=$(grep -c 'Pause' "$work/gc.log" 2>/dev/null); gcs=${gcs:-0}
  fi
  busy=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)
  echo "$(stat_of rt rx_packets) $(( $(stat_of t1 tx_packets) + $(stat_of t2 tx_packets) )) $cpu $gcs $busy"
}

# Frames of the flood that reached t1 and t2 so far: the counters of seed-net's --flood-sink drop
# rules at the targets' ingress, exact (no other traffic has the flood's source address).
sunk() {
  local n=0 t c
  for t in t1 t2; do
    c=$(in_ns "$t" nft list chain netdev bngbench in | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' | head -1)
    n=$((n + ${c:-0}))
  done
  echo "$n"
}

# flood DSTMAC DSTIP PPS: WARMUP s, then the measured WINDOW; prints "offered fwd cpu% us/pkt gcs
# machine-busy% loss%", the rates over the window, the loss over the whole flood: the frames the
# generator sent that never reached a target, counted once everything is quiet (a window's two
# ends are read some ms apart, which at 100k pps reads as ±0.01-0.03 % "loss" by itself)
flood() {
  local mac=$1 ip=$2 pps=$3 a b hz seconds s0 s1 sent
  hz=$(getconf CLK_TCK)
  s0=$(sunk)
  # Not through in_ns (a function would fork a subshell): $! must be the generator itself.
  ip netns exec "${P}rt" nice -n "$NICE" "$work/flood" eth0 "$RT_MAC" "$mac" "$FLOOD_SRC" "$ip" 1000000000 \
    $((WARMUP + WINDOW + 1)) "$pps" 0 > "$work/flood.out" 2>&1 &
  local gen=$!
  sleep "$WARMUP"
  read -r -a a <<< "$(snapshot)"
  sleep "$WINDOW"
  read -r -a b <<< "$(snapshot)"
  wait "$gen"
  sleep 0.3   # the last frames drain out of the rings and queues
  s1=$(sunk)
  sent=$(sed -n 's/^sent \([0-9]*\) .*/\1/p' "$work/flood.out")
  seconds=$WINDOW
  awk -v o=$((b[0] - a[0])) -v f=$((b[1] - a[1])) -v c=$((b[2] - a[2])) -v g=$((b[3] - a[3])) \
      -v x=$((b[4] - a[4])) -v s="$seconds" -v hz="$hz" -v ncpu="$(nproc)" -v sent="${sent:-0}" -v got=$((s1 - s0)) 'BEGIN {
    cpu = c / hz / s * 100; us = (f > 0) ? c / hz * 1e6 / f : 0
    printf "%d %d %.1f %.2f %d %.0f %.4f\n", o / s, f / s, cpu, us, g, x / hz / s / ncpu * 100, (sent > 0 ? 100 * (sent - got) / sent : -1) }'
}


# latency DSTIP: "ping tcp-connect" in ms (median/p99), 100 samples each
latency() {
  local ping tcp
  ping=$(in_ns rt nice -n "$NICE" ping -n -c 100 -i 0.01 -W 1 -I 198.18.0.20 "$1" 2>/dev/null \
    | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | median)
  tcp=$(for i in $(seq 1 100); do
    in_ns rt nice -n "$NICE" curl -s -o /dev/null --max-time 2 --interface 198.18.0.$((20 + i % 12)) -w '%{time_connect}\n' "http://$1/"
  done | awk '$1 > 0 {print $1 * 1000}' | median)
  echo "$ping $tcp"
}

# row VARIANT MAC IP PPS: the median of RUNS floods, by forwarded rate at saturation (PPS 0) and by
# CPU per packet at a fixed rate (where every run forwards the same)
row() {
  local v=$1 i key=2
  (( $4 > 0 )) && key=4
  for ((i = 0; i < RUNS; i++)); do flood "$2" "$3" "$4"; done | sort -k"$key" -g | awk -v n="$RUNS" 'NR == int((n + 1) / 2)'
}

echo "== building the generator and the seed's network (prefix $P)"
gcc -O2 -Wall -o "$work/flood" bench/flood/flood.c || exit 1
gcc -O2 -Wall -o "$work/cfwd" bench/cfwd/cfwd.c || exit 1
bin/seed-net up "$P" "$work/net" --flood-sink "$FLOOD_SRC" || exit 1

declare -A sat fixed lat drops
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for v in "${variants[@]}"; do
  case $v in
    bridge) mac=$T1_MAC ip=$T1 ;;
    c-ring) mac=$LB_MAC ip=$VIP; start_cfwd || exit 1 ;;
    pcap4j) mac=$LB_MAC ip=$VIP; start_pcap4j || exit 1 ;;
    pcap) mac=$LB_MAC ip=$VIP; start_bng pcap || exit 1 ;;
    ring-v3) mac=$LB_MAC ip=$VIP; start_bng raw -Dbng.ring.version=3 || exit 1 ;;
    ring-v2) mac=$LB_MAC ip=$VIP; start_bng raw -Dbng.ring.version=2 || exit 1 ;;
    *) echo "dsr-bench: unknown variant $v (bridge, c-ring, pcap4j, pcap, ring-v3, ring-v2)" >&2; exit 2 ;;
  esac
  echo "== $v: saturation flood (${WARMUP} s warm-up, ${WINDOW} s window, runs: $RUNS)"
  sat[$v]=$(row "$v" "$mac" "$ip" 0)
  if (( RATE > 0 )); then
    echo "== $v: fixed rate $RATE pps"
    fixed[$v]=$(row "$v" "$mac" "$ip" "$RATE")
  fi
  if (( LATENCY )) && [[ $v != pcap4j ]]; then   # pcap4j's reference forwards floods only (no checksum completion)
    echo "== $v: latency (ping and TCP connect, 100 each, light load)"
    if [[ $v == bridge ]]; then lat[$v]=$(latency "$T1"); else lat[$v]=$(latency "$VIP"); fi
  fi
  if [[ $v == c-ring || $v == pcap4j ]]; then
    drops[$v]=$(stop_forwarder)
  elif [[ $v != bridge ]]; then
    # Where frames were lost, over the whole variant: the driver's counters (show interfaces:
    # received, sent, dropped = ring/kernel drops + cut + failed sends) and the kernel's drops on
    # bng's interface (tx: veth could not take a frame bng sent).
    drops[$v]="$(printf 'show interfaces\n' | in_ns lb env BNG_RUN_DIR="$BNG_RUN_DIR" bin/bng control 2>/dev/null \
      | awk '$2 == "eth0" {print $6, $7, $8}') $(in_ns lb cat /sys/class/net/eth0/statistics/tx_dropped)"
    stop_bng
  fi
done

echo
echo "DSR forwarding, $(nproc) CPUs, generator on CPU0, bng on CPU1, both at nice $NICE; $(date -u '+%F %T') UTC; load average before: $load0"
echo "saturation: offered = generator frames into the bridge, forwarded = frames the bridge gave t1+t2;"
echo "machine busy = share of all CPUs busy during the window (anything above bng + generator is other work on the shared VM)"
printf '| %-7s | %12s | %14s | %9s | %14s | %12s | %11s | %12s |\n' variant "offered pps" "forwarded pps" "fwd/offer" "bng CPU (1 core)" "µs CPU/pkt" "GC pauses" "machine busy"
printf '|---------|-------------:|---------------:|----------:|-----------------:|-------------:|------------:|-------------:|\n'
for v in "${variants[@]}"; do
  read -r o f c u g x _ <<< "${sat[$v]}"
  [[ $v == bridge ]] && c=- u=- g=-
  printf '| %-7s | %12s | %14s | %8.1f%% | %16s | %12s | %11s | %11s%% |\n' "$v" "$o" "$f" "$(awk -v f="$f" -v o="$o" 'BEGIN{print o ? 100 * f / o : 0}')" "$c%" "$u" "$g" "$x"
done
if (( RATE > 0 )); then
  echo
  echo "fixed rate: $RATE pps offered"
  echo "loss = frames the generator sent that reached no target, over the whole flood, counted when quiet"
  printf '| %-7s | %12s | %14s | %9s | %16s | %12s | %11s | %12s |\n' variant "offered pps" "forwarded pps" "loss" "bng CPU (1 core)" "µs CPU/pkt" "GC pauses" "machine busy"
  printf '|---------|-------------:|---------------:|----------:|-----------------:|-------------:|------------:|-------------:|\n'
  for v in "${variants[@]}"; do
    read -r o f c u g x l <<< "${fixed[$v]}"
    [[ $v == bridge ]] && c=- u=- g=-
    printf '| %-7s | %12s | %14s | %8.4f%% | %16s | %12s | %11s | %11s%% |\n' "$v" "$o" "$f" "$l" "$c%" "$u" "$g" "$x"
  done
fi
echo
echo "bng's counters over each whole variant (all floods and probes): driver received/sent/dropped, kernel tx drops on eth0 (c-ring: its own counters)"
printf '| %-7s | %12s | %12s | %12s | %12s |\n' variant received sent "driver drops" "eth0 tx drops"
printf '|---------|-------------:|-------------:|-------------:|-------------:|\n'
for v in "${variants[@]}"; do
  [[ $v == bridge ]] && continue
  read -r r t d k <<< "${drops[$v]}"
  printf '| %-7s | %12s | %12s | %12s | %12s |\n' "$v" "$r" "$t" "$d" "$k"
done
if (( LATENCY )); then
  echo
  echo "latency at light load, 100 samples, median/p99 (ms): bridge = straight to t1; bng = through the VIP"
  echo "(ping to the VIP is answered by bng itself; TCP connect: SYN through bng, SYN-ACK straight back)"
  printf '| %-7s | %14s | %16s |\n' variant "ping" "TCP connect"
  printf '|---------|---------------:|-----------------:|\n'
  for v in "${variants[@]}"; do
    [[ -n ${lat[$v]:-} ]] || continue
    read -r pg tc <<< "${lat[$v]}"
    printf '| %-7s | %14s | %16s |\n' "$v" "$pg" "$tc"
  done
fi

# Issue 9's comparisons, when the variants they need ran: saturation rate and CPU per packet at the
# fixed rate of bng's default driver (ring-v2) against the C forwarder and against pcap4j (the
# issue's pcap reference), and for information against bng's own libpcap driver.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
if [[ -n ${sat[c-ring]:-} || -n ${sat[pcap]:-} || -n ${sat[pcap4j]:-} ]]; then
  echo
  echo "ratios (issue 9): ring = bng's default driver (ring-v2); rates at saturation, CPU per packet at $RATE pps"
  for v in ring-v2 ring-v3; do
    [[ -n ${sat[$v]:-} ]] || continue
    read -r _ f _ _ _ _ <<< "${sat[$v]}"
    line="$v:"
    if [[ -n ${sat[c-ring]:-} ]]; then
      read -r _ cf _ _ _ _ <<< "${sat[c-ring]}"
      line+=" forwarded / c-ring = $(ratio "$f" "$cf") (goal >= 0.95)"
      if [[ -n ${fixed[$v]:-} && -n ${fixed[c-ring]:-} ]]; then
        read -r _ _ _ u _ _ <<< "${fixed[$v]}"; read -r _ _ _ cu _ _ <<< "${fixed[c-ring]}"
        line+="; CPU/pkt / c-ring = $(ratio "$u" "$cu") (goal <= 1.1)"
      fi
    fi
    if [[ -n ${sat[pcap4j]:-} ]]; then
      read -r _ pf _ _ _ _ <<< "${sat[pcap4j]}"
      line+="; forwarded / pcap4j = $(ratio "$f" "$pf") (goal >= 1.6)"
    fi
    if [[ -n ${sat[pcap]:-} ]]; then
      read -r _ pf _ _ _ _ <<< "${sat[pcap]}"
      line+="; forwarded / pcap (bng's libpcap driver) = $(ratio "$f" "$pf")"
    fi
    echo "$line"
  done
fi
