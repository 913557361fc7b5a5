"""``make bench``: how fast fakeprojector puts a Projector into a test, beside floors measured in the same run.

    python benchmarks/run.py [--quick] [--out FILE.json] [--markdown FILE.md] [--servers werkzeug,waitress]

Sections (each in the JSON under its name; benchmarks/README.md says what each measures):

1. ``cold_start``: ``fakeprojector serve --port 0`` from process start to the first answered
   revoke; ``FakeProjector()`` + ``start()`` to ready in an already-imported process.
2. ``per_test``: ``reset()`` plus one revoke over a fresh connection; and a generated pytest
   file run with and without the ``fake_projector`` fixture, per-test difference.
3. ``wsgi``: one revoke through the WSGI app, no socket, beside ``floor.floor_app``.
4. ``http``: ``wrk`` with keep-alive at 1, 8 and 32 connections, the fake beside static bytes
   on the same server, for each server compared; and a slow-client check.
5. ``scale``: revoke cost with 1k and 1M refresh tokens in the store; resident memory over
   100k requests.
6. ``wsdl``: a loaded WSDL (the vendor's 2019 snapshot beside the checkout, else the fixture
   bundle): load time, ``serve --wsdl`` start to its first answer, and the per-call cost over
   the server (keep-alive) of a generated and a stubbed answer beside the revoke.

``--quick`` uses tiny sizes (seconds; CI runs it as a smoke test). Nothing here asserts
a timing: the table marks each target met or not, for a person to read. Every load loop
is bounded and targets 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import platform
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402 - after the path tweak
    REVOKE_BODY,
    REVOKE_HEADERS,
    SAMPLE_CLIENT,
    SAMPLE_SECRET,
    SERVICE_PATH,
    per_call_us,
    revoke_envelope,
    rss_kib,
    wsgi_caller,
)
from serve import SERVERS, available  # noqa: E402

SECTIONS = ("cold_start", "per_test", "wsgi", "http", "scale", "wsdl")
VENDOR_WSDL = ROOT.parent / "shared" / "reference" / "projector-wsdl-2019" / "PwsProjectorServices.wsdl"
FIXTURE_WSDL = ROOT / "fixtures" / "wsdl" / "Fixture.wsdl"
DEFAULT_SERVER = "werkzeug"  # what FakeProjector.start() serves with


# --- helpers ----------------------------------------------------------------------------
def _post_revoke(
    port: int, body: bytes = REVOKE_BODY, timeout: float = 10, context: ssl.SSLContext | None = None
) -> tuple[int, bytes]:
    """One revoke over a fresh connection, as a test's client would send it (HTTPS with ``context``)."""
    conn = (
        http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
        if context is not None
        else http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    )
    try:
        conn.request("POST", SERVICE_PATH, body=body, headers=REVOKE_HEADERS)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _keeps_alive(port: int) -> bool:
    """Whether the server keeps an HTTP/1.1 connection open after answering a revoke."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", SERVICE_PATH, body=REVOKE_BODY, headers=REVOKE_HEADERS)
        resp = conn.getresponse()
        resp.read()
        return not resp.will_close
    finally:
        conn.close()


def _fresh_revokes(port: int, n: int) -> dict[str, float]:
    """Sequential revokes, each on a new connection: what a test suite's client mostly does."""
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        _post_revoke(port)
        samples.append(time.perf_counter() - started)
    return _summary_ms(samples)


def _ok(status: int, body: bytes) -> bool:
    return status == 200 and b">Ok</Status>" in body


def _summary_ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 3),
        "runs": len(ordered),
    }


def _port_of(url: str) -> int:
    m = re.match(r"https?://[^:/]+:(\d+)/", url)
    if m is None:
        raise RuntimeError(f"no port in {url!r}")
    return int(m.group(1))


# --- 1. cold start ----------------------------------------------------------------------
def cold_start(quick: bool) -> dict[str, Any]:
    runs = 1 if quick else 7
    cli: list[float] = []
    interpreter: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        interpreter.append(time.perf_counter() - started)
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "fakeprojector", "serve", "--port", "0", "--log-level", "warning"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            status, body = _post_revoke(_port_of(url))
            cli.append(time.perf_counter() - started)
            if not _ok(status, body):
                raise RuntimeError(f"the CLI's first revoke failed: {status} {body[:200]!r}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    from fakeprojector import FakeProjector

    in_process: list[float] = []
    first_revoke: list[float] = []
    for _ in range(3 if quick else 30):
        started = time.perf_counter()
        fake = FakeProjector().start()
        ready = time.perf_counter()
        status, body = _post_revoke(fake.port)
        answered = time.perf_counter()
        fake.stop()
        if not _ok(status, body):
            raise RuntimeError(f"first revoke failed: {status}")
        in_process.append(ready - started)
        first_revoke.append(answered - ready)
    return {
        "cli_start_to_first_revoke": _summary_ms(cli),
        "python_interpreter_alone": _summary_ms(interpreter),
        "fakeprojector_start": _summary_ms(in_process),
        "first_revoke_after_start": _summary_ms(first_revoke),
        "command": f"{Path(sys.executable).name} -m fakeprojector serve --port 0",
        "tls": _tls_start(quick),
    }


def _tls_start(quick: bool) -> dict[str, Any]:
    """What ``--tls`` adds at start: importing ``cryptography`` (a fresh process), making the
    CA and server certificate, ``FakeProjector(tls=True).start()`` in an imported process, and
    ``serve --tls`` from process start to the first revoke answered over HTTPS."""
    try:
        from fakeprojector import tls
    except ImportError as exc:  # an older checkout
        return {"skipped": str(exc)}
    if tls._missing_cryptography() is not None:
        return {"skipped": "cryptography is not installed (pip install 'fakeprojector[tls]')"}
    runs = 1 if quick else 7
    imports: list[float] = []
    cli: list[float] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", "import time; t = time.perf_counter(); import cryptography.x509, "
             "cryptography.hazmat.primitives.asymmetric.ec; print(time.perf_counter() - t)"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        imports.append(float(out.stdout))
        started = time.perf_counter()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fakeprojector",
                "serve",
                "--port",
                "0",
                "--tls",
                "--log-level",
                "warning",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            ca_file = proc.stdout.readline().strip().removeprefix("CA certificate: ")
            status, body = _post_revoke(_port_of(url), context=ssl.create_default_context(cafile=ca_file))
            cli.append(time.perf_counter() - started)
            if not _ok(status, body):
                raise RuntimeError(f"the --tls CLI's first revoke failed: {status} {body[:200]!r}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    from fakeprojector import FakeProjector

    generate: list[float] = []
    for _ in range(5 if quick else 100):
        started = time.perf_counter()
        tls.generate()
        generate.append(time.perf_counter() - started)
    starts: list[float] = []
    for _ in range(3 if quick else 30):
        started = time.perf_counter()
        fake = FakeProjector(tls=True).start()
        starts.append(time.perf_counter() - started)
        fake.stop()
    return {
        "cryptography_import_fresh_process": _summary_ms(imports),
        "generate_ca_and_certificate": _summary_ms(generate),
        "fakeprojector_tls_start": _summary_ms(starts),
        "cli_tls_start_to_first_revoke": _summary_ms(cli),
        "command": f"{Path(sys.executable).name} -m fakeprojector serve --port 0 --tls",
    }


# --- 2. per-test cost -------------------------------------------------------------------
_GENERATED = """
import http.client
BODY = {body!r}
HEADERS = {headers!r}

def _revoke(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", {path!r}, body=BODY, headers=HEADERS)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()
"""


_TIMING_CONFTEST = """
import json, os, time
import pytest

_TIMES = []

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started = time.perf_counter()
    yield
    _TIMES.append(time.perf_counter() - started)

def pytest_sessionfinish(session):
    with open(os.environ["FAKEPROJECTOR_BENCH_TIMES"], "w") as f:
        json.dump(_TIMES, f)
"""


def _pytest_times(directory: Path, name: str, source: str) -> tuple[float, list[float]]:
    """Run one generated test file; wall seconds and each test's whole protocol
    (setup, call, teardown, report) in seconds, timed by a conftest hook."""
    path = directory / name
    path.write_text(source, encoding="utf-8")
    times_file = directory / f"{name}.times.json"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", str(path)],
        cwd=directory,
        capture_output=True,
        text=True,
        env={**os.environ, "FAKEPROJECTOR_BENCH_TIMES": str(times_file)},
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"generated pytest run failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed, json.loads(times_file.read_text(encoding="utf-8"))


def per_test(quick: bool) -> dict[str, Any]:
    from fakeprojector import FakeProjector

    n = 30 if quick else 1000
    samples: list[float] = []
    reset_only: list[float] = []
    with FakeProjector() as fake:
        for _ in range(n):
            started = time.perf_counter()
            fake.reset()
            reset_done = time.perf_counter()
            status, body = _post_revoke(fake.port)
            samples.append(time.perf_counter() - started)
            reset_only.append(reset_done - started)
            if not _ok(status, body):
                raise RuntimeError(f"revoke after reset failed: {status}")
        fake.check()
    tests = 20 if quick else 500
    header = _GENERATED.format(body=REVOKE_BODY, headers=REVOKE_HEADERS, path=SERVICE_PATH)
    with_fake = header + "".join(
        f"\ndef test_{i}(fake_projector):\n    status, body = _revoke(fake_projector.port)\n    assert status == 200 and b'>Ok</Status>' in body\n"
        for i in range(tests)
    )
    plain = "".join(f"\ndef test_{i}():\n    assert True\n" for i in range(tests))
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # its own rootdir
        (directory / "conftest.py").write_text(_TIMING_CONFTEST, encoding="utf-8")
        wall_fake, t_fake = _pytest_times(directory, "test_with_fake.py", with_fake)
        wall_plain, t_plain = _pytest_times(directory, "test_plain.py", plain)
    fake_ms = statistics.median(t_fake[1:]) * 1000  # the first test also starts the session server
    plain_ms = statistics.median(t_plain[1:]) * 1000
    return {
        "reset_plus_revoke": _summary_ms(samples),
        "reset_alone": _summary_ms(reset_only),
        "pytest_generated": {
            "tests": tests,
            "median_test_with_fixture_ms": round(fake_ms, 3),
            "median_empty_test_ms": round(plain_ms, 3),
            "per_test_ms": round(fake_ms - plain_ms, 3),
            "first_test_ms": round(t_fake[0] * 1000, 3),
            "wall_s": {"with_fixture": round(wall_fake, 2), "plain": round(wall_plain, 2)},
            "note": "each test's whole pytest protocol (setup, call, teardown, report), timed by a conftest hook: "
            "a test taking fake_projector and posting one revoke, minus an empty test; the first test also starts the server",
        },
    }


# --- 3. in-process WSGI cost ------------------------------------------------------------
def wsgi(quick: bool) -> dict[str, Any]:
    from floor import floor_app

    from fakeprojector import FakeProjector

    n = 300 if quick else 5000
    fake = FakeProjector()
    call = wsgi_caller(fake.app)
    status, body = call()
    if not (status.startswith("200") and b">Ok</Status>" in body):
        raise RuntimeError(f"in-process revoke failed: {status}")
    floor_call = wsgi_caller(floor_app)
    fake_cost = per_call_us(call, n)
    floor_cost = per_call_us(floor_call, n)
    return {
        "fake": fake_cost,
        "floor": floor_cost,
        "ratio_best": round(fake_cost["best_us"] / floor_cost["best_us"], 2),
        "floor_is": "benchmarks/floor.py floor_app: read the body, parse it with lxml, find the operation, canned answer",
    }


# --- 4. HTTP ----------------------------------------------------------------------------
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if m is None:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def _wrk(port: int, connections: int, seconds: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-s",
            str(HERE / "revoke.lua"),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = {"connections": connections}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    result["rps"] = round(float(m.group(1)), 1) if m else 0.0
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        result[f"p{pct}_ms"] = round(_ms(m.group(1)), 3) if m else None
    m = re.search(r"(\d+) requests in", out)
    result["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = m.group(1).strip() if m else None
    return result


class _Server:
    """``benchmarks/serve.py SERVER APP`` in a subprocess, on 127.0.0.1."""

    def __init__(self, server: str, app: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "serve.py"), server, app],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            self.close()
            raise RuntimeError(f"{server}/{app} did not start")
        self.port = int(line)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def slow_clients(port: int, slow: int, seconds: float) -> dict[str, Any]:
    """``slow`` sockets dribble a request header one byte every 50 ms for ``seconds``; meanwhile
    a normal client makes revokes on fresh connections. Passes when every normal revoke is
    answered and none waits more than a second."""
    stop = threading.Event()
    head = f"POST {SERVICE_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nX-Slow: ".encode()

    def dribble() -> None:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                i = 0
                while not stop.is_set():
                    sock.sendall(head[i : i + 1] if i < len(head) else b"x")
                    i += 1
                    stop.wait(0.05)
        except OSError:
            pass

    threads = [threading.Thread(target=dribble, daemon=True) for _ in range(slow)]
    for t in threads:
        t.start()
    time.sleep(0.3)  # let them connect and start their headers
    latencies: list[float] = []
    failures = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(latencies) + failures < 1000:
        started = time.perf_counter()
        try:
            status, body = _post_revoke(port, timeout=5)
            if _ok(status, body):
                latencies.append(time.perf_counter() - started)
            else:
                failures += 1
        except OSError:
            failures += 1
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join(timeout=5)
    worst = max(latencies) * 1000 if latencies else None
    return {
        "slow_sockets": slow,
        "normal_revokes": len(latencies),
        "failed": failures,
        "median_ms": round(statistics.median(latencies) * 1000, 3) if latencies else None,
        "max_ms": round(worst, 3) if worst is not None else None,
        "passed": failures == 0 and bool(latencies) and worst is not None and worst < 1000,
    }


def http_section(quick: bool, servers: list[str]) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        return {
            "skipped": "wrk not found; install it with `apt-get install -y wrk` (make bench does, as root)"
        }
    seconds = 1 if quick else 5
    levels = (1, 8) if quick else (1, 8, 32)
    results: dict[str, Any] = {
        "wrk": "wrk -t1 -cN -dS --latency -s benchmarks/revoke.lua",
        "seconds": seconds,
        "servers": {},
    }
    for server in servers:
        if not available(server):
            results["servers"][server] = {"skipped": f"{server} is not installed (pip install {server})"}
            continue
        entry: dict[str, Any] = {}
        for app in ("static", "fake"):
            with _Server(server, app) as srv:
                status, body = _post_revoke(srv.port)
                if app == "fake":
                    if not _ok(status, body):
                        raise RuntimeError(f"{server}: revoke failed: {status}")
                    entry["keeps_connections_alive"] = _keeps_alive(srv.port)
                    entry["fresh_connection_revoke"] = _fresh_revokes(srv.port, 50 if quick else 500)
                _wrk(srv.port, 2, 1)  # warm-up
                entry[app] = [_wrk(srv.port, c, seconds) for c in levels]
        with _Server(server, "fake") as srv:
            entry["slow_clients"] = slow_clients(srv.port, slow=4 if quick else 24, seconds=1 if quick else 4)
        entry["ratios"] = {
            str(f["connections"]): {
                "throughput": round(f["rps"] / s["rps"], 2) if s["rps"] else None,
                "p99": round(f["p99_ms"] / s["p99_ms"], 2) if s["p99_ms"] and f["p99_ms"] else None,
            }
            for s, f in zip(entry["static"], entry["fake"], strict=True)
        }
        results["servers"][server] = entry
    return results


# --- 5. scale ---------------------------------------------------------------------------
def _store_with_tokens(count: int) -> Any:
    from fakeprojector import FakeProjector

    fake = FakeProjector()
    store = fake.store
    for i in range(count):
        store.add_refresh_token(SAMPLE_CLIENT, token=f"benchtoken{i:016d}")
    return fake


def _revoke_cost(fake: Any, first: int, calls: int, stride: int) -> float:
    """Revoke ``calls`` distinct, still active stored tokens (each a real state change): µs per call."""
    bodies = [
        revoke_envelope(f"benchtoken{first + i * stride:016d}", SAMPLE_CLIENT, SAMPLE_SECRET)
        for i in range(calls)
    ]
    callers = [wsgi_caller(fake.app, b) for b in bodies]
    gc.collect()
    started = time.perf_counter()
    for call in callers:
        call()
    elapsed = time.perf_counter() - started
    fake.journal.clear()
    return elapsed / calls * 1e6


def memory(total: int) -> dict[str, Any]:
    """RSS of a fresh process serving ``total`` in-process revokes (run as a child process,
    so memory freed by other sections, which the allocator keeps, cannot hide growth)."""
    from fakeprojector import FakeProjector

    fake = FakeProjector()
    call = wsgi_caller(fake.app)
    call()
    marks = sorted({total // 10, total // 5, total // 2, total * 3 // 4, total})
    rss: dict[str, float] = {"1": round(rss_kib() / 1024, 1)}
    done = 1
    for mark in marks:
        while done < mark:
            call()
            done += 1
        rss[str(mark)] = round(rss_kib() / 1024, 1)
    return {
        "requests": total,
        "rss_mib_after": rss,
        "growth_last_half_mib": round(rss[str(total)] - rss[str(total // 2)], 1),
        "journal_max_entries": fake.journal._entries.maxlen,
        "note": "a fresh process making in-process WSGI revokes of the sample token; "
        "the journal keeps the last journal_max_entries calls, so memory grows until it is full",
    }


def scale(quick: bool) -> dict[str, Any]:
    sizes = (1_000, 10_000) if quick else (1_000, 1_000_000)
    rounds, per_round = (3, 50) if quick else (5, 200)
    out: dict[str, Any] = {"revoke": {}}
    fakes = {}
    for size in sizes:
        started = time.perf_counter()
        fakes[size] = _store_with_tokens(size)
        out["revoke"][str(size)] = {"tokens": size, "load_s": round(time.perf_counter() - started, 2)}
    samples: dict[int, list[float]] = {size: [] for size in sizes}
    for r in range(rounds):  # interleaved, so a busy moment on the machine hits both sizes alike
        for size in sizes:
            stride = max(1, size // (rounds * per_round))
            samples[size].append(_revoke_cost(fakes[size], r * per_round * stride, per_round, stride))
    for size in sizes:
        out["revoke"][str(size)].update(
            best_us=round(min(samples[size]), 2),
            median_us=round(statistics.median(samples[size]), 2),
            calls=rounds * per_round,
        )
    small, large = (out["revoke"][str(s)]["best_us"] for s in sizes)
    out["revoke"]["ratio_large_to_small"] = round(large / small, 2)
    out["revoke"]["rss_mib_with_both_stores"] = round(rss_kib() / 1024, 1)
    del fakes
    gc.collect()
    total = 5_000 if quick else 100_000
    done = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(total)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    out["memory"] = json.loads(done.stdout)
    return out


# --- report -----------------------------------------------------------------------------
# --- 6. a loaded WSDL ---------------------------------------------------------------------
_ENV = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="http://projectorpsa.com/PwsProjectorServices/" '
    'xmlns:r="http://projectorpsa.com/DataContracts/Requests/" xmlns:c="http://projectorpsa.com/DataContracts/Shared/Common/" '
    'xmlns:g="http://projectorpsa.com/DataContracts/Shared/Scheduling/" '
    'xmlns:w="http://fakeprojector.example/DataContracts/Widgets/"><s:Body><p:{op}><p:serviceRequest>'
    "<r:SessionTicket>{ticket}</r:SessionTicket>{members}</p:serviceRequest></p:{op}></s:Body></s:Envelope>"
)
#: The call measured on each bundle, and the members that name the stubbed case apart.
_WSDL_CALLS = {
    "PwsProjectorServices.wsdl": (
        "PwsGetProject",
        "<g:Mode>Full</g:Mode><g:ProjectIdentities><c:PwsProjectRef><c:ProjectCode>{code}</c:ProjectCode>"
        "</c:PwsProjectRef></g:ProjectIdentities>",
        {"ProjectIdentities.ProjectCode": "STUB"},
        {"Projects": [{"ProjectDetail": {"Description": "Apollo", "MinutesPerDay": 480}}]},
    ),
    "Fixture.wsdl": (
        "PwsGetWidget",
        "<w:WidgetCode>{code}</w:WidgetCode>",
        {"WidgetCode": "STUB"},
        {"Widget": {"Name": "Sprocket", "Price": 9.5, "Parts": [{"PartNumber": 1, "Label": "bolt"}]}},
    ),
}


def _keepalive_us(port: int, body: bytes, headers: dict[str, str], n: int) -> list[float]:
    """``n`` sequential calls on one kept-alive connection, each answered ``Ok``; microseconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    samples = []
    try:
        for _ in range(n):
            started = time.perf_counter()
            conn.request("POST", SERVICE_PATH, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            samples.append((time.perf_counter() - started) * 1e6)
            if not _ok(resp.status, data):
                raise RuntimeError(f"a call failed: {resp.status} {data[:300]!r}")
    finally:
        conn.close()
    return samples


def wsdl_section(quick: bool) -> dict[str, Any]:
    from fakeprojector import FakeProjector
    from fakeprojector.wsdl import load_contract

    path = VENDOR_WSDL if VENDOR_WSDL.is_file() else FIXTURE_WSDL
    loads = []
    for _ in range(3 if quick else 15):
        started = time.perf_counter()
        contract = load_contract(path)
        loads.append(time.perf_counter() - started)
    op, members, when, respond = _WSDL_CALLS[path.name]
    cli: list[float] = []
    for _ in range(1 if quick else 5):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fakeprojector",
                "serve",
                "--port",
                "0",
                "--log-level",
                "warning",
                "--wsdl",
                str(path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        try:
            assert proc.stdout is not None
            port = _port_of(proc.stdout.readline().strip())
            status, body = _post_revoke(port)
            cli.append(time.perf_counter() - started)
            if not _ok(status, body):
                raise RuntimeError(f"serve --wsdl: the first call failed: {status}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    n, rounds = (20, 2) if quick else (500, 6)
    samples: dict[str, list[float]] = {"revoke": [], "generated": [], "stubbed": []}
    with FakeProjector(wsdl=path) as fake:
        ticket = fake.add_access_token(SAMPLE_CLIENT).token
        fake.stub(op, respond=respond, when=when)
        action = f'"http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/{op}"'
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": action}
        bodies = {
            name: _ENV.format(op=op, ticket=ticket, members=members.format(code=code)).encode()
            for name, code in (("generated", "P-1"), ("stubbed", "STUB"))
        }
        for _ in range(rounds):  # interleaved, so a busy moment of the machine hits all three
            samples["revoke"] += _keepalive_us(fake.port, REVOKE_BODY, REVOKE_HEADERS, n)
            for name, body in bodies.items():
                samples[name] += _keepalive_us(fake.port, body, headers, n)
        stubbed = [e for e in fake.requests if e.extra.get("stub")]
        if not stubbed:
            raise RuntimeError("the stub never answered")
        fake.check()
    return {
        "wsdl": str(path),
        "operations": len(contract.operations),
        "load_contract": _summary_ms(loads),
        "cli_start_to_first_answer": _summary_ms(cli),
        "per_call_keepalive_us": {
            name: {"median_us": round(statistics.median(v), 1), "calls": len(v)}
            for name, v in samples.items()
        },
        "call": op,
    }


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    versions = {}
    for name in ("spyne", "lxml", "werkzeug", "waitress", "cheroot"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: S112 - absent optional packages are simply not listed
            continue
    wrk = shutil.which("wrk")
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in load],
        "packages": versions,
        "wrk": subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip()
        if wrk
        else None,
    }


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(what, measured, target, met) rows for the table; informative, never asserted."""
    rows: list[tuple[str, str, str, str]] = []
    cs = results.get("cold_start", {})
    if "cli_start_to_first_revoke" in cs:
        v = cs["cli_start_to_first_revoke"]["median_ms"]
        rows.append(("cold CLI start to first revoke", f"{v:.0f} ms", "<= 600 ms", _mark(v <= 600)))
        v = cs["fakeprojector_start"]["median_ms"]
        rows.append(("FakeProjector() + start() (imported)", f"{v:.1f} ms", "", "-"))
    tls_start = cs.get("tls", {})
    if "cli_tls_start_to_first_revoke" in tls_start:
        v = tls_start["cli_tls_start_to_first_revoke"]["median_ms"]
        rows.append(("cold CLI start --tls to first HTTPS revoke", f"{v:.0f} ms", "", "-"))
        v = tls_start["cryptography_import_fresh_process"]["median_ms"]
        rows.append(("  of which: import cryptography (fresh process)", f"{v:.0f} ms", "", "-"))
        v = tls_start["generate_ca_and_certificate"]["median_ms"]
        rows.append(("  of which: make the CA and certificate", f"{v:.2f} ms", "", "-"))
        v = tls_start["fakeprojector_tls_start"]["median_ms"]
        rows.append(("FakeProjector(tls=True) + start() (imported)", f"{v:.1f} ms", "", "-"))
    pt = results.get("per_test", {})
    if "reset_plus_revoke" in pt:
        v = pt["reset_plus_revoke"]["median_ms"]
        rows.append(("reset() + one revoke (fresh connection)", f"{v:.2f} ms", "<= 2 ms", _mark(v <= 2)))
        v = pt["pytest_generated"]["per_test_ms"]
        rows.append(("pytest: per test with fake_projector", f"{v:.2f} ms", "<= 2 ms", _mark(v <= 2)))
    ws = results.get("wsgi", {})
    if "fake" in ws:
        rows.append(
            (
                "WSGI revoke, no socket (floor)",
                f"{ws['fake']['best_us']:.0f} us ({ws['floor']['best_us']:.0f} us)",
                "",
                "-",
            )
        )
    hs = results.get("http", {})
    for server, entry in hs.get("servers", {}).items():
        if "fake" not in entry:
            continue
        for s, f in zip(entry["static"], entry["fake"], strict=True):
            c = f["connections"]
            thr = f["rps"] / s["rps"] if s["rps"] else 0
            p99 = f["p99_ms"] / s["p99_ms"] if s["p99_ms"] else 0
            target = c == 8
            rows.append(
                (
                    f"HTTP {server} c={c}: rps, p50/p99 (static floor)",
                    f"{f['rps']:.0f} ({s['rps']:.0f}) = {thr:.2f}x; {f['p50_ms']:.2f}/{f['p99_ms']:.2f} ms ({s['p50_ms']:.2f}/{s['p99_ms']:.2f}) = {p99:.2f}x",
                    ">= 0.5x, p99 <= 2x" if target else "",
                    _mark(thr >= 0.5 and p99 <= 2) if target else "-",
                )
            )
        fresh = entry.get("fresh_connection_revoke")
        if fresh:
            rows.append(
                (
                    f"HTTP {server}: revoke on a fresh connection",
                    f"median {fresh['median_ms']:.2f} ms, p95 {fresh['p95_ms']:.2f} ms",
                    "",
                    "-",
                )
            )
        if not entry.get("keeps_connections_alive", True):
            rows.append(
                (
                    f"HTTP {server}: keep-alive",
                    "no: answers Connection: close, wrk reconnects per request",
                    "",
                    "-",
                )
            )
        sc = entry["slow_clients"]
        rows.append(
            (
                f"HTTP {server}: {sc['slow_sockets']} slow clients",
                f"others max {sc['max_ms']} ms, failed {sc['failed']}",
                "< 1 s, none failed",
                _mark(sc["passed"]),
            )
        )
    if "skipped" in hs:
        rows.append(("HTTP", "skipped: " + hs["skipped"], "", "-"))
    wl = results.get("wsdl", {})
    if "load_contract" in wl:
        name = Path(wl["wsdl"]).name
        v = wl["load_contract"]["median_ms"]
        rows.append(
            (
                f"WSDL load ({name}, {wl['operations']} operations)",
                f"{v:.0f} ms",
                "<= 1500 ms",
                _mark(v <= 1500),
            )
        )
        v = wl["cli_start_to_first_answer"]["median_ms"]
        rows.append(("serve --wsdl: process start to first answer", f"{v:.0f} ms", "", "-"))
        pc = wl["per_call_keepalive_us"]
        rows.append(
            (
                f"per call, keep-alive: revoke / {wl['call']} generated / stubbed",
                " / ".join(f"{pc[k]['median_us']:.0f}" for k in ("revoke", "generated", "stubbed")) + " us",
                "",
                "-",
            )
        )
    sc = results.get("scale", {})
    if "revoke" in sc:
        rv = sc["revoke"]
        sizes = [k for k in rv if k.isdigit()]
        rows.append(
            (
                f"revoke with {int(sizes[0]):,} / {int(sizes[1]):,} tokens",
                f"{rv[sizes[0]]['best_us']:.0f} / {rv[sizes[1]]['best_us']:.0f} us = {rv['ratio_large_to_small']:.2f}x",
                "<= 1.2x",
                _mark(rv["ratio_large_to_small"] <= 1.2),
            )
        )
        mem = sc["memory"]
        rows.append(
            (
                f"RSS over {mem['requests']:,} requests",
                " -> ".join(f"{v:.0f}" for v in mem["rss_mib_after"].values()) + " MiB",
                "stable",
                _mark(mem["growth_last_half_mib"] <= 2),
            )
        )
    return rows


def table(rows: list[tuple[str, str, str, str]], markdown: bool = False) -> str:
    head = ("measure", "result", "target", "met")
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(
        [fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [fmt.format(*r) for r in rows]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, a few seconds: a smoke test, not a measurement"
    )
    parser.add_argument(
        "--out", type=Path, help="JSON file (default: benchmarks/results/<time>.json and latest.json)"
    )
    parser.add_argument("--markdown", type=Path, help="also write the table and the machine as Markdown here")
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}"
    )
    parser.add_argument(
        "--servers",
        default=None,
        help=f"HTTP servers to compare (default: {DEFAULT_SERVER} with --quick, else every installed one of {','.join(SERVERS)})",
    )
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory(args.memory_child)))
        return 0
    sections = [s for s in args.sections.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    servers = args.servers.split(",") if args.servers else ([DEFAULT_SERVER] if args.quick else list(SERVERS))
    results: dict[str, Any] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "command": "python benchmarks/run.py" + (" --quick" if args.quick else ""),
    }
    runners = {
        "cold_start": lambda: cold_start(args.quick),
        "per_test": lambda: per_test(args.quick),
        "wsgi": lambda: wsgi(args.quick),
        "http": lambda: http_section(args.quick, servers),
        "scale": lambda: scale(args.quick),
        "wsdl": lambda: wsdl_section(args.quick),
    }
    for name in sections:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        results[name] = runners[name]()
        results[name]["section_seconds"] = round(time.perf_counter() - started, 1)
        results[name]["loadavg_after"] = [
            round(x, 2) for x in (os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0))
        ]
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in load]
    rows = targets(results)
    m = results["machine"]
    print(f"\nfakeprojector benchmarks{' (--quick: sizes too small to mean anything)' if args.quick else ''}")
    print(
        f"{m['nproc']} x {m['cpu']}, Python {m['python']}, load {m['loadavg_at_start']} -> {m['loadavg_at_end']}\n"
    )
    print(table(rows))
    paths = [args.out] if args.out else []
    if not args.out:
        out_dir = HERE / "results"
        out_dir.mkdir(exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        paths = [out_dir / f"{stamp}{'-quick' if args.quick else ''}.json", out_dir / "latest.json"]
    for path in paths:
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nJSON: {', '.join(str(p) for p in paths)}")
    if args.markdown:
        args.markdown.write_text(
            textwrap.dedent(
                f"""\
                # Benchmark results

                `{results["command"]}` on {results["when"]}: {m["nproc"]} x {m["cpu"]}, Python {m["python"]},
                {m["platform"]}; load average {m["loadavg_at_start"]} at start, {m["loadavg_at_end"]} at end;
                {m["wrk"] or "no wrk"}; packages {", ".join(f"{k} {v}" for k, v in m["packages"].items())}.

                """
            )
            + table(rows, markdown=True)
            + "\n\nThe whole run, every sample and setting, is in `RESULTS.json` beside this file.\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
