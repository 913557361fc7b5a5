"""``fakeprojector wait``: 0 and the URL once a server answers; 1 and a one-line reason when the
deadline passes, the server's process exits, or its certificate does not verify; 2 and a
line naming the option for bad options. Against real servers and real closed ports.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakeprojector import FakeProjector
from fakeprojector.cli import main
from tests.support.paths import ROOT


def run_wait(capsys, *args: str) -> tuple[int, str, str]:
    try:
        status = main(["wait", *args])
    except SystemExit as exc:  # argparse's own errors exit from inside parse_args
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def closed_port() -> int:
    """A port nothing listens on (just freed; nothing else here binds at random)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_live_server_is_up_at_once(cli_server, capsys):
    status, out, err = run_wait(capsys, cli_server.url, "--timeout", "10")
    assert (status, out, err) == (0, cli_server.url + "\n", "")


def test_any_http_answer_counts_as_up(cli_server, capsys):
    """The fake answers 404 here: a server that answers is up, whatever the status."""
    status, out, _ = run_wait(capsys, cli_server.base_url + "/no/such/page", "--timeout", "10")
    assert (status, out) == (0, cli_server.base_url + "/no/such/page\n")


def test_a_closed_port_fails_at_the_deadline_with_the_reason(capsys):
    url = f"http://127.0.0.1:{closed_port()}/"
    status, out, err = run_wait(capsys, url, "--timeout", "0.5")
    assert (status, out) == (1, "")
    assert err == f"fakeprojector wait: no answer from {url} within 0.5 s: connection refused\n"


def test_a_server_that_never_answers_fails_at_the_deadline(capsys):
    with socket.socket() as mute:  # accepts connections (the kernel's backlog), never reads or answers
        mute.bind(("127.0.0.1", 0))
        mute.listen(8)
        url = f"http://127.0.0.1:{mute.getsockname()[1]}/"
        status, _, err = run_wait(capsys, url, "--timeout", "0.5")
    assert status == 1
    assert err == f"fakeprojector wait: no answer from {url} within 0.5 s: timed out\n"


def test_https_with_the_ca_file_is_up_and_without_it_fails_at_once(capsys):
    with FakeProjector(tls=True) as fp:
        url = fp.url
        status, out, err = run_wait(capsys, url, "--ca-file", fp.ca_file, "--timeout", "10")
        assert (status, out, err) == (0, url + "\n", "")
        # the system's CAs do not know it: no point waiting 30 s for that to change
        status, out, err = run_wait(capsys, url)
    assert (status, out) == (1, "")
    assert err.startswith(f"fakeprojector wait: {url}: certificate verify failed: ")
    assert err.endswith("(trust the server's CA with --ca-file)\n")
    assert err.count("\n") == 1


def test_it_stops_at_once_when_the_server_process_has_exited(capsys):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    url = f"http://127.0.0.1:{closed_port()}/"
    status, _, err = run_wait(capsys, url, "--pid", str(gone.pid), "--timeout", "600")
    assert status == 1
    assert err == f"fakeprojector wait: the server (pid {gone.pid}) exited before {url} answered\n"


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="zombies are read from /proc")
def test_an_exited_but_unreaped_server_counts_as_exited(capsys):
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        stat = Path(f"/proc/{zombie.pid}/stat")
        deadline = time.monotonic() + 30
        # the child exits at once; its parent (this test) does not reap it yet
        while stat.read_text().rpartition(")")[2].split()[0] != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        status, _, err = run_wait(
            capsys, f"http://127.0.0.1:{closed_port()}/", "--pid", str(zombie.pid), "--timeout", "600"
        )
    finally:
        zombie.wait()
    assert status == 1
    assert f"the server (pid {zombie.pid}) exited" in err


def test_the_ready_file_gives_the_url_and_the_ca_file(tmp_path, capsys):
    with FakeProjector(tls=True) as fp:
        ready = tmp_path / "ready.json"
        ready.write_text(json.dumps({"url": fp.url, "pid": os.getpid(), "ca_file": fp.ca_file}))
        status, out, err = run_wait(
            capsys, "--ready-file", str(ready), "--timeout", "10", "--pid", str(os.getpid())
        )
        assert (status, out, err) == (0, fp.url + "\n", "")


def test_a_stale_ready_file_is_not_believed(tmp_path, capsys):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with FakeProjector() as fp:  # a server does answer at the stale file's URL: still not this one's
        ready = tmp_path / "ready.json"
        ready.write_text(json.dumps({"url": fp.url, "pid": gone.pid, "ca_file": None}))
        status, out, err = run_wait(capsys, "--ready-file", str(ready), "--timeout", "0.5")
    assert (status, out) == (1, "")
    assert err == (
        f"fakeprojector wait: no answer from the server of {ready} within 0.5 s: "
        f"{ready} is stale: its server (pid {gone.pid}) is not running\n"
    )


def test_no_ready_file_by_the_deadline(tmp_path, capsys):
    ready = tmp_path / "never.json"
    status, _, err = run_wait(capsys, "--ready-file", str(ready), "--timeout", "0.3")
    assert status == 1
    assert (
        err
        == f"fakeprojector wait: no answer from the server of {ready} within 0.3 s: no ready file {ready} yet\n"
    )


BAD_OPTIONS = [
    (["http://x/", "--timeout", "0"], "fakeprojector: --timeout: must be a number of seconds > 0 and at most 86400, not 0"),
    (["http://x/", "--timeout", "-1"], "fakeprojector: --timeout: must be a number of seconds > 0"),
    (["http://x/", "--timeout", "nan"], "fakeprojector: --timeout: must be a number of seconds > 0"),
    (["http://x/", "--timeout", "1e9"], "fakeprojector: --timeout: must be a number of seconds > 0 and at most 86400, not 1e+09"),
    (["http://x/", "--timeout", "soon"], "fakeprojector wait: argument --timeout: invalid float value: 'soon'"),
    (["ftp://x/"], "fakeprojector: URL: must be an http:// or https:// URL with a host, not 'ftp://x/'"),
    (["127.0.0.1:8080"], "fakeprojector: URL: must be an http:// or https:// URL with a host"),
    (["http://127.0.0.1:99999/"], "fakeprojector: URL: has a bad port: 'http://127.0.0.1:99999/'"),
    ([], "fakeprojector: URL: give the server's URL or --ready-file PATH (one of them)"),
    (["http://x/", "--ready-file", "r.json"], "fakeprojector: URL: give the server's URL or --ready-file PATH"),
    (["http://x/", "--pid", "0"], "fakeprojector: --pid: must be a process id > 0, not 0"),
    (["http://x/", "--pid", "me"], "fakeprojector wait: argument --pid: invalid int value: 'me'"),
    (["http://x/", "--ca-file", "{tmp}/nope.pem"], "fakeprojector: --ca-file: no such file: {tmp}/nope.pem"),
    (["http://x/", "--ca-file", "{tmp}"], "fakeprojector: --ca-file: {tmp} is not a file"),
    (["http://x/", "--ca-file", "{tmp}/garbage.pem"], "fakeprojector: --ca-file: {tmp}/garbage.pem holds no PEM certificate"),
    (["http://x/", "--no-such-flag"], "fakeprojector: unrecognized arguments: --no-such-flag"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_a_bad_wait_option_is_one_line_naming_it_and_status_2(args, message, tmp_path, capsys):
    (tmp_path / "garbage.pem").write_text("not a certificate\n")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    status, out, err = run_wait(capsys, *args)
    assert (status, out) == (2, "")
    assert err.startswith(message.replace("{tmp}", str(tmp_path))), err
    assert err.count("\n") == 1, err


def test_the_real_command_exits_1_with_one_line(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "fakeprojector",
            "wait",
            f"http://127.0.0.1:{closed_port()}/",
            "--timeout",
            "0.3",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("fakeprojector wait: no answer from http://127.0.0.1:")
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
