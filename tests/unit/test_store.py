"""The Store on its own: its cascades, its reset, and the state it refuses (``SetupError``).

No sockets and no rules: what the store itself guarantees whoever drives it (the rules,
the admin API, the Python API).
"""

from __future__ import annotations

import pytest

from fakeprojector.clock import AdjustableClock, TokenSource
from fakeprojector.settings import SettingsError
from fakeprojector.store import SetupError, Store

CID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
SECRET = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"
TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"
CALLBACK = "https://localhost/callback"  # registered for the sample client
OTHER_CID = "6f1c2b7e-8d44-4f0a-9b3e-5c2d1a0e9f88"
#: fixtures with a lifetime on every kind of record, to see lifetimes restart at each reset
TIMED = {
    "clients": [{"client_id": CID, "client_secret": SECRET, "redirect_uris": [CALLBACK]}],
    "refresh_tokens": [
        {"token": TOKEN, "client_id": CID},
        {"token": "TimedRefreshToken-0000000000000000001", "client_id": CID, "expires_in_seconds": 100},
    ],
    "access_tokens": [
        {
            "token": "ARQC8d/V3CZk+kOWf7w3KQ==",
            "client_id": CID,
            "refresh_token": TOKEN,
            "expires_in_seconds": 50,
        }
    ],
    "authorization_codes": [
        {"code": "fixture-code-default-lifetime", "client_id": CID, "redirect_uri": CALLBACK},
        {
            "code": "fixture-code-own-lifetime",
            "client_id": CID,
            "redirect_uri": CALLBACK,
            "expires_in_seconds": 300,
        },
    ],
}
TIMED_RT = "TimedRefreshToken-0000000000000000001"
TIMED_AT = "ARQC8d/V3CZk+kOWf7w3KQ=="


@pytest.fixture
def clock():
    clock = AdjustableClock()
    clock.freeze(1_700_000_000)
    return clock


@pytest.fixture
def store(clock):
    return Store(None, clock=clock, tokens=TokenSource(3))


# --- cascades ------------------------------------------------------------------------------
def test_revoking_a_refresh_token_ends_its_access_tokens_only(store):
    mine = [store.add_access_token(CID, refresh_token=TOKEN).token for _ in range(2)]
    other_rt = store.add_refresh_token(CID).token
    theirs = store.add_access_token(CID, refresh_token=other_rt).token
    loose = store.add_access_token(CID).token
    assert store.revoke_refresh_token(TOKEN) is True
    assert store.refresh_token_state(TOKEN) == "revoked"
    assert [store.access_token_state(t) for t in mine] == ["revoked", "revoked"]
    assert store.access_token_state(theirs) == "active"
    assert store.access_token_state(loose) == "active"
    assert store.refresh_token_state(other_rt) == "active"


def test_revoking_twice_or_an_unknown_token(store):
    at = store.add_access_token(CID, refresh_token=TOKEN).token
    assert store.revoke_refresh_token(TOKEN) is True
    assert store.revoke_refresh_token(TOKEN) is True  # already revoked: still known
    assert store.access_token_state(at) == "revoked"
    assert store.revoke_refresh_token("NoSuchRefreshToken-00000000000") is False
    assert store.refresh_token_state("NoSuchRefreshToken-00000000000") is None


def test_revoking_an_access_token_leaves_its_refresh_token(store):
    at = store.add_access_token(CID, refresh_token=TOKEN).token
    store.revoke_access_token(at)
    assert store.access_token_state(at) == "revoked"
    assert store.refresh_token_state(TOKEN) == "active"


def test_a_replayed_code_revokes_what_it_issued_and_nothing_else(store):
    code = store.add_authorization_code(CID, CALLBACK).code
    rt = store.add_refresh_token(CID, from_code=code).token
    at = store.add_access_token(CID, refresh_token=rt, from_code=code).token
    unrelated = store.add_access_token(CID).token
    other_code = store.add_authorization_code(CID, CALLBACK).code
    other_rt = store.add_refresh_token(CID, from_code=other_code).token
    store.revoke_tokens_of_code(code)
    assert store.refresh_token_state(rt) == "revoked"
    assert store.access_token_state(at) == "revoked"
    assert store.access_token_state(unrelated) == "active"
    assert store.refresh_token_state(other_rt) == "active"
    assert store.refresh_token_state(TOKEN) == "active"


def test_an_access_token_of_a_replayed_code_is_revoked_even_without_a_refresh_token(store):
    code = store.add_authorization_code(CID, CALLBACK).code
    at = store.add_access_token(CID, from_code=code).token
    store.revoke_tokens_of_code(code)
    assert store.access_token_state(at) == "revoked"


def test_marking_a_code_used_replaces_the_record(store):
    record = store.add_authorization_code(CID, CALLBACK)
    store.mark_code_used(record.code)
    assert store.codes[record.code].used is True
    assert record.used is False  # records handed out never change


# --- reset ---------------------------------------------------------------------------------
def test_reset_rebuilds_everything_from_the_fixtures(store):
    client = store.add_client(client_secret="added")
    rt = store.add_refresh_token(CID).token
    at = store.add_access_token(CID, refresh_token=TOKEN).token
    code = store.add_authorization_code(CID, CALLBACK).code
    store.add_account("FAR", "https://secure2.projectorpsa.com")
    store.revoke_refresh_token(TOKEN)
    store.configure(rotate_refresh_tokens=True, timeout_minutes=5)
    store.reset()
    assert list(store.clients) == [CID]
    assert client.client_id not in store.clients
    assert store.refresh_token_state(rt) is None
    assert store.access_token_state(at) is None
    assert code not in store.codes
    assert set(store.accounts) == {"SAMPLE"}
    assert store.refresh_token_state(TOKEN) == "active"
    assert store.settings == store.fixtures.settings
    assert not store.settings.rotate_refresh_tokens
    assert store.access_by_refresh == {}
    assert store.tokens_by_code == {}
    assert store.user("sample", "SAMPLE.USER") is not None


def test_fixture_lifetimes_restart_at_each_reset(clock):
    store = Store(TIMED, clock=clock)
    start = clock.time_ns()
    assert store.refresh_tokens[TIMED_RT].expires_ns == start + 100 * 10**9
    assert store.access_tokens[TIMED_AT].expires_ns == start + 50 * 10**9
    assert store.codes["fixture-code-default-lifetime"].expires_ns == start + 60 * 10**9
    assert store.codes["fixture-code-own-lifetime"].expires_ns == start + 300 * 10**9
    assert store.refresh_tokens[TOKEN].expires_ns is None
    clock.advance(100)
    assert store.refresh_token_state(TIMED_RT) == "expired"
    assert store.access_token_state(TIMED_AT) == "expired"
    store.reset()
    assert store.refresh_token_state(TIMED_RT) == "active"
    assert store.access_token_state(TIMED_AT) == "active"
    later = start + 100 * 10**9
    assert store.refresh_tokens[TIMED_RT].issued_ns == later
    assert store.refresh_tokens[TIMED_RT].expires_ns == later + 100 * 10**9
    assert store.codes["fixture-code-default-lifetime"].expires_ns == later + 60 * 10**9
    assert store.codes["fixture-code-own-lifetime"].expires_ns == later + 300 * 10**9


def test_fixture_codes_take_the_code_lifetime_setting_of_their_fixtures(clock):
    store = Store({**TIMED, "settings": {"code_lifetime_seconds": 90}}, clock=clock)
    assert store.codes["fixture-code-default-lifetime"].expires_ns == clock.time_ns() + 90 * 10**9
    assert store.codes["fixture-code-own-lifetime"].expires_ns == clock.time_ns() + 300 * 10**9


def test_a_bad_fixtures_load_changes_nothing(store, tmp_path):
    added = store.add_refresh_token(CID).token
    bad = tmp_path / "bad.json"
    bad.write_text('{"clients": [{"client_id": "nope", "client_secret": "s"}]}')
    with pytest.raises(ValueError, match="must be a GUID"):
        store.load(bad)
    assert store.refresh_token_state(added) == "active"
    assert list(store.clients) == [CID]


def test_a_bad_setting_changes_nothing(store):
    with pytest.raises(SettingsError, match="timeout_minutes"):
        store.configure(timeout_minutes=-1)
    assert store.settings == store.fixtures.settings


# --- what the store refuses ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.add_client(client_id="not-a-guid"), "client_id must be a GUID, not 'not-a-guid'"),
        (lambda s: s.add_client(client_secret=""), "client_secret must not be empty"),
        (lambda s: s.add_refresh_token(OTHER_CID), f"unknown client_id '{OTHER_CID}': add it first"),
        (
            lambda s: s.add_refresh_token(CID, token="short"),
            "token must be 20-512 URL-safe base64 characters",
        ),
        (lambda s: s.add_access_token(OTHER_CID), f"unknown client_id '{OTHER_CID}'"),
        (lambda s: s.add_authorization_code(OTHER_CID, CALLBACK), f"unknown client_id '{OTHER_CID}'"),
        (
            lambda s: s.add_authorization_code(
                CID, CALLBACK, code_challenge="x" * 43, code_challenge_method="S512"
            ),
            "code_challenge_method must be one of",
        ),
        (
            lambda s: s.add_authorization_code(CID, CALLBACK, code_challenge_method="S256"),
            "code_challenge_method needs a code_challenge",
        ),
        (lambda s: s.add_authorization_code(CID, CALLBACK, code_challenge="short"), "code_challenge "),
        (
            lambda s: s.add_authorization_code(CID, "https://evil.example/cb"),
            f"redirect_uri 'https://evil.example/cb' is not registered for client {CID}",
        ),
        (
            lambda s: s.add_authorization_code(CID, CALLBACK + "/"),
            "is not registered",  # exact string match: no normalising
        ),
    ],
    ids=[
        "client-id-form",
        "empty-secret",
        "refresh-unknown-client",
        "refresh-token-form",
        "access-unknown-client",
        "code-unknown-client",
        "pkce-method",
        "pkce-method-without-challenge",
        "pkce-challenge-form",
        "redirect-uri-unregistered",
        "redirect-uri-trailing-slash",
    ],
)
def test_setup_errors(store, call, message):
    before = store.counts()
    with pytest.raises(SetupError) as caught:
        call(store)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert store.counts() == before


def test_a_client_without_registered_redirect_uris_takes_any(store):
    client = store.add_client(client_secret="s")
    record = store.add_authorization_code(client.client_id, "https://anything.example/cb")
    assert record.redirect_uri == "https://anything.example/cb"


def test_a_registered_redirect_uri_and_a_dotnet_guid_form_are_taken(store):
    record = store.add_authorization_code("{" + CID.upper() + "}", CALLBACK, code_challenge="v" * 43)
    assert (record.client_id, record.redirect_uri) == (CID, CALLBACK)
    assert record.code_challenge_method == "plain"  # a challenge without a method is plain
