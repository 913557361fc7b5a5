"""The package as users get it. ``python -m build`` makes the sdist from a copy of this
checkout's files (what git tracks or would track: no stale ``*.egg-info`` whose file list
setuptools would reuse) and the wheel from that sdist; their contents are checked, then the wheel is installed (not editable)
into a fresh virtualenv inside a project whose own pytest configuration would break any run
that read it, and there ``fakeprojector contract-test`` must pass with warnings as errors.
The suite it runs is the one the sdist carries (the wheel is built from it), so the sdist's
tests are shown to run.

Marked ``packaging`` (and ``slow``): it needs the package index (or a configured wheel cache)
for setuptools and the dependencies, and takes about a minute. ``make test`` runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from fakeprojector import __version__, envelopes
from tests.support.paths import CONTRACT_SUITE, ROOT

pytestmark = [pytest.mark.packaging, pytest.mark.slow]

#: folders of the checkout that need the whole checkout, so none of them ships
REPOSITORY_ONLY = ("tests", "fixtures", "benchmarks", "scripts", "examples", ".ci")
HOSTILE_PYPROJECT = '[tool.pytest.ini_options]\naddopts = "--no-such-pytest-option"\n'
HOSTILE_CONFTEST = 'raise RuntimeError("the project\'s conftest.py was loaded")\n'


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path


def _run(
    args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _clean_copy(to: Path) -> Path:
    """The checkout's files as a fresh clone plus the working changes would have them."""
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT)
    assert listed.returncode == 0, (
        f"git ls-files failed (the test builds from a git checkout): {listed.stderr}"
    )
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():  # tracked but deleted in the working tree: not there
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name, follow_symlinks=False)
    return to


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    source = _clean_copy(tmp_path_factory.mktemp("checkout"))
    done = _run([sys.executable, "-m", "build", "--outdir", out, source], cwd=source)
    assert done.returncode == 0, f"python -m build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    assert wheel.name == f"fakeprojector-{__version__}-py3-none-any.whl"
    assert sdist.name == f"fakeprojector-{__version__}.tar.gz"
    return Dist(wheel, sdist)


def _package_files() -> set[str]:
    """What the package must carry beyond its modules: the suite, its configuration, the data."""
    suite = {
        f"fakeprojector/contract_suite/{p.name}"
        for p in CONTRACT_SUITE.iterdir()
        if p.suffix in (".py", ".ini")
    }
    data = {
        p.relative_to(ROOT).as_posix()
        for p in envelopes.DIRECTORY.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    return suite | data | {envelopes.fixtures().relative_to(ROOT).as_posix(), "fakeprojector/py.typed"}


def test_wheel_and_sdist_carry_the_licence_the_suite_and_the_envelopes_and_no_repository_folders(dist):
    licence = (ROOT / "LICENSE").read_bytes()
    with zipfile.ZipFile(dist.wheel) as wheel:
        in_wheel = set(wheel.namelist())
        assert wheel.read(f"fakeprojector-{__version__}.dist-info/licenses/LICENSE") == licence
        metadata = wheel.read(f"fakeprojector-{__version__}.dist-info/METADATA").decode()
    missing = sorted(_package_files() - in_wheel)
    assert not missing, f"not in the wheel: {missing}"
    assert "Provides-Extra: contract" in metadata
    assert 'Requires-Dist: pytest>=7.4; extra == "contract"' in metadata
    assert "License-Expression: MIT" in metadata
    assert not [n for n in in_wheel if n.split("/")[0] in REPOSITORY_ONLY]

    top = f"fakeprojector-{__version__}"
    with tarfile.open(dist.sdist) as sdist:
        in_sdist = {m.name.removeprefix(f"{top}/") for m in sdist.getmembers() if m.isfile()}
        extracted = sdist.extractfile(f"{top}/LICENSE")
        assert extracted is not None
        assert extracted.read() == licence
    assert not [n for n in in_sdist if n.split("/")[0] in REPOSITORY_ONLY]
    # everything the wheel holds of the package comes from the sdist (the wheel is built from it)
    assert {n for n in in_wheel if n.startswith("fakeprojector/")} <= in_sdist
    assert {"pyproject.toml", "README.md", "MANIFEST.in", "docs/contract-suite.md"} <= in_sdist


def test_the_installed_wheel_imports_under_w_error_and_its_contract_suite_passes(dist, tmp_path):
    project = tmp_path / "project"  # a user's project: a virtualenv inside, its own pytest settings
    project.mkdir()
    (project / "pyproject.toml").write_text(HOSTILE_PYPROJECT, encoding="utf-8")
    (project / "conftest.py").write_text(HOSTILE_CONFTEST, encoding="utf-8")
    venv = project / ".venv"
    made = _run([sys.executable, "-m", "venv", venv], cwd=project)
    assert made.returncode == 0, made.stderr
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python, command = bindir / "python", bindir / "fakeprojector"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONWARNINGS")
        and not k.startswith(("PYTEST_", "PROJECTOR_"))
    }
    pip = [python, "-m", "pip", "install", "--quiet", "--no-input"]

    installed = _run([*pip, dist.wheel], cwd=project, env=env)  # the runtime dependencies only
    assert installed.returncode == 0, f"pip could not install the wheel:\n{installed.stderr[-3000:]}"
    without_pytest = _run([command, "contract-test", "-q"], cwd=project, env=env)
    assert without_pytest.returncode == 2, without_pytest.stdout + without_pytest.stderr
    assert (
        without_pytest.stderr
        == "fakeprojector: contract-test needs pytest: pip install 'fakeprojector[contract]'\n"
    )

    extra = _run([*pip, f"{dist.wheel}[contract]"], cwd=project, env=env)
    assert extra.returncode == 0, f"pip could not install the contract extra:\n{extra.stderr[-3000:]}"
    imported = _run(
        [
            python,
            "-W",
            "error",
            "-c",
            "import fakeprojector, fakeprojector.envelopes as e; print(fakeprojector.__file__); print(len(e.all_cases()))",
        ],
        cwd=project,
        env=env,
    )
    assert imported.returncode == 0, imported.stderr
    where, count = imported.stdout.split()
    assert Path(where).is_relative_to(venv), where  # the installed copy, not this checkout
    assert int(count) == len(envelopes.all_cases())

    suite = _run([command, "contract-test", "-q"], cwd=project, env={**env, "PYTHONWARNINGS": "error"})
    summary = suite.stdout.strip().splitlines()[-1] if suite.stdout.strip() else ""
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]
    assert " passed" in summary, summary
    assert "failed" not in summary, summary
    assert "error" not in summary, summary
    assert int(summary.split()[0]) > 250, summary
