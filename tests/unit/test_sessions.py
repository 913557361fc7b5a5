"""The session rules and the stub book on their own: no sockets, no XML (the core's halves of a
loaded WSDL's operations)."""

from __future__ import annotations

import pytest

from fakeprojector import errors
from fakeprojector.clock import AdjustableClock, TokenSource
from fakeprojector.errors import OAuthError
from fakeprojector.fixtures import FixtureError, load_fixtures
from fakeprojector.records import StubSpec
from fakeprojector.sessions import (
    AuthenticateRequest,
    SessionInvalid,
    authenticate,
    check_ticket,
    unauthenticate,
)
from fakeprojector.store import Store
from fakeprojector.stubs import NoContract, StubBook, check_spec

CID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
MINUTE = 60


@pytest.fixture
def store() -> Store:
    clock = AdjustableClock()
    clock.freeze(1_700_000_000)
    return Store(None, clock=clock, tokens=TokenSource(5))


def reason(store: Store, ticket: str | None) -> str:
    with pytest.raises(SessionInvalid) as caught:
        check_ticket(store, ticket)
    assert caught.value.entry is errors.INVALID_SESSION_TICKET
    return caught.value.reason


def test_a_ticket_must_be_given_known_and_active(store):
    assert [reason(store, t) for t in (None, "", "nope")] == ["missing", "missing", "unknown"]
    at = store.add_access_token(CID)
    assert check_ticket(store, at.token).token == at.token
    store.revoke_access_token(at.token)
    assert reason(store, at.token) == "revoked"


def test_use_slides_the_idle_timeout_and_its_expiry(store):
    at = store.add_access_token(CID)
    store.clock.advance(59 * MINUTE)
    used = check_ticket(store, at.token)
    assert used.last_used_ns == store.clock.time_ns()
    assert used.expires_ns == at.expires_ns + 59 * MINUTE * 10**9
    store.clock.advance(59 * MINUTE)
    check_ticket(store, at.token)
    store.clock.advance(60 * MINUTE)
    assert reason(store, at.token) == "expired"


def test_the_shortest_window_wins(store):
    store.configure(timeout_minutes=10, access_token_lifetime_seconds=3600, max_lifetime_minutes=15)
    at = store.add_access_token(CID)
    assert store.session_deadline(at) == at.issued_ns + 10 * MINUTE * 10**9
    store.clock.advance(9 * MINUTE)
    check_ticket(store, at.token)
    store.clock.advance(6 * MINUTE)  # 6 idle, but 15 since issue
    assert reason(store, at.token) == "expired"


def test_the_session_error_setting_picks_the_message(store):
    store.configure(session_error="InvalidSession")
    with pytest.raises(SessionInvalid) as caught:
        check_ticket(store, "nope")
    assert (caught.value.entry.number, caught.value.entry.code) == (-101, "InvalidSession")


def test_authenticate_opens_and_unauthenticate_ends_a_session(store):
    out = authenticate(store, AuthenticateRequest("sample", "Sample.User", "sample-password"))
    assert (out.account_code, out.user_name, out.redirect_url) == ("SAMPLE", "sample.user", None)
    session = check_ticket(store, out.session_ticket)
    assert (session.client_id, session.username) == ("", "sample.user")
    unauthenticate(store, session)
    assert reason(store, out.session_ticket) == "revoked"
    for req in (
        AuthenticateRequest("SAMPLE", "sample.user", "wrong"),
        AuthenticateRequest("SAMPLE", "sample.user", None),
        AuthenticateRequest(None, "sample.user", "sample-password"),
    ):
        with pytest.raises(OAuthError) as caught:
            authenticate(store, req)
        assert caught.value.entry is errors.INVALID_CREDENTIALS
    store.add_account("SAMPLE", home_url="https://secure2.projectorpsa.com")
    far = authenticate(store, AuthenticateRequest("SAMPLE", "sample.user", "sample-password"))
    assert (far.session_ticket, far.redirect_url) == (None, "https://secure2.projectorpsa.com")


def test_the_stub_book_takes_the_newest_accepted_stub_and_counts_times():
    book = StubBook()
    old = book.add(StubSpec("Op"), "old")
    new = book.add(StubSpec("Op", times=1), "new")
    book.add(StubSpec("Other"), "other")
    assert book.take("Op", lambda s: s.prepared == "old").id == old.id
    assert book.take("Op", lambda s: True).id == new.id  # its one time: gone
    assert book.take("Op", lambda s: True).id == old.id
    assert [(s.operation, s.applied) for s in book] == [("Op", 2), ("Other", 0)]
    assert book.take("Missing", lambda s: True) is None
    assert book.remove(old.id) is True
    assert book.clear() == 1


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (StubSpec(""), "operation must be a non-empty string"),
        (StubSpec("Op", respond=[]), "Op: respond must be an object"),  # type: ignore[arg-type]
        (StubSpec("Op", times=True), "Op: times must be a whole number >= 1 or null, not True"),
        (StubSpec("Op", status=""), "Op: status must be a RequestStatus name"),
    ],
)
def test_a_stub_of_the_wrong_shape_is_refused_before_the_contract_sees_it(spec, message):
    with pytest.raises(ValueError, match=message):
        check_spec(spec)


def test_without_a_contract_a_stub_says_how_to_load_one():
    with pytest.raises(ValueError, match="none is loaded"):
        NoContract().check_stub(StubSpec("Op"))


@pytest.mark.parametrize(
    ("stub", "field"),
    [
        ({"respond": {}}, "operation"),
        ({"operation": "Op", "respond": []}, "respond"),
        ({"operation": "Op", "when": "x"}, "when"),
        ({"operation": "Op", "times": 0}, "times"),
        ({"operation": "Op", "messages": {}}, "messages"),
        ({"operation": "Op", "extra": 1}, "extra"),
    ],
)
def test_a_fixtures_stub_of_the_wrong_shape_names_its_field(stub, field):
    with pytest.raises(FixtureError) as caught:
        load_fixtures({"stubs": [stub]})
    assert (caught.value.entry.startswith("stubs[0]"), caught.value.field) == (True, field)
