#!/usr/bin/env bash
# The fault suite's long variant (io.medmsg.faults, the faults-long Maven profile): kill -9 storms
# (200 kills per storm, SQLite and PostgreSQL with two instances), 20 database outages under load
# (PostgreSQL, MariaDB), a full disk, Redis down and back; each asserts lost = 0, dup = 0, no seq
# gaps and recovery without a restart. Prints each test's record lines ("faults: ...").
# usage: [KILLS=200] [OUTAGES=20] bench/faults.sh [extra Maven arguments, e.g. -Dit.test=KillStormIT]
# Needs what ./mvnw verify needs (PostgreSQL, MariaDB, Redis on their usual ports, redis-server,
# root for the tmpfs). Not yet timed with its defaults: each kill costs one start of the service.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
./mvnw -B -Pfaults-long verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='io.medmsg.faults.*IT' ${KILLS:+-Dmedmsg.faults.kills=$KILLS} ${OUTAGES:+-Dmedmsg.faults.outages=$OUTAGES} "$@" \
    || status=$?
grep -h ' faults: ' target/failsafe-reports/io.medmsg.faults.*-output.txt 2>/dev/null || true
exit "${status:-0}"
