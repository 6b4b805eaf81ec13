#!/usr/bin/env bash
# Realtime figures on the packaged service (SQLite): wake-up latency of 1,000 held long-polls,
# idle new_msg polls per second next to /actuator/health per second, RSS with 10,000 held polls.
# WARMUP=N (seconds) first warms the service up: N s of idle polls and one wake-up run not counted;
# without it the wake-up is measured on a fresh service, as before. POLLS_ONLY=1 measures the idle
# polls only (no wake-up, no RSS run): bench/all.sh's growth figures. STREAMS=M opens M event
# streams (SSE, a patient each) beside the 10,000 held polls of the RSS run. The RSS run also prints
# the live heap with them held (after a full collection: the RSS does not show it once the heap is
# committed in full).
# usage: [WARMUP=45] bench/realtime.sh [seconds-per-wrk-run=10] [extra service arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SECONDS_TO_RUN=${1:-10}
shift $(( $# > 1 ? 1 : $# ))
ulimit -n 65536 2>/dev/null || true
PORT=${BENCH_PORT:-18282}
start_service "$PORT" "$@"

# idle polls: a patient whose session has nothing after seq 1
TOKEN=$(python3 bench/mint.py "$SECRET" patient "idle-p" 1)
POLL=$(idle_poll_url "$PORT" "$TOKEN")

if [ -n "${WARMUP:-}" ]; then
    echo "warm-up ($WARMUP s of idle polls, then a wake-up run not counted) ..."
    wrk -t2 -c32 -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "$POLL" > /dev/null
    [ -n "${POLLS_ONLY:-}" ] || java bench/RealtimeBench.java "$PORT" "$SECRET" wake 1000 > /dev/null
fi
[ -n "${POLLS_ONLY:-}" ] || java bench/RealtimeBench.java "$PORT" "$SECRET" wake 1000

wrk -t2 -c32 -d3s -H "Authorization: Bearer $TOKEN" "$POLL" > /dev/null
wrk -t2 -c32 -d3s "http://127.0.0.1:$PORT/actuator/health" > /dev/null
cpu_window 0 "$SECONDS_TO_RUN" --service "$PID"
POLLED=$(wrk -t2 -c32 -d"${SECONDS_TO_RUN}s" -H "Authorization: Bearer $TOKEN" "$POLL")
refuse_non_2xx "idle polls" "$POLLED" || exit 1
POLLS=$(awk '/Requests\/sec/ {print $2}' <<< "$POLLED")
POLLS_CPU=$(cpu_line "$POLLS")
HEALTH=$(wrk -t2 -c32 -d"${SECONDS_TO_RUN}s" "http://127.0.0.1:$PORT/actuator/health" | awk '/Requests\/sec/ {print $2}')
echo "idle new_msg polls: $POLLS/s; /actuator/health: $HEALTH/s; ratio $(python3 -c "print(f'{$POLLS/$HEALTH:.0%}')")"
echo "$POLLS_CPU"

[ -n "${POLLS_ONLY:-}" ] && exit 0
java -Xss256k bench/RealtimeBench.java "$PORT" "$SECRET" hold 10000 "$PID" ${STREAMS:-0}
