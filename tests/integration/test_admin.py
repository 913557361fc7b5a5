"""The JSON admin API of the standalone server, driven over HTTP as any language would."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from werkzeug.test import Client

from fakeprojector import FakeProjector
from tests.support.cliserver import CliServer, quote
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, acquire, revoke

REVOKE = "PwsRevokeOauth2RefreshToken"
ACQUIRE = "PwsAcquireOauth2Token"
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_health_names_the_urls(cli_server):
    status, body, _ = cli_server.admin("GET", "/health")
    assert status == 200
    assert body["status"] == "ok"
    assert body["url"] == cli_server.url
    assert body["wsdl_url"] == cli_server.url + "?wsdl"
    assert body["admin_url"] == cli_server.admin_url + "/"
    assert body["counts"]["clients"] == 1


def test_index_lists_the_endpoints(cli_server):
    for path in ("", "/"):
        status, body, _ = cli_server.admin("GET", path)
        assert status == 200
        assert "POST /_fakeprojector/faults" in " ".join(body["endpoints"])


def test_post_client_generates_what_is_absent(cli_server):
    status, client, _ = cli_server.admin("POST", "/clients", {"name": "Generated"})
    assert status == 201
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", client["client_id"])
    assert client["client_secret"]
    assert client == {**client, "name": "Generated", "redirect_uris": []}
    _, listed, _ = cli_server.admin("GET", "/clients")
    assert {k: v for k, v in client.items() if k != "client_secret"} in listed  # the secret: only once
    assert any(c["client_id"] == SAMPLE_CLIENT for c in listed)
    assert "client_secret" not in json.dumps(listed)


def test_post_client_with_values_then_revoke_its_token_over_soap(cli_server):
    given = {
        "client_id": "9a0e3b6c-1f2d-4c5b-8e7a-6d5c4b3a2f10",
        "client_secret": "my-secret",
        "name": "Java app",
        "redirect_uris": ["https://java.example/cb"],
    }
    status, client, _ = cli_server.admin("POST", "/clients", given)
    assert (status, client) == (201, given)
    status, token, _ = cli_server.admin(
        "POST", "/refresh-tokens", {"client_id": given["client_id"], "account": "ACME"}
    )
    assert status == 201
    assert token["state"] == "active"
    assert token["client_id"] == given["client_id"]
    assert token["account"] == "ACME"
    assert revoke(cli_server.url, token["token"], given["client_id"], "my-secret").status_text == "Ok"
    status, after, _ = cli_server.admin("GET", "/refresh-tokens/" + token["token"])
    assert status == 200
    assert after["state"] == "revoked"
    assert {k: after[k] for k in ("token", "client_id", "account")} == {
        k: token[k] for k in ("token", "client_id", "account")
    }


def test_refresh_token_with_given_value_and_unknown_lookup(cli_server):
    value = "Given-Refresh-Token_0123456789abcdef"
    status, token, _ = cli_server.admin(
        "POST", "/refresh-tokens", {"client_id": SAMPLE_CLIENT, "token": value}
    )
    assert (status, token["token"]) == (201, value)
    status, body, _ = cli_server.admin("GET", "/refresh-tokens/NoSuchToken-000000000000000000")
    assert status == 404
    assert body == {"message": "unknown refresh token"}


def test_refresh_token_errors_are_json_400(cli_server):
    status, body, _ = cli_server.admin("POST", "/refresh-tokens", {})
    assert (status, body) == (400, {"message": "missing field(s): client_id"})
    status, body, _ = cli_server.admin(
        "POST", "/refresh-tokens", {"client_id": "6f1c2b7e-8d44-4f0a-9b3e-5c2d1a0e9f88"}
    )
    assert status == 400
    assert "unknown client_id" in body["message"]
    status, body, _ = cli_server.admin(
        "POST", "/refresh-tokens", {"client_id": SAMPLE_CLIENT, "token": "short"}
    )
    assert status == 400
    assert "20-512" in body["message"]


def test_authorization_code_then_acquire_and_look_up_the_access_token(cli_server):
    status, code, _ = cli_server.admin(
        "POST",
        "/authorization-codes",
        {"client_id": SAMPLE_CLIENT, "redirect_uri": "https://localhost/callback", "account": "SAMPLE"},
    )
    assert status == 201
    assert code["code"]
    assert ISO_Z.match(code["expires_at"])
    answer = acquire(
        cli_server.url, Code=code["code"], GrantType="code", RedirectUri="https://localhost/callback"
    )
    assert answer.status_text == "Ok", answer.body
    access = answer.field("AccessToken")
    refresh = answer.field("RefreshToken")
    assert access
    assert refresh
    status, state, _ = cli_server.admin("GET", "/access-tokens/" + quote(access))
    assert (status, state["state"], state["refresh_token"]) == (200, "active", refresh)
    _, rt, _ = cli_server.admin("GET", "/refresh-tokens/" + refresh)
    assert rt["state"] == "active"


def test_authorization_code_needs_client_and_redirect_uri(cli_server):
    status, body, _ = cli_server.admin("POST", "/authorization-codes", {"client_id": SAMPLE_CLIENT})
    assert (status, body) == (400, {"message": "missing field(s): redirect_uri"})
    status, body, _ = cli_server.admin(
        "POST",
        "/authorization-codes",
        {
            "client_id": SAMPLE_CLIENT,
            "redirect_uri": "https://localhost/callback",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S512",
        },
    )
    assert status == 400
    assert "code_challenge_method" in body["message"]


def test_authorization_code_for_an_unregistered_redirect_uri_is_400_naming_it(cli_server):
    status, body, _ = cli_server.admin(
        "POST",
        "/authorization-codes",
        {"client_id": SAMPLE_CLIENT, "redirect_uri": "https://evil.example/cb", "account": "SAMPLE"},
    )
    assert (status, body) == (
        400,
        {"message": f"redirect_uri 'https://evil.example/cb' is not registered for client {SAMPLE_CLIENT}"},
    )
    assert cli_server.admin("GET", "/health")[1]["counts"]["authorization_codes"] == 0


def test_reset_forgets_added_state_and_the_journal(cli_server):
    _, client, _ = cli_server.admin("POST", "/clients", {})
    _, token, _ = cli_server.admin("POST", "/refresh-tokens", {"client_id": SAMPLE_CLIENT})
    revoke(cli_server.url)
    cli_server.admin("POST", "/faults", {"kind": "delay", "delay_ms": 0})
    status, _, _ = cli_server.admin("POST", "/reset")
    assert status == 200
    _, clients, _ = cli_server.admin("GET", "/clients")
    assert [c["client_id"] for c in clients] == [SAMPLE_CLIENT]
    assert cli_server.admin("GET", "/refresh-tokens/" + token["token"])[0] == 404
    assert cli_server.admin("GET", "/refresh-tokens/" + SAMPLE_TOKEN)[1]["state"] == "active"
    assert cli_server.admin("GET", "/requests")[1] == []
    assert cli_server.admin("GET", "/faults")[1] == []
    assert client["client_id"] not in {c["client_id"] for c in clients}


def test_journal_entries_oldest_first_secret_redacted_tokens_whole(cli_server):
    cli_server.admin("GET", "/health")  # admin calls are not journaled
    revoke(cli_server.url, RequestId=11)
    revoke(cli_server.url, secret="wrong-secret", RequestId=12)
    acquire(cli_server.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN, RequestId=13)
    status, entries, _ = cli_server.admin("GET", "/requests")
    assert status == 200
    assert [(e["operation"], e["request_id"], e["status"], e["error_numbers"]) for e in entries] == [
        (REVOKE, 11, "Ok", []),
        (REVOKE, 12, "Fail", [50630]),
        (ACQUIRE, 13, "Fail", [50631]),  # revoked by the first call
    ]
    first = entries[0]
    assert first["fields"]["ClientSecret"] == "***"
    assert first["fields"]["Token"] == SAMPLE_TOKEN
    assert first["fields"]["ClientIdentifier"] == SAMPLE_CLIENT
    assert ISO_Z.match(first["time"])
    assert first["duration_ms"] >= 0
    assert first["http_status"] == 200
    assert first["fault"] is None
    assert SAMPLE_SECRET not in str(entries)
    assert "wrong-secret" not in str(entries)
    _, only_acquire, _ = cli_server.admin("GET", f"/requests?operation={ACQUIRE}")
    assert [e["request_id"] for e in only_acquire] == [13]
    status, body, _ = cli_server.admin("DELETE", "/requests")
    assert (status, body) == (200, {"cleared": 3})
    assert cli_server.admin("GET", "/requests")[1] == []


def test_settings_change_until_reset(cli_server):
    status, body, _ = cli_server.admin("POST", "/settings", {"error_style": "fault"})
    assert (status, body["error_style"]) == (200, "fault")
    assert revoke(cli_server.url, secret="wrong").status == 500
    cli_server.admin("POST", "/reset")
    assert cli_server.admin("GET", "/settings")[1]["error_style"] == "inband"
    status, body, _ = cli_server.admin("POST", "/settings", {"error_style": "loud"})
    assert status == 400
    assert "error_style" in body["message"]


def test_account_on_another_server_redirects(cli_server):
    status, account, _ = cli_server.admin(
        "POST", "/accounts", {"code": "FAR", "home_url": "https://secure2.projectorpsa.com/"}
    )
    assert (status, account) == (201, {"code": "FAR", "home_url": "https://secure2.projectorpsa.com"})
    _, token, _ = cli_server.admin("POST", "/refresh-tokens", {"client_id": SAMPLE_CLIENT, "account": "FAR"})
    answer = revoke(cli_server.url, token["token"])
    assert answer.field("RedirectUrl") == "https://secure2.projectorpsa.com"
    assert cli_server.admin("GET", "/refresh-tokens/" + token["token"])[1]["state"] == "active"


@pytest.mark.parametrize(
    ("method", "path", "raw", "status", "message"),
    [
        ("GET", "/nothing-here", None, 404, "no admin endpoint /_fakeprojector/nothing-here"),
        ("DELETE", "/clients", None, 405, "DELETE is not allowed here"),
        ("GET", "/reset", None, 405, "GET is not allowed here"),
        ("POST", "/clients", b"{not json", 400, "not valid JSON"),
        ("POST", "/clients", b"[1, 2]", 400, "must be a JSON object"),
        ("POST", "/clients", b'{"colour": "red"}', 400, "unknown field(s) colour"),
        ("POST", "/clients", b'{"name": 7}', 400, "field 'name' must be a string"),
        ("POST", "/clients", b'{"client_id": "not-a-guid"}', 400, "client_id must be a GUID"),
    ],
)
def test_errors_are_json_never_html(cli_server, method, path, raw, status, message):
    got, body, headers = cli_server.admin(method, path, raw=raw)
    assert got == status
    assert set(body) == {"message"}
    assert message in body["message"]
    if status == 405:
        assert headers["allow"]


def test_stderr_holds_no_call_lines_at_warning_level():
    server = CliServer("--log-level", "warning")
    try:
        assert revoke(server.url).status_text == "Ok"
        assert server.stop() == 0
        assert REVOKE not in server.stderr
    finally:
        server.cleanup()


# --- who may call: in-process, with werkzeug's test client and a chosen REMOTE_ADDR ------
@pytest.fixture(scope="module")
def app_fake() -> FakeProjector:
    return FakeProjector()


@pytest.fixture(scope="module")
def token_fake() -> FakeProjector:
    return FakeProjector(admin_token="s3cret-admin")


@pytest.mark.parametrize(
    ("address", "status"),
    [("127.0.0.1", 200), ("127.0.0.53", 200), ("::1", 200), ("10.1.2.3", 403), ("192.168.0.9", 403)],
)
def test_without_token_only_loopback_callers_are_answered(app_fake, address, status):
    response = Client(app_fake.app).get("/_fakeprojector/health", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status
    assert response.mimetype == "application/json"
    if status == 403:
        assert "loopback" in response.get_json()["message"]


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer wrong", 401),
        ("Basic s3cret-admin", 401),
        ("Bearer s3cret-admin", 200),
        ("bearer s3cret-admin", 200),
    ],
)
def test_with_token_any_caller_needs_it(token_fake, authorization, status):
    headers = {"Authorization": authorization} if authorization else {}
    response = Client(token_fake.app).get(
        "/_fakeprojector/health", headers=headers, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["message"]


@pytest.mark.parametrize(
    "token", ["/abcdefghijklmnopqrstu==", "ab//cdefghijklmnopqrst==", "abc+def/ghijklmnopqrst=="]
)
def test_session_tickets_with_any_slashes_can_be_looked_up(token):
    """Base64 session tickets may start with ``/`` or hold ``//`` (1 in ~60 generated ones)."""
    with FakeProjector() as fp:
        fp.add_access_token(SAMPLE_CLIENT, token=token)
        with urllib.request.urlopen(fp.admin_url + "access-tokens/" + quote(token), timeout=5) as r:
            assert json.loads(r.read())["token"] == token
