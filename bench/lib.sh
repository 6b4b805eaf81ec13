# Sourced by bench/*.sh: start_service PORT [service arguments...] starts the packaged jar on a
# fresh SQLite data dir (unless the arguments name another database) with the bench secret and no
# send rate limit, waits until it is healthy, and stops it when the script exits. Sets PID, WORK.
# FILL=N first adds N filler messages to the (SQLite) database: bench/fill.py, for the growth figures.
# BENCH_JVM_OPTS replaces the JVM options (default: the ones docs/deploy.md recommends, MEDMSG_JVM_OPTS
# of scripts/jdk.sh, so that a benchmark measures what operators run), e.g. BENCH_JVM_OPTS='-Xmx1g';
# BENCH_JAR runs another jar than target/medmsg-*.jar (e.g. an earlier build, for a comparison).
. scripts/jdk.sh
SECRET=bench-secret-of-at-least-thirty-two-bytes-0123

# stop_launched PID WORK LOG: stops a service that launch started, keeps its log as LOG and removes
# its data dir. A figure measured while the service ran out of memory is no figure: an
# OutOfMemoryError in the log fails it.
stop_launched() {
    local pid=$1 work=$2 log=$3 ooms
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    cp "$work/service.log" "$log" 2>/dev/null || true
    rm -rf "$work"
    ooms=$(grep -c OutOfMemoryError "$log" 2>/dev/null || true)
    if [ "${ooms:-0}" -gt 0 ]; then
        echo "FAILED: the service logged OutOfMemoryError $ooms times (log: $log)" >&2
        return 1
    fi
    echo "service log: $log, no OutOfMemoryError"
}

# Stops the service of start_service (/tmp/medmsg-bench-service-<pid>.log keeps its log).
stop_service() {
    stop_launched "$PID" "$WORK" "/tmp/medmsg-bench-service-$$.log" || exit 1
}

# The jar the benchmarks run: BENCH_JAR, else target's, packaged first when target has none.
bench_jar() {
    local jar=${BENCH_JAR:-}
    [ -n "$jar" ] || jar=$(ls target/medmsg-*.jar 2>/dev/null | grep -v original | head -1 || true)
    if [ -z "$jar" ]; then
        ./mvnw -q -B -DskipTests -Djib.skip=true -Dimage.skip=true package >&2
        jar=$(ls target/medmsg-*.jar | grep -v original | head -1)
    fi
    echo "$jar"
}

# jar_libs JAR DIR PATTERN: unzips the libraries of the packaged jar whose names match PATTERN
# (grep -E, e.g. 'sqlite-jdbc-') into DIR and prints them as a class path, so that a reference runs
# on the very driver or server the service runs on.
jar_libs() {
    local jar=$1 dir=$2 pattern=$3 entry cp=""
    mkdir -p "$dir"
    for entry in $(unzip -Z1 "$jar" | grep -E "^BOOT-INF/lib/($pattern)"); do
        unzip -p "$jar" "$entry" > "$dir/${entry##*/}"
        cp="$cp${cp:+:}$dir/${entry##*/}"
    done
    [ -n "$cp" ] || { echo "no library matching $pattern in $jar" >&2; return 1; }
    echo "$cp"
}

# wait_for_line FILE TEXT: waits up to 60 s for a server's log to hold TEXT (its "listening" line).
wait_for_line() {
    for _ in $(seq 1 120); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "no \"$2\" in $1 after 60 s:" >&2
    tail -20 "$1" >&2
    return 1
}

start_service() {
    local port=$1
    shift
    local jar
    jar=$(bench_jar)
    WORK=$(mktemp -d)
    trap stop_service EXIT
    if [ -n "${FILL:-}" ]; then
        # FILL=N: N filler messages in a database of this size (bench/fill.py), added while the
        # service is stopped, after a first start has made the schema
        case " $* " in *spring.datasource.url*) echo "FILL works on SQLite only" >&2; return 1 ;; esac
        launch "$jar" "$port" "$@" || return 1
        kill "$PID"
        wait "$PID" 2>/dev/null || true
        python3 bench/fill.py "$WORK/data/medmsg.db" "$FILL" >&2
    fi
    launch "$jar" "$port" "$@"
}

# launch JAR PORT [service arguments...]: the service on $WORK/data, healthy, its PID in PID.
launch() {
    local jar=$1 port=$2
    shift 2
    # shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of options
    java ${BENCH_JVM_OPTS:-$MEDMSG_JVM_OPTS} -jar "$jar" --server.port="$port" --medmsg.data-dir="$WORK/data" --medmsg.auth.hs256-secret="$SECRET" \
        --medmsg.limits.send-rate-per-second=1000000 --medmsg.limits.send-burst=1000000 "$@" >> "$WORK/service.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 120); do
        curl -sf "http://127.0.0.1:$port/actuator/health" > /dev/null && return 0
        sleep 0.5
    done
    tail -50 "$WORK/service.log"
    return 1
}

# fill_conversations PORT TOKENS PAGE: PAGE+10 messages from each patient of the token file to demo
# doctor d1001, so that every page of PAGE messages a read benchmark asks for is full.
fill_conversations() {
    local port=$1 tokens=$2 page=$3 token
    while read -r token; do
        for _ in $(seq 1 $((page + 10))); do
            curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
                -d '{"doctor_id":"d1001","text":"您好，我这两天咳嗽，晚上加重，需要做什么检查吗？"}' \
                "http://127.0.0.1:$port/msg_service/msg/patient/send_text_msg"
        done
    done < "$tokens"
}

# idle_poll_url PORT TOKEN: a new_msg URL for the token's patient that finds nothing new (its session
# with demo doctor d1001 holds one message, seq 1), as bench/realtime.sh and ab.sh poll idle.
idle_poll_url() {
    local port=$1 token=$2 session
    session=$(curl -sf -X POST "http://127.0.0.1:$port/msg_service/msg/patient/send_text_msg" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d '{"doctor_id":"d1001","text":"hello"}' | sed -E 's/.*"session_id":"([0-9a-f]+)".*/\1/')
    echo "http://127.0.0.1:$port/msg_service/msg/patient/new_msg?session_id=$session&after_seq=1"
}

# refuse_non_2xx WHAT WRK_OUTPUT: fails (with wrk's count) when wrk's own summary counted an answer
# other than 2xx; for loads run without a wrk script (the scripts count theirs themselves).
refuse_non_2xx() {
    if grep -q 'Non-2xx' <<< "$2"; then
        echo "FAILED: $1 answered other than 200: $(grep 'Non-2xx' <<< "$2")" >&2
        return 1
    fi
}

# cpu_window DELAY SECONDS [--service PID] [--client PID]: in the background, where the CPU goes
# (bench/cpu.py) over a measurement of SECONDS that starts DELAY seconds from now, leaving out its
# first and last 2 s; cpu_line RATE then prints it, in microseconds per request at RATE.
cpu_window() {
    local delay=$1 seconds=$2
    shift 2
    CPU_FILE=$(mktemp)
    python3 bench/cpu.py window $((delay + 2)) $((seconds > 8 ? seconds - 4 : seconds / 2)) "$@" > "$CPU_FILE" &
    CPU_PID=$!
}

cpu_line() {
    wait "$CPU_PID" 2>/dev/null || true
    python3 bench/cpu.py line "$CPU_FILE" "$1" || true
    rm -f "$CPU_FILE"
}

# with_cpu SECONDS PID COMMAND...: runs COMMAND, the measured load of SECONDS, and prints the last
# line of its output, then where the CPU went meanwhile (cpu_window, cpu_line), the service being PID.
with_cpu() {
    local seconds=$1 service=$2 summary
    shift 2
    cpu_window 0 "$seconds" --service "$service"
    summary=$("$@" | tail -1)
    echo "$summary"
    cpu_line "$(rate_of "$summary")"
}

# rate_of OUTPUT: the requests (or transactions) a second a load's summary line reports.
rate_of() {
    grep -oE '[0-9.]+ requests/s|Requests/sec: *[0-9.]+|tps = [0-9.]+' <<< "$1" | grep -oE '[0-9.]+' | tail -1
}
