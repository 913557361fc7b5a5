"""``FakeBackend``, the one owner of a fake's state, without a socket: what ``reset()``
rebuilds, what the Python API refuses, and ``check()``."""

from __future__ import annotations

import time

import pytest

from fakeprojector.backend import FakeBackend, ServerError
from fakeprojector.fixtures import FixtureError
from fakeprojector.store import SetupError

CID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"
CALLBACK = "https://localhost/callback"
REVOKE = "PwsRevokeOauth2RefreshToken"


def _generated(backend: FakeBackend) -> list[str]:
    client = backend.add_client()
    return [
        client.client_id,
        client.client_secret,
        backend.add_refresh_token(CID).token,
        backend.add_access_token(CID).token,
        backend.issue_authorization_code(CID, CALLBACK),
    ]


def test_reset_empties_the_journal_clears_faults_and_restores_real_time():
    backend = FakeBackend()
    backend.journal.record(REVOKE, "Ok", started=time.perf_counter(), fields={"Token": TOKEN})
    backend.add_fault("drop")
    backend.add_fault("delay", delay_ms=5, operation=REVOKE, times=2)
    backend.clock.freeze(0)
    backend.clock.advance(10)
    backend.reset()
    assert backend.requests == []
    assert list(backend.faults) == []
    assert not backend.clock.frozen
    assert abs(backend.clock.time() - time.time()) < 5


def test_reset_goes_back_to_the_fixtures_and_their_settings():
    backend = FakeBackend(settings={"timeout_minutes": 7})
    added = backend.add_refresh_token(CID).token
    backend.store.revoke_refresh_token(TOKEN)
    backend.configure(timeout_minutes=9, rotate_refresh_tokens=True)
    backend.reset()
    assert backend.token_state(added) is None
    assert backend.token_state(TOKEN) == "active"
    assert backend.settings.timeout_minutes == 7  # the constructor's settings are part of the fixtures
    assert not backend.settings.rotate_refresh_tokens


def test_a_seeded_token_sequence_starts_over_at_each_reset():
    backend = FakeBackend(seed=7)
    first = _generated(backend)
    assert _generated(backend) != first
    backend.reset()
    assert _generated(backend) == first
    assert _generated(FakeBackend(seed=7)) == first  # and it is the seed's sequence
    assert _generated(FakeBackend(seed=8)) != first


def test_without_a_seed_reset_does_not_repeat_tokens():
    backend = FakeBackend()
    first = _generated(backend)
    backend.reset()
    assert set(_generated(backend)).isdisjoint(first)


def test_load_fixtures_replaces_them_and_resets():
    backend = FakeBackend()
    backend.add_fault("drop")
    other = "6f1c2b7e-8d44-4f0a-9b3e-5c2d1a0e9f88"
    backend.load_fixtures({"clients": [{"client_id": other, "client_secret": "s"}]})
    assert [c.client_id for c in backend.clients()] == [other]
    assert backend.token_state(TOKEN) is None
    assert list(backend.faults) == []
    assert backend.fixture_sources == ("<fixtures dict>",)


def test_load_fixtures_of_a_bad_document_changes_nothing():
    backend = FakeBackend()
    added = backend.add_refresh_token(CID).token
    with pytest.raises(FixtureError, match="client_id"):
        backend.load_fixtures({"clients": [{"client_id": "nope", "client_secret": "s"}]})
    assert backend.token_state(added) == "active"
    assert [c.client_id for c in backend.clients()] == [CID]


@pytest.mark.parametrize("method", ["issue_authorization_code", "add_authorization_code"])
def test_a_code_for_an_unregistered_redirect_uri_is_refused(method):
    backend = FakeBackend()
    with pytest.raises(SetupError) as caught:
        getattr(backend, method)(CID, "https://evil.example/cb", account="SAMPLE")
    assert str(caught.value) == f"redirect_uri 'https://evil.example/cb' is not registered for client {CID}"
    assert isinstance(caught.value, ValueError)
    assert backend.counts()["authorization_codes"] == 0
    assert backend.issue_authorization_code(CID, CALLBACK)  # a registered one is fine


def test_check_raises_what_request_handling_raised_once():
    backend = FakeBackend()
    backend.check()  # nothing happened: nothing raised
    boom = KeyError("boom")
    backend.errors.extend([boom, RuntimeError("second")])
    with pytest.raises(
        ServerError, match=r"2 request\(s\) failed inside fakeprojector: KeyError\('boom'\)"
    ) as caught:
        backend.check()
    assert caught.value.__cause__ is boom
    backend.check()  # reported once, then cleared


def test_calls_and_assertions_read_the_journal():
    backend = FakeBackend()
    started = time.perf_counter()
    backend.journal.record(REVOKE, "Ok", started=started, fields={"Token": TOKEN, "ClientIdentifier": CID})
    backend.store.revoke_refresh_token(TOKEN)
    assert [e.fields["Token"] for e in backend.calls(REVOKE, token=TOKEN)] == [TOKEN]
    assert backend.calls(REVOKE, status="Fail") == []
    assert backend.assert_called(REVOKE, count=1, client_id=CID)[0].status == "Ok"
    assert backend.assert_revoked(TOKEN).fields["Token"] == TOKEN


def test_the_python_lists_filter_by_client_account_and_state():
    """``refresh_tokens``, ``access_tokens``, ``authorization_codes`` and ``accounts``, as the
    admin API's lists call them, straight from Python."""
    backend = FakeBackend()
    backend.clock.freeze(1_000_000)
    backend.add_account("OTHER")
    cid = backend.add_client(redirect_uris=[CALLBACK]).client_id
    short = backend.add_refresh_token(cid, expires_in_seconds=10)
    gone = backend.add_refresh_token(cid, revoked=True)
    elsewhere = backend.add_refresh_token(cid, account="OTHER")
    ticket = backend.add_access_token(cid)
    code = backend.issue_authorization_code(cid, CALLBACK)
    assert [a.code for a in backend.accounts()][-1] == "OTHER"
    backend.clock.advance(61)  # past the code's 60 s and the short token's 10 s, not the ticket's hour
    refresh = {t.token: s for t, s in backend.refresh_tokens(client_id=cid)}
    assert refresh == {short.token: "expired", gone.token: "revoked", elsewhere.token: "active"}
    assert [t.token for t, _ in backend.refresh_tokens(client_id=cid, account="other")] == [elsewhere.token]
    assert [t.token for t, _ in backend.refresh_tokens(client_id=cid, state="revoked")] == [gone.token]
    assert [(t.token, s) for t, s in backend.access_tokens(client_id=cid)] == [(ticket.token, "active")]
    assert backend.access_tokens(client_id=cid, state="expired") == []
    assert [(c.code, s) for c, s in backend.authorization_codes(client_id=cid)] == [(code, "expired")]
    assert backend.authorization_codes(client_id=cid, state="unused") == []
    with pytest.raises(ValueError, match="state"):
        backend.refresh_tokens(state="used")  # a code's state, not a token's
