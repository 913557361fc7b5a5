"""PwsAcquireOauth2Token over real HTTP: both grants, every rule, the check order."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from tests.contract.support import OWN_FIELDS
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, acquire, revoke

CB = "https://localhost/callback"
OP = "PwsAcquireOauth2Token"
FIELDS = OWN_FIELDS[OP]  # the result's own fields in schema order, as contract.md lists them


def _error(answer):
    assert answer.status == 200, answer.body
    assert answer.status_text == "Fail", answer.body
    (msg,) = answer.messages()
    for name in FIELDS:  # on failure: strings nil, ints 0
        assert answer.field(name) == ("0" if name.endswith(("Seconds", "Minutes")) else None)
    return msg


def _code(fp, **kw):
    return fp.issue_authorization_code(SAMPLE_CLIENT, CB, account="SAMPLE", **kw)


def test_code_exchange_fills_every_field_in_order(fake_projector):
    code = _code(fake_projector)
    answer = acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB, RequestId=9)
    assert answer.status_text == "Ok", answer.body
    names = [el.tag.split("}")[1] for el in answer.result()]
    assert names == ["Messages", "ResponseId", "Status", "ServerTimestampUtc", *FIELDS]
    ticket = answer.field("AccessToken")
    assert ticket
    assert re.fullmatch(r"[A-Za-z0-9+/]{22}==", ticket)
    assert answer.field("ResponseId") == "9"
    assert answer.field("ExpiresInSeconds") == "3600"
    assert answer.field("MaxLifetimeMinutes") == "1440"
    assert answer.field("TimeoutMinutes") == "60"
    assert answer.field("RedirectUrl") is None
    assert answer.field("TokenType") == "projector_session_ticket"
    assert answer.field("RestServiceAuthority") == fake_projector.base_url
    assert answer.field("SoapServiceAuthority") == fake_projector.base_url
    rt = answer.field("RefreshToken")
    assert rt
    assert fake_projector.token_state(rt) == "active"
    assert fake_projector.access_token_state(ticket) == "active"


def test_code_is_single_use_and_replay_revokes_its_tokens(fake_projector):
    code = _code(fake_projector)
    first = acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB)
    rt, at = first.field("RefreshToken"), first.field("AccessToken")
    msg = _error(acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB))
    assert (msg["ErrorNumber"], msg["ErrorCode"]) == ("50631", "OauthInvalidGrant")
    assert msg["ErrorText"] == 'Invalid Grant for Oauth2 Token: "authorization code has already been used".'
    assert fake_projector.token_state(rt) == "revoked"
    assert fake_projector.access_token_state(at) == "revoked"


def test_failed_exchange_does_not_consume_the_code(fake_projector):
    code = _code(fake_projector)
    assert (
        "redirect_uri"
        in _error(acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB + "x"))["ErrorText"]
    )
    assert acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB).status_text == "Ok"


def test_code_expires_after_its_lifetime(fake_projector):
    code = _code(fake_projector)
    fake_projector.clock.advance(60.5)
    msg = _error(acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB))
    assert msg["ErrorText"] == 'Invalid Grant for Oauth2 Token: "authorization code has expired".'


@pytest.mark.fake_projector(code_lifetime_seconds=300)
def test_code_lifetime_is_configurable(fake_projector):
    code = _code(fake_projector)
    fake_projector.clock.advance(200)
    assert acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB).status_text == "Ok"


def test_unknown_and_other_clients_code(fake_projector):
    assert (
        "unknown"
        in _error(acquire(fake_projector.url, GrantType="code", Code="nope", RedirectUri=CB))["ErrorText"]
    )
    other = fake_projector.add_client(client_secret="other")
    code = fake_projector.issue_authorization_code(other.client_id, CB)
    msg = _error(acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB))
    assert "another client" in msg["ErrorText"]
    assert (
        acquire(
            fake_projector.url, other.client_id, "other", GrantType="code", Code=code, RedirectUri=CB
        ).status_text
        == "Ok"
    )


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def test_pkce_s256(fake_projector):
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert _s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 appendix B
    code = _code(fake_projector, code_challenge=_s256(verifier), code_challenge_method="S256")
    assert (
        "code_verifier is required"
        in _error(acquire(fake_projector.url, GrantType="code", Code=code, RedirectUri=CB))["ErrorText"]
    )
    assert (
        "does not match"
        in _error(
            acquire(fake_projector.url, GrantType="code", Code=code, CodeVerifier="wrong", RedirectUri=CB)
        )["ErrorText"]
    )
    assert (
        acquire(
            fake_projector.url, GrantType="code", Code=code, CodeVerifier=verifier, RedirectUri=CB
        ).status_text
        == "Ok"
    )


def test_pkce_plain_and_verifier_ignored_without_challenge(fake_projector):
    code = _code(
        fake_projector,
        code_challenge="plain-verifier-value-of-at-least-forty-three-chars",
        code_challenge_method="plain",
    )
    assert (
        "does not match"
        in _error(acquire(fake_projector.url, GrantType="code", Code=code, CodeVerifier="x", RedirectUri=CB))[
            "ErrorText"
        ]
    )
    assert (
        acquire(
            fake_projector.url,
            GrantType="code",
            Code=code,
            CodeVerifier="plain-verifier-value-of-at-least-forty-three-chars",
            RedirectUri=CB,
        ).status_text
        == "Ok"
    )
    code = _code(fake_projector)
    assert (
        acquire(
            fake_projector.url, GrantType="code", Code=code, CodeVerifier="anything", RedirectUri=CB
        ).status_text
        == "Ok"
    )


def test_refresh_grant_and_revoke_then_refresh_fails(fake_projector):
    answer = acquire(fake_projector.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN)
    assert answer.status_text == "Ok"
    assert answer.field("RefreshToken") == SAMPLE_TOKEN  # not rotated by default
    ticket = answer.field("AccessToken")
    assert revoke(fake_projector.url).status_text == "Ok"
    assert fake_projector.access_token_state(ticket) == "revoked"
    msg = _error(acquire(fake_projector.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN))
    assert msg["ErrorText"] == 'Invalid Grant for Oauth2 Token: "refresh token has been revoked".'


@pytest.mark.fake_projector(rotate_refresh_tokens=True)
def test_rotation_when_enabled(fake_projector):
    answer = acquire(fake_projector.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN)
    new = answer.field("RefreshToken")
    assert new
    assert new != SAMPLE_TOKEN
    assert fake_projector.token_state(SAMPLE_TOKEN) == "revoked"
    assert fake_projector.token_state(new) == "active"


def test_refresh_token_expiry_and_other_client(fake_projector):
    rt = fake_projector.add_refresh_token(SAMPLE_CLIENT, expires_in_seconds=10)
    fake_projector.clock.advance(11)
    assert fake_projector.token_state(rt.token) == "expired"
    assert (
        "expired"
        in _error(acquire(fake_projector.url, GrantType="refresh_token", RefreshToken=rt.token))["ErrorText"]
    )
    other = fake_projector.add_client(client_secret="o")
    theirs = fake_projector.add_refresh_token(other.client_id)
    assert (
        "another client"
        in _error(acquire(fake_projector.url, GrantType="refresh_token", RefreshToken=theirs.token))[
            "ErrorText"
        ]
    )
    assert (
        "unknown"
        in _error(acquire(fake_projector.url, GrantType="refresh_token", RefreshToken="x" * 30))["ErrorText"]
    )


def test_access_token_expires(fake_projector):
    ticket = acquire(fake_projector.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN).field(
        "AccessToken"
    )
    fake_projector.clock.advance(3601)
    assert fake_projector.access_token_state(ticket) == "expired"


@pytest.mark.fake_projector(token_type="Bearer", access_token_lifetime_seconds=120)
def test_token_type_and_lifetime_settings(fake_projector):
    answer = acquire(fake_projector.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN)
    assert (answer.field("TokenType"), answer.field("ExpiresInSeconds")) == ("Bearer", "120")


@pytest.mark.parametrize(
    ("fields", "missing", "improper"),
    [
        ({"client_id": None, "secret": None}, "ClientIdentifier, ClientSecret, GrantType", ""),
        ({"GrantType": "code", "SessionTicket": "abc"}, "", "SessionTicket"),
        ({"GrantType": "code"}, "Code, RedirectUri", ""),
        ({"GrantType": "code", "Code": "c"}, "RedirectUri", ""),
        ({"GrantType": "refresh_token"}, "RefreshToken", ""),
        (
            {"GrantType": "refresh_token", "RefreshToken": SAMPLE_TOKEN, "Code": "c", "CodeVerifier": "v"},
            "",
            "Code, CodeVerifier",
        ),
        ({"GrantType": "refresh_token", "Code": "c"}, "RefreshToken", "Code"),
    ],
)
def test_invalid_request_50632(fake_projector, fields, missing, improper):
    kw = {"client_id": fields.pop("client_id", SAMPLE_CLIENT), "secret": fields.pop("secret", SAMPLE_SECRET)}
    msg = _error(acquire(fake_projector.url, kw["client_id"], kw["secret"], **fields))
    assert msg["ErrorText"] == (
        f'Invalid OAuth2 Request in Context "PwsAcquireOauth2Token". Null or missing parameters "{missing}". '
        f'Improper parameters "{improper}".'
    )


@pytest.mark.parametrize("grant", ["authorization_code", "password", "client_credentials", "CODE"])
def test_unsupported_grant_type_50629_whatever_else_was_sent(fake_projector, grant):
    msg = _error(acquire(fake_projector.url, GrantType=grant, Code="c", RefreshToken="r"))
    assert (msg["ErrorNumber"], msg["ErrorCode"], msg["ErrorText"]) == (
        "50629",
        "OauthUnsupportedGrantType",
        f'Unsupported OAuth2 Grant Type "{grant}".',
    )


def test_check_order_grant_type_before_dependent_shape_before_client_before_grant(fake_projector):
    assert _error(acquire(fake_projector.url, "bad", GrantType="nope"))["ErrorNumber"] == "50629"
    assert _error(acquire(fake_projector.url, "bad", GrantType="code"))["ErrorNumber"] == "50632"
    assert (
        _error(acquire(fake_projector.url, "bad", GrantType="code", Code="x", RedirectUri=CB))["ErrorNumber"]
        == "50630"
    )
    assert (
        _error(acquire(fake_projector.url, GrantType="code", Code="x", RedirectUri=CB))["ErrorNumber"]
        == "50631"
    )


def test_ignored_fields(fake_projector):
    code = _code(fake_projector)
    assert (
        acquire(
            fake_projector.url, GrantType="code", Code=code, RedirectUri=CB, RefreshToken="junk"
        ).status_text
        == "Ok"
    )
    assert (
        acquire(
            fake_projector.url,
            GrantType="refresh_token",
            RedirectUri="https://else",
            RefreshToken=SAMPLE_TOKEN,
        ).status_text
        == "Ok"
    )


def test_two_servers_client_follows_redirect_to_the_right_one(fake_projector_factory):
    home = fake_projector_factory(None)
    away = fake_projector_factory(None)
    home.add_account("ACME")  # home hosts ACME itself
    away.add_account("ACME", home_url=home.base_url)  # away knows ACME lives on home
    for fp in (home, away):
        fp.issue_authorization_code(SAMPLE_CLIENT, CB, account="ACME", code="SharedCode-123")
    # the client starts at the wrong server
    url = away.url
    answer = acquire(url, GrantType="code", Code="SharedCode-123", RedirectUri=CB)
    assert answer.status_text == "Ok"
    assert answer.field("AccessToken") is None
    redirect = answer.field("RedirectUrl")
    assert redirect == home.base_url
    assert away.store.codes["SharedCode-123"].used is False  # nothing consumed at the wrong server
    answer = acquire(
        redirect + "/OpsProjectorWcfSvc/PwsProjectorServices.svc",
        GrantType="code",
        Code="SharedCode-123",
        RedirectUri=CB,
    )
    assert answer.status_text == "Ok"
    assert answer.field("RedirectUrl") is None
    rt = answer.field("RefreshToken")
    assert home.token_state(rt) == "active"
    assert away.token_state(rt) is None
    # refresh and revoke at the wrong server redirect too, and change nothing
    away.add_refresh_token(SAMPLE_CLIENT, account="ACME", token=rt)
    assert acquire(away.url, GrantType="refresh_token", RefreshToken=rt).field("RedirectUrl") == home.base_url
    assert revoke(away.url, token=rt).field("RedirectUrl") == home.base_url
    assert away.token_state(rt) == "active"
    assert revoke(home.url, token=rt).field("RedirectUrl") is None
    assert home.token_state(rt) == "revoked"


def test_service_authorities_name_the_address_the_client_used(fake_projector):
    answer = acquire(
        fake_projector.url,
        GrantType="refresh_token",
        RefreshToken=SAMPLE_TOKEN,
        headers={"Host": "fake.example:8080"},
    )
    assert answer.field("SoapServiceAuthority") == "http://fake.example:8080"
    assert answer.field("RestServiceAuthority") == "http://fake.example:8080"
