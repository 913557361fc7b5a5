"""The admin API does what the Python API does (issue 15): time travel, users, session
tickets, and lists with states and filters, over HTTP against the real ``fakeprojector serve``."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timezone

import pytest

from fakeprojector import FakeProjector
from tests.support.cliserver import http_json, quote
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, acquire, revoke
from tests.support.webclient import Browserish

OTHER = "9a0e3b6c-1f2d-4c5b-8e7a-6d5c4b3a2f10"
CALLBACK = "https://localhost/callback"


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- the clock ----------------------------------------------------------------------------
def test_clock_get_shows_real_time_not_frozen(cli_server):
    status, clock, _ = cli_server.admin("GET", "/clock")
    assert status == 200
    assert clock["frozen"] is False
    assert abs((_instant(clock["now"]) - datetime.now(timezone.utc)).total_seconds()) < 60


def test_freeze_at_an_instant_then_advance_then_unfreeze(cli_server):
    status, clock, _ = cli_server.admin("POST", "/clock", {"freeze": True, "at": "2030-01-02T03:04:05Z"})
    assert (status, clock) == (200, {"now": "2030-01-02T03:04:05Z", "frozen": True})
    status, clock, _ = cli_server.admin("POST", "/clock", {"advance_seconds": 90})
    assert (status, clock) == (200, {"now": "2030-01-02T03:05:35Z", "frozen": True})
    assert cli_server.admin("GET", "/clock")[1]["now"] == "2030-01-02T03:05:35Z"  # frozen stays put
    status, clock, _ = cli_server.admin("POST", "/clock", {"freeze": False})
    assert (status, clock["frozen"]) == (200, False)
    assert _instant(clock["now"]) >= _instant("2030-01-02T03:05:35Z")  # runs on from there
    cli_server.admin("POST", "/reset")
    assert cli_server.admin("GET", "/clock")[1]["frozen"] is False


def test_an_offset_instant_is_converted_to_utc(cli_server):
    _, clock, _ = cli_server.admin("POST", "/clock", {"freeze": True, "at": "2030-06-01T12:00:00.5+02:00"})
    assert clock["now"] == "2030-06-01T10:00:00.500000Z"


def test_advancing_expires_a_code_without_sleeping(cli_server):
    """What the issue asks for: expiry tested from curl without shrinking lifetimes and sleeping."""
    _, code, _ = cli_server.admin(
        "POST", "/authorization-codes", {"client_id": SAMPLE_CLIENT, "redirect_uri": CALLBACK}
    )
    cli_server.admin("POST", "/clock", {"advance_seconds": 61})
    answer = acquire(cli_server.url, Code=code["code"], GrantType="code", RedirectUri=CALLBACK)
    assert answer.status_text == "Fail"
    assert "authorization code has expired" in answer.messages()[0]["ErrorText"]
    _, codes, _ = cli_server.admin("GET", "/authorization-codes?state=expired")
    assert [c["code"] for c in codes] == [code["code"]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "nothing to do"),
        ({"at": "2030-01-01T00:00:00Z"}, "field 'at' goes with \"freeze\": true"),
        ({"freeze": True, "at": "2030-01-01T00:00:00"}, "ISO 8601 instant with Z or an offset"),
        ({"freeze": True, "at": "next tuesday"}, "ISO 8601 instant"),
        ({"freeze": "yes"}, "field 'freeze' must be true or false"),
        ({"advance_seconds": "60"}, "field 'advance_seconds' must be a number"),
        ({"advance_seconds": 1e20}, "must stay between 1970 and 9999"),
        ({"speed": 2}, "unknown field(s) speed; accepted: advance_seconds, freeze, at"),
    ],
)
def test_bad_clock_requests_are_400_and_change_nothing(cli_server, body, message):
    status, answer, _ = cli_server.admin("POST", "/clock", body)
    assert status == 400
    assert message in answer["message"]
    assert cli_server.admin("GET", "/clock")[1]["frozen"] is False


# --- users --------------------------------------------------------------------------------
def test_post_user_then_sign_in_on_the_consent_page_with_it(cli_server):
    cli_server.admin("POST", "/accounts", {"code": "ACME"})
    status, user, _ = cli_server.admin(
        "POST", "/users", {"account": "acme", "username": "jane", "password": "jane-pw"}
    )
    assert (status, user) == (201, {"account": "ACME", "username": "jane", "password": "jane-pw"})
    status, users, _ = cli_server.admin("GET", "/users?account=ACME")
    assert (status, users) == (200, [{"account": "ACME", "username": "jane"}])  # never the password
    browser = Browserish()
    url = f"{cli_server.base_url}/oauth2authorize/ACME?response_type=code&client_id={SAMPLE_CLIENT}&redirect_uri={CALLBACK}"
    form = browser.get(url)
    assert "jane" in form.text
    reply = browser.post(
        f"{cli_server.base_url}/oauth2authorize/ACME",
        {
            "form_token": form.hidden("form_token"),
            "decision": "approve",
            "username": "Jane",
            "password": "jane-pw",
        },
    )
    assert "code" in reply.redirect_params()


def test_users_list_all_and_by_account_without_passwords(cli_server):
    _, everyone, _ = cli_server.admin("GET", "/users")
    assert everyone == [{"account": "SAMPLE", "username": "sample.user"}]
    assert cli_server.admin("GET", "/users?account=nobody")[1] == []
    assert "password" not in json.dumps(everyone)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"account": "NOPE", "username": "u", "password": "p"}, "unknown account 'NOPE': add it first"),
        ({"account": "SAMPLE", "username": "u"}, "missing field(s): password"),
        ({"account": "SAMPLE", "username": "", "password": "p"}, "username must not be empty"),
        ({"account": "SAMPLE", "username": "u", "password": ""}, "password must not be empty"),
    ],
)
def test_bad_users_are_400(cli_server, body, message):
    status, answer, _ = cli_server.admin("POST", "/users", body)
    assert (status, answer) == (400, {"message": answer["message"]})
    assert message in answer["message"]


def test_add_user_from_python_replaces_the_same_username():
    with FakeProjector() as fp:
        fp.add_user("sample", "Sample.User", "new-password")
        [user] = fp.users("SAMPLE")
        assert (user.account, user.username, user.password) == ("SAMPLE", "Sample.User", "new-password")
        with pytest.raises(ValueError, match="unknown account 'ELSEWHERE'"):
            fp.add_user("ELSEWHERE", "x", "y")
        fp.reset()
        assert [u.password for u in fp.users()] == ["sample-password"]


# --- session tickets ----------------------------------------------------------------------
def test_post_access_token_then_look_it_up_and_list_it(cli_server):
    status, ticket, _ = cli_server.admin(
        "POST",
        "/access-tokens",
        {
            "client_id": SAMPLE_CLIENT,
            "refresh_token": SAMPLE_TOKEN,
            "account": "SAMPLE",
            "token": "abc+def/ghijklmnopqrst==",
        },
    )
    assert status == 201
    assert ticket["token"] == "abc+def/ghijklmnopqrst=="
    assert (ticket["state"], ticket["refresh_token"], ticket["account"]) == ("active", SAMPLE_TOKEN, "SAMPLE")
    assert cli_server.admin("GET", "/access-tokens/" + quote(ticket["token"]))[1] == ticket
    assert cli_server.admin("GET", "/access-tokens")[1] == [ticket]
    revoke(cli_server.url)  # revoking the refresh token revokes the ticket issued from it
    assert cli_server.admin("GET", "/access-tokens?state=revoked")[1][0]["token"] == ticket["token"]
    assert cli_server.admin("GET", "/access-tokens?state=active")[1] == []


def test_post_access_token_generates_one_and_needs_a_known_client(cli_server):
    status, ticket, _ = cli_server.admin("POST", "/access-tokens", {"client_id": SAMPLE_CLIENT})
    assert status == 201
    assert len(ticket["token"]) == 24
    status, answer, _ = cli_server.admin("POST", "/access-tokens", {"client_id": OTHER})
    assert status == 400
    assert "unknown client_id" in answer["message"]


# --- lists --------------------------------------------------------------------------------
def test_refresh_token_list_with_states_and_filters(cli_server):
    cli_server.admin("POST", "/clients", {"client_id": OTHER, "redirect_uris": [CALLBACK]})
    _, mine, _ = cli_server.admin("POST", "/refresh-tokens", {"client_id": OTHER, "account": "acme"})
    _, gone, _ = cli_server.admin("POST", "/refresh-tokens", {"client_id": OTHER, "revoked": True})
    _, short, _ = cli_server.admin(
        "POST", "/refresh-tokens", {"client_id": SAMPLE_CLIENT, "expires_in_seconds": 5}
    )
    cli_server.admin("POST", "/clock", {"advance_seconds": 10})

    def tokens(query: str = "") -> list[str]:
        status, found, _ = cli_server.admin("GET", "/refresh-tokens" + query)
        assert status == 200
        return [t["token"] for t in found]

    assert tokens() == [SAMPLE_TOKEN, mine["token"], gone["token"], short["token"]]
    assert tokens(f"?client_id={OTHER}") == [mine["token"], gone["token"]]
    assert tokens(f"?client_id={{{OTHER.upper()}}}") == [mine["token"], gone["token"]]  # any GUID form
    assert tokens("?account=ACME") == [mine["token"]]
    assert tokens("?state=revoked") == [gone["token"]]
    assert tokens("?state=expired") == [short["token"]]
    assert tokens(f"?state=active&client_id={SAMPLE_CLIENT}") == [SAMPLE_TOKEN]
    _, listed, _ = cli_server.admin("GET", "/refresh-tokens?state=expired")
    assert set(listed[0]) == {"token", "state", "client_id", "account", "issued_at", "expires_at"}


def test_code_list_shows_used_and_unused(cli_server):
    _, unused, _ = cli_server.admin(
        "POST", "/authorization-codes", {"client_id": SAMPLE_CLIENT, "redirect_uri": CALLBACK}
    )
    _, used, _ = cli_server.admin(
        "POST", "/authorization-codes", {"client_id": SAMPLE_CLIENT, "redirect_uri": CALLBACK}
    )
    assert unused["state"] == "unused"
    acquire(cli_server.url, Code=used["code"], GrantType="code", RedirectUri=CALLBACK)
    _, codes, _ = cli_server.admin("GET", "/authorization-codes")
    assert {c["code"]: c["state"] for c in codes} == {unused["code"]: "unused", used["code"]: "used"}
    assert [c["code"] for c in cli_server.admin("GET", "/authorization-codes?state=used")[1]] == [
        used["code"]
    ]


def test_client_list_by_id_never_shows_a_secret(cli_server):
    status, clients, _ = cli_server.admin("GET", f"/clients?client_id={SAMPLE_CLIENT.upper()}")
    assert status == 200
    assert [c["client_id"] for c in clients] == [SAMPLE_CLIENT]
    assert SAMPLE_SECRET not in json.dumps(clients)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/requests?operaton=Nope",
            "unknown query parameter(s) operaton for GET /_fakeprojector/requests; accepted: operation, status",
        ),
        (
            "/clients?account=SAMPLE",
            "unknown query parameter(s) account for GET /_fakeprojector/clients; accepted: client_id",
        ),
        ("/refresh-tokens?State=active", "accepted: client_id, account, state"),
        (
            "/health?verbose=1",
            "unknown query parameter(s) verbose for GET /_fakeprojector/health; it accepts none",
        ),
        ("/refresh-tokens?state=dead", "state must be one of active, revoked, expired, not 'dead'"),
        ("/authorization-codes?state=active", "state must be one of unused, used, expired"),
        ("/users?account=A&account=B", "query parameter 'account' given 2 times"),
        ("/clients?client_id=nope", "client_id must be a GUID"),
    ],
)
def test_an_unknown_or_bad_query_parameter_is_a_400_naming_the_known_ones(cli_server, path, message):
    revoke(cli_server.url)
    status, body, _ = cli_server.admin("GET", path)
    assert (status, list(body)) == (400, ["message"])
    assert message in body["message"]


def test_a_query_parameter_on_a_post_is_refused_too(cli_server):
    status, body, _ = cli_server.admin("POST", "/reset?hard=1")
    assert status == 400
    assert "it accepts none" in body["message"]


def test_json_answers_are_indented_and_end_with_a_newline(cli_server):
    for path in ("/health", "/clients", "/nothing-here"):
        try:
            with urllib.request.urlopen(cli_server.admin_url + path, timeout=10) as response:
                raw = response.read().decode()
        except urllib.error.HTTPError as exc:
            raw = exc.read().decode()
        assert raw.endswith("}\n") or raw.endswith("]\n"), raw[-20:]
        assert raw.startswith(('{\n  "', "[\n  {")), raw[:20]
        assert json.loads(raw) == json.loads(json.dumps(json.loads(raw), indent=2))


def test_health_names_the_dashboard_and_the_openapi_document(cli_server):
    _, health, _ = cli_server.admin("GET", "/health")
    assert health["dashboard_url"] == cli_server.admin_url + "/dashboard"
    assert health["openapi_url"] == cli_server.admin_url + "/openapi.json"
    assert http_json("GET", health["openapi_url"])[1]["openapi"].startswith("3.")
