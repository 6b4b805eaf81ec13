#!/usr/bin/env bash
# Start-up time of the packaged service on SQLite: from launching it to the first 200 of
# /actuator/health/readiness (what a load balancer or Kubernetes waits for), RUNS times (default 5)
# on one data dir that a first start created and migrated (so: a restart, after a deploy or a
# crash; the first start is printed too), then the median.
# usage: bench/startup.sh [RUNS] [MODE]
#   MODE jar:    java -jar target/medmsg-*.jar (the JVM options of docs/deploy.md)
#   MODE medmsg: ./medmsg, the README's run command (extracted jar + the JDK's AOT cache; its
#                one-off training start happens before the first timed run, untimed)
# BENCH_JVM_OPTS replaces the JVM options, as in bench/lib.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
RUNS=${1:-5}
MODE=${2:-medmsg}
PORT=${BENCH_PORT:-28383}
SECRET=bench-secret-of-at-least-thirty-two-bytes-0123

jar=$(ls target/medmsg-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [ -z "$jar" ]; then
    ./mvnw -q -B -Dmaven.test.skip=true -Dskip.postgres=true -Dskip.mariadb=true -Djib.skip=true -Dimage.skip=true package
    jar=$(ls target/medmsg-*.jar | grep -v original | head -1)
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

launch() {
    local args=(--server.port="$PORT" --medmsg.data-dir="$WORK/data" --medmsg.auth.hs256-secret="$SECRET")
    if [ "$MODE" = jar ]; then
        # shellcheck disable=SC2086 # a list of options
        java ${BENCH_JVM_OPTS:-$MEDMSG_JVM_OPTS} --enable-native-access=ALL-UNNAMED -jar "$jar" "${args[@]}" \
            > "$WORK/service.log" 2>&1 &
    else
        JAVA_OPTS=${BENCH_JVM_OPTS:-$MEDMSG_JVM_OPTS} ./medmsg "${args[@]}" > "$WORK/service.log" 2>&1 &
    fi
    PID=$!
}

# one timed start: prints its line, appends its milliseconds to $WORK/figures; stops the service after
timed_start() {
    local label=$1 t0 t1 ms started warnings
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/"; then
        echo "FAILED: something already answers on port $PORT (BENCH_PORT= another one)" >&2
        exit 1
    fi
    t0=$(date +%s%N)
    launch
    until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/actuator/health/readiness"; do
        if ! kill -0 "$PID" 2>/dev/null; then
            cat "$WORK/service.log" >&2
            echo "FAILED: the service exited before it was ready" >&2
            exit 1
        fi
        sleep 0.02
    done
    t1=$(date +%s%N)
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    ms=$(( (t1 - t0) / 1000000 ))
    started=$(grep -o 'Started MedMsgApplication in [0-9.]* seconds (process running for [0-9.]*)' "$WORK/service.log" || true)
    warnings=$(grep -c '^WARNING' "$WORK/service.log" || true)
    echo "$label: ${ms} ms to ready; ${started}; JVM warnings: ${warnings}"
    echo "$ms" >> "$WORK/figures"
}

if [ "$MODE" = medmsg ]; then
    # the build, extraction and class cache, once, before anything is timed
    MEDMSG_PREPARE_ONLY=1 ./medmsg
fi
timed_start "first start (creates and migrates the database)"
: > "$WORK/figures"
for i in $(seq 1 "$RUNS"); do
    timed_start "restart $i"
done
median=$(sort -n "$WORK/figures" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "mode $MODE, JDK $(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release"), ${RUNS} restarts: median ${median} ms to ready ($(paste -sd' ' "$WORK/figures"))"
