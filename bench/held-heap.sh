#!/usr/bin/env bash
# Heap per held request: class histograms of the packaged service (started as bench/lib.sh starts
# it) before and with STREAMS event streams and POLLS held long-polls open (RealtimeBench's hold),
# and the bytes per held request between them. Once the heap is committed in full the RSS no longer
# shows what a held request keeps; this does. bench/heap_owners.py then says who keeps it.
# usage: [BENCH_JAR=<jar>] [TOP=8 classes listed] bench/held-heap.sh STREAMS [POLLS=0] [seconds-before-the-histogram=25]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
STREAMS=${1:?usage: bench/held-heap.sh STREAMS [POLLS] [seconds]}
POLLS=${2:-0}
WAIT=${3:-25}
[ $((STREAMS + POLLS)) -gt 0 ] || { echo "hold at least one stream or poll" >&2; exit 1; }
PORT=${BENCH_PORT:-18284}
start_service "$PORT"
histogram() { "$JAVA_HOME/bin/jcmd" "$PID" GC.class_histogram | awk 'NF >= 4 && $1 ~ /^[0-9]+:$/ {print $3, $4}'; }
histogram > "$WORK/before"
# polls are held 30 s: the histogram is taken while they are
java -Xss256k bench/RealtimeBench.java "$PORT" "$SECRET" hold "$POLLS" "$PID" "$STREAMS" > "$WORK/hold.log" 2>&1 &
HOLD=$!
sleep "$WAIT"
histogram > "$WORK/with"
wait "$HOLD" || { cat "$WORK/hold.log" >&2; exit 1; }
grep RSS "$WORK/hold.log"
python3 - "$WORK/before" "$WORK/with" "$((STREAMS + POLLS))" "${TOP:-8}" <<'PY'
import sys
def load(path):
    return {name: int(size) for size, name in (line.split() for line in open(path))}
before, after, held = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
grown = sorted(((after[k] - before.get(k, 0), k) for k in after), reverse=True)
print(f"heap per held request: {sum(g for g, _ in grown) / held:,.0f} bytes (histograms after a full collection)")
for size, name in grown[:int(sys.argv[4])]:
    print(f"  {size / held:8,.0f}  {name}")
PY
