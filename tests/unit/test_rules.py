"""The OAuth rules against a real Store, no sockets: order, state changes, concurrency."""

from __future__ import annotations

import threading

import pytest

from fakeprojector import errors, rules
from fakeprojector.store import Store

CID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
SECRET = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"
TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"


@pytest.fixture
def store():
    return Store(None)


def _revoke(**kw):
    base = {"client_identifier": CID, "client_secret": SECRET, "token": TOKEN}
    return rules.RevokeRequest(**{**base, **kw})


def test_revoke_success_and_state(store):
    assert rules.revoke(store, _revoke()) == rules.RevokeOutcome()
    assert store.refresh_token_state(TOKEN) == "revoked"


def test_revoking_an_unknown_or_another_clients_token_changes_nothing(store):
    """RFC 7009: success either way, and the store is as it was (no record for the unknown
    token, the other client's token still active)."""
    other = store.add_client(client_secret="other")
    theirs = store.add_refresh_token(other.client_id).token
    before = store.counts()
    unknown = "UnknownTokenOfTheRightForm_0123456789"
    assert rules.revoke(store, _revoke(token=unknown)) == rules.RevokeOutcome()
    assert rules.revoke(store, _revoke(token=theirs)) == rules.RevokeOutcome()
    assert store.refresh_token_state(unknown) is None
    assert store.refresh_token_state(theirs) == "active"
    assert store.counts() == before


def test_shape_errors_list_every_name(store):
    with pytest.raises(errors.OAuthError) as info:
        rules.revoke(
            store, _revoke(client_identifier="", client_secret=None, session_ticket="t", token="bad")
        )
    assert info.value.params == {
        "Context": "PwsRevokeOauth2RefreshToken",
        "Missing": "ClientIdentifier, ClientSecret",
        "Improper": "SessionTicket, Token",
    }


def test_reset_restores_fixtures_and_drops_additions(store):
    store.add_client(client_secret="x")
    rules.revoke(store, _revoke())
    store.reset()
    assert len(store.clients) == 1
    assert store.refresh_token_state(TOKEN) == "active"


def test_a_code_is_exchanged_once_however_many_threads_race(store):
    code = store.add_authorization_code(CID, "https://localhost/callback").code
    request = rules.AcquireRequest(
        client_identifier=CID,
        client_secret=SECRET,
        grant_type="code",
        code=code,
        redirect_uri="https://localhost/callback",
    )
    results: list[object] = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        try:
            results.append(rules.acquire(store, request))
        except errors.OAuthError as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    ok = [r for r in results if isinstance(r, rules.AcquireOutcome)]
    assert len(results) == 8
    assert len(ok) == 1
    # every later attempt was a replay, which revoked what the one success got
    assert store.refresh_token_state(ok[0].refresh_token) == "revoked"


def test_concurrent_revokes_and_additions_keep_counts_exact(store):
    tokens = [store.add_refresh_token(CID).token for _ in range(200)]

    def revoke_some(chunk):
        for t in chunk:
            rules.revoke(store, _revoke(token=t))

    def add_more():
        for _ in range(100):
            store.add_refresh_token(CID)

    threads = [threading.Thread(target=revoke_some, args=(tokens[i::4],)) for i in range(4)]
    threads += [threading.Thread(target=add_more) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    counts = store.counts()
    assert counts["refresh_tokens"] == 1 + 200 + 200
    assert counts["refresh_tokens_active"] == 1 + 200
    assert all(store.refresh_token_state(t) == "revoked" for t in tokens)
