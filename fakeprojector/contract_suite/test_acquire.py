"""PwsAcquireOauth2Token: code exchange, PKCE, refresh, each error and the check order."""

from __future__ import annotations

import re

import pytest

from fakeprojector.contract_suite.soapclient import acquire, revoke
from fakeprojector.contract_suite.support import (
    ACQUIRE,
    CODE,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    OTHER_CLIENT_TOKEN,
    PKCE_CODE,
    PKCE_VERIFIER,
    REDIRECT_URI,
    REVOKE,
    REVOKED_TOKEN,
    SESSION_TICKET,
    UNKNOWN_TOKEN,
    assert_error,
    assert_ok,
    catalogue_text,
    grant_error_pattern,
    invalid_request_text,
    s256,
)

GRANT_REASON = re.compile(r'Invalid Grant for Oauth2 Token: "(?P<reason>[^"]+)"\.')


def _acquire(target, **fields):
    client_id = fields.pop("client_id", target.client_id)
    secret = fields.pop("secret", target.client_secret)
    return acquire(target.url, client_id, secret, **fields)


def _refresh(target, token, **fields):
    return _acquire(target, GrantType="refresh_token", RefreshToken=token, **fields)


def _exchange(target, code=CODE, redirect_uri=REDIRECT_URI, **fields):
    return _acquire(target, GrantType="code", Code=code, RedirectUri=redirect_uri, **fields)


def _issued(target, answer):
    """A successful acquire's fields [doc]; follows refresh-token rotation for later tests."""
    fields = assert_ok(answer, ACQUIRE)
    assert SESSION_TICKET.match(fields["AccessToken"] or ""), answer.body
    assert fields["RefreshToken"], answer.body
    assert int(fields["ExpiresInSeconds"]) > 0, answer.body
    assert fields["TokenType"], answer.body
    for name in ("RestServiceAuthority", "SoapServiceAuthority"):
        assert re.match(r"^https?://", fields[name] or ""), (name, answer.body)
    return fields


# --- refresh ----------------------------------------------------------------------------------
@pytest.mark.contract("acquire.result")
def test_refresh_token_grant_issues_a_session_ticket(target, refresh_token):
    fields = _issued(target, _refresh(target, refresh_token))
    target.refresh_token = fields["RefreshToken"]


@pytest.mark.choice("errors.mapping")
@pytest.mark.contract("revoke.rfc7009")
@pytest.mark.contract("acquire.refresh-rules")
def test_refresh_then_revoke_then_refresh_fails_50631(target, disposable_refresh_token):
    """The disposable token's whole life: it works, revoking succeeds twice, then it is dead."""
    fields = _issued(target, _refresh(target, disposable_refresh_token))
    token = fields["RefreshToken"]
    target.refresh_token = token
    assert_ok(revoke(target.url, token, target.client_id, target.client_secret), REVOKE)
    assert_ok(revoke(target.url, token, target.client_id, target.client_secret), REVOKE)
    assert_error(_refresh(target, token), ACQUIRE, 50631, grant_error_pattern())


@pytest.mark.choice("errors.mapping")
@pytest.mark.contract("acquire.refresh-rules")
def test_unknown_refresh_token_is_50631(target):
    assert_error(_refresh(target, UNKNOWN_TOKEN), ACQUIRE, 50631, grant_error_pattern())


@pytest.mark.choice("errors.mapping")
@pytest.mark.fake_only
@pytest.mark.contract("acquire.refresh-rules")
@pytest.mark.parametrize("which", ["revoked", "other-client"])
def test_revoked_or_other_clients_refresh_token_is_50631(target, which):
    token = {"revoked": REVOKED_TOKEN, "other-client": OTHER_CLIENT_TOKEN}[which]
    assert_error(_refresh(target, token), ACQUIRE, 50631, grant_error_pattern())


@pytest.mark.choice("errors.mapping")
@pytest.mark.fake_only
@pytest.mark.contract("acquire.refresh-rules")
def test_expired_refresh_token_is_50631(target, fake):
    rt = fake.add_refresh_token(target.client_id, account="SAMPLE", expires_in_seconds=30)
    _issued(target, _refresh(target, rt.token))
    fake.clock.advance(31)
    assert_error(_refresh(target, rt.token), ACQUIRE, 50631, grant_error_pattern())


@pytest.mark.choice("errors.mapping")
@pytest.mark.contract("acquire.refresh-shape")
@pytest.mark.parametrize(
    ("extra", "missing", "improper"),
    [
        ({"RefreshToken": None}, "RefreshToken", ""),
        ({"RefreshToken": ""}, "RefreshToken", ""),
        ({"Code": "some-code"}, "", "Code"),
        ({"CodeVerifier": PKCE_VERIFIER}, "", "CodeVerifier"),
        ({"Code": "c", "CodeVerifier": "v", "RefreshToken": None}, "RefreshToken", "Code, CodeVerifier"),
    ],
)
def test_refresh_grant_shape_is_50632(target, extra, missing, improper):
    fields = {"GrantType": "refresh_token", "RefreshToken": UNKNOWN_TOKEN, **extra}
    answer = _acquire(target, **fields)
    assert_error(answer, ACQUIRE, 50632, invalid_request_text(ACQUIRE, missing=missing, improper=improper))


@pytest.mark.choice("acquire.ignored-fields")
def test_redirect_uri_with_refresh_token_is_ignored(target, refresh_token):
    fields = _issued(target, _refresh(target, refresh_token, RedirectUri="https://ignored.example/cb"))
    target.refresh_token = fields["RefreshToken"]


# --- the grant type and common shape ---------------------------------------------------------
@pytest.mark.choice("errors.mapping")
@pytest.mark.contract("acquire.grant-types")
@pytest.mark.parametrize("grant", ["authorization_code", "client_credentials", "password", "Code"])
def test_unsupported_grant_type_is_50629(target, grant):
    answer = _acquire(target, GrantType=grant, Code="c", RefreshToken=UNKNOWN_TOKEN)
    assert_error(answer, ACQUIRE, 50629, catalogue_text(50629, GrantType=grant))


@pytest.mark.choice("errors.missing")
@pytest.mark.parametrize(
    ("client", "secret", "grant", "missing"),
    [
        (None, "s", "code", "ClientIdentifier"),
        ("c", None, "code", "ClientSecret"),
        ("c", "s", None, "GrantType"),
        (None, None, None, "ClientIdentifier, ClientSecret, GrantType"),
        ("", "", "", "ClientIdentifier, ClientSecret, GrantType"),
    ],
)
def test_missing_common_fields_are_50632(target, client, secret, grant, missing):
    answer = acquire(target.url, client, secret, GrantType=grant, Code=CODE, RedirectUri=REDIRECT_URI)
    assert_error(answer, ACQUIRE, 50632, invalid_request_text(ACQUIRE, missing=missing))


@pytest.mark.choice("errors.mapping")
@pytest.mark.contract("errors.session-ticket")
def test_session_ticket_is_50632_improper(target):
    answer = _exchange(target, SessionTicket="ARQC8d/V3CZk+kOWf7w3KQ==")
    assert_error(answer, ACQUIRE, 50632, invalid_request_text(ACQUIRE, improper="SessionTicket"))


@pytest.mark.choice("errors.invalid-client")
@pytest.mark.parametrize(
    ("client_id", "secret"),
    [("not-a-guid", None), ("00000000-0000-0000-0000-000000000000", None), (None, "wrong-secret")],
    ids=["not-a-guid", "unknown-client", "wrong-secret"],
)
def test_invalid_client_is_50630(target, client_id, secret):
    answer = _refresh(
        target, UNKNOWN_TOKEN, client_id=client_id or target.client_id, secret=secret or target.client_secret
    )
    assert_error(answer, ACQUIRE, 50630, catalogue_text(50630))


@pytest.mark.choice("errors.check-order")
def test_check_order(target):
    # (1) common shape beats (2) an unsupported grant type
    answer = _acquire(target, secret=None, GrantType="authorization_code")
    assert_error(answer, ACQUIRE, 50632, invalid_request_text(ACQUIRE, missing="ClientSecret"))
    # (1) common shape (a SessionTicket) beats (3) grant-dependent shape: one message, step 1's
    answer = _acquire(target, GrantType="code", SessionTicket="abc")
    assert_error(answer, ACQUIRE, 50632, invalid_request_text(ACQUIRE, improper="SessionTicket"))
    # (2) the grant type beats (3) grant-dependent shape and (4) the client
    answer = _acquire(target, client_id="bad", GrantType="bogus")
    assert_error(answer, ACQUIRE, 50629, catalogue_text(50629, GrantType="bogus"))
    # (3) grant-dependent shape beats (4) the client
    answer = _acquire(target, client_id="bad", GrantType="code", Code=CODE)
    assert_error(answer, ACQUIRE, 50632, invalid_request_text(ACQUIRE, missing="RedirectUri"))
    # (4) the client beats (5) the grant
    answer = _refresh(target, UNKNOWN_TOKEN, secret="wrong")
    assert_error(answer, ACQUIRE, 50630, catalogue_text(50630))


# --- the code grant (exchanges are fake only: a real service cannot be handed a code) ----------
@pytest.mark.choice("errors.mapping")
@pytest.mark.contract("acquire.code-shape")
@pytest.mark.parametrize(
    ("code", "redirect_uri", "missing"),
    [(None, REDIRECT_URI, "Code"), (CODE, None, "RedirectUri"), ("", "", "Code, RedirectUri")],
)
def test_code_grant_shape_is_50632(target, code, redirect_uri, missing):
    answer = _exchange(target, code=code, redirect_uri=redirect_uri)
    assert_error(answer, ACQUIRE, 50632, invalid_request_text(ACQUIRE, missing=missing))


@pytest.mark.fake_only
@pytest.mark.contract("acquire.result")
def test_code_exchange_issues_tokens(target, fake):
    fields = _issued(target, _exchange(target, RequestId=9))
    assert fields["ResponseId"] == "9"
    assert fake.token_state(fields["RefreshToken"]) == "active"
    assert fake.access_token_state(fields["AccessToken"]) == "active"
    _issued(target, _refresh(target, fields["RefreshToken"]))


@pytest.mark.choice("errors.mapping")
@pytest.mark.fake_only
@pytest.mark.contract("acquire.pkce")
def test_pkce_s256(target):
    assert_error(_exchange(target, code=PKCE_CODE), ACQUIRE, 50631, grant_error_pattern())
    assert_error(
        _exchange(target, code=PKCE_CODE, CodeVerifier=PKCE_VERIFIER + "x"),
        ACQUIRE,
        50631,
        grant_error_pattern(),
    )
    _issued(target, _exchange(target, code=PKCE_CODE, CodeVerifier=PKCE_VERIFIER))


@pytest.mark.choice("errors.mapping")
@pytest.mark.fake_only
@pytest.mark.contract("acquire.pkce")
def test_pkce_plain(target, fake):
    verifier = "plain-verifier-" + "v" * 40
    code = fake.issue_authorization_code(
        target.client_id, REDIRECT_URI, code_challenge=verifier, code_challenge_method="plain"
    )
    assert_error(
        _exchange(target, code=code, CodeVerifier=s256(verifier)), ACQUIRE, 50631, grant_error_pattern()
    )
    _issued(target, _exchange(target, code=code, CodeVerifier=verifier))


@pytest.mark.fake_only
@pytest.mark.choice("acquire.pkce-unused-verifier")
def test_verifier_for_a_code_without_challenge_is_ignored(target):
    _issued(target, _exchange(target, CodeVerifier=PKCE_VERIFIER))


@pytest.mark.choice("errors.mapping")
@pytest.mark.fake_only
@pytest.mark.contract("acquire.code-rules")
@pytest.mark.parametrize("case", ["unknown", "other-client", "redirect-mismatch"])
def test_bad_code_is_50631(target, case):
    if case == "unknown":
        answer = _exchange(target, code="NoSuchAuthorizationCode-0001")
    elif case == "other-client":
        answer = _exchange(target, client_id=OTHER_CLIENT_ID, secret=OTHER_CLIENT_SECRET)
    else:
        answer = _exchange(target, redirect_uri=REDIRECT_URI + "/other")
    assert_error(answer, ACQUIRE, 50631, grant_error_pattern())


@pytest.mark.choice("errors.mapping")
@pytest.mark.fake_only
@pytest.mark.contract("acquire.code-rules")
def test_expired_code_is_50631(target, fake):
    fake.clock.advance(61)
    assert_error(_exchange(target), ACQUIRE, 50631, grant_error_pattern())


@pytest.mark.fake_only
@pytest.mark.choice("acquire.code-single-use")
def test_a_failed_exchange_does_not_consume_the_code_and_a_success_does(target):
    assert_error(_exchange(target, client_id=OTHER_CLIENT_ID, secret=OTHER_CLIENT_SECRET), ACQUIRE, 50631)
    assert_error(_exchange(target, redirect_uri="https://wrong.example/cb"), ACQUIRE, 50631)
    assert_error(_exchange(target, code=PKCE_CODE, CodeVerifier="wrong-verifier-" + "w" * 30), ACQUIRE, 50631)
    _issued(target, _exchange(target))
    _issued(target, _exchange(target, code=PKCE_CODE, CodeVerifier=PKCE_VERIFIER))
    assert_error(_exchange(target), ACQUIRE, 50631, grant_error_pattern())


@pytest.mark.fake_only
@pytest.mark.choice("acquire.code-replay")
def test_replayed_code_fails_and_revokes_what_it_issued(target, fake):
    first = _issued(target, _exchange(target))
    assert_error(_exchange(target), ACQUIRE, 50631, grant_error_pattern())
    assert_error(_refresh(target, first["RefreshToken"]), ACQUIRE, 50631, grant_error_pattern())
    assert fake.access_token_state(first["AccessToken"]) == "revoked"


@pytest.mark.fake_only
@pytest.mark.choice("acquire.code-replay")
@pytest.mark.choice("acquire.grant-reasons")
def test_a_code_replayed_after_it_expired_is_still_a_replay(target, fake):
    """A used code is checked before an expired one: a replay stays a replay however late it
    comes, and still revokes what the code first issued."""
    first = _issued(target, _exchange(target))
    fake.clock.advance(61)  # the code's 60 s are over
    answer = _exchange(target)
    assert_error(
        answer,
        ACQUIRE,
        50631,
        catalogue_text(50631, InvalidReason="authorization code has already been used"),
    )
    assert_error(
        _refresh(target, first["RefreshToken"]),
        ACQUIRE,
        50631,
        catalogue_text(50631, InvalidReason="refresh token has been revoked"),
    )
    assert fake.access_token_state(first["AccessToken"]) == "revoked"


@pytest.mark.fake_only
@pytest.mark.choice("acquire.ignored-fields")
def test_refresh_token_with_code_grant_is_ignored(target):
    fields = _issued(target, _exchange(target, RefreshToken="Ignored" * 5))
    assert fields["RefreshToken"] != "Ignored" * 5


@pytest.mark.fake_only
@pytest.mark.choice("acquire.grant-reasons")
@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("code-unknown", "authorization code is unknown"),
        ("code-other-client", "authorization code was issued to another client"),
        ("code-expired", "authorization code has expired"),
        ("code-used", "authorization code has already been used"),
        ("redirect-mismatch", "redirect_uri does not match the authorization request"),
        ("verifier-missing", "code_verifier is required for this authorization code"),
        ("verifier-mismatch", "code_verifier does not match the code challenge"),
        ("refresh-unknown", "refresh token is unknown"),
        ("refresh-other-client", "refresh token was issued to another client"),
        ("refresh-revoked", "refresh token has been revoked"),
        ("refresh-expired", "refresh token has expired"),
    ],
)
def test_grant_reason_texts(target, fake, case, reason):
    if case == "code-unknown":
        answer = _exchange(target, code="NoSuchAuthorizationCode-0001")
    elif case == "code-other-client":
        answer = _exchange(target, client_id=OTHER_CLIENT_ID, secret=OTHER_CLIENT_SECRET)
    elif case == "code-expired":
        fake.clock.advance(61)
        answer = _exchange(target)
    elif case == "code-used":
        _issued(target, _exchange(target))
        answer = _exchange(target)
    elif case == "redirect-mismatch":
        answer = _exchange(target, redirect_uri="https://wrong.example/cb")
    elif case == "verifier-missing":
        answer = _exchange(target, code=PKCE_CODE)
    elif case == "verifier-mismatch":
        answer = _exchange(target, code=PKCE_CODE, CodeVerifier="x" * 43)
    elif case == "refresh-unknown":
        answer = _refresh(target, UNKNOWN_TOKEN)
    elif case == "refresh-other-client":
        answer = _refresh(target, OTHER_CLIENT_TOKEN)
    elif case == "refresh-revoked":
        answer = _refresh(target, REVOKED_TOKEN)
    else:
        token = fake.add_refresh_token(target.client_id, expires_in_seconds=5).token
        fake.clock.advance(6)
        answer = _refresh(target, token)
    assert_error(answer, ACQUIRE, 50631, catalogue_text(50631, InvalidReason=reason))


# --- settings-dependent values (fakeprojector's defaults) -------------------------------------
@pytest.mark.fake_only
@pytest.mark.choice("acquire.lifetimes")
def test_default_lifetimes_and_they_are_configurable(target, fake):
    fields = _issued(target, _refresh(target, target.refresh_token))
    assert (fields["ExpiresInSeconds"], fields["TimeoutMinutes"], fields["MaxLifetimeMinutes"]) == (
        "3600",
        "60",
        "1440",
    )
    fake.configure(access_token_lifetime_seconds=600, timeout_minutes=10, max_lifetime_minutes=120)
    fields = _issued(target, _refresh(target, target.refresh_token))
    assert (fields["ExpiresInSeconds"], fields["TimeoutMinutes"], fields["MaxLifetimeMinutes"]) == (
        "600",
        "10",
        "120",
    )


@pytest.mark.fake_only
@pytest.mark.choice("acquire.lifetimes")
def test_code_lives_60_seconds(target, fake):
    fake.clock.freeze()
    fake.store.reset()  # the fixture codes are issued at this frozen instant
    fake.clock.advance(59.999)
    _issued(target, _exchange(target))
    fake.clock.advance(0.001)  # exactly 60 s after the (re)load: expired
    assert_error(
        _exchange(target, code=PKCE_CODE, CodeVerifier=PKCE_VERIFIER), ACQUIRE, 50631, grant_error_pattern()
    )


@pytest.mark.fake_only
@pytest.mark.choice("acquire.lifetimes")
def test_code_lifetime_is_configurable(target, fake):
    fake.configure(code_lifetime_seconds=300)
    fake.clock.freeze()
    first = fake.issue_authorization_code(target.client_id, REDIRECT_URI)
    second = fake.issue_authorization_code(target.client_id, REDIRECT_URI)
    fake.clock.advance(299.999)
    _issued(target, _exchange(target, code=first))
    fake.clock.advance(0.001)  # exactly 300 s after it was issued: expired
    assert_error(
        _exchange(target, code=second),
        ACQUIRE,
        50631,
        catalogue_text(50631, InvalidReason="authorization code has expired"),
    )


@pytest.mark.fake_only
@pytest.mark.choice("acquire.lifetimes")
def test_session_tickets_expire_exactly_expires_in_seconds_after_issue(target, fake):
    """The ticket lives ``ExpiresInSeconds`` (3600 by default, ``access_token_lifetime_seconds``):
    active a millisecond before, expired at that instant (a frozen clock, so to the nanosecond)."""
    fake.clock.freeze()
    for lifetime in (3600, 600):
        fake.configure(access_token_lifetime_seconds=lifetime)
        fields = _issued(target, _refresh(target, target.refresh_token))
        assert fields["ExpiresInSeconds"] == str(lifetime)
        ticket = fields["AccessToken"]
        fake.clock.advance(lifetime - 0.001)
        assert fake.access_token_state(ticket) == "active"
        fake.clock.advance(0.001)
        assert fake.access_token_state(ticket) == "expired"


@pytest.mark.fake_only
@pytest.mark.choice("acquire.lifetimes")
def test_refresh_tokens_never_expire_by_default(target, fake):
    fake.clock.freeze()
    token = _issued(target, _exchange(target))["RefreshToken"]
    fake.clock.advance(10 * 366 * 24 * 3600)
    _issued(target, _refresh(target, token))


@pytest.mark.fake_only
@pytest.mark.choice("acquire.lifetimes")
def test_refresh_tokens_expire_exactly_at_their_configured_lifetime(target, fake):
    fake.configure(refresh_token_lifetime_seconds=120)
    fake.clock.freeze()
    token = _issued(target, _exchange(target))["RefreshToken"]
    fake.clock.advance(119.999)
    _issued(target, _refresh(target, token))
    fake.clock.advance(0.001)  # exactly 120 s after it was issued: expired
    assert_error(
        _refresh(target, token),
        ACQUIRE,
        50631,
        catalogue_text(50631, InvalidReason="refresh token has expired"),
    )


@pytest.mark.fake_only
@pytest.mark.choice("acquire.rotation")
def test_refresh_tokens_are_not_rotated_unless_switched_on(target, fake):
    token = target.refresh_token
    assert _issued(target, _refresh(target, token))["RefreshToken"] == token
    fake.configure(rotate_refresh_tokens=True)
    new = _issued(target, _refresh(target, token))["RefreshToken"]
    assert new != token
    assert_error(_refresh(target, token), ACQUIRE, 50631, grant_error_pattern())
    _issued(target, _refresh(target, new))


@pytest.mark.fake_only
@pytest.mark.choice("acquire.token-type")
def test_token_type_is_projector_session_ticket_unless_configured(target, fake):
    assert _issued(target, _refresh(target, target.refresh_token))["TokenType"] == "projector_session_ticket"
    fake.configure(token_type="bearer")
    assert _issued(target, _refresh(target, target.refresh_token))["TokenType"] == "bearer"


@pytest.mark.fake_only
@pytest.mark.contract("acquire.result")
def test_service_authorities_are_the_fakes_base_url(target):
    fields = _issued(target, _refresh(target, target.refresh_token))
    assert fields["RestServiceAuthority"] == fields["SoapServiceAuthority"] == target.base_url
