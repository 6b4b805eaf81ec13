#!/usr/bin/env bash
# Read throughput: N concurrent patients each reading the newest page of their conversation
# (msg_list, 50 messages by default) from the packaged service. Each patient first sends
# PAGE+10 messages, so every page is full; then a warm-up and the measured run.
# usage: [WARMUP=60] [PAGE=50] bench/read.sh [connections=16] [seconds=20] [extra service arguments...]
#   e.g. bench/read.sh 16 20 --medmsg.audit.enabled=false    # the cost of auditing reads
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
CONNECTIONS=${1:-16}
SECONDS_TO_RUN=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
PAGE=${PAGE:-50}
PORT=${BENCH_PORT:-18182}
start_service "$PORT" "$@"

python3 bench/mint.py "$SECRET" patient "bench-p" "$CONNECTIONS" > "$WORK/tokens"
fill_conversations "$PORT" "$WORK/tokens" "$PAGE"
echo "warm-up (${WARMUP:-60} s) ..."
wrk -t2 -c"$CONNECTIONS" -d${WARMUP:-60}s -s bench/read.lua "http://127.0.0.1:$PORT" -- "$WORK/tokens" "$PAGE" > /dev/null
echo "measuring: $CONNECTIONS connections, ${SECONDS_TO_RUN} s, page of $PAGE, $(grep -o 'Database: [^ ]*' "$WORK/service.log" | head -1)"
with_cpu "$SECONDS_TO_RUN" "$PID" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" -s bench/read.lua "http://127.0.0.1:$PORT" -- "$WORK/tokens" "$PAGE"
