"""``fakeprojector contract-test`` as a subprocess: it runs the shipped suite with the suite's
own pytest configuration, hands other arguments to pytest, exits with pytest's status, and
refuses bad options in one line with status 2. (Against a real endpoint:
tests/integration/test_consistency.py and tests/contract/test_can_fail.py; from an installed
wheel: tests/test_distribution.py.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

#: a project whose pytest configuration would break any run that read it
HOSTILE_PYPROJECT = '[tool.pytest.ini_options]\naddopts = "--no-such-pytest-option"\n'
HOSTILE_CONFTEST = 'raise RuntimeError("the caller\'s conftest.py was loaded")\n'


def contract_test(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "PROJECTOR_")) and k != "PYTHONWARNINGS"
    }
    return subprocess.run(
        [sys.executable, "-m", "fakeprojector", "contract-test", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(HOSTILE_PYPROJECT, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(HOSTILE_CONFTEST, encoding="utf-8")
    return tmp_path


def test_runs_the_whole_suite_against_a_fake_it_starts_whatever_the_project_configures(project):
    done = contract_test("-q", cwd=project)
    summary = done.stdout.strip().splitlines()[-1]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.fullmatch(r"(\d+) passed(, \d+ xfailed)? in [\d.]+s", summary), summary
    assert int(summary.split()[0]) > 250, summary
    assert not (project / ".pytest_cache").exists()


def test_other_arguments_go_to_pytest_and_its_status_comes_back(project):
    listed = contract_test("--collect-only", "-q", "-k", "test_revoke.py", cwd=project)
    assert listed.returncode == 0, listed.stdout[-2000:] + listed.stderr[-2000:]
    ids = [line for line in listed.stdout.splitlines() if "::" in line]
    assert len(ids) > 30, listed.stdout
    assert all(re.match(r"^\S*test_revoke\.py::test_", i) for i in ids), ids
    nothing = contract_test("-q", "-k", "no_such_test_anywhere", cwd=project)
    assert nothing.returncode == 5, nothing.stdout  # pytest's "no tests were selected"
    assert "deselected" in nothing.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--projector-url", "ftp://example.com/svc"],
            {},
            "fakeprojector: contract-test: --projector-url: must be the service's http(s) URL "
            "(https://HOST/OpsProjectorWcfSvc/PwsProjectorServices.svc), not 'ftp://example.com/svc'",
        ),
        (
            [],
            {"PROJECTOR_URL": "example.com/svc"},
            "fakeprojector: contract-test: --projector-url: must be the service's http(s) URL "
            "(https://HOST/OpsProjectorWcfSvc/PwsProjectorServices.svc), not 'example.com/svc'",
        ),
        (
            ["--projector-url", "https://example.com/OpsProjectorWcfSvc/PwsProjectorServices.svc"],
            {"PROJECTOR_CLIENT_ID": "24748faf-e239-d132-167a-6e4d3e1bd0fb"},
            "fakeprojector: contract-test: --projector-url needs PROJECTOR_CLIENT_ID and PROJECTOR_CLIENT_SECRET "
            "in the environment (and a disposable PROJECTOR_REFRESH_TOKEN for the token lifecycle tests)",
        ),
        (
            ["--projector-url", "http://127.0.0.1:70000/svc"],
            {},
            "fakeprojector: contract-test: --projector-url: has a bad port: 'http://127.0.0.1:70000/svc'",
        ),
        (
            ["-q", "--projector-url"],
            {},
            "fakeprojector contract-test: argument --projector-url: expected one argument (see --help)",
        ),
    ],
    ids=["not-http", "env-not-a-url", "no-secret", "bad-port", "no-value"],
)
def test_a_bad_option_is_one_line_and_status_2(project, args, env, message):
    done = contract_test(*args, cwd=project, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr == message + "\n"
