"""A fake Ollama server speaking POST /api/chat as Ollama does (checked against ollama-python 0.6.3).

Streaming replies are NDJSON: one object per line,
  {"model": M, "created_at": T, "message": {"role": "assistant", "content": PIECE}, "done": false}
and a last line with "done": true, "done_reason" and the eval counters. Errors are a JSON body
{"error": "..."} with an HTTP status (404 for an unknown model), or an {"error": ...} line
inside a stream. Faults for tests/faults: `stall` (wait `stall_s` before the next piece),
`cut` (close the connection mid-body) or `no_done` (end the body without the "done" line),
after `fault_after_pieces` pieces. Usable two ways: `handler` for an httpx.MockTransport, and
`serve()` for a real HTTP server on 127.0.0.1 (chunked transfer, one flushed line per piece).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import httpx

Reply = str | Callable[[dict[str, Any]], str]
Fault = Literal["stall", "cut", "no_done"]
CREATED_AT = "2026-11-24T10:00:00.000000Z"
# Markers among the body lines (a real line is JSON ending in a newline, never one of these).
STALL, CUT = b"<stall>", b"<cut>"


class FakeOllama:
    def __init__(
        self,
        reply: Reply = "Hallo wereld, dit is een antwoord.",
        *,
        models: tuple[str, ...] = ("qwen2.5:1.5b-instruct",),
        chunk_size: int = 4,
        status: int = 200,
        error: str = "",
        error_after_pieces: int | None = None,
        fault: Fault | None = None,
        fault_after_pieces: int = 0,
        stall_s: float = 0.0,
    ) -> None:
        self.reply = reply
        self.models = models
        self.chunk_size = chunk_size
        self.status = status
        self.error = error
        self.error_after_pieces = error_after_pieces
        self.fault = fault
        self.fault_after_pieces = fault_after_pieces
        self.stall_s = stall_s
        self.requests: list[dict[str, Any]] = []

    def respond(self, body: dict[str, Any]) -> tuple[int, list[bytes]]:
        """HTTP status and the body lines for one /api/chat request."""
        self.requests.append(body)
        if self.status != 200:
            return self.status, [_line({"error": self.error})]
        model = body.get("model", "")
        if model not in self.models:
            return 404, [_line({"error": f'model "{model}" not found, try pulling it first'})]
        text = self.reply(body) if callable(self.reply) else self.reply
        if not body.get("stream", True):
            return 200, [_line({**_final(model, text), "message": {"role": "assistant", "content": text}})]
        return 200, self._stream_lines(model, text)

    def _stream_lines(self, model: str, text: str) -> list[bytes]:
        pieces = [text[i : i + self.chunk_size] for i in range(0, len(text), self.chunk_size)]
        lines = []
        for count, piece in enumerate(pieces):
            if count == self.error_after_pieces:
                return [*lines, _line({"error": "an error was encountered while running the model"})]
            if count == self.fault_after_pieces and self.fault is not None:
                if self.fault != "stall":
                    return [*lines, CUT] if self.fault == "cut" else lines
                lines.append(STALL)
            message = {"role": "assistant", "content": piece}
            lines.append(_line({"model": model, "created_at": CREATED_AT, "message": message, "done": False}))
        return [*lines, _line(_final(model, text))]

    def handler(self, request: httpx.Request) -> httpx.Response:
        """For httpx.MockTransport."""
        if request.method != "POST" or request.url.path != "/api/chat":
            return httpx.Response(404, text="404 page not found")
        status, lines = self.respond(json.loads(request.content))
        headers = {"content-type": "application/x-ndjson" if status == 200 else "application/json"}
        return httpx.Response(status, headers=headers, content=self._body(lines))

    def _body(self, lines: list[bytes]) -> Iterator[bytes]:
        for line in lines:
            if line == STALL:
                time.sleep(self.stall_s)
            elif line == CUT:
                raise httpx.RemoteProtocolError("peer closed connection without sending complete body")
            else:
                yield line

    @contextmanager
    def serve(self) -> Iterator[str]:
        """A real HTTP server on a free local port, in a thread; yields its base URL."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def _line(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj).encode() + b"\n"


def _final(model: str, text: str) -> dict[str, Any]:
    return {
        "model": model,
        "created_at": CREATED_AT,
        "message": {"role": "assistant", "content": ""},
        "done_reason": "stop",
        "done": True,
        "total_duration": 1_000_000,
        "load_duration": 10_000,
        "prompt_eval_count": 12,
        "prompt_eval_duration": 100_000,
        "eval_count": max(1, len(text) // 4),
        "eval_duration": 800_000,
    }


def _handler_class(fake: FakeOllama) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if self.path != "/api/chat":
                self._send_lines(404, [b"404 page not found"], "text/plain")
                return
            status, lines = fake.respond(json.loads(body))
            # the client may give up first (the timeout tests): nothing left to send then
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send_lines(
                    status, lines, "application/x-ndjson" if status == 200 else "application/json"
                )

        def _send_lines(self, status: int, lines: list[bytes], content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for line in lines:  # one chunk per line, flushed: the client sees a real stream
                if line == STALL:
                    time.sleep(fake.stall_s)
                    continue
                if line == CUT:  # no closing chunk, and the connection is dropped
                    self.close_connection = True
                    return
                self.wfile.write(f"{len(line):x}\r\n".encode() + line + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


def closed_port_url() -> str:
    """The URL of a local port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
