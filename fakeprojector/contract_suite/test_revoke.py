"""PwsRevokeOauth2RefreshToken: success, RFC 7009 idempotence, each error, the check order."""

from __future__ import annotations

import pytest

from fakeprojector.contract_suite.soapclient import acquire, post, revoke
from fakeprojector.contract_suite.support import (
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    OTHER_CLIENT_TOKEN,
    REVOKE,
    UNKNOWN_TOKEN,
    assert_error,
    assert_ok,
    catalogue_text,
    invalid_request_text,
)

SEED_REQUEST = (
    b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:pws="http://projectorpsa.com/PwsProjectorServices/" '
    b'xmlns:req="http://projectorpsa.com/DataContracts/Requests/"> <soapenv:Header/> <soapenv:Body> '
    b"<pws:PwsRevokeOauth2RefreshToken> <pws:serviceRequest> "
    b"<req:ClientIdentifier>{client}</req:ClientIdentifier> "
    b"<req:ClientSecret>{secret}</req:ClientSecret> "
    b"<req:Token>{token}</req:Token> "
    b"</pws:serviceRequest> </pws:PwsRevokeOauth2RefreshToken> </soapenv:Body> </soapenv:Envelope>"
)


def _revoke(target, **kw):
    kw.setdefault("client_id", target.client_id)
    kw.setdefault("secret", target.client_secret)
    kw.setdefault("token", UNKNOWN_TOKEN)
    return revoke(target.url, **kw)


@pytest.mark.contract("revoke.rfc7009")
def test_vendor_sample_request_shape_succeeds(target):
    body = SEED_REQUEST.replace(b"{client}", target.client_id.encode()).replace(
        b"{secret}", target.client_secret.encode()
    )
    answer = post(target.url, body.replace(b"{token}", UNKNOWN_TOKEN.encode()), action=REVOKE)
    assert_ok(answer, REVOKE)


@pytest.mark.contract("revoke.rfc7009")
def test_unknown_token_answers_success(target):
    assert_ok(_revoke(target), REVOKE)


@pytest.mark.fake_only
@pytest.mark.contract("revoke.rfc7009")
def test_already_revoked_token_answers_success(target):
    from fakeprojector.contract_suite.support import REVOKED_TOKEN

    assert_ok(_revoke(target, token=REVOKED_TOKEN), REVOKE)


@pytest.mark.contract("revoke.token-type")
@pytest.mark.parametrize("token_type", ["refresh_token", ""])
def test_token_type_refresh_token_or_empty_is_accepted(target, token_type):
    assert_ok(_revoke(target, TokenType=token_type), REVOKE)


@pytest.mark.contract("revoke.token-type")
def test_another_token_type_revokes_nothing(target, refresh_token):
    assert_error(_revoke(target, token=refresh_token, TokenType="access_token"), REVOKE, 50635)
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="refresh_token",
        RefreshToken=refresh_token,
    )
    assert answer.status_text == "Ok", answer.body
    target.refresh_token = answer.field("RefreshToken")  # follows rotation, if the service rotates


@pytest.mark.contract("revoke.token-type")
def test_nil_token_type_is_accepted(target):
    assert_ok(_revoke(target, TokenType="x", nil=("TokenType",)), REVOKE)


@pytest.mark.choice("errors.mapping")
@pytest.mark.contract("revoke.token-type")
@pytest.mark.parametrize("token_type", ["access_token", "Refresh_Token", "bearer"])
def test_other_token_type_is_50635(target, token_type):
    answer = _revoke(target, TokenType=token_type)
    assert_error(answer, REVOKE, 50635, catalogue_text(50635, TokenType=token_type))


@pytest.mark.choice("errors.invalid-client")
@pytest.mark.parametrize(
    "case", ["not-a-guid", "unknown-client", "wrong-secret", "secret-other-case", "secret-extended"]
)
def test_invalid_client_is_50630(target, case):
    client_id, secret = {
        "not-a-guid": ("not-a-guid", target.client_secret),
        "unknown-client": ("00000000-0000-0000-0000-000000000000", target.client_secret),
        "wrong-secret": (target.client_id, "wrong-secret"),
        "secret-other-case": (target.client_id, target.client_secret.swapcase()),
        "secret-extended": (target.client_id, target.client_secret + "x"),
    }[case]
    if case == "secret-other-case" and secret == target.client_secret:
        pytest.skip("the client secret has no letters: there is no other case to send")
    answer = _revoke(target, client_id=client_id, secret=secret)
    assert_error(answer, REVOKE, 50630, catalogue_text(50630))


@pytest.mark.choice("errors.invalid-client")
def test_wrong_secret_does_not_revoke(target, refresh_token):
    assert_error(_revoke(target, token=refresh_token, secret="wrong-secret"), REVOKE, 50630)
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="refresh_token",
        RefreshToken=refresh_token,
    )
    assert answer.status_text == "Ok", answer.body
    target.refresh_token = answer.field("RefreshToken")  # follows rotation, if the service rotates


@pytest.mark.contract("errors.guid-forms")
@pytest.mark.parametrize("form", ["upper", "braces", "braces-upper", "parentheses", "digits"])
def test_client_identifier_read_as_dotnet_guid(target, form):
    cid = target.client_id
    value = {
        "upper": cid.upper(),
        "braces": "{" + cid + "}",
        "braces-upper": "{" + cid.upper() + "}",
        "parentheses": "(" + cid + ")",
        "digits": cid.replace("-", ""),
    }[form]
    assert_ok(_revoke(target, client_id=value), REVOKE)


@pytest.mark.contract("errors.session-ticket")
@pytest.mark.parametrize("nil", [True, False], ids=["nil", "empty"])
def test_session_ticket_nil_or_empty_is_fine(target, nil):
    answer = _revoke(target, SessionTicket="" if not nil else "x", nil=("SessionTicket",) if nil else ())
    assert_ok(answer, REVOKE)


@pytest.mark.choice("errors.mapping")
@pytest.mark.contract("errors.session-ticket")
def test_session_ticket_present_is_50632_improper(target):
    answer = _revoke(target, SessionTicket="ARQC8d/V3CZk+kOWf7w3KQ==")
    assert_error(answer, REVOKE, 50632, invalid_request_text(REVOKE, improper="SessionTicket"))


@pytest.mark.choice("errors.missing")
@pytest.mark.parametrize(
    ("absent", "how", "missing"),
    [
        (("client_id",), "omitted", "ClientIdentifier"),
        (("secret",), "omitted", "ClientSecret"),
        (("token",), "omitted", "Token"),
        (("secret", "token"), "empty", "ClientSecret, Token"),
        (("client_id", "secret", "token"), "omitted", "ClientIdentifier, ClientSecret, Token"),
        (("token",), "nil", "Token"),
    ],
)
def test_missing_fields_are_50632_in_schema_order(target, absent, how, missing):
    names = {"client_id": "ClientIdentifier", "secret": "ClientSecret", "token": "Token"}
    kw = {k: ("" if how == "empty" else None) for k in absent}
    if how == "nil":
        kw = {k: "x" for k in absent}
        kw["nil"] = tuple(names[k] for k in absent)
    answer = _revoke(target, **kw)
    assert_error(answer, REVOKE, 50632, invalid_request_text(REVOKE, missing=missing))


@pytest.mark.choice("revoke.token-form")
@pytest.mark.parametrize(
    "token",
    ["short", "has spaces in it and is long enough", "plus+slash/and=padding=======", "x" * 513],
)
def test_token_of_wrong_form_is_50632_improper(target, token):
    answer = _revoke(target, token=token)
    assert_error(answer, REVOKE, 50632, invalid_request_text(REVOKE, improper="Token"))


@pytest.mark.choice("revoke.token-form")
@pytest.mark.parametrize("length", [20, 512])
def test_token_form_bounds_are_accepted(target, length):
    assert_ok(_revoke(target, token=("Ab-_9" * 103)[:length]), REVOKE)


@pytest.mark.choice("errors.one-message")
def test_one_step_lists_every_offence(target):
    answer = _revoke(target, SessionTicket="t", token="bad/token+form=====", secret=None)
    assert_error(
        answer,
        REVOKE,
        50632,
        invalid_request_text(REVOKE, missing="ClientSecret", improper="SessionTicket, Token"),
    )


@pytest.mark.choice("errors.check-order")
def test_check_order_shape_then_token_type_then_client(target):
    answer = _revoke(target, client_id="bad", token=None, TokenType="x")
    assert_error(answer, REVOKE, 50632, invalid_request_text(REVOKE, missing="Token"))
    answer = _revoke(target, client_id="bad", TokenType="x")
    assert_error(answer, REVOKE, 50635, catalogue_text(50635, TokenType="x"))
    answer = _revoke(target, client_id="bad")
    assert_error(answer, REVOKE, 50630, catalogue_text(50630))


@pytest.mark.fake_only
@pytest.mark.choice("revoke.other-client")
def test_another_clients_token_stays_active_but_the_answer_is_success(target):
    assert_ok(_revoke(target, token=OTHER_CLIENT_TOKEN), REVOKE)
    answer = acquire(
        target.url,
        OTHER_CLIENT_ID,
        OTHER_CLIENT_SECRET,
        GrantType="refresh_token",
        RefreshToken=OTHER_CLIENT_TOKEN,
    )
    assert answer.status_text == "Ok", answer.body
    assert_ok(revoke(target.url, OTHER_CLIENT_TOKEN, OTHER_CLIENT_ID, OTHER_CLIENT_SECRET), REVOKE)
    answer = acquire(
        target.url,
        OTHER_CLIENT_ID,
        OTHER_CLIENT_SECRET,
        GrantType="refresh_token",
        RefreshToken=OTHER_CLIENT_TOKEN,
    )
    assert_error(answer, "PwsAcquireOauth2Token", 50631)


@pytest.mark.fake_only
@pytest.mark.choice("revoke.cascade")
def test_revoking_ends_the_access_tokens_issued_from_it(target, fake, refresh_token):
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="refresh_token",
        RefreshToken=refresh_token,
    )
    ticket = answer.field("AccessToken")
    assert fake.access_token_state(ticket) == "active"
    assert_ok(_revoke(target, token=refresh_token), REVOKE)
    assert fake.access_token_state(ticket) == "revoked"
