#!/usr/bin/env bash
# Every figure of issue #15's goals in one go, each MedMsg figure next to its ceiling measured in
# the same round, and one table at the end (Markdown, for docs/benchmarks.md):
#   send, SQLite        bench/send.sh                      vs bench/reference.sh          goal >= 60 %
#   send, PostgreSQL    bench/send.sh on PostgreSQL        vs bench/pgbench.sh            goal >= 50 %
#   send, MariaDB       bench/send.sh on MariaDB           vs bench/mariadb-ceiling.sh    goal >= 50 %
#   send, SQLite, full  the SQLite sends' runs above       vs bench/reference.sh send_full    no goal: a
#                       ceiling that writes what a send writes, so the ratio is what the request
#                       path, the rules and the frameworks cost with the writes held equal
#   msg_list, 50        bench/read.sh                      vs bench/reference.sh msg_list     >= 80 %
#   session_list, 20    bench/session-list.sh (10,000)     vs bench/reference.sh session_list >= 60 %
#   idle new_msg        bench/realtime.sh                  vs bench/reference.sh jetty        >= 33 %
#   wake-up p99, RSS    bench/realtime.sh (1,000 held polls; 10,000 held polls)  <= 25 ms, <= 384 MB
#   RSS with streams    STREAMS=5000 bench/realtime.sh (10,000 held polls, 5,000 event streams) <= 512 MB,
#                       with MEDMSG_JVM_OPTS_MANY_HELD (scripts/jdk.sh), docs/deploy.md's options for that load
# and growth, where the "ceiling" is the same figure on a small database (goal: at most 1.5x slower):
#   msg_list, 50        FILL=10000000 bench/read.sh          vs FILL=10000 bench/read.sh         >= 67 %
#   idle new_msg        FILL=10000000 POLLS_ONLY=1 bench/realtime.sh  vs FILL=10000              >= 67 %
#   session_list, 20    SESSIONS=100000 bench/session-list.sh vs SESSIONS=100                    >= 67 %
# (FILL: bench/fill.py adds that many messages of other sessions before the service starts.)
# FIGURES picks some of them (default: all), e.g. FIGURES='grow_msg_list grow_new_msg grow_session_list'.
# ROUNDS rounds (3); within a round the ceiling runs first in odd rounds and MedMsg first in even
# ones, so that neither always meets a warmer or cooler machine. Every MedMsg run and every Java
# reference warms up WARMUP seconds (45: on two cores the JIT compiler is busy for about 40 s),
# then measures RUN seconds (20). The table's ratio is the MedMsg median over the ceiling median. A
# second table gives, for the runs that print it (bench/cpu.py), the CPU per request of the service
# (and of its writer thread, where it has one), the database server and the load generator, and the
# cores left idle: the medians of the rounds.
# Each run's whole output is kept in the directory printed at the start.
# Takes about ROUNDS x (18 x (WARMUP + RUN) + 12 min): some 36 minutes per round with the defaults.
# Run it on a quiet machine only: it measures, and anything else running skews every figure.
# usage: [WARMUP=45] [RUN=20] [ROUNDS=3] [CONNECTIONS=16] [BENCH_JAR=…] [SERVICE_ARGS='--medmsg.audit.enabled=false'] bench/all.sh
#   PGHOST/PGUSER (127.0.0.1, postgres) and MARIADB_URL/MARIADB_USER/MARIADB_PASSWORD
#   (jdbc:mariadb://127.0.0.1:3306/, root, empty) name the database servers.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
export WARMUP=${WARMUP:-45}
RUN=${RUN:-20}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
FIGURES=${FIGURES:-send_sqlite send_sqlite_full send_postgres send_mariadb msg_list session_list realtime rss_streams grow_msg_list grow_new_msg grow_session_list}
# the growth figures' sizes (smaller ones only to try the script out: the goals name these)
SMALL_FILL=${SMALL_FILL:-10000}
BIG_FILL=${BIG_FILL:-10000000}
SMALL_SESSIONS=${SMALL_SESSIONS:-100}
BIG_SESSIONS=${BIG_SESSIONS:-100000}
# shellcheck disable=SC2206 # a list of service arguments
EXTRA=(${SERVICE_ARGS:-})
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
MARIADB_URL=${MARIADB_URL:-jdbc:mariadb://127.0.0.1:3306/}
MARIADB_USER=${MARIADB_USER:-root}
MARIADB_PASSWORD=${MARIADB_PASSWORD:-}
MARIADB_HOST_PORT=${MARIADB_URL#jdbc:mariadb://}
MARIADB_HOST_PORT=${MARIADB_HOST_PORT%%/*}
# every script on its own port: a server left behind by one run cannot answer another's load
PORT_BASE=${PORT_BASE:-18300}
# one jar for every run, also when target/ changes meanwhile
BENCH_JAR=$(realpath "$(bench_jar)")
export BENCH_JAR
OUT=$(mktemp -d /tmp/medmsg-bench-all-XXXX)
RESULTS=$OUT/results.tsv
: > "$RESULTS"
echo "bench/all.sh: $BENCH_JAR, WARMUP=$WARMUP s, RUN=$RUN s, ROUNDS=$ROUNDS, $CONNECTIONS connections; logs in $OUT"

# the scratch databases of the MedMsg runs: fresh for each run, dropped at the end
postgres_scratch() {
    PGOPTIONS='-c client_min_messages=warning' psql -qd test -c "DROP DATABASE IF EXISTS medmsg_bench_all" "$@" > /dev/null
}

mariadb_scratch() {
    mysql -h "${MARIADB_HOST_PORT%%:*}" -P "${MARIADB_HOST_PORT##*:}" -u "$MARIADB_USER" ${MARIADB_PASSWORD:+-p"$MARIADB_PASSWORD"} \
        -e "DROP DATABASE IF EXISTS medmsg_bench_all; $*"
}

fresh_postgres() {
    postgres_scratch -c "CREATE DATABASE medmsg_bench_all"
}

fresh_mariadb() {
    mariadb_scratch "CREATE DATABASE medmsg_bench_all"
}
trap 'postgres_scratch 2>/dev/null; mariadb_scratch 2>/dev/null' EXIT

# run FIGURE SIDE ROUND PORT_OFFSET command…: runs one script into its log, then records its figure(s)
run() {
    local figure=$1 side=$2 round=$3 port=$((PORT_BASE + $4)) log
    shift 4
    log=$OUT/$figure.$side.$round.log
    echo "$(date -u +%H:%M:%S) round $round: $figure, $side ..."
    if ! BENCH_PORT=$port "$@" > "$log" 2>&1; then
        echo "    FAILED (see $log)"
        printf '%s\t%s\t%s\tFAIL\n' "$figure" "$side" "$round" >> "$RESULTS"
        [ "$figure" != realtime ] || printf '%s\t%s\t%s\tFAIL\n' wake medmsg "$round" rss medmsg "$round" >> "$RESULTS"
        return
    fi
    record "$figure" "$side" "$round" "$log"
}

# idle_polls LOG: the idle new_msg polls per second that bench/realtime.sh printed
idle_polls() {
    sed -nE 's/^idle new_msg polls: ([0-9.]+)\/s.*/\1/p' "$1"
}

# the figure in a run's log: a wrk script's "N not 200 … X requests/s", wrk's "Requests/sec: X",
# "tps = X", or realtime.sh's three lines; a run with any answer other than 200 records FAIL
record() {
    local figure=$1 side=$2 round=$3 log=$4 line value
    case "$figure:$side" in
    rss_streams:medmsg)
        # the figure with them held, not the "(before: …)" that follows it
        value=$(sed -nE 's/^RSS with [0-9]+ long-polls held \([0-9]+ answered early\) and [0-9]+ event streams open \([0-9]+ of [0-9]+ answered 200\): ([0-9]+) MB.*/\1/p' "$log") ;;
    grow_new_msg:*)
        value=$(idle_polls "$log") ;;
    realtime:medmsg)
        value=$(idle_polls "$log")
        printf '%s\t%s\t%s\t%s\n' realtime medmsg "$round" "${value:-FAIL}" >> "$RESULTS"
        value=$(sed -nE 's/^wake-up latency.* p99 ([0-9.]+) ms.*/\1/p' "$log")
        printf '%s\t%s\t%s\t%s\n' wake medmsg "$round" "${value:-FAIL}" >> "$RESULTS"
        value=$(sed -nE 's/^RSS with [0-9]+ long-polls held \([0-9]+ answered early\): ([0-9]+) MB.*/\1/p' "$log")
        printf '%s\t%s\t%s\t%s\n' rss medmsg "$round" "${value:-FAIL}" >> "$RESULTS"
        return ;;
    send_postgres:ceiling|send_mariadb:ceiling)
        value=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$log" | tail -1) ;;
    *)
        line=$(grep -E 'requests/s|Requests/sec' "$log" | tail -1)
        if grep -qE ' [1-9][0-9]* not 200' <<< "$line"; then
            value=FAIL
        else
            value=$(rate_of "$line")
        fi ;;
    esac
    printf '%s\t%s\t%s\t%s\n' "$figure" "$side" "$round" "${value:-FAIL}" >> "$RESULTS"
    # where the CPU went (bench/cpu.py), for the scripts that print it
    line=$(grep '^cpu over' "$log" | tail -1)
    [ -z "$line" ] || printf '%s\t%s\t%s\t%s\n' "$figure" "$side" "$round" "$line" >> "$OUT/cpu.tsv"
}

medmsg() {
    local round=$1 figure=$2
    case "$figure" in
    send_sqlite) run send_sqlite medmsg "$round" 1 bench/send.sh "$CONNECTIONS" "$RUN" "${EXTRA[@]}" ;;
    send_sqlite_full) ;; # its MedMsg runs are send_sqlite's
    send_postgres)
        fresh_postgres
        run send_postgres medmsg "$round" 2 bench/send.sh "$CONNECTIONS" "$RUN" \
            --spring.datasource.url="jdbc:postgresql://$PGHOST:5432/medmsg_bench_all" --spring.datasource.username="$PGUSER" "${EXTRA[@]}" ;;
    send_mariadb)
        fresh_mariadb
        run send_mariadb medmsg "$round" 3 bench/send.sh "$CONNECTIONS" "$RUN" \
            --spring.datasource.url="${MARIADB_URL}medmsg_bench_all" --spring.datasource.username="$MARIADB_USER" \
            ${MARIADB_PASSWORD:+--spring.datasource.password="$MARIADB_PASSWORD"} "${EXTRA[@]}" ;;
    msg_list) run msg_list medmsg "$round" 4 bench/read.sh "$CONNECTIONS" "$RUN" "${EXTRA[@]}" ;;
    session_list) run session_list medmsg "$round" 5 bench/session-list.sh "$CONNECTIONS" "$RUN" "${EXTRA[@]}" ;;
    realtime) run realtime medmsg "$round" 6 bench/realtime.sh "$RUN" "${EXTRA[@]}" ;;
    # with the options docs/deploy.md recommends for that many held requests (unless BENCH_JVM_OPTS says otherwise)
    rss_streams) run rss_streams medmsg "$round" 10 env STREAMS=5000 BENCH_JVM_OPTS="${BENCH_JVM_OPTS:-$MEDMSG_JVM_OPTS_MANY_HELD}" \
        bench/realtime.sh "$RUN" "${EXTRA[@]}" ;;
    grow_msg_list) run grow_msg_list medmsg "$round" 7 env FILL=$BIG_FILL bench/read.sh "$CONNECTIONS" "$RUN" "${EXTRA[@]}" ;;
    grow_new_msg) run grow_new_msg medmsg "$round" 8 env FILL=$BIG_FILL POLLS_ONLY=1 bench/realtime.sh "$RUN" "${EXTRA[@]}" ;;
    grow_session_list) run grow_session_list medmsg "$round" 9 env SESSIONS=$BIG_SESSIONS bench/session-list.sh "$CONNECTIONS" "$RUN" "${EXTRA[@]}" ;;
    esac
}

ceiling() {
    local round=$1 figure=$2
    case "$figure" in
    send_sqlite) run send_sqlite ceiling "$round" 11 bench/reference.sh send "$CONNECTIONS" "$RUN" ;;
    send_sqlite_full) run send_sqlite_full ceiling "$round" 20 bench/reference.sh send_full "$CONNECTIONS" "$RUN" ;;
    send_postgres) run send_postgres ceiling "$round" 12 bench/pgbench.sh "$CONNECTIONS" "$RUN" ;;
    send_mariadb) run send_mariadb ceiling "$round" 13 env MARIADB_URL="$MARIADB_URL" MARIADB_USER="$MARIADB_USER" \
        MARIADB_PASSWORD="$MARIADB_PASSWORD" bench/mariadb-ceiling.sh "$CONNECTIONS" "$RUN" ;;
    msg_list) run msg_list ceiling "$round" 14 bench/reference.sh msg_list "$CONNECTIONS" "$RUN" ;;
    session_list) run session_list ceiling "$round" 15 bench/reference.sh session_list "$CONNECTIONS" "$RUN" ;;
    realtime) run realtime ceiling "$round" 16 bench/reference.sh jetty 32 "$RUN" ;;
    grow_msg_list) run grow_msg_list ceiling "$round" 17 env FILL=$SMALL_FILL bench/read.sh "$CONNECTIONS" "$RUN" "${EXTRA[@]}" ;;
    grow_new_msg) run grow_new_msg ceiling "$round" 18 env FILL=$SMALL_FILL POLLS_ONLY=1 bench/realtime.sh "$RUN" "${EXTRA[@]}" ;;
    grow_session_list) run grow_session_list ceiling "$round" 19 env SESSIONS=$SMALL_SESSIONS bench/session-list.sh "$CONNECTIONS" "$RUN" "${EXTRA[@]}" ;;
    esac
}

for round in $(seq 1 "$ROUNDS"); do
    for figure in $FIGURES; do
        if [ $((round % 2)) -eq 1 ]; then
            ceiling "$round" "$figure"
            medmsg "$round" "$figure"
        else
            medmsg "$round" "$figure"
            ceiling "$round" "$figure"
        fi
    done
done

python3 - "$RESULTS" "$ROUNDS" "$SMALL_FILL" "$BIG_FILL" "$SMALL_SESSIONS" "$BIG_SESSIONS" "$OUT/cpu.tsv" <<'PY'
import os, re, statistics, sys
results, rounds = sys.argv[1], int(sys.argv[2])
small_fill, big_fill, small_sessions, big_sessions = (int(a) for a in sys.argv[3:7])
cpu_file = sys.argv[7]
runs = {}
for line in open(results):
    figure, side, rnd, value = line.rstrip("\n").split("\t")
    runs.setdefault((figure, side), {})[int(rnd)] = None if value == "FAIL" else float(value)
# a figure measured against a second ceiling only, with another figure's MedMsg runs
for figure, of in (("send_sqlite_full", "send_sqlite"),):
    if (figure, "ceiling") in runs and (of, "medmsg") in runs:
        runs[(figure, "medmsg")] = runs[(of, "medmsg")]
# figure, its name, the kind of goal and its bound
goals = [
    ("send_sqlite", "send, SQLite (req/s; ceiling `bench/reference.sh`)", "ratio", 0.60),
    ("send_sqlite_full", "send, SQLite, the same runs (req/s; ceiling `reference.sh send_full`, the same writes)",
     "ratio", None),
    ("send_postgres", "send, PostgreSQL (req/s; ceiling `bench/pgbench.sh` tps)", "ratio", 0.50),
    ("send_mariadb", "send, MariaDB (req/s; ceiling `bench/mariadb-ceiling.sh` tps)", "ratio", 0.50),
    ("msg_list", "`msg_list` page of 50 (req/s; ceiling `reference.sh msg_list`)", "ratio", 0.80),
    ("session_list", "`session_list` page of 20 of 10,000 (req/s; ceiling `reference.sh session_list`)", "ratio", 0.60),
    ("realtime", "idle `new_msg` (req/s; ceiling `reference.sh jetty`)", "ratio", 0.33),
    ("wake", "wake-up p99, 1,000 held polls (ms)", "at most", 25),
    ("rss", "RSS, 10,000 held polls (MB)", "at most", 384),
    ("rss_streams", "RSS, 10,000 held polls and 5,000 event streams (MB)", "at most", 512),
    ("grow_msg_list", f"growth: `msg_list` with {big_fill:,} more messages (req/s; ceiling: with {small_fill:,})",
     "ratio", 2 / 3),
    ("grow_new_msg", f"growth: idle `new_msg` with {big_fill:,} more messages (req/s; ceiling: with {small_fill:,})",
     "ratio", 2 / 3),
    ("grow_session_list", f"growth: `session_list` of {big_sessions:,} sessions (req/s; ceiling: of {small_sessions:,})",
     "ratio", 2 / 3),
]

def fmt(v):
    return "FAIL" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")

def cells(figure, side):
    got = runs.get((figure, side), {})
    values = [got.get(r) for r in range(1, rounds + 1)]
    ok = [v for v in values if v is not None]
    median = statistics.median(ok) if ok and len(ok) == len(values) else None
    return " / ".join(fmt(v) for v in values), median

print()
print("| figure | MedMsg runs | MedMsg median | ceiling runs | ceiling median | ratio | goal | met |")
print("|---|---|---|---|---|---|---|---|")
for figure, name, kind, bound in goals:
    if (figure, "medmsg") not in runs:
        continue
    mine, median = cells(figure, "medmsg")
    if kind == "ratio":
        theirs, ceiling = cells(figure, "ceiling")
        ratio = median / ceiling if median is not None and ceiling else None
        goal = "—" if bound is None else f"≥ {bound:.0%}"
        met = "not met (a run failed)" if ratio is None else ("—" if bound is None else "met" if ratio >= bound else "not met")
        print(f"| {name} | {mine} | {fmt(median)} | {theirs} | {fmt(ceiling)} | "
              f"{'FAIL' if ratio is None else f'{ratio:.0%}'} | {goal} | {met} |")
    else:
        met = "not met (a run failed)" if median is None else ("met" if median <= bound else "not met")
        print(f"| {name} | {mine} | {fmt(median)} | | | | ≤ {bound} | {met} |")

# where the CPU went, medians of the runs: microseconds of CPU per request by group, idle cores
cpu = {}
if os.path.exists(cpu_file):
    for line in open(cpu_file):
        figure, side, rnd, text = line.rstrip("\n").split("\t", 3)
        per = {g: float(us) for g, us in re.findall(r"(service|database|load generator|writer) [0-9.]+ cores \(([0-9.]+) µs", text)}
        busiest = re.search(r"busiest connection [0-9.]+ cores \(([0-9.]+) µs", text)
        per["connection"] = float(busiest.group(1)) if busiest else None
        idle = re.search(r"idle ([0-9.]+) of", text)
        per["idle"] = float(idle.group(1)) if idle else None
        cpu.setdefault((figure, side), []).append(per)
if cpu:
    print()
    print("| run | service, µs a request | of it, its writer thread | database server | of it, its busiest connection | load generator | cores idle |")
    print("|---|---|---|---|---|---|---|")
    names = {figure: name.split(" (")[0] for figure, name, _, _ in goals}
    for figure, _, _, _ in goals:
        for side in ("medmsg", "ceiling"):
            rows = cpu.get((figure, side))
            if not rows:
                continue
            def med(key, rows=rows):
                values = [r[key] for r in rows if r.get(key) is not None]
                return statistics.median(values) if values else None
            parts = [med(k) for k in ("service", "writer", "database", "connection", "load generator")]
            cells_ = ["—" if v is None or v == 0 else f"{v:,.0f}" for v in parts]
            idle = med("idle")
            print(f"| {names[figure]}, {'MedMsg' if side == 'medmsg' else 'ceiling'} | {' | '.join(cells_)} | "
                  f"{'—' if idle is None else f'{idle:.2f}'} |")
PY
echo "(a FAIL is a run that failed or had an answer other than 200 with a full page: see its log in $OUT)"
