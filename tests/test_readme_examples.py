"""The README's and the docs' examples are copy-paste ready: each runs, as written, here.

* the README's pytest quickstart, in a fresh project with ``filterwarnings = error``;
* the README's curl quickstart, with bash, against the real ``fakeprojector serve``
  (its port swapped for a free one);
* the pytest plugin page's examples;
* the curl examples of the standalone-server, WSDL-operations and browser-flow pages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.paths import ROOT, VENDOR_WSDL_DIR

pytest_plugins = ["pytester"]


def blocks(path: Path, language: str, section: str | None = None) -> list[str]:
    """The fenced ``language`` blocks of ``path`` (of one ``## section`` when given)."""
    text = path.read_text(encoding="utf-8")
    if section is not None:
        start = text.index(f"## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start : end if end != -1 else None]
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


@pytest.mark.skipif(shutil.which("make") is None, reason="make run needs make")
def test_make_run_prints_the_service_url_first_and_serves_it():
    """The README's first command, as written (with ``PORT=0``): its first line is the URL."""
    marker, pyproject = ROOT / ".venv" / ".installed-run", ROOT / "pyproject.toml"
    if not marker.exists() or marker.stat().st_mtime < pyproject.stat().st_mtime:
        pytest.skip("make run would set .venv up first (run make test once); not done from a test")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "run", "PORT=0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().rstrip("\n")  # serve prints it once listening
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/OpsProjectorWcfSvc/PwsProjectorServices\.svc", first), (
            first
        )
        with urllib.request.urlopen(first + "?wsdl", timeout=10) as answer:
            assert answer.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=10)  # it stops on SIGTERM: a hang fails here


def test_readme_is_a_front_door():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.encode()) <= 10 * 1024
    assert text.index("make run") < text.index("```python")  # the two commands come first
    assert "<r:CodeVerifier>" in text  # the call a client app makes first, with PKCE
    for link in re.findall(r"\]\(([^)#]+)", text):
        if not link.startswith("http"):
            assert (ROOT / link).exists(), link


def test_readme_pytest_quickstart_passes_as_written_under_strict_warnings(pytester):
    (code,) = blocks(ROOT / "README.md", "python", "Quickstart: pytest")
    pytester.makepyfile(test_quickstart=code)
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    # in a subprocess: in-process pytester re-imports modules, which trips requests' isinstance checks
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_readme_fixtures_example_loads_as_written(tmp_path):
    """The "Fixtures" example is a valid file: `check-fixtures` takes it and a fake serves it."""
    from fakeprojector import FakeProjector

    (example,) = blocks(ROOT / "README.md", "json", "Fixtures")
    path = tmp_path / "my.json"
    path.write_text(example, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "fakeprojector", "check-fixtures", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    with FakeProjector(str(path)) as fp:
        assert [c.name for c in fp.clients()] == ["My app"]
        assert [u.username for u in fp.users("ACME")] == ["jane"]


def test_readme_wsdl_example_passes_as_written(pytester):
    """The "Every operation, from a WSDL" example, its WSDL path pointed at the vendor's 2019
    snapshot, read in place (the project never copies it)."""
    wsdl = VENDOR_WSDL_DIR / "PwsProjectorServices.wsdl"
    if not wsdl.is_file():
        pytest.skip(f"the vendor's 2019 WSDL snapshot is not at {VENDOR_WSDL_DIR} (../shared absent)")
    (code,) = blocks(ROOT / "README.md", "python", "Every operation, from a WSDL")
    assert 'wsdl="contract/PwsProjectorServices.wsdl"' in code
    pytester.makepyfile(test_wsdl=code.replace("contract/PwsProjectorServices.wsdl", str(wsdl)))
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README's quickstart needs curl")
def test_readme_curl_quickstart_runs_as_written(tmp_path):
    (script,) = blocks(ROOT / "README.md", "sh", "Quickstart: any language")
    (envelope,) = blocks(ROOT / "README.md", "xml", "Quickstart: any language")
    port = str(_free_port())
    (tmp_path / "acquire.xml").write_text(envelope, encoding="utf-8")
    lines = script.replace("8080", port).splitlines()
    assert lines[0].startswith(f"fakeprojector serve --port {port} &")
    # as written (its own `fakeprojector wait` line waits for the server); the server's output
    # to files, and the server stopped at the end
    runnable = "\n".join(
        ["set -e", "trap 'kill %1 2>/dev/null' EXIT", lines[0].replace(" &", " > serve.out 2> serve.err &", 1),
         *lines[1:]]
    )  # fmt: skip
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        ["bash", "-c", runnable],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "projector.wsdl").read_text().startswith("<?xml")
    assert '"code": "MyCode-0001"' in out.stdout
    assert ">Ok</Status>" in out.stdout, out.stdout
    assert "<a:AccessToken>" in out.stdout, out.stdout
    assert '"kind": "http_status"' in out.stdout
    assert '"operation": "PwsAcquireOauth2Token"' in out.stdout
    assert '"Code": "MyCode-0001"' in out.stdout


def test_plugin_page_has_the_zeep_and_requests_examples():
    found = blocks(ROOT / "docs" / "pytest-plugin.md", "python")
    assert any("zeep.Client(fake_projector.wsdl_url)" in b for b in found)
    assert any("requests.post(" in b for b in found)


@pytest.mark.parametrize("index", [0, 1])
def test_plugin_page_examples_pass_as_written(pytester, index):
    pytester.makepyfile(test_example=blocks(ROOT / "docs" / "pytest-plugin.md", "python")[index])
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "SECURITY.md", ROOT / "benchmarks" / "README.md",
        *sorted((ROOT / "docs").glob("*.md"))]  # fmt: skip


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors of a Markdown file's headings."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    found = set()
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_in_the_docs_resolves(doc):
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.S)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file_part, _, anchor = target.partition("#")
        path = (doc.parent / file_part).resolve() if file_part else doc
        if not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(target)
    assert not broken, f"{doc.relative_to(ROOT)}: broken links {broken}"


STANDALONE = ROOT / "docs" / "standalone-server.md"


def _runnable_blocks(path: Path) -> list[str]:
    """The ``sh`` blocks of ``path`` that call a running fake at 127.0.0.1:8080 (not the ones
    that start a server, or call another host)."""
    return [
        b
        for b in blocks(path, "sh")
        if ("$A" in b or "127.0.0.1:8080" in b) and "fakeprojector serve" not in b and "http://fake:" not in b
    ]


def _run_examples(tmp_path: Path, examples: list[str], serve: str = "") -> str:
    """``examples``, in order, against one real ``fakeprojector serve {serve}``; curl fails the
    run on any HTTP error (``--fail-with-body``), so each example must work. Its output."""
    port = str(_free_port())
    runnable = "\n".join(
        ["set -e", "curl() { command curl --fail-with-body --max-time 20 \"$@\"; }",
         f"fakeprojector serve --port {port} {serve} > serve.out 2> serve.err &",
         "trap 'kill %1 2>/dev/null' EXIT",
         "for _ in $(seq 100); do [ -s serve.out ] && break; sleep 0.1; done",
         *(block.replace("8080", port) for block in examples)]
    )  # fmt: skip
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("FAKEPROJECTOR_ADMIN_TOKEN", None)
    out = subprocess.run(
        ["bash", "-c", runnable],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert out.returncode == 0, (out.stderr, out.stdout[-3000:])
    return out.stdout


@pytest.mark.skipif(shutil.which("curl") is None, reason="the docs' examples need curl")
def test_standalone_server_page_curl_examples_run_as_written(tmp_path):
    """Every curl example of docs/standalone-server.md, in order, against one server."""
    examples = _runnable_blocks(STANDALONE)
    assert len(examples) >= 5, "the page lost its examples"
    text = _run_examples(tmp_path, examples)
    assert '"name": "My .NET app"' in text
    assert text.count('"client_secret"') == 1  # in the POST's answer only, never in the list
    assert text.count("jane-password") == 1
    assert '"username": "jane"' in text
    assert '"now": "2030-01-01T00:00:00Z"' in text
    assert '"now": "2030-01-01T00:01:01Z"' in text
    assert '"reason": "wrong namespace"' in text
    assert '"kind": "redirect"' in text
    assert '"cleared": ' in text
    assert "ARQC8d/V3CZk+kOWf7w3KQ==" in text
    assert json.loads((tmp_path / "fakeprojector-admin.openapi.json").read_text())["openapi"].startswith("3.")


@pytest.mark.skipif(shutil.which("curl") is None, reason="the docs' examples need curl")
def test_wsdl_operations_page_curl_examples_run_as_written(tmp_path):
    """docs/wsdl-operations.md's curl examples, against ``serve --wsdl`` on the vendor's snapshot."""
    wsdl = VENDOR_WSDL_DIR / "PwsProjectorServices.wsdl"
    if not wsdl.is_file():
        pytest.skip(f"the vendor's 2019 WSDL snapshot is not at {VENDOR_WSDL_DIR} (../shared absent)")
    examples = _runnable_blocks(ROOT / "docs" / "wsdl-operations.md")
    assert examples, "the page lost its curl example"
    text = _run_examples(tmp_path, examples, serve=f"--wsdl {wsdl}")
    decoder = json.JSONDecoder()
    created, end = decoder.raw_decode(text)
    listed, _ = decoder.raw_decode(text, end + 1)  # each answer ends with a newline
    assert created["operation"] == "PwsGetProject"
    assert [stub["id"] for stub in listed] == [created["id"]]


@pytest.mark.skipif(shutil.which("curl") is None, reason="the docs' examples need curl")
def test_browser_flow_page_token_exchange_runs_as_written(tmp_path):
    """docs/browser-flow.md's curl exchange, its ``CODE`` (what the browser brings back) issued
    through the admin API first, as the consent page would."""
    (exchange,) = (b for b in blocks(ROOT / "docs" / "browser-flow.md", "sh") if "curl" in b)
    issue = (
        "curl -s http://127.0.0.1:8080/_fakeprojector/authorization-codes -H 'Content-Type: application/json'"
        ' -d \'{"client_id": "24748faf-e239-d132-167a-6e4d3e1bd0fb",'
        ' "redirect_uri": "http://127.0.0.1:8765/callback", "code": "code-from-the-browser"}\' > /dev/null'
    )
    text = _run_examples(tmp_path, [issue, exchange.replace("code=CODE", "code=code-from-the-browser")])
    answer = json.loads(text)
    assert answer["token_type"] == "projector_session_ticket"
    assert answer["access_token"]
    assert answer["refresh_token"]
