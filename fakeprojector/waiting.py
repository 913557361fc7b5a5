"""``fakeprojector wait``: until a server answers, with a deadline, for CI scripts in any language.

A shell loop on a ready file (``while [ ! -s f ]; do sleep 0.1; done``) loops for ever when
the server fails to start. This waits at most ``timeout`` seconds, stops at once when the
server's process (``pid``) has exited, and says why it gave up in one line.

What counts as up: any HTTP answer to a ``GET`` of the URL, whatever its status (a 404 or a
500 is a server that answers; judging the answer is the test's job). Redirects are not
followed and proxies are not used: the answer must come from that address. A TLS certificate
that does not verify is no answer either, and fails at once, since waiting cannot fix it.
Standard library only.
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakeprojector.options import OptionError

#: Seconds between two tries.
INTERVAL = 0.1
#: The longest one try may take: a server that accepts and says nothing is tried again.
ATTEMPT_TIMEOUT = 5.0
#: The longest deadline accepted: a day; more is a typo (milliseconds given as seconds).
MAX_TIMEOUT = 86_400.0


class WaitFailed(Exception):
    """The server did not answer in time, or cannot: the one-line reason."""


def check_url(value: str) -> str:
    """An ``http://`` or ``https://`` URL with a host, else an :class:`OptionError` on ``url``."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError("url", f"must be an http:// or https:// URL with a host, not {value!r}"[:160])
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number from 0 to 65535
    except ValueError:
        raise OptionError("url", f"has a bad port: {value!r}"[:160]) from None
    return value


def check_timeout(value: float) -> float:
    if not 0 < value <= MAX_TIMEOUT:  # also refuses NaN
        raise OptionError(
            "timeout", f"must be a number of seconds > 0 and at most {MAX_TIMEOUT:g}, not {value:g}"
        )
    return value


def check_pid(value: int) -> int:
    if os.name != "posix":
        raise OptionError("pid", "is supported on POSIX systems only (Linux, macOS, WSL)")
    if not 0 < value < 2**31:
        raise OptionError("pid", f"must be a process id > 0, not {value}")
    return value


def client_context(ca_file: str | None) -> ssl.SSLContext:
    """The default verifying context, trusting ``ca_file`` (PEM) when given, instead of
    the system's CAs. A file that cannot serve is an :class:`OptionError` on ``ca_file``."""
    if ca_file is None:
        return ssl.create_default_context()
    path = Path(ca_file)
    if not path.is_file():
        raise OptionError(
            "ca_file", f"no such file: {ca_file}" if not path.exists() else f"{ca_file} is not a file"
        )
    try:
        return ssl.create_default_context(cafile=ca_file)
    except PermissionError as exc:
        raise OptionError("ca_file", f"cannot read {ca_file}: {exc.strerror}") from None
    except ssl.SSLError:
        raise OptionError("ca_file", f"{ca_file} holds no PEM certificate") from None


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (POSIX). A zombie (exited, not yet reaped by its
    parent shell) counts as exited: on Linux its state in ``/proc`` says so."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:  # no /proc (macOS), or it went away just now (the next look sees it)
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def probe(url: str, context: ssl.SSLContext | None, timeout: float) -> int:
    """The HTTP status of one ``GET url``; raises ``OSError`` (``ssl.SSLError`` included) or
    ``http.client.HTTPException`` when no answer came."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, parts.port, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", target, headers={"User-Agent": "fakeprojector-wait", "Connection": "close"})
        return connection.getresponse().status
    finally:
        connection.close()


def reason(exc: BaseException) -> str:
    """Why a try got no answer, in a few words."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "connection closed without an answer"
    if isinstance(exc, http.client.HTTPException):
        return f"not an HTTP answer ({type(exc).__name__})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


@dataclass(frozen=True)
class Ready:
    """What a ``serve --ready-file`` says: the service URL and, with ``--tls``, its CA."""

    url: str
    ca_file: str | None


def read_ready_file(path: Path) -> Ready | str:
    """The ready file's URL and CA file, or why it cannot be used yet (absent; written by a
    server that is gone: a stale file left by a killed one)."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no ready file {path} yet"
    except (OSError, ValueError) as exc:
        return f"cannot read {path}: {exc}"
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return f'{path} is not a fakeprojector ready file (no "url")'
    pid = data.get("pid")
    if isinstance(pid, int) and os.name == "posix" and not process_alive(pid):
        return f"{path} is stale: its server (pid {pid}) is not running"
    ca_file = data.get("ca_file")
    return Ready(data["url"], ca_file if isinstance(ca_file, str) else None)


def wait(
    *,
    url: str | None = None,
    ready_file: Path | None = None,
    timeout: float = 30.0,
    pid: int | None = None,
    ca_file: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Wait until ``url`` (or the URL in ``ready_file``) answers; return that URL.

    Raises :class:`WaitFailed` with the reason: the deadline passed (with the last try's
    error), the process ``pid`` exited, or the certificate does not verify.
    """
    deadline = time.monotonic() + timeout
    context = client_context(ca_file) if ca_file is not None else None
    system: ssl.SSLContext | None = None  # the system's CAs, made once if an https:// URL needs them
    last = "no try yet"
    target = url
    while True:
        if pid is not None and not process_alive(pid):
            waited_for = f"{target} answered" if target else f"writing {ready_file}"
            raise WaitFailed(f"the server (pid {pid}) exited before {waited_for}")
        if ready_file is not None:
            ready = read_ready_file(ready_file)
            if isinstance(ready, str):
                last, target = ready, None
            else:
                target = ready.url
                if context is None and ready.ca_file is not None:
                    try:
                        context = client_context(ready.ca_file)
                    except OptionError as exc:
                        raise WaitFailed(f"{ready_file}: ca_file: {exc.problem}") from None
        if target is not None:
            if context is None and system is None and target.startswith("https:"):
                system = ssl.create_default_context()
            remaining = deadline - time.monotonic()
            try:
                probe(target, context or system, max(0.05, min(ATTEMPT_TIMEOUT, remaining)))
                return target
            except ssl.SSLCertVerificationError as exc:
                hint = "" if ca_file or ready_file else " (trust the server's CA with --ca-file)"
                raise WaitFailed(f"{target}: {reason(exc)}{hint}") from None
            except (OSError, http.client.HTTPException) as exc:
                last = reason(exc)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            waited_for = target or url or f"the server of {ready_file}"
            raise WaitFailed(f"no answer from {waited_for} within {timeout:g} s: {last}")
        sleep(min(INTERVAL, remaining))
