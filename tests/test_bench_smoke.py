"""``benchmarks/run.py --quick`` runs to the end and writes JSON with every section.

A smoke test of the benchmark tooling, not a measurement: no timing is asserted (the
machine running the suite is busy with the rest of it). The HTTP section may say it was
skipped when ``wrk`` is not installed; it must still be there.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.paths import ROOT

SECTIONS = ("cold_start", "per_test", "wsgi", "http", "scale", "wsdl")


@pytest.mark.slow
def test_quick_benchmark_run_writes_every_section(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["quick"] is True
    assert results["machine"]["nproc"] >= 1
    for section in SECTIONS:
        assert section in results, section
    assert results["cold_start"]["cli_start_to_first_revoke"]["runs"] >= 1
    assert results["per_test"]["pytest_generated"]["tests"] > 0
    assert results["wsgi"]["fake"]["calls"] > 0
    assert results["wsgi"]["floor"]["calls"] > 0
    http = results["http"]
    if "skipped" not in http:
        server = http["servers"]["werkzeug"]
        assert all(r["requests"] > 0 and r["non_2xx"] == 0 for r in server["fake"] + server["static"])
        assert server["slow_clients"]["normal_revokes"] > 0
    assert set(results["scale"]["revoke"]) >= {"1000", "10000", "ratio_large_to_small"}
    assert results["scale"]["memory"]["requests"] > 0
    wsdl = results["wsdl"]
    assert wsdl["operations"] > 0
    assert all(v["calls"] > 0 for v in wsdl["per_call_keepalive_us"].values())
    assert "measure" in done.stdout  # the table was printed
