#!/usr/bin/env bash
# Send throughput: N concurrent patients sending text messages over HTTP to the packaged service.
# usage: [WARMUP=60] [CLIENT_MSG_ID=1] bench/send.sh [connections=16] [seconds=20] [extra service arguments...]
# CLIENT_MSG_ID=1: every message carries a client_msg_id of its own, as the web client's do.
# The warm-up is long because on two cores the JIT compiler is still busy (a third of the CPU) for
# the first 40 s or so of load; a 5 s warm-up measured the compiler as much as the service.
#   e.g. bench/send.sh 16 20 --spring.datasource.url=jdbc:postgresql://127.0.0.1/bench --spring.datasource.username=postgres
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
CONNECTIONS=${1:-16}
SECONDS_TO_RUN=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
PORT=${BENCH_PORT:-18181}
start_service "$PORT" "$@"

python3 bench/mint.py "$SECRET" patient "bench-p" "$CONNECTIONS" > "$WORK/tokens"
echo "warm-up (${WARMUP:-60} s) ..."
# its line too: with a webhook receiver (send-webhook.sh), what it received is compared with every message sent
echo "warm-up $(wrk -t2 -c"$CONNECTIONS" -d${WARMUP:-60}s -s bench/send.lua "http://127.0.0.1:$PORT" -- "$WORK/tokens" ${CLIENT_MSG_ID:+client_msg_id} | tail -1)"
echo "measuring: $CONNECTIONS connections, ${SECONDS_TO_RUN} s, $(grep -o 'Database: [^ ]*' "$WORK/service.log" | head -1)"
with_cpu "$SECONDS_TO_RUN" "$PID" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" -s bench/send.lua "http://127.0.0.1:$PORT" -- "$WORK/tokens" ${CLIENT_MSG_ID:+client_msg_id}
