"""HTTP/1.1 over a bare socket, every step bounded by a deadline.

``http.client`` and ``requests`` refuse to send most of what the hostile corpus needs
(control characters in headers, wrong framing, a body cut short), and they hide how the
server framed its answer. This sends the exact bytes, then reads one response: the status
line, the headers and ``Content-Length`` bytes of body (the fake closes every connection
after one answer, so without a length it reads to EOF). Nothing here imports
fakeprojector: the fake is checked from the outside.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Substrings that would show the fake leaking its insides or a file it was tricked into reading.
LEAK_MARKERS: tuple[bytes, ...] = (
    b"Traceback",
    b"/work/",
    b"site-packages",
    b".py",
    b'File "',
    b"root:x:0",  # /etc/passwd, should an entity ever be expanded
    b"Werkzeug Debugger",
)


class Timeout(AssertionError):
    """The server did not answer within the deadline (a hang is a test failure)."""


@dataclass
class RawAnswer:
    status: int  # 0: an HTTP/0.9 answer, body only
    reason: str
    headers: dict[str, str]
    body: bytes
    seconds: float

    def leaks(self) -> list[bytes]:
        return [m for m in LEAK_MARKERS if m in self.body]


def request_bytes(
    method: str,
    path: str,
    headers: Sequence[tuple[str, str]],
    body: bytes = b"",
    *,
    content_length: bool = True,
) -> bytes:
    """One HTTP/1.1 request; header values are sent as latin-1, whatever they hold."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers]
    if content_length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def exchange(
    port: int,
    parts: bytes | Iterable[bytes],
    *,
    timeout: float = 5.0,
    pause: float = 0.0,
    half_close: bool = False,
    host: str = "127.0.0.1",
) -> RawAnswer:
    """Send ``parts`` (``pause`` seconds apart), then read one answer within ``timeout``.

    ``half_close`` shuts the write side after sending, so a server waiting for more body
    sees end-of-file. A send the server refuses midway (it answered early and closed) is
    not an error: the answer it already wrote is read.
    """
    deadline = time.monotonic() + timeout
    started = time.perf_counter()
    chunks = [parts] if isinstance(parts, bytes) else list(parts)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        try:
            for i, chunk in enumerate(chunks):
                if i and pause:
                    time.sleep(pause)
                _remaining(deadline)
                sock.sendall(chunk)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading everything: read what it said
        return _read_answer(sock, deadline, started)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Timeout("no answer within the deadline")
    return left


def _read_answer(sock: socket.socket, deadline: float, started: float) -> RawAnswer:
    buf = bytearray()

    def fill() -> bool:
        sock.settimeout(_remaining(deadline))
        try:
            data = sock.recv(65536)
        except TimeoutError:
            raise Timeout(f"no complete answer within the deadline; got {bytes(buf[:200])!r}") from None
        except ConnectionResetError:
            return False
        buf.extend(data)
        return bool(data)

    while b"\r\n\r\n" not in buf:
        if len(buf) >= 5 and not buf.startswith(b"HTTP/"):
            while fill():  # an HTTP/0.9 answer (to an HTTP/0.9-looking request): no head
                pass
            return RawAnswer(0, "HTTP/0.9", {}, bytes(buf), time.perf_counter() - started)
        if not fill():
            raise AssertionError(f"connection closed before a complete header: {bytes(buf)!r}")
    head, _, rest = bytes(buf).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    _, code, *reason = status_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = bytearray(rest)
    length = headers.get("content-length")
    if length is not None:
        while len(body) < int(length):
            before = len(buf)
            if not fill():
                break
            body.extend(buf[before:])
        body = body[: int(length)]
    else:
        while True:
            before = len(buf)
            if not fill():
                break
            body.extend(buf[before:])
    return RawAnswer(
        int(code), reason[0] if reason else "", headers, bytes(body), time.perf_counter() - started
    )
