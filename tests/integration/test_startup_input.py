"""Bad start-up input: one line naming the option and the problem, exit status 2, nothing
bound; from Python a ``ValueError`` with the same words. Never a traceback, never another port.

The issue: ``--port 99999`` served on 34463 (the socket layer wraps it modulo 65536),
``--port -1`` ended in an ``OverflowError`` traceback, ``--ready-file /nonexistent/dir/x.json``
in a ``FileNotFoundError`` traceback, and ``FakeProjector(port=70000)`` bound 4464.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys

import pytest

from fakeprojector import FakeProjector
from fakeprojector.cli import main
from fakeprojector.settings import specs
from tests.support.paths import ROOT

BAD_FLAGS = [
    (["--port", "99999"], "--port: must be a whole number from 0 to 65535, not int 99999"),
    (["--port", "65536"], "--port: must be a whole number from 0 to 65535, not int 65536"),
    (["--port", "-1"], "--port: must be a whole number from 0 to 65535, not int -1"),
    (["--port", "x"], "argument --port: invalid int value: 'x'"),
    (["--ready-file", "/nonexistent/dir/x.json"], "--ready-file: directory /nonexistent/dir does not exist"),
    (["--ready-file", "{tmp}"], "--ready-file: {tmp} is a directory, not a file"),
    (["--max-body", "0"], "--max-body: must be a whole number from 1 to 2147483647, not int 0"),
    (["--journal-size", "0"], "--journal-size: must be a whole number from 1 to 10000000, not int 0"),
    (["--admin-token="], "--admin-token: must be a non-empty string, not str ''"),
    (["--host="], "--host: must be a non-empty string, not str ''"),
    (["--host", "nosuchhost.invalid"], "cannot listen on nosuchhost.invalid:0: "),
    (["--fixtures", "{tmp}/missing.json"], "--fixtures: {tmp}/missing.json: file not found"),
    (["--timeout-minutes", "-5"], "--timeout-minutes: must be a whole number >= 0, not int -5"),
    (["--code-lifetime-seconds", "nan"], "--code-lifetime-seconds: must be a number >= 0, not float nan"),
    (
        ["--access-token-lifetime-seconds", "inf"],
        "argument --access-token-lifetime-seconds: invalid int value",
    ),
    (["--token-type="], "--token-type: must be a non-empty string, not str ''"),
    (["--error-style", "loud"], "argument --error-style: invalid choice: 'loud'"),
    (["--log-level", "chatty"], "argument --log-level: invalid choice: 'chatty'"),
    (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
]


@pytest.mark.parametrize(("flags", "message"), BAD_FLAGS, ids=[" ".join(f) for f, _ in BAD_FLAGS])
def test_a_bad_serve_option_is_one_line_and_status_2(flags, message, tmp_path, capsys):
    flags = [f.replace("{tmp}", str(tmp_path)) for f in flags]
    message = message.replace("{tmp}", str(tmp_path))
    ready = tmp_path / "ready.json"
    extra = [] if any(f.startswith("--ready-file") for f in flags) else ["--ready-file", str(ready)]
    try:
        status = main(["serve", "--port", "0", *extra, *flags])
    except SystemExit as exc:  # argparse's own errors exit from inside parse_args
        status = exc.code
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""  # no service URL: nothing was bound
    assert not ready.exists()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert message in lines[0], err
    assert "Traceback" not in err
    # the CLI blocks SIGINT/SIGTERM only once it really serves: a failed start gives them back
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


#: Values no setting of each kind accepts (every number setting is a count or a duration).
_BAD_BY_KIND = {
    "int": ["-1", "x"],
    "float": ["-1", "nan"],
    "optional_float": ["-1", "x"],
    "str": [""],
    "choice": ["x"],
}
SETTING_FLAGS = [(spec.flag, value) for spec in specs().values() for value in _BAD_BY_KIND.get(spec.kind, [])]


@pytest.mark.parametrize(("flag", "value"), SETTING_FLAGS, ids=[f"{f}={v}" for f, v in SETTING_FLAGS])
def test_every_settings_flag_refuses_a_bad_value_in_one_line_naming_it(flag, value, tmp_path, capsys):
    """The sweep over every flag generated from Settings, so a new setting is checked too."""
    ready = tmp_path / "ready.json"
    try:
        status = main(["serve", "--port", "0", "--ready-file", str(ready), f"{flag}={value}"])
    except SystemExit as exc:  # argparse's own type and choice errors
        status = exc.code
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert not ready.exists()
    (line,) = err.splitlines()
    assert flag in line
    assert "Traceback" not in err


_BAD_PYTHON = {"int": -1, "float": -1.0, "optional_float": -1.0, "str": "", "choice": "x", "bool": "yes"}
SETTINGS = [(spec.name, _BAD_PYTHON[spec.kind]) for spec in specs().values()]


@pytest.mark.parametrize(("name", "value"), SETTINGS, ids=[n for n, _ in SETTINGS])
def test_every_setting_refuses_a_bad_value_from_python_naming_it(name, value):
    fake = FakeProjector(port=0)
    with pytest.raises(ValueError, match=f"^setting '{name}': must be ") as caught:
        fake.configure(**{name: value})
    assert "\n" not in str(caught.value)
    with pytest.raises(ValueError, match=f"^setting '{name}': must be "):
        FakeProjector(port=0, settings={name: value})


def test_the_real_command_prints_one_line_for_a_wrapping_port():
    result = subprocess.run(
        [sys.executable, "-m", "fakeprojector", "serve", "--port", "99999"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "fakeprojector: --port: must be a whole number from 0 to 65535, not int 99999\n"


def test_a_busy_port_is_one_line_from_the_cli_and_an_oserror_from_python(capsys):
    with FakeProjector() as fp:
        assert main(["serve", "--port", str(fp.port)]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err == f"fakeprojector: cannot listen on 127.0.0.1:{fp.port}: Address already in use\n"
        with pytest.raises(OSError, match="Address already in use"):  # not werkzeug's sys.exit(1)
            FakeProjector(port=fp.port).start()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"port": 70000}, "port: must be a whole number from 0 to 65535, not int 70000"),
        ({"port": -1}, "port: must be a whole number from 0 to 65535, not int -1"),
        ({"port": "8080"}, "port: must be a whole number from 0 to 65535, not str '8080'"),
        ({"port": True}, "port: must be a whole number from 0 to 65535, not bool True"),
        ({"host": ""}, "host: must be a non-empty string"),
        ({"max_body": 0}, "max_body: must be a whole number from 1 to 2147483647"),
        ({"journal_size": 0}, "journal_size: must be a whole number from 1 to 10000000"),
        ({"stall_timeout": 0}, "stall_timeout: must be a number of seconds > 0, not int 0"),
        ({"stall_timeout": float("nan")}, "stall_timeout: must be a number of seconds > 0"),
        ({"admin_token": ""}, "admin_token: must be a non-empty string"),
        ({"seed": 1.5}, "seed: must be an int, a string or None, not float 1.5"),
        ({"settings": [("timeout_minutes", 5)]}, "settings: must be a dict of settings, not list"),
        ({"settings": {"timeout_minute": 5}}, "did you mean 'timeout_minutes'?"),
        ({"fixtures": 123}, "fixtures: must be a path, a dict or a list of them, not int"),
    ],
)
def test_python_api_raises_value_error_with_the_same_words(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        FakeProjector(**kwargs)


def test_nothing_is_bound_before_the_options_are_checked():
    """A bad option is refused before the socket exists, so no port is taken even briefly."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ValueError, match="max_body"):
        FakeProjector(port=port, max_body=-1).start()
    with socket.socket() as again:  # still free
        again.bind(("127.0.0.1", port))
