"""``fakeprojector serve`` and ``check-fixtures`` as subprocesses: flags, ready file, admin
token, logging, exit statuses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakeprojector.cli import build_parser, main
from tests.support.cliserver import CliServer, http_json, run_cli
from tests.support.soapclient import SHR, acquire, envelope, post, revoke

REVOKE = "PwsRevokeOauth2RefreshToken"
ACQUIRE = "PwsAcquireOauth2Token"
CLIENT_A = "0b6c2a1e-3d4f-4a5b-9c8d-7e6f5a4b3c2d"
SECRET_A = "cli-secret-A-Xq7WcV2pLm9RtY4u"
TOKEN_A = "CliRefreshTokenA-000000000000000000000001"
CLIENT_B = "1c7d3b2f-4e5a-4b6c-8d9e-0f1a2b3c4d5e"
SECRET_B = "cli-secret-B-Hs3JkN8bQw1ZeR6t"
WRONG_SECRET = "cli-wrong-secret-Gt5YhU7jIk"
ADMIN_SECRET = "cli-admin-created-secret-Pl0Ok9Ij"
ADMIN_TOKEN = "cli-admin-token-4f5e6d"


@pytest.fixture(scope="module")
def fixture_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cli-fixtures")
    a = folder / "a.json"
    a.write_text(
        json.dumps(
            {
                "clients": [{"client_id": CLIENT_A, "client_secret": SECRET_A}],
                "refresh_tokens": [{"token": TOKEN_A, "client_id": CLIENT_A}],
            }
        )
    )
    b = folder / "b.json"
    b.write_text(json.dumps({"clients": [{"client_id": CLIENT_B, "client_secret": SECRET_B}]}))
    return a, b


@pytest.fixture(scope="module")
def server(fixture_files: tuple[Path, Path]) -> Iterator[CliServer]:
    """Every behaviour flag at once, the admin token from the environment, debug logging."""
    a, b = fixture_files
    srv = CliServer(
        "--fixtures", str(a), "--fixtures", str(b),
        "--error-style", "fault",
        "--lenient-soap-action",
        "--timeout-minutes", "30",
        "--seed", "7",
        "--log-level", "debug",
        env={"FAKEPROJECTOR_ADMIN_TOKEN": ADMIN_TOKEN},
    )  # fmt: skip
    try:
        yield srv
    finally:
        srv.cleanup()


def test_fixtures_merge_in_order(server):
    status, clients, _ = server.admin("GET", "/clients", token=ADMIN_TOKEN)
    assert status == 200
    assert [c["client_id"] for c in clients] == [CLIENT_A, CLIENT_B]
    assert revoke(server.url, TOKEN_A, CLIENT_A, SECRET_A, action=REVOKE).status == 200


def test_error_style_fault(server):
    answer = revoke(server.url, TOKEN_A, CLIENT_A, WRONG_SECRET)
    assert answer.status == 500
    assert b"<ErrorNumber>50630</ErrorNumber>" in answer.body
    assert answer.xml.find(f".//detail/{{{SHR}}}PwsFault") is not None


def test_lenient_soap_action(server):
    """``--lenient-soap-action`` dispatches a request without SOAPAction on its body element
    (the default, as real WCF, refuses it: tests/contract/test_wire.py)."""
    answer = post(
        server.url,
        envelope(REVOKE, {"ClientIdentifier": CLIENT_A, "ClientSecret": SECRET_A, "Token": TOKEN_A}),
    )
    assert answer.status == 200, answer.body
    assert answer.status_text == "Ok"


def test_a_setting_flag_reaches_the_rules(server):
    _, token, _ = server.admin("POST", "/refresh-tokens", {"client_id": CLIENT_B}, token=ADMIN_TOKEN)
    answer = acquire(server.url, CLIENT_B, SECRET_B, GrantType="refresh_token", RefreshToken=token["token"])
    assert answer.field("TimeoutMinutes") == "30"


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("wrong", 401), (ADMIN_TOKEN, 200)])
def test_admin_token_is_required_once_set(server, token, status):
    got, body, headers = server.admin("GET", "/health", token=token)
    assert got == status
    if status == 401:
        assert set(body) == {"message"}
        assert headers["www-authenticate"].startswith("Bearer")


def test_the_client_secret_never_reaches_the_log_or_the_journal(server):
    server.admin("POST", "/clients", {"client_secret": ADMIN_SECRET}, token=ADMIN_TOKEN)
    revoke(server.url, TOKEN_A, CLIENT_A, SECRET_A)
    revoke(server.url, TOKEN_A, CLIENT_B, SECRET_B)
    revoke(server.url, TOKEN_A, CLIENT_A, WRONG_SECRET)
    server.admin("POST", "/faults", {"kind": "http_status", "times": 1}, token=ADMIN_TOKEN)
    acquire(server.url, CLIENT_A, SECRET_A, GrantType="refresh_token", RefreshToken=TOKEN_A)
    _, entries, _ = server.admin("GET", "/requests", token=ADMIN_TOKEN)
    assert len(entries) >= 4
    journal = json.dumps(entries)
    log = server.stderr
    for secret in (SECRET_A, SECRET_B, WRONG_SECRET, ADMIN_SECRET, ADMIN_TOKEN):
        assert secret not in journal
        assert secret not in log
    assert TOKEN_A in journal  # tokens stay whole in the journal


def test_one_log_line_per_soap_call(server):
    before = server.stderr.count(f" {REVOKE} status=")
    revoke(server.url, TOKEN_A, CLIENT_A, WRONG_SECRET, RequestId=9)
    revoke(server.url, TOKEN_A, CLIENT_A, SECRET_A)
    lines = [line for line in server.stderr.splitlines() if f" {REVOKE} status=" in line]
    assert len(lines) == before + 2
    assert re.search(r"status=fault errors=50630 http=500 [\d.]+ms$", lines[-2])
    assert re.search(r"status=Ok errors=- http=200 [\d.]+ms$", lines[-1])
    server.admin("GET", "/health", token=ADMIN_TOKEN)  # not left to another test: xdist may run it elsewhere
    assert "DEBUG fakeprojector.admin: admin GET /_fakeprojector/health" in server.stderr  # --log-level debug


def test_ready_file_then_sigterm_exits_zero(tmp_path):
    ready = tmp_path / "ready.json"
    srv = CliServer("--ready-file", str(ready))
    try:
        content = json.loads(ready.read_text())
        assert content == {
            "url": srv.url,
            "wsdl_url": srv.url + "?wsdl",
            "admin_url": srv.admin_url + "/",
            "pid": srv.proc.pid,
            "ca_file": None,  # set with --tls (tests/integration/test_tls.py)
        }
        assert http_json("GET", content["admin_url"] + "health")[0] == 200
        assert srv.stop() == 0
        assert not ready.exists()
        assert "stopped" in srv.stderr
    finally:
        srv.cleanup()


def test_bad_fixtures_or_busy_port_fail_at_start_with_status_2(tmp_path, server):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"clients": [{"client_id": "nope", "client_secret": "x"}]}))
    result = run_cli("serve", "--port", "0", "--fixtures", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{bad}: clients[0] (client_id 'nope'): field 'client_id': must be a GUID" in result.stderr
    port = server.url.split(":")[2].split("/")[0]
    result = run_cli("serve", "--port", port)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


# --- check-fixtures ---------------------------------------------------------------------
def test_check_fixtures_names_file_entry_and_field(tmp_path, fixture_files):
    good, _ = fixture_files
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"clients": [{"client_id": CLIENT_A, "client_secret": "x", "colour": "red"}]}))
    broken = tmp_path / "broken.json"
    broken.write_text('{"clients": [')
    missing = tmp_path / "missing.json"
    result = run_cli("check-fixtures", str(good), str(bad), str(broken), str(missing))
    assert result.returncode == 2
    assert (
        result.stdout
        == f"ok: {good}: 1 clients, 1 refresh tokens, 0 authorization codes, 0 accounts, 0 users\n"
    )
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"invalid: {bad}: clients[0] (client_id '{CLIENT_A}'): field 'colour': ")
    assert errors[1] == f"invalid: {broken}: is not valid JSON: Expecting value at line 1 column 14"
    assert errors[2] == f"invalid: {missing}: file not found"


def test_check_fixtures_valid_files_and_their_merge(tmp_path, fixture_files, capsys):
    a, b = fixture_files
    assert main(["check-fixtures", str(a), str(b)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert (
        out.splitlines()[-1]
        == "ok: merged: 2 clients, 1 refresh tokens, 0 authorization codes, 0 accounts, 0 users"
    )
    again = tmp_path / "again.json"
    again.write_text(b.read_text())
    assert main(["check-fixtures", str(b), str(again)]) == 2
    _, err = capsys.readouterr()
    assert (
        f"invalid: merged in order: {again}: clients[0]: field 'client_id': '{CLIENT_B}' is already defined in {b}"
        in err
    )


# --- help (in-process: the same parser the console script uses) ---------------------------
def test_every_option_is_explained(capsys):
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and "serve" in a.choices).choices
    for name, sub in subparsers.items():
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for action in subparsers["serve"]._actions:
        for option in action.option_strings:
            assert option in out
    assert "/_fakeprojector/" in out
    top = parser.format_help()
    assert "serve" in top
    assert "check-fixtures" in top


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: fakeprojector" in capsys.readouterr().out
