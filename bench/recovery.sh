#!/usr/bin/env bash
# Recovery after kill -9 on SQLite: does anything on the way back scale with the data? For each
# database size (messages, default 10000 and 1000000), builds a data dir once (the service creates
# the schema; sqlite3 then adds the messages, 100 per session, one audit record per message, as a
# year of use would leave them), then RUNS times (default 3): starts the packaged jar, sends for
# LOAD seconds (default 5) with wrk, kills it with SIGKILL in the middle of that, and measures
# from the restart (exec of java) to the first 200 of an authenticated API call that reads the
# database (session_list). Prints each run and the median per size.
# usage: [RUNS=3] [LOAD=5] bench/recovery.sh [sizes...]      e.g. bench/recovery.sh 10000 1000000
# Needs sqlite3, wrk, curl, python3; the jar in target/ (./mvnw -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 1000000)
RUNS=${RUNS:-3}
LOAD=${LOAD:-5}
PORT=${BENCH_PORT:-18383}
JAR=${BENCH_JAR:-$(ls target/medmsg-*.jar 2>/dev/null | grep -v original | head -1 || true)}
[ -n "$JAR" ] || { echo "no jar in target/: ./mvnw -DskipTests package" >&2; exit 1; }
ROOT=$(mktemp -d /tmp/medmsg-recovery-XXXXXX)
SERVICE_PID=
cleanup() {
    [ -z "$SERVICE_PID" ] || kill -9 "$SERVICE_PID" 2>/dev/null || true
    rm -rf "$ROOT"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# start DATA_DIR LOG: the jar in the background, as bench/lib.sh starts it; sets SERVICE_PID
start() {
    # shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of options
    java ${BENCH_JVM_OPTS:-$MEDMSG_JVM_OPTS} -jar "$JAR" --server.port="$PORT" --medmsg.data-dir="$1" \
        --medmsg.auth.hs256-secret="$SECRET" --medmsg.limits.send-rate-per-second=1000000 \
        --medmsg.limits.send-burst=1000000 >> "$2" 2>&1 &
    SERVICE_PID=$!
}

# first_answer TOKEN: waits for the first 200 of session_list; prints nothing, fails after 120 s
first_answer() {
    local i
    for i in $(seq 1 1200); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" \
            "http://127.0.0.1:$PORT/msg_service/msg/patient/session_list?limit=20")" = 200 ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# build SIZE DIR: a data dir with SIZE generated messages
build() {
    local size=$1 dir=$2 sessions=$(( ($1 + 99) / 100 )) token
    mkdir -p "$dir"
    start "$dir" "$dir/build.log"
    token=$(python3 bench/mint.py "$SECRET" patient gen-p 1)
    first_answer "$token" || { tail -30 "$dir/build.log"; exit 1; }
    kill "$SERVICE_PID"; wait "$SERVICE_PID" || true; SERVICE_PID=
    sqlite3 "$dir/medmsg.db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < $sessions)
INSERT INTO sessions (session_id, patient_id, patient_name, doctor_id, last_seq, created_at, updated_at,
                      patient_read_seq, doctor_read_seq)
SELECT printf('gen%08d', k), 'gen-p' || k, 'generated ' || k, 'd100' || (1 + k % 3), 100,
       1700000000000 + k * 1000, 1700000000000 + k * 1000 + 99000, 100, 100 FROM s;
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < $size - 1)
INSERT INTO messages (msg_id, session_id, seq, sender_role, sender_id, msg_type, text, created_at,
                      patient_change_seq, doctor_change_seq)
SELECT printf('genm%010d', i), printf('gen%08d', i / 100 + 1), i % 100 + 1,
       CASE WHEN i % 2 = 0 THEN 'patient' ELSE 'doctor' END,
       CASE WHEN i % 2 = 0 THEN 'gen-p' || (i / 100 + 1) ELSE 'd100' || (1 + (i / 100 + 1) % 3) END,
       'text', '您好，医生，这是第 ' || i || ' 条生成的消息，用来把数据库填到一年的量。',
       1700000000000 + i * 1000, i % 100 + 1, i % 100 + 1 FROM m;
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < $size - 1)
INSERT INTO audit_records (at_ms, actor_role, actor_id, action, session_id, seq_from, seq_to, request_id, ip, outcome)
SELECT 1700000000000 + i * 1000, CASE WHEN i % 2 = 0 THEN 'patient' ELSE 'doctor' END, 'gen-p' || (i / 100 + 1),
       'send_text_msg', printf('gen%08d', i / 100 + 1), i % 100 + 1, i % 100 + 1, printf('genr%010d', i), '127.0.0.1', 200
FROM m;
COMMIT;
SQL
}

declare -A MEDIANS
for size in "${SIZES[@]}"; do
    dir=$ROOT/$size
    echo "building a data dir with $size messages ..."
    t=$(now_ms); build "$size" "$dir"
    echo "  built in $(( ($(now_ms) - t) / 1000 )) s: $(du -sh "$dir/medmsg.db" | cut -f1), $(sqlite3 "$dir/medmsg.db" 'SELECT count(*) FROM messages') messages"
    python3 bench/mint.py "$SECRET" patient "rec-$size-p" 16 > "$dir/tokens"
    reader=$(python3 bench/mint.py "$SECRET" patient gen-p 1)
    times=()
    for run in $(seq 1 "$RUNS"); do
        start "$dir" "$dir/service.log"
        first_answer "$reader" || { tail -30 "$dir/service.log"; exit 1; }
        wrk -t2 -c16 -d"$((LOAD + 5))s" -s bench/send.lua "http://127.0.0.1:$PORT" -- "$dir/tokens" > /dev/null 2>&1 &
        load=$!
        sleep "$LOAD"
        kill -9 "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
        wal=$(stat -c %s "$dir/medmsg.db-wal" 2>/dev/null || echo 0)
        kill "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true
        t0=$(now_ms)
        start "$dir" "$dir/service.log"
        first_answer "$reader" || { tail -30 "$dir/service.log"; exit 1; }
        t1=$(now_ms)
        spring=$(grep -o 'Started MedMsgApplication in [0-9.]* seconds' "$dir/service.log" | tail -1 | grep -o '[0-9.]* seconds')
        times+=($((t1 - t0)))
        echo "  $size messages, run $run: killed with a $((wal / 1024)) KiB WAL; restart to first answer $((t1 - t0)) ms (Spring: started in $spring)"
        kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true; SERVICE_PID=
    done
    MEDIANS[$size]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
done
for size in "${SIZES[@]}"; do
    echo "median restart to first answer, $size messages: ${MEDIANS[$size]} ms"
done
