"""A local stand-in for api.twilio.com at the HTTP layer: records requests, answers like Twilio."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

RECORDING = b"ID3\x04\x00fake mp3 bytes of a voicemail"


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, list[str]]
    username: str


@dataclass
class FakeTwilio:
    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    fail_with: int | None = None
    calls: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_fake_twilio() -> FakeTwilio:
    fake: FakeTwilio

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            auth = self.headers.get("Authorization", "").removeprefix("Basic ")
            username = base64.b64decode(auth).decode().split(":")[0] if auth else ""
            fake.requests.append(Recorded("POST", self.path, form, username))
            if fake.fail_with:
                body = {"code": 21211, "message": "Invalid 'To' Phone Number", "status": fake.fail_with}
                self._send(fake.fail_with, body)
                return
            fake.calls += 1
            sid = f"CAfake{fake.calls:026d}"
            self._send(201, {"sid": sid, "status": "queued", "to": form.get("To", [""])[0],
                             "from": form.get("From", [""])[0]})  # fmt: skip

        def do_GET(self) -> None:
            auth = self.headers.get("Authorization", "").removeprefix("Basic ")
            username = base64.b64decode(auth).decode().split(":")[0] if auth else ""
            fake.requests.append(Recorded("GET", self.path, {}, username))
            if not self.path.endswith(".mp3") or fake.fail_with:
                self._send(fake.fail_with or 404, {"code": 20404, "message": "Not found"})
                return
            self.send_response(200)
            self.send_header("Content-Type", "audio/mpeg")
            self.send_header("Content-Length", str(len(RECORDING)))
            self.end_headers()
            self.wfile.write(RECORDING)

        def _send(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake = FakeTwilio(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake
