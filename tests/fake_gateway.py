"""A local SMS/WhatsApp gateway for tests: a real HTTP server on 127.0.0.1 (a free port) speaking
the contract of core.channels.HttpGatewayBackend, whose answers each test scripts.

    with FakeGateway() as gateway:
        gateway.reply(500)                       # every request answered 500 from now on
        gateway.script(Reply(429), Reply(200))   # the next two answers, then the default again
        gateway.url, gateway.requests            # what the portal posted, in order

Each request is recorded (headers, raw body, parsed JSON) *before* the answer is made, like a
gateway that has accepted the message: a sender killed during the answer's delay has still
reached the gateway. A 200 `Reply` without a body answers `{"message_id": "gw-<reference>"}`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict | None = None  # None with 200: {"message_id": "gw-<reference>"}
    delay: float = 0.0
    headers: dict = field(default_factory=dict)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def key(self) -> str:
        return self.headers.get("idempotency-key", "")


class FakeGateway:
    def __init__(self, default: Reply | None = None):
        self.default = default or Reply()
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self.requests: list[Received] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                received = Received(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                reply = gateway._record(received)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body
                if body is None and reply.status == 200:
                    try:
                        body = {"message_id": f"gw-{received.json['reference']}"}
                    except (ValueError, KeyError, TypeError):
                        body = {"message_id": "gw-unknown"}
                if isinstance(body, dict):
                    body = json.dumps(body).encode()
                body = body or b""
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the sender gave up (timeout) or was killed
                    pass

            do_GET = do_POST

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a killed or timed-out sender's broken pipe is expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        # A short poll: shutdown() waits up to one interval, and every test stops a gateway.
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _record(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            return self._script.pop(0) if self._script else self.default

    def reply(self, status: int = 200, body=None, delay: float = 0.0, **headers) -> None:
        """Answer every request like this from now on."""
        self.default = Reply(status, body, delay, headers)

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these, in order, then with the default."""
        with self._lock:
            self._script.extend(replies)

    def per_key(self) -> Counter:
        """How many requests each Idempotency-Key (the outbox id) arrived with."""
        with self._lock:
            return Counter(r.key for r in self.requests)

    def start(self) -> FakeGateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: the connection is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/send"
