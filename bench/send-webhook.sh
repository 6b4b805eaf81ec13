#!/usr/bin/env bash
# bench/send.sh with one webhook endpoint configured: a local receiver (bench/receiver.py) that
# answers 204 at once, receiving every event type. Compare with bench/send.sh in the same hour.
# usage: [WARMUP=60] bench/send-webhook.sh [connections=16] [seconds=20] [extra service arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
RECEIVER_PORT=${RECEIVER_PORT:-18190}
python3 bench/receiver.py "$RECEIVER_PORT" &
RECEIVER=$!
trap 'kill $RECEIVER; wait $RECEIVER || true' EXIT
CONNECTIONS=${1:-16}
SECONDS_TO_RUN=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
bench/send.sh "$CONNECTIONS" "$SECONDS_TO_RUN" \
    "--medmsg.webhooks.endpoints[0].url=http://127.0.0.1:$RECEIVER_PORT/hook" \
    --medmsg.webhooks.endpoints[0].secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \
    --medmsg.webhooks.allow-http=true "$@"
