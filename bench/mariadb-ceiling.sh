#!/usr/bin/env bash
# MariaDB's own ceiling for bench/send.sh, as bench/pgbench.sh is PostgreSQL's: bench/MariadbCeiling.java,
# CLIENTS threads each committing one one-row INSERT per transaction (autocommit) into a fresh
# table of a scratch database it creates and drops, on the MariaDB driver the service runs on.
# Prints the server's durability settings (innodb_flush_log_at_trx_commit=1 and, with a binary log,
# sync_binlog=1 make a commit durable) and "tps = …" after a warm-up of WARMUP seconds (5).
# Quote it next to the service's MariaDB figure measured in the same hour.
# usage: [MARIADB_URL=jdbc:mariadb://127.0.0.1:3306/] [MARIADB_USER=root] [MARIADB_PASSWORD=] bench/mariadb-ceiling.sh [clients=16] [seconds=15]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
CLIENTS=${1:-16}
SECONDS_TO_RUN=${2:-15}
JAR=$(bench_jar)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
java -cp "$(jar_libs "$JAR" "$WORK/lib" 'mariadb-java-client-')" bench/MariadbCeiling.java \
    "${MARIADB_URL:-jdbc:mariadb://127.0.0.1:3306/}" "${MARIADB_USER:-root}" "${MARIADB_PASSWORD:-}" \
    "$CLIENTS" "$SECONDS_TO_RUN" "${WARMUP:-5}" > "$WORK/out" &
CLIENT=$!
# where the CPU went while it measured (its clients are the load generator), after its start-up
# (about a second) and warm-up
cpu_window $((${WARMUP:-5} + 1)) "$SECONDS_TO_RUN" --client "$CLIENT"
wait "$CLIENT"
cat "$WORK/out"
cpu_line "$(rate_of "$(cat "$WORK/out")")"
