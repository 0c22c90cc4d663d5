#!/usr/bin/env bash
# HTTP benchmark against real peers (issue 9; docs/benchmarks.md, "Requests through the VIP"): the
# seed's network from bin/seed-net (two nginx targets), wrk in the router's namespace, and for
# each variant one balancer in the lb node, all in one run:
#   direct    wrk straight to target 1, no balancer (the ceiling of one target)
#   bng-dsr   bng, examples/dsr.conf (DSR, `access raw` ring driver), wrk to the VIP
#   bng-dsr2  the same with `threads 2` on the interface: two AF_PACKET sockets in a fanout group,
#             one port thread pinned to each CPU, so a frame wakes a thread on the CPU it arrived on
#   c-ring    bench/cfwd/cfwd.c, the minimal C DSR forwarder of the same I/O design, wrk to the VIP
#   bng-nat   bng in NAT mode with SNAT (`proxy enable`, prx = the network's virt 198.18.0.5): one
#             leg, so the targets' replies come back through bng, which rewrites both ways
#   haproxy   HAProxy `mode tcp`, roundrobin over the targets, on a kernel address 198.18.0.3
#   nftables  the kernel as balancer: nft DNAT (numgen round robin) + masquerade on 198.18.0.4
# wrk, the targets and the balancer share the machine's CPUs (nothing pinned unless BAL_CPUS is
# set). For each variant: requests/s, wrk's latency median/p99, the balancer process's CPU per
# request (nftables: none, the kernel's softirq time is not a process's) and how busy the machine
# was. Median (by requests/s) of RUNS runs.
#
#   bench/wrk-bench.sh [VARIANTS...]      default: direct bng-dsr bng-dsr2 c-ring bng-nat haproxy nftables
# Environment: RUNS (3), DURATION (10 s per run), CONNS (32 connections), THREADS (wrk threads, 1),
# BAL_CPUS (CPU list for the balancer; default all), NICE (0).
# Needs root, gcc, nginx, wrk, haproxy, nft and a built tree (mvn install -DskipTests). Not a test.
set -uo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

variants=("$@")
(( ${#variants[@]} )) || variants=(direct bng-dsr bng-dsr2 c-ring bng-nat haproxy nftables)
RUNS=${RUNS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-32} THREADS=${THREADS:-1} NICE=${NICE:-0}
BAL_CPUS=${BAL_CPUS:-0-$(( $(nproc) - 1 ))}
P=bngw$(( $$ % 10000 ))
VIP=198.18.0.100 T1=198.18.0.11 T2=198.18.0.12 HAPROXY_IP=198.18.0.3 NFT_IP=198.18.0.4 PRX=198.18.0.5
LB_MAC=02:00:00:00:00:02 T1_MAC=02:00:00:00:00:0b T2_MAC=02:00:00:00:00:0c
work=$(mktemp -d /tmp/bng-wrk.XXXXXX)
export BNG_RUN_DIR=$work/run
bng_pid=""

[[ $(id -u) == 0 ]] || { echo "wrk-bench: needs root (namespaces, raw sockets)" >&2; exit 1; }
for tool in gcc nginx nft wrk haproxy taskset; do
  command -v "$tool" >/dev/null || { echo "wrk-bench: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done
[[ -f runtime/target/bng.jar ]] || { echo "wrk-bench: build first: mvn -q -B install -DskipTests" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source bench/lib.sh

cleanup() {
  stop_balancer
  bin/seed-net down "$P"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

current="" addr=""
start_balancer() {   # start_balancer VARIANT: starts it and sets addr, the address wrk should load
  current=$1
  case $1 in
    direct) addr=$T1 ;;
    bng-dsr) start_bng_conf "${DSR_CONF:-examples/dsr.conf}" dsr "${BNG_OPTS:-}" && addr=$VIP ;;
    bng-dsr2)
      sed 's/^\( *\)access raw$/&\n\1threads 2/' examples/dsr.conf > "$work/dsr2.conf"
      grep -q 'threads 2' "$work/dsr2.conf" || { echo "wrk-bench: no 'access raw' line in examples/dsr.conf" >&2; return 1; }
      start_bng_conf "$work/dsr2.conf" dsr2 "${BNG_OPTS:-}" && addr=$VIP ;;
    bng-nat)
      # the seed's DSR example turned into NAT with SNAT: targets without `dsr enable`, the server
      # proxies from the network's virt address
      sed -e '/dsr enable/d' -e 's/^\( *\)real 198.18.0.2$/&\n\1virt '"$PRX"'/' \
          -e 's/^\( *\)targets 1,2$/\1proxy enable\n\1prx '"$PRX"'\n&/' examples/dsr.conf > "$work/nat.conf"
      start_bng_conf "$work/nat.conf" nat "${BNG_OPTS:-}" && addr=$VIP ;;
    c-ring) start_cfwd && addr=$VIP ;;
    haproxy)
      in_ns lb ip addr add "$HAPROXY_IP/24" dev eth0
      cat > "$work/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend vip
  bind $HAPROXY_IP:80
  default_backend targets
backend targets
  balance roundrobin
  server t1 $T1:80
  server t2 $T2:80
CFG
      ip netns exec "${P}lb" nice -n "$NICE" taskset -c "$BAL_CPUS" haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
      bng_pid=$!
      sleep 1
      kill -0 "$bng_pid" 2>/dev/null || { cat "$work/haproxy.log" >&2; return 1; }
      addr=$HAPROXY_IP ;;
    nftables)
      in_ns lb ip addr add "$NFT_IP/24" dev eth0
      in_ns lb sysctl -qw net.ipv4.ip_forward=1
      in_ns lb nft -f - <<NFT
table ip bngbench {
  chain pre { type nat hook prerouting priority dstnat; ip daddr $NFT_IP tcp dport 80 dnat to numgen inc mod 2 map { 0 : $T1, 1 : $T2 }; }
  chain post { type nat hook postrouting priority srcnat; ip daddr { $T1, $T2 } tcp dport 80 masquerade; }
}
NFT
      addr=$NFT_IP ;;
    *) echo "wrk-bench: unknown variant $1 (direct bng-dsr bng-dsr2 c-ring bng-nat haproxy nftables)" >&2; return 2 ;;
  esac
}

stop_balancer() {
  case $current in
    bng-dsr|bng-dsr2|bng-nat) stop_bng ;;
    c-ring) stop_forwarder >/dev/null ;;
    haproxy) kill "$bng_pid" 2>/dev/null; wait "$bng_pid" 2>/dev/null; bng_pid=""; in_ns lb ip addr del "$HAPROXY_IP/24" dev eth0 ;;
    nftables) in_ns lb nft delete table ip bngbench; in_ns lb sysctl -qw net.ipv4.ip_forward=0; in_ns lb ip addr del "$NFT_IP/24" dev eth0 ;;
  esac
  current=""
}

to_ms() { awk '{v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) v += 0; else if ($1 ~ /s$/) v *= 1000; printf "%.3f", v}'; }

# one wrk run against ADDR: "requests/s p50ms p99ms balancer-us-CPU-per-request machine-busy%"
measure() {
  local addr=$1 out c0 c1 b0 b1 hz rps p50 p99
  hz=$(getconf CLK_TCK)
  c0=$( [[ -n $bng_pid ]] && ticks "$bng_pid" || echo 0 )
  b0=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)
  out=$(in_ns rt timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "http://$addr/" 2>&1)
  c1=$( [[ -n $bng_pid ]] && ticks "$bng_pid" || echo 0 )
  b1=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")
  p50=$(awk '$1 == "50%" {print $2}' <<< "$out" | to_ms)
  p99=$(awk '$1 == "99%" {print $2}' <<< "$out" | to_ms)
  if grep -qE 'Non-2xx|Socket errors' <<< "$out"; then echo "$out" | grep -E 'Non-2xx|Socket errors' >&2; fi
  awk -v r="${rps:-0}" -v p50="${p50:-0}" -v p99="${p99:-0}" -v c=$((c1 - c0)) -v b=$((b1 - b0)) -v hz="$hz" \
      -v s="$DURATION" -v n="$(nproc)" -v proc="$([[ -n $bng_pid ]] && echo 1 || echo 0)" 'BEGIN {
    us = (proc && r > 0) ? c / hz * 1e6 / (r * s) : -1
    printf "%.0f %.3f %.3f %.1f %.0f\n", r, p50, p99, us, b / hz / s / n * 100 }'
}

echo "== building cfwd and the seed's network (prefix $P)"
gcc -O2 -Wall -o "$work/cfwd" bench/cfwd/cfwd.c || exit 1
bin/seed-net up "$P" "$work/net" || exit 1

declare -A res
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for v in "${variants[@]}"; do
  start_balancer "$v" || { echo "wrk-bench: $v did not start" >&2; stop_balancer; exit 1; }
  # a check that the address serves before loading it
  in_ns rt curl -s -m 3 -o /dev/null "http://$addr/" || { echo "wrk-bench: $v: $addr does not serve" >&2; stop_balancer; exit 1; }
  echo "== $v: wrk -t$THREADS -c$CONNS -d${DURATION}s http://$addr/ x $RUNS"
  res[$v]=$(for ((i = 0; i < RUNS; i++)); do measure "$addr"; done | sort -k1 -g | awk -v n="$RUNS" 'NR == int((n + 1) / 2)')
  stop_balancer
done

echo
echo "HTTP through the balancer, wrk -t$THREADS -c$CONNS, ${DURATION} s, median of $RUNS; $(nproc) CPUs shared by wrk, nginx x2 and the balancer (balancer CPUs: $BAL_CPUS)"
echo "$(date -u '+%F %T') UTC; load average before: $load0; CPU/request = the balancer process's user+system time (nftables: kernel softirq, not a process)"
printf '| %-8s | %10s | %8s | %8s | %14s | %12s |\n' variant "requests/s" "p50 ms" "p99 ms" "µs CPU/request" "machine busy"
printf '|----------|-----------:|---------:|---------:|---------------:|-------------:|\n'
for v in "${variants[@]}"; do
  read -r r p5 p9 u b <<< "${res[$v]}"
  [[ $u == -1.0 ]] && u=-
  printf '| %-8s | %10s | %8s | %8s | %14s | %11s%% |\n' "$v" "$r" "$p5" "$p9" "$u" "$b"
done

rate() { read -r r _ <<< "${res[$1]:-0}"; echo "${r:-0}"; }
echo
for mine in bng-dsr bng-dsr2; do
  [[ -n ${res[$mine]:-} ]] || continue
  line="$mine:"
  for other in direct c-ring haproxy nftables bng-nat; do
    [[ -n ${res[$other]:-} ]] || continue
    line+=" /$other = $(awk -v a="$(rate "$mine")" -v b="$(rate "$other")" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }')"
  done
  echo "$line   (issue 9 goals: /haproxy >= 1.3, /nftables > 1)"
done
