"""A loopback HTTP server for the remote cases that counts what it serves.

Files under ROOT are served at /d/<latency-ms>/<key>: GET and HEAD, single byte ranges
(`bytes=a-b`, `bytes=a-`, suffix `bytes=-n`), 404 for missing keys, keep-alive, and <latency-ms>
milliseconds of sleep before every answer. `Server.take()` returns the requests, body bytes and
ranged requests served since the last take, the statuses answered and
every request as "METHOD key [Range]". Run alone (`httpcount.py ROOT`) it prints its port
and serves until interrupted.
"""
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else the body waits for the client's delayed ACK

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.answer(head=False)

    def do_HEAD(self):
        self.answer(head=True)

    def answer(self, head):
        parts = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).split("/", 3)
        if len(parts) < 4 or parts[1] != "d" or not parts[2].isdigit() or ".." in parts[3].split("/"):
            return self.send(400, b"", head)
        time.sleep(int(parts[2]) / 1000)
        path = os.path.join(self.server.root, parts[3])
        rng = self.headers.get("Range")
        with self.server.lock:
            self.server.log.append((self.command, parts[3], rng))
        if not os.path.isfile(path):
            return self.send(404, b"", head)
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if not rng:
                return self.send(200, f.read(), head)
            first, _, last = rng.strip().removeprefix("bytes=").partition("-")
            if first == "":
                a, b = max(size - int(last), 0), size - 1
            else:
                a, b = int(first), min(int(last), size - 1) if last else size - 1
            if a >= size or a > b:
                return self.send(416, b"", head, [("Content-Range", f"bytes */{size}")])
            f.seek(a)
            body = f.read(b - a + 1)
        self.send(206, body, head, [("Content-Range", f"bytes {a}-{b}/{size}")], ranged=True)

    def send(self, status, body, head, headers=(), ranged=False):
        with self.server.lock:
            self.server.requests += 1
            self.server.ranged += ranged
            self.server.bytes += 0 if head else len(body)
            self.server.statuses[status] = self.server.statuses.get(status, 0) + 1
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, root):
        super().__init__(("127.0.0.1", 0), Handler)
        self.root = os.path.abspath(root)
        self.lock = threading.Lock()
        self.requests = self.bytes = self.ranged = 0
        self.statuses, self.log = {}, []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, key, latency_ms=0):
        return f"http://127.0.0.1:{self.server_address[1]}/d/{latency_ms}/{key}"

    def take(self):
        with self.lock:
            counts = {"requests": self.requests, "bytes": self.bytes, "ranged_requests": self.ranged,
                      "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                      "log": [" ".join(x for x in entry if x) for entry in self.log]}
            self.requests = self.bytes = self.ranged = 0
            self.statuses, self.log = {}, []
        return counts


if __name__ == "__main__":
    s = Server(sys.argv[1])
    print("PORT", s.server_address[1], flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
