"""The engine stays out of the way: not imported by ``fakeprojector``, benchmark runs."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.paths import FIXTURE_WSDL, ROOT


def test_importing_fakeprojector_does_not_load_the_engine():
    code = "import sys, fakeprojector; print(sorted(m for m in sys.modules if m.startswith('fakeprojector.wsdl')))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_benchmark_smoke_run_on_the_fixture():
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "contract_engine.py"),
            "--quick",
            "--json",
            "--wsdl",
            str(FIXTURE_WSDL),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    engine = json.loads(done.stdout)["engine"]
    assert engine["operations"] == 5
    assert engine["minimal_answers_valid"] == "5/5"
