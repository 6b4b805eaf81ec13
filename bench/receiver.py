#!/usr/bin/env python3
"""A webhook receiver for the benchmarks: answers every POST 204 at once and counts them.
usage: receiver.py PORT  -- prints "received: N" when stopped (SIGTERM)."""
import http.server, signal, sys, threading

count = 0
lock = threading.Lock()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            count += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)

def stop(*_):
    print(f"received: {count}", flush=True)
    sys.exit(0)

signal.signal(signal.SIGTERM, stop)
server.serve_forever()
