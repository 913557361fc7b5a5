"""Secrets: client secrets compared in constant time and never logged or journaled;
tokens in logs at most by a short prefix; loopback by default, a warning otherwise."""

from __future__ import annotations

import hmac
import json
import logging
import re
import socket

import pytest

from fakeprojector import FakeProjector, rules
from fakeprojector.errors import OAuthError
from fakeprojector.store import Store
from tests.hostile.corpus import CASES
from tests.hostile.rawhttp import exchange, request_bytes
from tests.support.cliserver import CliServer, quote
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, acquire, revoke

SECRET = "hostile-secret-Vq3mZ8xK1pL6nR0tW5yB"
CALLBACK = "https://app.example/callback"
WRONG_SECRETS = [
    "",
    "x",
    SECRET[:-1],  # a prefix: equal up to the last character
    SECRET + "x",  # one more character
    SECRET.upper(),
    "x" * len(SECRET),  # the same length
    "x" * 4096,
    "\u00e9\u4e2d\U0001f511" * 7,  # not ASCII
    " " + SECRET,
    SECRET + "\n",
]


def test_wrong_secrets_of_every_length_are_compared_in_constant_time(monkeypatch):
    """Each check goes through hmac.compare_digest on two SHA-256 digests, also for an unknown
    client (so a missing client takes the same path), and every wrong secret is 50630."""
    store = Store({"clients": [{"client_id": SAMPLE_CLIENT, "client_secret": SECRET}]})
    calls: list[tuple[int, int]] = []
    real = hmac.compare_digest

    def spy(a, b):  # type: ignore[no-untyped-def]
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    for client in (SAMPLE_CLIENT, "00000000-0000-0000-0000-000000000001"):
        for secret in WRONG_SECRETS:
            calls.clear()
            req = rules.RevokeRequest(client_identifier=client, client_secret=secret, token=SAMPLE_TOKEN)
            with pytest.raises(OAuthError) as caught:
                rules.revoke(store, req)
            assert caught.value.entry.number == (50632 if secret == "" else 50630)
            if secret:
                assert len(calls) == 1, "the secret was not compared with hmac.compare_digest"
                # equal, fixed-length operands: neither the secret's length nor whether the
                # client exists can change the time compare_digest takes
                assert calls == [(32, 32)], calls
    calls.clear()
    rules.revoke(
        store, rules.RevokeRequest(client_identifier=SAMPLE_CLIENT, client_secret=SECRET, token=SAMPLE_TOKEN)
    )
    assert len(calls) == 1


def test_wrong_secrets_over_http_all_fail_alike(fake_projector):
    client = fake_projector.add_client(client_secret=SECRET)
    token = fake_projector.add_refresh_token(client.client_id).token
    for secret in WRONG_SECRETS[1:]:
        answer = revoke(fake_projector.url, token, client.client_id, secret)
        assert [m["ErrorNumber"] for m in answer.messages()] == ["50630"]
        assert fake_projector.token_state(token) == "active"


def _tokens_in(fake: FakeProjector) -> list[str]:
    store = fake.store
    return [*store.refresh_tokens, *store.access_tokens, *store.codes]


def test_logs_and_journal_hold_no_secret_and_tokens_only_by_prefix(fake_projector, caplog):
    fp = fake_projector
    client = fp.add_client(client_secret=SECRET, redirect_uris=[CALLBACK])
    code = fp.issue_authorization_code(client.client_id, CALLBACK)
    with caplog.at_level(logging.DEBUG, logger="fakeprojector"):
        answer = acquire(fp.url, client.client_id, SECRET, Code=code, GrantType="code", RedirectUri=CALLBACK)
        refresh_token = answer.field("RefreshToken")
        acquire(fp.url, client.client_id, SECRET, GrantType="refresh_token", RefreshToken=refresh_token)
        acquire(fp.url, client.client_id, SECRET, Code=code, GrantType="code", RedirectUri=CALLBACK)  # replay
        revoke(fp.url, refresh_token, client.client_id, SECRET + "-wrong")
        revoke(fp.url, refresh_token, client.client_id, SECRET)
        revoke(fp.url)  # the vendor sample, with its secret
        for case in CASES[:20]:
            if case.raw is None:
                exchange(fp.port, request_bytes(case.method, case.path, case.headers, case.body), timeout=5)
        with pytest.raises(AssertionError) as failed:
            fp.assert_called("PwsRevokeOauth2RefreshToken", count=99, token=refresh_token)
    text = caplog.text
    assert "PwsRevokeOauth2RefreshToken status=Ok" in text  # the log did record the calls
    for secret in (SECRET, SECRET + "-wrong", SAMPLE_SECRET):
        assert secret not in text
        assert secret not in str(failed.value)  # an assertion's listing of the journal
    for token in _tokens_in(fp):
        assert token not in text, f"a whole token ({token[:6]}...) was logged"
    journal = json.dumps([e.as_dict() for e in fp.requests])
    for secret in (SECRET, SECRET + "-wrong", SAMPLE_SECRET):
        assert secret not in journal
    assert refresh_token in journal  # the journal keeps tokens whole: tests assert on them
    assert all(e.fields.get("ClientSecret") in (None, "***") for e in fp.requests)


def test_the_cli_at_debug_level_logs_no_secret_under_hostile_traffic(tmp_path):
    fixtures = tmp_path / "f.json"
    fixtures.write_text(
        json.dumps(
            {
                "clients": [
                    {"client_id": SAMPLE_CLIENT, "client_secret": SECRET, "redirect_uris": [CALLBACK]}
                ],
                "refresh_tokens": [{"token": SAMPLE_TOKEN, "client_id": SAMPLE_CLIENT}],
                "authorization_codes": [
                    {"code": "hostile-code-0001", "client_id": SAMPLE_CLIENT, "redirect_uri": CALLBACK}
                ],
            }
        )
    )
    server = CliServer("--fixtures", str(fixtures), "--log-level", "debug")
    try:
        port = int(server.base_url.rsplit(":", 1)[1])
        issued = acquire(
            server.url,
            SAMPLE_CLIENT,
            SECRET,
            Code="hostile-code-0001",
            GrantType="code",
            RedirectUri=CALLBACK,
        )
        access_token, refresh_token = issued.field("AccessToken"), issued.field("RefreshToken")
        revoke(server.url, SAMPLE_TOKEN, SAMPLE_CLIENT, SECRET + "-wrong")
        revoke(server.url, SAMPLE_TOKEN, SAMPLE_CLIENT, SECRET)
        for case in CASES:
            data = (
                case.raw
                if case.raw is not None
                else request_bytes(
                    case.method, case.path, case.headers, case.body, content_length=case.content_length
                )
            )
            exchange(port, data, timeout=5, half_close=case.half_close)
        status, journal, _ = server.admin("GET", "/requests")
        assert status == 200
        for kind, token in (("refresh-tokens", refresh_token), ("access-tokens", access_token)):
            status, state, _ = server.admin("GET", f"/{kind}/{quote(token)}")  # logged at debug
            assert status == 200, state
    finally:
        assert server.stop() == 0
    log = server.stderr
    server.cleanup()
    assert "DEBUG" in log
    for secret in (SECRET, SECRET + "-wrong"):
        assert secret not in log
        assert secret not in json.dumps(journal)
    for token in (SAMPLE_TOKEN, access_token, refresh_token, "hostile-code-0001"):
        assert token not in log
    assert "Traceback" not in log


# --- binding --------------------------------------------------------------------------
def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        pytest.param("::1", marks=pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback")),
    ],
)
def test_loopback_binds_silently(host, caplog):
    with caplog.at_level(logging.WARNING, logger="fakeprojector"), FakeProjector(host=host) as fp:
        assert revoke(fp.url).status == 200
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_default_bind_is_loopback_only():
    """Bound to 127.0.0.1 itself, not to every address: another address of this host
    (127.0.0.2, on Linux) is refused."""
    with FakeProjector() as fp:
        assert fp.url.startswith("http://127.0.0.1:")
        with socket.create_connection(("127.0.0.1", fp.port), timeout=5):
            pass
        with (
            pytest.raises(ConnectionRefusedError),
            socket.create_connection(("127.0.0.2", fp.port), timeout=5),
        ):
            pass


def test_any_other_address_warns(caplog):
    """127.0.0.2 is loopback on Linux but not the documented default: it warns, as 0.0.0.0
    or a LAN address would (those are not bound here: the machine's policy)."""
    with caplog.at_level(logging.WARNING, logger="fakeprojector"), FakeProjector(host="127.0.0.2") as fp:
        assert revoke(fp.url).status == 200
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(re.search(r"listening on 127\.0\.0\.2: reachable beyond this machine", w) for w in warnings), (
        warnings
    )
