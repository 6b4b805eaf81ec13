#!/usr/bin/env bash
# Interleaved A/B of two builds or two settings: both services run side by side, each on a fresh
# SQLite data dir and its own port; after both have warmed up, the load alternates between them in
# short windows, the order swapped every pair. Separate runs minutes apart met a machine whose speed
# drifted by ±15 % between rounds (docs/benchmarks.md, the consultations A/B); two windows a few
# seconds apart meet the same machine, so each pair's ratio keeps little of that drift. Both sides
# warm up in turns of 5 s. The idle service only waits meanwhile, and each window is preceded by a
# short unmeasured one so that it does not start on cold caches.
# usage: A_JAR=… B_JAR=… [A_ARGS='…'] [B_ARGS='…'] [A_JVM_OPTS='…'] [B_JVM_OPTS='…'] [WARMUP=45] \
#        [PAIRS=10] [WINDOW=10] [PAGE=50] [CLIENT_MSG_ID=1] bench/ab.sh send|read|poll [connections=16, poll 32]
#   send: patients' text messages (bench/send.lua); read: the newest msg_list page (bench/read.lua);
#   poll: idle new_msg, one patient's session with nothing new, as bench/realtime.sh polls it
#   e.g. A_JAR=/tmp/jars/before.jar B_JAR=target/medmsg-0.1.0-SNAPSHOT.jar bench/ab.sh send
#        A_ARGS=--medmsg.audit.enabled=false B_ARGS=--medmsg.audit.enabled=true bench/ab.sh read
#   A_JVM_OPTS/B_JVM_OPTS replace that side's JVM options (default BENCH_JVM_OPTS, else those of
#   docs/deploy.md), e.g. B_JVM_OPTS="$MEDMSG_JVM_OPTS -XX:+TieredCompilation"
#   A_SQLITE_PAGE_SIZE/B_SQLITE_PAGE_SIZE: that side's SQLite database is created with pages of that
#   many bytes (sqlite3, before the service starts) instead of SQLite's 4,096
# Prints each pair (A, B, B/A) and at the end the medians of A and B, the median of the pairs'
# ratios and their geometric mean.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
WORKLOAD=${1:?usage: bench/ab.sh send|read|poll [connections]}
[ "$WORKLOAD" = poll ] && CONNECTIONS=${2:-32} || CONNECTIONS=${2:-16}
WARMUP=${WARMUP:-45}
PAIRS=${PAIRS:-10}
WINDOW=${WINDOW:-10}
PAGE=${PAGE:-50}
A_JAR=${A_JAR:-$(bench_jar)}
B_JAR=${B_JAR:-$(bench_jar)}
case $WORKLOAD in
    # CLIENT_MSG_ID=1: each message carries a client_msg_id of its own, as in bench/send.sh
    send) SCRIPT=bench/send.lua; EXTRA=(${CLIENT_MSG_ID:+client_msg_id}) ;;
    read) SCRIPT=bench/read.lua; EXTRA=("$PAGE") ;;
    poll) SCRIPT="" ;;
    *) echo "unknown workload $WORKLOAD (send, read or poll)" >&2; exit 2 ;;
esac

declare -A PIDS DIRS PORTS=([A]=18191 [B]=18192)
stop_both() {
    local side failed=0
    for side in A B; do
        [ -n "${PIDS[$side]:-}" ] || continue
        stop_launched "${PIDS[$side]}" "${DIRS[$side]}" "/tmp/medmsg-ab-$side-$$.log" || failed=1
    done
    [ "$failed" = 0 ] || exit 1
}
trap stop_both EXIT

# start SIDE JAR ARGS JVM_OPTS: the service of one side, healthy, on its own data dir
start() {
    local side=$1 jar=$2 args=$3 jvm_opts=$4
    WORK=$(mktemp -d)
    DIRS[$side]=$WORK
    local page_size=${side}_SQLITE_PAGE_SIZE
    if [ -n "${!page_size:-}" ]; then
        mkdir -p "$WORK/data"
        sqlite3 "$WORK/data/medmsg.db" "PRAGMA page_size = ${!page_size}; PRAGMA journal_mode = WAL;" > /dev/null
    fi
    # shellcheck disable=SC2086 # ARGS is a list of service arguments
    BENCH_JVM_OPTS=$jvm_opts launch "$jar" "${PORTS[$side]}" $args
    PIDS[$side]=$PID
    echo "$side: $jar $args [$jvm_opts] (pid $PID, $(grep -o 'Database: [^ ]*' "$WORK/service.log" | head -1))"
}

# load SIDE SECONDS: wrk on that side; prints the requests per second, fails on any answer not 200
load() {
    local out rate
    if [ -z "$SCRIPT" ]; then
        out=$(wrk -t2 -c"$CONNECTIONS" -d"$2s" -H "Authorization: Bearer $POLL_TOKEN" "${POLL_URL[$1]}")
        refuse_non_2xx "idle polls on $1" "$out" || return 1
        sed -nE 's/^Requests\/sec: +([0-9]+).*/\1/p' <<< "$out"
        return
    fi
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$2s" -s "$SCRIPT" "http://127.0.0.1:${PORTS[$1]}" -- "$TOKENS" "${EXTRA[@]}" | tail -1)
    case $out in *", 0 not 200"*) ;; *) echo "FAILED on $1: $out" >&2; return 1 ;; esac
    rate=$(sed -E 's/.* ([0-9]+) requests\/s.*/\1/' <<< "$out")
    echo "$rate"
}

start A "$A_JAR" "${A_ARGS:-}" "${A_JVM_OPTS:-${BENCH_JVM_OPTS:-$MEDMSG_JVM_OPTS}}"
start B "$B_JAR" "${B_ARGS:-}" "${B_JVM_OPTS:-${BENCH_JVM_OPTS:-$MEDMSG_JVM_OPTS}}"
TOKENS=$(mktemp)
python3 bench/mint.py "$SECRET" patient "bench-p" "$CONNECTIONS" > "$TOKENS"
if [ "$WORKLOAD" = read ]; then
    fill_conversations "${PORTS[A]}" "$TOKENS" "$PAGE"
    fill_conversations "${PORTS[B]}" "$TOKENS" "$PAGE"
fi
declare -A POLL_URL
if [ "$WORKLOAD" = poll ]; then
    POLL_TOKEN=$(head -1 "$TOKENS")
    for side in A B; do
        POLL_URL[$side]=$(idle_poll_url "${PORTS[$side]}" "$POLL_TOKEN")
    done
fi
# Warm-up in turns of 5 s, so that each side has had as much load, and as much idle time for its
# JIT compiler to catch up, when the pairs begin. Warming A whole and then B whole left A idle (its
# compiler free) for WARMUP seconds that B never had: two runs of the same jar on both sides
# measured B/A 0.85 and 0.90, A faster in 11 of 12 pairs (docs/benchmarks.md).
declare -A WARM=()
for turn in $(seq 1 $(( (WARMUP + 4) / 5 ))); do
    for side in A B; do
        WARM[$side]=$(load "$side" 5)
    done
done
echo "warm-up: $WARMUP s a side in turns of 5 s; last turn A ${WARM[A]}/s, B ${WARM[B]}/s"

echo "$WORKLOAD, $CONNECTIONS connections, $PAIRS pairs of $WINDOW s windows"
echo "| pair | A | B | B/A |"
echo "|---|---|---|---|"
A_RATES=() B_RATES=() RATIOS=()
for pair in $(seq 1 "$PAIRS"); do
    if [ $((pair % 2)) -eq 1 ]; then order="A B"; else order="B A"; fi
    declare -A rate=()
    for side in $order; do
        load "$side" 2 > /dev/null
        rate[$side]=$(load "$side" "$WINDOW")
    done
    ratio=$(awk -v a="${rate[A]}" -v b="${rate[B]}" 'BEGIN { printf "%.3f", b / a }')
    A_RATES+=("${rate[A]}") B_RATES+=("${rate[B]}") RATIOS+=("$ratio")
    echo "| $pair (${order/ /,}) | ${rate[A]} | ${rate[B]} | $ratio |"
done
rm -f "$TOKENS"

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
geomean() { printf '%s\n' "$@" | awk '{ s += log($1) } END { printf "%.3f", exp(s / NR) }'; }
echo "median A $(median "${A_RATES[@]}")/s, median B $(median "${B_RATES[@]}")/s," \
    "median of the pairs' B/A $(median "${RATIOS[@]}"), geometric mean $(geomean "${RATIOS[@]}")"
