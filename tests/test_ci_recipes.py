"""The CI recipes of the docs, run with bash as written: each starts the real ``fakeprojector
serve`` in the background and waits with ``fakeprojector wait``. When the server starts, the
recipe reaches its last line; when it cannot (a bad option, a port already taken), the recipe
ends with a non-zero status because the server's process exited, not at the 30 s deadline and
never in an endless loop. And no recipe in the docs backgrounds a server without such a wait.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import CONTRACT_FIXTURES, ROOT
from tests.test_readme_examples import blocks

STANDALONE = ROOT / "docs" / "standalone-server.md"
SERVE_IN_BACKGROUND = re.compile(r"^(?:\S+=\S+ )*fakeprojector serve\b[^\n#]*&", re.M)
RECIPES = [
    *(("README.md", b) for b in blocks(ROOT / "README.md", "sh")),
    *(("standalone-server.md", b) for b in blocks(STANDALONE, "sh")),
]
CI_RECIPES = blocks(STANDALONE, "sh", "Waiting for it in CI") + blocks(STANDALONE, "sh", "TLS")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("doc", "recipe"), RECIPES, ids=[f"{d}:{i}" for i, (d, _) in enumerate(RECIPES)])
def test_every_recipe_that_backgrounds_a_server_waits_with_a_deadline_and_its_pid(doc, recipe):
    if not SERVE_IN_BACKGROUND.search(recipe):
        return  # not such a recipe
    assert "fakeprojector wait " in recipe, recipe
    assert "--pid $" in recipe, recipe  # stops when the server has exited
    assert "while " not in recipe, recipe  # no hand-made loop
    assert "sleep" not in recipe, recipe


def test_the_ci_sections_have_recipes():
    assert len(CI_RECIPES) >= 3
    assert all(SERVE_IN_BACKGROUND.search(r) for r in CI_RECIPES)


def _run(recipe: str, cwd: Path, ready: Path) -> subprocess.CompletedProcess[str]:
    script = recipe.replace("/tmp/fp.json", str(ready))  # noqa: S108 - the path the docs write, replaced
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("FAKEPROJECTOR_ADMIN_TOKEN", None)
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard only: a recipe that works ends in seconds
        env=env,
        check=False,
    )


def _workdir(tmp_path: Path) -> Path:
    shutil.copy(CONTRACT_FIXTURES, tmp_path / "ci-fixtures.json")
    return tmp_path


def _on_port(recipe: str, port: int | str) -> str:
    return re.sub(r"--port \d+", f"--port {port}", recipe).replace("127.0.0.1:8080", f"127.0.0.1:{port}")


@pytest.mark.skipif(shutil.which("curl") is None, reason="the recipes fetch the WSDL with curl")
@pytest.mark.parametrize("index", range(len(CI_RECIPES)))
def test_a_ci_recipe_reaches_its_end_when_the_server_starts(index, tmp_path):
    recipe = (
        _on_port(CI_RECIPES[index], _free_port())
        if "--port 0" not in CI_RECIPES[index]
        else CI_RECIPES[index]
    )
    ready = tmp_path / "fp.json"
    done = _run(recipe, _workdir(tmp_path), ready)
    assert done.returncode == 0, done.stderr
    if "projector.wsdl" in recipe:
        assert (tmp_path / "projector.wsdl").read_text().startswith("<?xml")
    assert not ready.exists()  # the trap stopped the server cleanly: it removed its ready file


@pytest.mark.parametrize("index", range(len(CI_RECIPES)))
@pytest.mark.parametrize("failure", ["bad option", "port in use"])
def test_a_ci_recipe_fails_at_once_when_the_server_cannot_start(index, failure, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        recipe = CI_RECIPES[index]
        if failure == "port in use":
            recipe = _on_port(recipe, port)
        else:
            recipe = _on_port(recipe, _free_port()).replace(
                "fakeprojector serve ", "fakeprojector serve --journal-size 0 "
            )
        done = _run(recipe, _workdir(tmp_path), tmp_path / "fp.json")
    assert done.returncode != 0
    if failure == "port in use":
        assert f"fakeprojector: cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr
    else:
        assert (
            "fakeprojector: --journal-size: must be a whole number from 1 to 10000000, not int 0"
            in done.stderr
        )
    # the wait ended because the server's process had exited, not at its deadline
    assert re.search(r"fakeprojector wait: the server \(pid \d+\) exited before ", done.stderr), done.stderr
    assert "within 30 s" not in done.stderr
    assert "Traceback" not in done.stderr


def test_the_readme_quickstart_stops_when_the_server_cannot_start(tmp_path):
    """The README's quickstart, run as a script (``set -e``) with its port taken."""
    (script,) = blocks(ROOT / "README.md", "sh", "Quickstart: any language")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = _run("set -e\n" + _on_port(script, port), tmp_path, tmp_path / "fp.json")
    assert done.returncode == 1
    assert re.search(
        r"fakeprojector wait: the server \(pid \d+\) exited before http://127\.0\.0\.1:\d+/ answered",
        done.stderr,
    )
    assert not (tmp_path / "projector.wsdl").exists()  # nothing after the wait ran


def test_the_tls_recipe_reads_the_ca_file_from_the_ready_file(tmp_path):
    (recipe,) = blocks(STANDALONE, "sh", "TLS")
    ready = tmp_path / "fp.json"
    recipe = recipe.replace(
        "trap 'kill $server 2>/dev/null' EXIT", "trap 'cp " + str(ready) + " seen.json; kill $server' EXIT"
    )
    done = _run(recipe, tmp_path, ready)
    assert done.returncode == 0, done.stderr
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen["url"].startswith("https://127.0.0.1:")
    assert seen["ca_file"].endswith("/ca.pem")
    assert not os.path.exists(seen["ca_file"])  # removed with the server
    assert "<wsdl:definitions" in (tmp_path / "projector.wsdl").read_text()
