"""``fakeprojector contract-test``: pytest over the shipped suite, with its own configuration.

pytest runs in a child interpreter (``python -m pytest``): in this one fakeprojector is
already imported, so pytest could not rewrite the asserts of the package's plugins and would
warn (an error under the suite's own ``filterwarnings = error``). The child's exit status is
the command's. The suite's ``pytest.ini`` is passed with ``-c``: a project that runs the
command keeps its ``addopts``, ``conftest.py`` files and warning filters out of the suite
(pytest would otherwise find them by searching upwards from a virtualenv inside the project).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

from fakeprojector.contract_suite import CONFIG, DIRECTORY, PLUGIN


def pytest_args(projector_url: str | None, extra: Sequence[str]) -> list[str]:
    """The arguments pytest gets: the suite's configuration and plugin, the target, the
    caller's own pytest options, then the suite's folder."""
    args = ["-c", str(CONFIG), "--rootdir", str(DIRECTORY), "-p", PLUGIN]
    if projector_url:
        args += ["--projector-url", projector_url]
    return [*args, *extra, str(DIRECTORY)]


def run(projector_url: str | None, extra: Sequence[str]) -> int:
    """Run the suite; pytest's exit status (0 passed, 1 failures, 4 usage error, 5 nothing
    selected...). ``-W`` options of this interpreter carry over to the child."""
    command = [
        sys.executable,
        *(f"-W{option}" for option in sys.warnoptions),
        "-m",
        "pytest",
        *pytest_args(projector_url, extra),
    ]
    with subprocess.Popen(command) as child:  # noqa: S603 - our own interpreter and arguments
        try:
            status = child.wait()
        except KeyboardInterrupt:  # Ctrl-C reached pytest too: let it report and stop
            status = child.wait()
    return status if status >= 0 else 128 - status  # killed by a signal: the shell's 128+N
