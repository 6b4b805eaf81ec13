#!/usr/bin/env bash
# PostgreSQL's own ceiling for bench/send.sh: pgbench, one one-row INSERT per transaction, the same
# 16 clients. Quote it next to the service's PostgreSQL figure measured in the same hour.
# usage: bench/pgbench.sh [clients=16] [seconds=15]   (PGHOST/PGUSER as for psql; default 127.0.0.1, postgres)
set -euo pipefail
CLIENTS=${1:-16}
SECONDS_TO_RUN=${2:-15}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; psql -qd test -c "DROP DATABASE IF EXISTS medmsg_pgbench" 2>/dev/null' EXIT
psql -qd test -c "DROP DATABASE IF EXISTS medmsg_pgbench" -c "CREATE DATABASE medmsg_pgbench" 2>/dev/null
psql -qd medmsg_pgbench -c "CREATE TABLE t (id bigserial PRIMARY KEY, body text NOT NULL, created_at bigint NOT NULL)"
echo "INSERT INTO t (body, created_at) VALUES ('benchmark message', 1);" > "$WORK/insert.sql"
# where the CPU went meanwhile (bench/cpu.py), as bench/send.sh prints it for the service
python3 "$(dirname "$0")/cpu.py" window 2 $((SECONDS_TO_RUN > 8 ? SECONDS_TO_RUN - 4 : SECONDS_TO_RUN / 2)) > "$WORK/cpu" &
CPU_PID=$!
SUMMARY=$(pgbench -n -c"$CLIENTS" -j2 -T"$SECONDS_TO_RUN" -f "$WORK/insert.sql" medmsg_pgbench | grep -E '^(tps|latency average|number of failed)')
echo "$SUMMARY"
wait "$CPU_PID" || true
python3 "$(dirname "$0")/cpu.py" line "$WORK/cpu" "$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<< "$SUMMARY")" || true
