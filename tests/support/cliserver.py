"""The real ``fakeprojector serve`` as a subprocess, and a small JSON client for its admin API.

Tests of the standalone server drive it the way a .NET, Java or Node team would: over
HTTP only. stderr goes to a file (a pipe could fill up and block the server); ``stop()``
sends SIGTERM and returns the exit status.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT

ADMIN = "/_fakeprojector"


class CliServer:
    """``python -m fakeprojector serve --port 0 ARGS``; ``url`` is the first stdout line."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, startup_timeout: float = 30) -> None:
        self._stderr = tempfile.NamedTemporaryFile(prefix="fakeprojector-", suffix=".stderr", delete=False)
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        full_env.pop("FAKEPROJECTOR_ADMIN_TOKEN", None)  # only what the test says
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fakeprojector", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=ROOT,
            env=full_env,
        )
        self.returncode: int | None = None
        try:
            self.url = self._first_line(startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.base_url = self.url.split("/OpsProjectorWcfSvc/")[0]
        self.admin_url = self.base_url + ADMIN

    def _first_line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready:
                line = self.proc.stdout.readline().decode().strip()
                if line:
                    return line
                break  # EOF: the process exited
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"fakeprojector serve did not start (exit {self.proc.poll()}): {self.stderr}")

    @property
    def stderr(self) -> str:
        return Path(self._stderr.name).read_text(encoding="utf-8", errors="replace")

    def log_with(self, text: str, timeout: float = 10) -> str:
        """The log once it holds ``text``. The start-up line is logged just after the URL line,
        so a first call's own line may come before it: wait for it rather than race it."""
        deadline = time.monotonic() + timeout
        while text not in (log := self.stderr) and time.monotonic() < deadline:
            time.sleep(0.02)
        return log

    def stop(self) -> int:
        """SIGTERM, wait, and return the exit status (killed after 10 s)."""
        if self.returncode is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.returncode = self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.returncode = self.proc.wait()
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self._stderr.close()
        return self.returncode

    def cleanup(self) -> None:
        self.stop()
        Path(self._stderr.name).unlink(missing_ok=True)

    # --- the admin API --------------------------------------------------------------
    def admin(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, raw: bytes | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        """``(status, parsed JSON, headers)`` of an admin call; 4xx/5xx do not raise."""
        return http_json(method, self.admin_url + path, body, token=token, raw=raw)


def http_json(
    method: str, url: str, body: Any = None, *, token: str | None = None, raw: bytes | None = None
) -> tuple[int, Any, dict[str, str]]:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None or method in ("POST", "DELETE"):  # as the docs tell a curl user
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, payload, headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        status, payload, headers = exc.code, exc.read(), dict(exc.headers)
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers.get("content-type", "").startswith("application/json"), (status, headers, payload)
    return status, json.loads(payload), headers


def quote(value: str) -> str:
    """A path segment (access tokens hold ``/`` and ``+``)."""
    return urllib.parse.quote(value, safe="")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m fakeprojector ARGS`` run to its end (60 s at most), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "fakeprojector", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
