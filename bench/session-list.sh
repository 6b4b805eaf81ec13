#!/usr/bin/env bash
# session_list throughput: a doctor's newest page of PAGE (20) sessions, the doctor (demo doctor
# d1001) having SESSIONS (10,000) sessions, each opened by a patient of its own with one message
# (bench/OpenSessions.java: the sends go over HTTP, 16 at a time, each patient once). Every answer
# must be 200 with a full page. The reference: bench/reference.sh session_list.
# usage: [WARMUP=60] [SESSIONS=10000] [PAGE=20] bench/session-list.sh [connections=16] [seconds=20] [extra service arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
CONNECTIONS=${1:-16}
SECONDS_TO_RUN=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
SESSIONS=${SESSIONS:-10000}
PAGE=${PAGE:-20}
PORT=${BENCH_PORT:-18184}
start_service "$PORT" "$@"

java bench/OpenSessions.java "$PORT" "$SECRET" list-p "$SESSIONS" 16
python3 bench/mint.py "$SECRET" doctor d100 1 > "$WORK/doctor"   # d1001
LIST=(-s bench/page.lua "http://127.0.0.1:$PORT" -- "$WORK/doctor" "/msg_service/msg/doctor/session_list?limit=$PAGE" '"unread_count":' "$PAGE")
echo "warm-up (${WARMUP:-60} s) ..."
wrk -t2 -c"$CONNECTIONS" -d"${WARMUP:-60}s" "${LIST[@]}" > /dev/null
echo "measuring: $CONNECTIONS connections, ${SECONDS_TO_RUN} s, page of $PAGE of $SESSIONS sessions, $(grep -o 'Database: [^ ]*' "$WORK/service.log" | head -1)"
with_cpu "$SECONDS_TO_RUN" "$PID" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" "${LIST[@]}"
