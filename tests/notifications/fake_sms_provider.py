"""A stand-in for Brevo's transactional SMS API on 127.0.0.1: it keeps every request it receives (method, path,
headers, JSON body) and answers what the test sets, so that a test asserts the exact request the portal sent."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: dict


@dataclass
class FakeProvider:
    status: int = 201
    answer: dict = field(
        default_factory=lambda: {"reference": "ab1cde2fgh3i4jklmno", "messageId": 1511882900176220, "smsCount": 1}
    )
    received: list[Received] = field(default_factory=list)
    port: int = 0

    def url(self, key: str = "cle-api-secrete", **query) -> str:
        extra = "&".join(f"{name}={value}" for name, value in query.items())
        return f"brevo+http://{key}@127.0.0.1:{self.port}{'?' + extra if extra else ''}"


def serve() -> tuple[FakeProvider, ThreadingHTTPServer]:
    provider = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {name.lower(): value for name, value in self.headers.items()}
            provider.received.append(Received("POST", self.path, headers, body))
            payload = json.dumps(provider.answer).encode()
            self.send_response(provider.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return provider, server
