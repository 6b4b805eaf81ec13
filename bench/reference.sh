#!/usr/bin/env bash
# The machine's references, each the least its request can cost here, under the same load as the
# MedMsg script it is read against. These machines' speed differs from day to day: quote a MedMsg
# figure next to its reference measured in the same hour (bench/all.sh runs them side by side).
#   send (default)  bench/RawBatchServer.java: HTTP plus a durable group commit, nothing else;
#                   the wrk script of bench/send.sh                         (WARMUP default 30 s)
#   send_full       bench/RawSendServer.java: the same, but each send writes what a MedMsg send
#                   writes on SQLite, in MedMsg's own schema (both change counters, the session's
#                   row, the message, its event); the wrk script of bench/send.sh (WARMUP 30 s)
#   msg_list        bench/RawReadServer.java: the newest page of PAGE (50) messages of one
#                   conversation, MedMsg's own SQLite schema, one conversation of PAGE+10 messages
#                   per connection, as bench/read.sh makes them; the wrk script of bench/read.sh
#   session_list    bench/RawReadServer.java: a page of PAGE (20) sessions of a doctor with SESSIONS
#                   (10,000) sessions, by MedMsg's index; the wrk script of bench/session-list.sh
#   jetty           bench/JettyHello.java: Jetty 12, the service's own jars, a fixed small JSON
#                   body; 32 connections, as bench/realtime.sh polls new_msg
# Each prints one requests/s line after a warm-up of WARMUP seconds (45 but for send).
# usage: bench/reference.sh [connections=16] [seconds=20]                  (send)
#        bench/reference.sh send_full|msg_list|session_list|jetty [connections=16|16|16|32] [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
MODE=send
case "${1:-}" in
    send|send_full|msg_list|session_list|jetty) MODE=$1; shift ;;
esac
[ "$MODE" = jetty ] && DEFAULT_CONNECTIONS=32 || DEFAULT_CONNECTIONS=16
CONNECTIONS=${1:-$DEFAULT_CONNECTIONS}
SECONDS_TO_RUN=${2:-20}
case $MODE in send*) WARMUP=${WARMUP:-30} ;; *) WARMUP=${WARMUP:-45} ;; esac
PORT=${BENCH_PORT:-18183}
JAR=$(bench_jar)
WORK=$(mktemp -d)
cleanup() {
    [ -z "${PID:-}" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
    rm -rf "$WORK"
}
trap cleanup EXIT
# the references run with the service's JVM options, so that neither has more heap or another GC
JVM_OPTS=${BENCH_JVM_OPTS:-$MEDMSG_JVM_OPTS}
URL=http://127.0.0.1:$PORT

# one line: the wrk script's summary, or wrk's own Requests/sec
measure() {
    local script_args=("$@")
    wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "${script_args[@]}" > /dev/null
    echo "measuring the $MODE reference: $CONNECTIONS connections, ${SECONDS_TO_RUN} s"
    with_cpu "$SECONDS_TO_RUN" "$PID" rate_line wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" "${script_args[@]}"
}

# rate_line COMMAND...: the lines of COMMAND's output that give a rate (wrk's own summary ends with others)
rate_line() {
    "$@" | grep -E 'requests/s|Requests/sec'
}

# MedMsg's SQLite migrations, from the same jar
migrations() {
    mkdir -p "$WORK/migrations"
    unzip -q -j -o "$JAR" 'BOOT-INF/classes/db/migration/sqlite/*' -d "$WORK/migrations"
    echo "$WORK/migrations"
}

# compiled SERVER: the class path that runs bench/SERVER.java, compiled with bench/Raw.java (what
# the SQLite references share) against the packaged jar's SQLite driver and its own id generator
compiled() {
    local cp
    cp=$(jar_libs "$JAR" "$WORK/lib" 'sqlite-jdbc-')
    mkdir -p "$WORK/classes/io/medmsg/shared"
    unzip -p "$JAR" BOOT-INF/classes/io/medmsg/shared/Ids.class > "$WORK/classes/io/medmsg/shared/Ids.class"
    javac -nowarn -d "$WORK/classes" -cp "$WORK/classes:$cp" "bench/$1.java" bench/Raw.java
    echo "$WORK/classes:$cp"
}

case "$MODE" in
send|send_full)
    # send: one row a send; send_full: a MedMsg send's writes, in its schema
    if [ "$MODE" = send ]; then
        SERVER=(RawBatchServer "$PORT" "$WORK") BANNER="raw batch server"
    else
        SERVER=(RawSendServer "$PORT" "$WORK" "$(migrations)") BANNER="raw send server"
    fi
    # shellcheck disable=SC2086 # JVM_OPTS is a list of options
    java $JVM_OPTS -cp "$(compiled "${SERVER[0]}")" "${SERVER[@]}" > "$WORK/server.log" 2>&1 &
    PID=$!
    wait_for_line "$WORK/server.log" "$BANNER"
    python3 bench/mint.py unused-secret-for-the-reference-server-0123 patient "bench-p" "$CONNECTIONS" > "$WORK/tokens"
    measure -s bench/send.lua "$URL" -- "$WORK/tokens"
    ;;
msg_list)
    PAGE=${PAGE:-50}
    # shellcheck disable=SC2086
    java $JVM_OPTS -cp "$(compiled RawReadServer)" RawReadServer "$PORT" "$WORK" \
        "$(migrations)" msg_list "$CONNECTIONS" $((PAGE + 10)) > "$WORK/server.log" 2>&1 &
    PID=$!
    wait_for_line "$WORK/server.log" "raw read server"
    python3 bench/mint.py unused-secret-for-the-reference-server-0123 patient "bench-p" "$CONNECTIONS" > "$WORK/tokens"
    measure -s bench/read.lua "$URL" -- "$WORK/tokens" "$PAGE"
    ;;
session_list)
    PAGE=${PAGE:-20}
    # shellcheck disable=SC2086
    java $JVM_OPTS -cp "$(compiled RawReadServer)" RawReadServer "$PORT" "$WORK" \
        "$(migrations)" session_list "${SESSIONS:-10000}" > "$WORK/server.log" 2>&1 &
    PID=$!
    wait_for_line "$WORK/server.log" "raw read server"
    python3 bench/mint.py unused-secret-for-the-reference-server-0123 doctor d100 1 > "$WORK/tokens"
    measure -s bench/page.lua "$URL" -- "$WORK/tokens" "/msg_service/msg/doctor/session_list?limit=$PAGE" '"unread_count":' "$PAGE"
    ;;
jetty)
    # shellcheck disable=SC2086
    java $JVM_OPTS -cp "$(jar_libs "$JAR" "$WORK/lib" 'jetty-(server|http|io|util)-[0-9]|slf4j-api-')" bench/JettyHello.java "$PORT" \
        > "$WORK/server.log" 2>&1 &
    PID=$!
    wait_for_line "$WORK/server.log" "jetty hello world"
    measure "$URL/msg_service/msg/patient/new_msg?session_id=0123456789abcdef0123456789abcdef&after_seq=1"
    ;;
esac
