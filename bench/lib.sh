# Functions the benchmark scripts share (sourced by bench/dsr-bench.sh and bench/wrk-bench.sh).
# They expect: P (namespace prefix of bin/seed-net), work (scratch directory), NICE, BAL_CPUS (CPU
# list for the balancer), BNG_RUN_DIR, VIP, LB_MAC, T1_MAC, T2_MAC; they set bng_pid.
BAL_CPUS=${BAL_CPUS:-1}

in_ns() { local ns=$1; shift; ip netns exec "$P$ns" "$@"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# start_bng_conf CONF NAME [JVM OPTIONS]: bng -f with CONF in the lb node, pinned to BAL_CPUS, until
# both targets are up; its output in $work/bng-NAME.log, GC log in $work/gc.log
start_bng_conf() {
  mkdir -p "$BNG_RUN_DIR"
  ip netns exec "${P}lb" env BNG_RUN_DIR="$BNG_RUN_DIR" BNG_JAVA_OPTS="-Xlog:gc:file=$work/gc.log ${3:-}" \
    nice -n "$NICE" taskset -c "$BAL_CPUS" bin/bng -f -c "$1" start > "$work/bng-$2.log" 2>&1 &
  bng_pid=$!
  local i up
  for i in $(seq 1 80); do
    up=$(printf 'show targets\n' | in_ns lb env BNG_RUN_DIR="$BNG_RUN_DIR" bin/bng control 2>/dev/null \
      | grep -cE '^\s*[12]\s.*\bup\b')
    [[ $up == 2 ]] && return 0
    kill -0 "$bng_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "bench: bng ($2) did not bring both targets up; its log:" >&2
  cat "$work/bng-$2.log" "$BNG_RUN_DIR"/*.log >&2 2>/dev/null
  return 1
}

start_cfwd() {   # the C forwarder ($work/cfwd, bench/cfwd/cfwd.c) in bng's place, pinned like bng
  start_forwarder cfwd "$work/cfwd"
}

# start_pcap4j: bng.bench.Pcap4jForwarder (bench/target/benchmarks.jar) in bng's place, pinned like bng
start_pcap4j() {
  [[ -f bench/target/benchmarks.jar ]] || { echo "bench: build the bench jar first: mvn -q -B -Pbench -pl bench package" >&2; return 1; }
  start_forwarder pcap4j "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" --enable-native-access=ALL-UNNAMED \
    -Xlog:gc:file="$work/gc.log" -cp bench/target/benchmarks.jar bng.bench.Pcap4jForwarder
}

# start_forwarder NAME COMMAND...: COMMAND eth0 LB_MAC VIP T1_MAC T2_MAC in the lb node, output in
# $work/fwd.out; such forwarders answer no ARP: the router reaches the VIP through a static
# neighbour entry while one runs
start_forwarder() {
  local name=$1
  shift
  ip netns exec "${P}lb" nice -n "$NICE" taskset -c "$BAL_CPUS" "$@" eth0 "$LB_MAC" "$VIP" "$T1_MAC" "$T2_MAC" \
    > "$work/fwd.out" 2>&1 &
  bng_pid=$!
  in_ns rt ip neigh replace "$VIP" lladdr "$LB_MAC" dev eth0 nud permanent
  sleep 1
  kill -0 "$bng_pid" 2>/dev/null || { echo "bench: $name did not start:" >&2; cat "$work/fwd.out" >&2; return 1; }
}

stop_forwarder() {   # prints the forwarder's own counters: received forwarded dropped ring-drops
  [[ -n $bng_pid ]] || return 0
  kill -TERM "$bng_pid" 2>/dev/null
  # called as $(stop_forwarder), a subshell, where wait cannot wait for the caller's child: poll
  for _ in $(seq 1 50); do kill -0 "$bng_pid" 2>/dev/null || break; sleep 0.1; done
  wait "$bng_pid" 2>/dev/null
  bng_pid=""
  in_ns rt ip neigh del "$VIP" dev eth0 2>/dev/null
  rm -f "$work/gc.log"
  awk '/^received/ {print $2, $4, $6 + $8, 0}' "$work/fwd.out"
}

stop_bng() {
  [[ -n $bng_pid ]] || return 0
  in_ns lb env BNG_RUN_DIR="$BNG_RUN_DIR" bin/bng stop >/dev/null 2>&1
  for _ in $(seq 1 20); do kill -0 "$bng_pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$bng_pid" 2>/dev/null
  wait "$bng_pid" 2>/dev/null
  bng_pid=""
  rm -f "$work/gc.log"
}

# "median/p99" of numbers on stdin
median() { sort -g | awk '{v[NR] = $1} END {if (!NR) print "-"; else printf "%.3f/%.3f\n", v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)]}'; }
