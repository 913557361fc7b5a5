"""The REST twins ``POST /oauth2token`` and ``POST /oauth2revoketoken``: form in, JSON out,
the same tokens and rules as the SOAP operations (docs/behaviour.md ``rest.*`` rows).

Speaks raw HTTP to the target's base URL. Most tests need the contract fixtures' codes,
so they are fake-only; the vendor's REST answer shapes are not documented [choice].
"""

from __future__ import annotations

import base64
import urllib.parse

import pytest

from fakeprojector.contract_suite.soapclient import acquire, revoke
from fakeprojector.contract_suite.support import (
    ACQUIRE,
    CODE,
    ELSEWHERE_CODE,
    ELSEWHERE_URL,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    PKCE_CODE,
    PKCE_VERIFIER,
    REDIRECT_URI,
    REVOKE,
    SESSION_TICKET,
    UNKNOWN_TOKEN,
    assert_ok,
    catalogue_text,
    invalid_request_text,
)
from fakeprojector.contract_suite.webclient import Reply, post_form, request

pytestmark = pytest.mark.fake_only


def _token(target, **form) -> Reply:
    body = {"client_id": target.client_id, "client_secret": target.client_secret, **form}
    return post_form(target.base_url + "/oauth2token", {k: v for k, v in body.items() if v is not None})


def _revoke(target, **form) -> Reply:
    body = {"client_id": target.client_id, "client_secret": target.client_secret, **form}
    return post_form(target.base_url + "/oauth2revoketoken", {k: v for k, v in body.items() if v is not None})


def _exchange(target, **form) -> Reply:
    return _token(target, grant_type="code", code=CODE, redirect_uri=REDIRECT_URI, **form)


def _assert_error(reply: Reply, status: int, error: str, number: int, text: str) -> dict:
    assert reply.status == status, (reply.status, reply.body)
    body = reply.json
    assert body["error"] == error
    assert body["ErrorNumber"] == number
    assert body["ErrorText"] == text
    assert body["error_description"] == text.replace('"', "'")
    assert body["AdditionalErrorText"] == f"Error {number}: {body['ErrorCode']}"
    assert reply.headers["cache-control"] == "no-store"
    return body


# --- the shared store ---------------------------------------------------------------------------
@pytest.mark.contract("rest.endpoints")
def test_a_token_from_rest_refreshes_and_revokes_over_soap(target):
    reply = _exchange(target)
    assert reply.status == 200, reply.body
    issued = reply.json
    assert SESSION_TICKET.match(issued["access_token"])
    refreshed = assert_ok(
        acquire(
            target.url,
            target.client_id,
            target.client_secret,
            GrantType="refresh_token",
            RefreshToken=issued["refresh_token"],
        ),
        ACQUIRE,
    )
    assert refreshed["AccessToken"] != issued["access_token"]
    assert_ok(revoke(target.url, issued["refresh_token"], target.client_id, target.client_secret), REVOKE)
    again = _token(target, grant_type="refresh_token", refresh_token=issued["refresh_token"])
    _assert_error(
        again,
        400,
        "invalid_grant",
        50631,
        catalogue_text(50631, InvalidReason="refresh token has been revoked"),
    )


@pytest.mark.contract("rest.endpoints")
def test_a_code_used_over_rest_is_used_for_soap_too(target):
    assert _exchange(target).status == 200
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="code",
        Code=CODE,
        RedirectUri=REDIRECT_URI,
    )
    assert answer.messages()[0]["ErrorNumber"] == "50631"


# --- the token endpoint -------------------------------------------------------------------------
@pytest.mark.choice("rest.token-endpoint")
def test_token_success_shape(target):
    reply = _exchange(target)
    assert reply.status == 200
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["pragma"] == "no-cache"
    body = reply.json
    assert set(body) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "timeout_minutes",
        "max_lifetime_minutes",
        "rest_service_authority",
        "soap_service_authority",
    }
    assert (
        body["token_type"],
        body["expires_in"],
        body["timeout_minutes"],
        body["max_lifetime_minutes"],
    ) == (
        "projector_session_ticket",
        3600,
        60,
        1440,
    )
    assert body["rest_service_authority"] == body["soap_service_authority"] == target.base_url


@pytest.mark.choice("rest.token-endpoint")
def test_token_pkce_and_journal(target, fake):
    wrong = _token(
        target, grant_type="code", code=PKCE_CODE, redirect_uri=REDIRECT_URI, code_verifier="x" * 43
    )
    _assert_error(
        wrong,
        400,
        "invalid_grant",
        50631,
        catalogue_text(50631, InvalidReason="code_verifier does not match the code challenge"),
    )
    right = _token(
        target, grant_type="code", code=PKCE_CODE, redirect_uri=REDIRECT_URI, code_verifier=PKCE_VERIFIER
    )
    assert right.status == 200, right.body
    calls = fake.calls("oauth2token", code=PKCE_CODE)
    assert [c.status for c in calls] == ["Fail", "Ok"]
    assert calls[0].error_numbers == (50631,)
    assert calls[0].fields["ClientSecret"] == "***"


@pytest.mark.choice("rest.grant-alias")
def test_authorization_code_is_the_vendors_code_grant_on_rest_only(target):
    assert _token(target, grant_type="authorization_code", code=CODE, redirect_uri=REDIRECT_URI).status == 200
    soap = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="authorization_code",
        Code=CODE,
        RedirectUri=REDIRECT_URI,
    )
    assert soap.messages()[0]["ErrorNumber"] == "50629"


@pytest.mark.choice("rest.errors")
@pytest.mark.parametrize(
    ("form", "status", "error", "number", "text"),
    [
        (
            {"grant_type": "password"},
            400,
            "unsupported_grant_type",
            50629,
            catalogue_text(50629, GrantType="password"),
        ),
        (
            {"grant_type": "code", "code": CODE, "redirect_uri": REDIRECT_URI, "client_secret": "wrong"},
            401,
            "invalid_client",
            50630,
            catalogue_text(50630),
        ),
        (
            {"grant_type": "code", "code": "NoSuchCode-000000000001", "redirect_uri": REDIRECT_URI},
            400,
            "invalid_grant",
            50631,
            catalogue_text(50631, InvalidReason="authorization code is unknown"),
        ),
        (
            {"grant_type": "code"},
            400,
            "invalid_request",
            50632,
            invalid_request_text(ACQUIRE, missing="Code, RedirectUri"),
        ),
        (
            {"grant_type": None, "client_secret": None},
            400,
            "invalid_request",
            50632,
            invalid_request_text(ACQUIRE, missing="ClientSecret, GrantType"),
        ),
    ],
    ids=["unsupported-grant", "invalid-client", "invalid-grant", "missing-code", "missing-common"],
)
def test_token_errors_carry_rfc_and_vendor_fields(target, form, status, error, number, text):
    reply = _token(target, **form)
    _assert_error(reply, status, error, number, text)
    if status == 401:
        assert reply.headers["www-authenticate"].startswith("Basic ")


@pytest.mark.choice("rest.errors")
def test_error_description_stays_in_rfc_6749s_alphabet(target):
    reply = _token(target, grant_type='p"\\\u00e4')
    assert reply.status == 400
    body = reply.json
    assert body["ErrorText"] == catalogue_text(50629, GrantType='p"\\\u00e4')
    assert body["error_description"] == "Unsupported OAuth2 Grant Type 'p'??'."
    assert all(0x20 <= ord(ch) <= 0x7E and ch not in '"\\' for ch in body["error_description"])


@pytest.mark.choice("rest.client-auth")
def test_client_credentials_by_http_basic(target):
    creds = f"{urllib.parse.quote_plus(target.client_id)}:{urllib.parse.quote_plus(target.client_secret)}"
    basic = {"Authorization": "Basic " + base64.b64encode(creds.encode()).decode()}
    form = {"grant_type": "code", "code": CODE, "redirect_uri": REDIRECT_URI}
    assert post_form(target.base_url + "/oauth2token", form, headers=basic).status == 200
    both = post_form(target.base_url + "/oauth2token", {**form, "client_id": target.client_id}, headers=basic)
    _assert_error(both, 400, "invalid_request", 50632, invalid_request_text(ACQUIRE, improper="ClientSecret"))


@pytest.mark.choice("rest.duplicates")
def test_a_parameter_sent_twice_is_improper(target):
    form = [
        ("client_id", target.client_id),
        ("client_secret", target.client_secret),
        ("grant_type", "code"),
        ("code", CODE),
        ("code", "another"),
        ("redirect_uri", REDIRECT_URI),
        ("redirect_uri", REDIRECT_URI),
    ]
    reply = post_form(target.base_url + "/oauth2token", form)
    _assert_error(
        reply, 400, "invalid_request", 50632, invalid_request_text(ACQUIRE, improper="Code, RedirectUri")
    )


@pytest.mark.choice("rest.redirect")
def test_an_account_on_another_server_answers_its_url(target):
    reply = _token(target, grant_type="code", code=ELSEWHERE_CODE, redirect_uri=REDIRECT_URI)
    assert (reply.status, reply.json) == (200, {"redirect_url": ELSEWHERE_URL})
    # nothing was consumed: the SOAP twin still answers the redirect, not "already used"
    soap = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="code",
        Code=ELSEWHERE_CODE,
        RedirectUri=REDIRECT_URI,
    )
    assert soap.field("RedirectUrl") == ELSEWHERE_URL


@pytest.mark.choice("rest.transport")
def test_transport_errors_are_json(target):
    url = target.base_url + "/oauth2token"
    got = request("GET", url)
    assert (got.status, got.headers["allow"], got.json["error"]) == (405, "POST", "invalid_request")
    as_json = request(
        "POST", url, body=b'{"grant_type": "code"}', headers={"Content-Type": "application/json"}
    )
    assert (as_json.status, as_json.json["error"]) == (415, "invalid_request")
    huge = post_form(url, {"grant_type": "code", "code": "x" * 70_000})
    assert (huge.status, huge.json["error"]) == (413, "invalid_request")


# --- the revocation endpoint --------------------------------------------------------------------
@pytest.mark.choice("rest.revoke-endpoint")
def test_revoke_answers_an_empty_object_like_rfc_7009(target, fake, refresh_token):
    for token in (refresh_token, refresh_token, UNKNOWN_TOKEN):
        reply = _revoke(target, token=token, token_type_hint="refresh_token")
        assert (reply.status, reply.json) == (200, {})
    assert fake.token_state(refresh_token) == "revoked"
    assert [c.status for c in fake.calls("oauth2revoketoken")] == ["Ok", "Ok", "Ok"]


@pytest.mark.choice("rest.revoke-endpoint")
def test_revoke_errors(target, refresh_token):
    hint = _revoke(target, token=refresh_token, token_type_hint="access_token")
    _assert_error(hint, 400, "unsupported_token_type", 50635, catalogue_text(50635, TokenType="access_token"))
    form = _revoke(target, token="short")
    _assert_error(form, 400, "invalid_request", 50632, invalid_request_text(REVOKE, improper="Token"))
    other = post_form(
        target.base_url + "/oauth2revoketoken",
        {"client_id": OTHER_CLIENT_ID, "client_secret": OTHER_CLIENT_SECRET, "token": refresh_token},
    )
    assert (other.status, other.json) == (200, {})  # another client's token: success, nothing changes
    still = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="refresh_token",
        RefreshToken=refresh_token,
    )
    assert_ok(still, ACQUIRE)
