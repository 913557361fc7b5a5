"""Lifecycle: start/stop cycles leave no thread, socket or file descriptor behind, and
SIGTERM under load ends the CLI cleanly with exit status 0.

The 1,000-cycle run of the issue is in ``benchmarks/hostile_cost.py`` (6-14 s here); the
suite runs 100 bare cycles and 50 that each serve a request.
"""

from __future__ import annotations

import http.client
import os
import threading
import time

from fakeprojector import FakeProjector
from tests.cliserver import CliServer
from tests.soapclient import revoke

SETTLE = 5.0  # seconds a finished connection's handler thread may take to end (it takes ms)


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _settled(fds: int, threads: int) -> tuple[int, int]:
    """The counts once they are back to at most ``fds`` and ``threads``, or after SETTLE
    seconds: a handler thread that just answered ends a few milliseconds later."""
    deadline = time.monotonic() + SETTLE
    while time.monotonic() < deadline:
        now = (_fds(), threading.active_count())
        if now[0] <= fds and now[1] <= threads:
            return now
        time.sleep(0.01)
    return _fds(), threading.active_count()


def test_start_stop_cycles_leave_nothing_behind():
    FakeProjector().start().stop()  # warm-up: imports, lazily opened files
    fds, threads = _fds(), threading.active_count()
    for _ in range(100):
        fp = FakeProjector()
        fp.start()
        fp.stop()
        assert not fp.running
    after = _settled(fds, threads)  # other tests' finished handler threads may still be ending
    assert after[0] <= fds
    assert after[1] <= threads


def test_cycles_that_serve_requests_leave_nothing_behind():
    with FakeProjector() as warm:
        revoke(warm.url)
    fds, threads = _fds(), threading.active_count()
    for _ in range(50):
        with FakeProjector() as fp:
            assert revoke(fp.url).status == 200
    after = _settled(fds, threads)
    assert after[0] <= fds
    assert after[1] <= threads


def test_sigterm_under_load_exits_cleanly():
    server = CliServer()
    stop = threading.Event()
    answered = [0] * 4
    failures: list[BaseException] = []

    def client(i: int) -> None:
        while not stop.is_set():
            try:
                answer = revoke(server.url, timeout=5)
            except (OSError, http.client.HTTPException):
                return  # the server has gone: that is the point
            except BaseException as exc:
                failures.append(exc)
                return
            if answer.status != 200:
                failures.append(AssertionError(answer.status))
            answered[i] += 1

    workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(4)]
    try:
        for w in workers:
            w.start()
        deadline = time.monotonic() + 10
        while sum(answered) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sum(answered) >= 40, "the load never got going"
        status = server.stop()  # SIGTERM while four clients are mid-request
        log = server.stderr
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=10)
        server.cleanup()
    assert status == 0
    assert "Traceback" not in log
    assert "stopped" in log
    assert not any(w.is_alive() for w in workers)
    assert not failures, failures
