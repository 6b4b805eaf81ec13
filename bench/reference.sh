#!/usr/bin/env bash
# The machine's reference for bench/send.sh: bench/RawBatchServer.java (HTTP plus a durable
# group commit, nothing else) under the same load, 16 connections, the same wrk script.
# These machines' speed differs from day to day: quote the service's send rate next to this one,
# measured in the same hour.
# usage: [WARMUP=30] bench/reference.sh [connections=16] [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
CONNECTIONS=${1:-16}
SECONDS_TO_RUN=${2:-20}
PORT=${BENCH_PORT:-18183}
JAR=$(ls target/medmsg-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [ -z "$JAR" ]; then
    ./mvnw -q -B -DskipTests package
    JAR=$(ls target/medmsg-*.jar | grep -v original | head -1)
fi
WORK=$(mktemp -d)
# the service's own SQLite driver, taken from its jar
unzip -p "$JAR" "$(unzip -Z1 "$JAR" | grep 'BOOT-INF/lib/sqlite-jdbc-')" > "$WORK/sqlite-jdbc.jar"
SQLITE_JAR=$WORK/sqlite-jdbc.jar
java -Xmx256m -XX:+UseSerialGC -cp "$SQLITE_JAR" bench/RawBatchServer.java "$PORT" "$WORK" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 60); do
    grep -q "raw batch server" "$WORK/server.log" && break
    sleep 0.5
done
python3 bench/mint.py unused-secret-for-the-reference-server-0123 patient "bench-p" "$CONNECTIONS" > "$WORK/tokens"
wrk -t2 -c"$CONNECTIONS" -d${WARMUP:-30}s -s bench/send.lua "http://127.0.0.1:$PORT" -- "$WORK/tokens" > /dev/null
echo "measuring the reference: $CONNECTIONS connections, ${SECONDS_TO_RUN} s"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" -s bench/send.lua "http://127.0.0.1:$PORT" -- "$WORK/tokens" | tail -1
