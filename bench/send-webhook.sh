#!/usr/bin/env bash
# bench/send.sh with one webhook endpoint configured: a local receiver that answers 204 at once,
# receiving every event type. Compare with bench/send.sh in the same hour.
# The receiver is nginx (one worker, `return 204`, an access log line per event to count them)
# when it is installed, since it shares the two cores with the service and must cost it as little
# as possible; RECEIVER=python (or no nginx) uses bench/receiver.py, which costs several times more.
# usage: [WARMUP=60] [RECEIVER=nginx|python] bench/send-webhook.sh [connections=16] [seconds=20] [extra service arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
RECEIVER_PORT=${RECEIVER_PORT:-18190}
RECEIVER=${RECEIVER:-$(command -v nginx >/dev/null 2>&1 && echo nginx || echo python)}
RECEIVER_DIR=$(mktemp -d)
if [ "$RECEIVER" = nginx ]; then
    cat > "$RECEIVER_DIR/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $RECEIVER_DIR/nginx.pid;
error_log $RECEIVER_DIR/error.log warn;
events { worker_connections 1024; }
http {
    access_log $RECEIVER_DIR/access.log combined buffer=64k flush=1s;
    client_body_temp_path $RECEIVER_DIR/body;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$RECEIVER_PORT;
        location /hook { client_max_body_size 1m; return 204; }
    }
}
CONF
    nginx -c "$RECEIVER_DIR/nginx.conf" -p "$RECEIVER_DIR" &
    RECEIVER_PID=$!
    stop_receiver() {
        kill -QUIT "$RECEIVER_PID"; wait "$RECEIVER_PID" || true
        echo "received: $(grep -c ' 204 ' "$RECEIVER_DIR/access.log" || true)"
        rm -rf "$RECEIVER_DIR"
    }
else
    python3 bench/receiver.py "$RECEIVER_PORT" &
    RECEIVER_PID=$!
    stop_receiver() {
        kill "$RECEIVER_PID"; wait "$RECEIVER_PID" || true
        rm -rf "$RECEIVER_DIR"
    }
fi
trap stop_receiver EXIT
CONNECTIONS=${1:-16}
SECONDS_TO_RUN=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
bench/send.sh "$CONNECTIONS" "$SECONDS_TO_RUN" \
    "--medmsg.webhooks.endpoints[0].url=http://127.0.0.1:$RECEIVER_PORT/hook" \
    --medmsg.webhooks.endpoints[0].secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \
    --medmsg.webhooks.allow-http=true "$@"
