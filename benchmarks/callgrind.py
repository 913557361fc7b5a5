"""Instructions per in-process revoke, counted by valgrind's callgrind: repeatable on a busy machine.

    valgrind --tool=callgrind python benchmarks/callgrind.py N      (or: python benchmarks/callgrind.py --measure)

``--measure`` runs callgrind twice (0 and N calls after the same warm-up) and prints the
difference divided by N: the instructions one revoke costs, import and start-up excluded.
A developer's tool for comparing hot-path changes; ``make bench`` does not run it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def run_calls(n: int, which: str = "fake") -> None:
    from common import wsgi_caller

    if which == "floor":
        from floor import floor_app

        call = wsgi_caller(floor_app)
    else:
        from fakeprojector import FakeProjector

        call = wsgi_caller(FakeProjector().app)
    for _ in range(50):  # warm-up: caches, first WSDL-free paths
        call()
    for _ in range(n):
        call()


def instructions(n: int, which: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                str(n),
                which,
            ],
            check=True,
            capture_output=True,
        )
        text = out.read_text()
    m = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
    if m is None:
        raise RuntimeError("no totals in callgrind output")
    return int(m.group(1))


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
        which = sys.argv[3] if len(sys.argv) > 3 else "fake"
        per = (instructions(n, which) - instructions(0, which)) / n
        print(f"{which}: {per:,.0f} instructions per revoke (callgrind, {n} calls)")
        return
    run_calls(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "fake")


if __name__ == "__main__":
    main()
