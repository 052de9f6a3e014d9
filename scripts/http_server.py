#!/usr/bin/env python3
"""A range-capable HTTP server on loopback for the store tests, with misbehaving profiles.

    http_server.py --root DIR [--parent-pid PID]

Prints "PORT <n>" once listening on 127.0.0.1 (port chosen by the system) and exits when its
parent does. Files under DIR are served at /p/<profile>/<key>, where <profile> is "plain" or
flags joined by commas, each optionally limited to the first N requests of a (key, Range) pair
by a suffix xN (e.g. "503x2": two 503s, then the real answer):

    forbid      403 instead of 404 for missing keys
    norange     Range ignored: 200 with the whole body
    nosuffix    416 for suffix ranges (bytes=-N)
    headnolen   HEAD answers without Content-Length
    429, 503    that status instead of the answer
    trunc       Content-Length announced, half the body sent, connection closed
    reset       part of the body sent, then the connection reset (RST)
    badrange    a 206 whose Content-Range starts one byte later than asked
    latN        N milliseconds of latency before every answer

/gcs/ is a stand-in for the public GCS endpoint: /gcs/<bucket>/<object> serves DIR/<bucket>/
<object>, and /gcs/storage/v1/b/<bucket>/o lists it as the JSON API does (prefix, delimiter,
maxResults, pageToken).
"""
import argparse
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = "."
COUNTS = {}
LOCK = threading.Lock()


def parse_profile(text):
    flags = {}
    if text == "plain":
        return flags
    for item in text.split(","):
        name, limit = item, None
        if "x" in item and item.rsplit("x", 1)[1].isdigit() and not item.startswith("lat"):
            name, n = item.rsplit("x", 1)
            limit = int(n)
        if name.startswith("lat"):
            flags["lat"] = int(name[3:])
        else:
            flags[name] = limit
    return flags


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm holds the body
    # until the client's delayed ACK (about 40 ms) and every request looks slower than it is.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def active(self, flags, name, counter_key):
        """Whether flag `name` applies to this request (xN counts per key and range)."""
        if name not in flags:
            return False
        limit = flags[name]
        if limit is None:
            return True
        with LOCK:
            n = COUNTS.get((name,) + counter_key, 0)
            COUNTS[(name,) + counter_key] = n + 1
        return n < limit

    def empty(self, status, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self.handle_request(head=True)

    def do_GET(self):
        self.handle_request(head=False)

    def handle_request(self, head):
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.split("/")
        if len(parts) > 2 and parts[1] == "gcs":
            return self.gcs(parts[2:], urllib.parse.parse_qs(url.query), head)
        if len(parts) < 4 or parts[1] != "p":
            return self.empty(400)
        flags = parse_profile(parts[2])
        key = urllib.parse.unquote("/".join(parts[3:]))
        self.serve(os.path.join(ROOT, key), key, flags, head)

    def gcs(self, parts, query, head):
        if parts[:3] == ["storage", "v1", "b"] and len(parts) == 5 and parts[4] == "o":
            return self.gcs_list(urllib.parse.unquote(parts[3]), query)
        bucket, obj = parts[0], urllib.parse.unquote("/".join(parts[1:]))
        self.serve(os.path.join(ROOT, bucket, obj), obj, {}, head)

    def gcs_list(self, bucket, query):
        prefix = query.get("prefix", [""])[0]
        delimiter = query.get("delimiter", [None])[0]
        page = int(query.get("maxResults", ["1000"])[0])
        start = int(query.get("pageToken", ["0"])[0])
        base = os.path.join(ROOT, bucket)
        names = []
        for d, _, files in os.walk(base):
            for f in files:
                names.append(os.path.relpath(os.path.join(d, f), base).replace(os.sep, "/"))
        names = sorted(n for n in names if n.startswith(prefix))
        items, prefixes = [], set()
        for n in names:
            rest = n[len(prefix):]
            if delimiter and delimiter in rest:
                prefixes.add(prefix + rest.split(delimiter, 1)[0] + delimiter)
            else:
                items.append(n)
        chunk = items[start:start + page]
        doc = {"kind": "storage#objects", "items": [{"name": n, "size": str(os.path.getsize(os.path.join(base, n)))} for n in chunk]}
        if prefixes and start == 0:
            doc["prefixes"] = sorted(prefixes)
        if start + page < len(items):
            doc["nextPageToken"] = str(start + page)
        body = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def serve(self, path, key, flags, head):
        rng = self.headers.get("Range")
        counter_key = (self.command, key, rng)
        if "lat" in flags:
            time.sleep(flags["lat"] / 1000)
        for status in ("429", "503"):
            if self.active(flags, status, counter_key):
                return self.empty(int(status), [("Retry-After", "0")])
        if not os.path.isfile(path):
            return self.empty(403 if "forbid" in flags else 404)
        with open(path, "rb") as f:
            data = f.read()
        size = len(data)
        status, body, headers = 200, data, []
        if rng and "norange" not in flags:
            spec = rng.strip()[len("bytes="):]
            first, last = spec.split("-", 1)
            if first == "":
                n = int(last)
                if "nosuffix" in flags or n == 0 or size == 0:
                    return self.empty(416, [("Content-Range", f"bytes */{size}")])
                a, b = max(size - n, 0), size - 1
            else:
                a = int(first)
                b = min(int(last), size - 1) if last else size - 1
                if a >= size:
                    return self.empty(416, [("Content-Range", f"bytes */{size}")])
            if self.active(flags, "badrange", counter_key):
                a = min(a + 1, b)
            status, body = 206, data[a:b + 1]
            headers.append(("Content-Range", f"bytes {a}-{b}/{size}"))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if not (head and "headnolen" in flags):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head:
            return
        if self.active(flags, "trunc", counter_key):
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if self.active(flags, "reset", counter_key):
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    global ROOT
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--parent-pid", type=int)
    args = parser.parse_args()
    ROOT = os.path.abspath(args.root)
    server = Server(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    if args.parent_pid:
        def watch():
            while True:
                if os.getppid() != args.parent_pid:
                    os._exit(0)
                time.sleep(0.5)
        threading.Thread(target=watch, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
