#!/usr/bin/env bash
# Send throughput: N concurrent patients sending text messages over HTTP to the packaged service.
# usage: bench/send.sh [connections=16] [seconds=20] [extra service arguments...]
#   e.g. bench/send.sh 16 20 --spring.datasource.url=jdbc:postgresql://127.0.0.1/bench --spring.datasource.username=postgres
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
CONNECTIONS=${1:-16}
SECONDS_TO_RUN=${2:-20}
shift $(( $# > 2 ? 2 : $# ))

JAR=$(ls target/medmsg-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [ -z "$JAR" ]; then
    ./mvnw -q -B -DskipTests package
    JAR=$(ls target/medmsg-*.jar | grep -v original | head -1)
fi
WORK=$(mktemp -d)
SECRET=bench-secret-of-at-least-thirty-two-bytes-0123
PORT=${BENCH_PORT:-18181}
java -Xmx1g -jar "$JAR" --server.port="$PORT" --medmsg.data-dir="$WORK/data" --medmsg.auth.hs256-secret="$SECRET" \
    --medmsg.limits.send-rate-per-second=1000000 --medmsg.limits.send-burst=1000000 "$@" > "$WORK/service.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null && break
    sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null || { tail -50 "$WORK/service.log"; exit 1; }

python3 bench/mint.py "$SECRET" patient "bench-p" "$CONNECTIONS" > "$WORK/tokens"
echo "warm-up (5 s) ..."
wrk -t2 -c"$CONNECTIONS" -d5s -s bench/send.lua "http://127.0.0.1:$PORT" -- "$WORK/tokens" > /dev/null
echo "measuring: $CONNECTIONS connections, ${SECONDS_TO_RUN} s, $(grep -o 'Database: [^ ]*' "$WORK/service.log" | head -1)"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" -s bench/send.lua "http://127.0.0.1:$PORT" -- "$WORK/tokens" | tail -1
