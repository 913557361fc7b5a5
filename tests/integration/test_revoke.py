"""PwsRevokeOauth2RefreshToken over real HTTP: shapes, errors, RFC 7009 semantics."""

from __future__ import annotations

import re

import pytest

from tests.support.soapclient import (
    COM,
    NS,
    RSP,
    SAMPLE_CLIENT,
    SAMPLE_SECRET,
    SAMPLE_TOKEN,
    SHR,
    XSI,
    post,
    revoke,
)

SEED_REQUEST = (
    b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:pws="http://projectorpsa.com/PwsProjectorServices/" '
    b'xmlns:req="http://projectorpsa.com/DataContracts/Requests/"> <soapenv:Header/> <soapenv:Body> '
    b"<pws:PwsRevokeOauth2RefreshToken> <pws:serviceRequest> "
    b"<req:ClientIdentifier>24748faf-e239-d132-167a-6e4d3e1bd0fb</req:ClientIdentifier> "
    b"<req:ClientSecret>r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB</req:ClientSecret> "
    b"<req:Token>E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA</req:Token> "
    b"</pws:serviceRequest> </pws:PwsRevokeOauth2RefreshToken> </soapenv:Body> </soapenv:Envelope>"
)
OP = "PwsRevokeOauth2RefreshToken"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$")


def test_vendor_sample_request_byte_for_byte_succeeds(fake_projector):
    answer = post(fake_projector.url, SEED_REQUEST, action=OP)
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"
    assert answer.status_text == "Ok"
    assert answer.field("RedirectUrl") is None
    assert answer.messages() == []
    assert fake_projector.token_state(SAMPLE_TOKEN) == "revoked"


def test_timestamp_is_utc_with_z_and_ticks(fake_projector):
    fake_projector.clock.freeze(1638980344.5684513)
    stamp = revoke(fake_projector.url).field("ServerTimestampUtc")
    assert stamp is not None
    assert STAMP.match(stamp)
    assert stamp.startswith("2021-12-08T16:19:04.56845")


@pytest.mark.parametrize(
    ("request_id", "expected"), [(None, "0"), (0, "0"), (42, "42"), (-7, "-7"), (2147483647, "2147483647")]
)
def test_response_id_echoes_request_id(fake_projector, request_id, expected):
    kwargs = {} if request_id is None else {"RequestId": request_id}
    assert revoke(fake_projector.url, **kwargs).field("ResponseId") == expected


def _error(answer):
    assert answer.status == 200, answer.body
    assert answer.status_text == "Fail"
    msgs = answer.messages()
    assert len(msgs) == 1, msgs
    return msgs[0]


def test_error_message_has_seven_fields_in_schema_order(fake_projector):
    answer = revoke(fake_projector.url, secret="wrong")
    message = answer.result().find(f"{{{COM}}}Messages/{{{SHR}}}PwsMessage")
    assert [el.tag.split("}")[1] for el in message] == [
        "AdditionalErrorText",
        "ErrorCode",
        "ErrorNumber",
        "ErrorText",
        "Type",
        "ReferenceId1",
        "ReferenceId2",
    ]
    assert message[5].get(f"{{{XSI}}}nil") == "true"
    assert message[6].get(f"{{{XSI}}}nil") == "true"
    assert _error(answer) == {
        "AdditionalErrorText": "Error 50630: OauthInvalidClient",
        "ErrorCode": "OauthInvalidClient",
        "ErrorNumber": "50630",
        "ErrorText": "Invalid Oauth2 Client.",
        "Type": "Error",
        "ReferenceId1": None,
        "ReferenceId2": None,
    }
    assert answer.field("RedirectUrl") is None
    assert fake_projector.token_state(SAMPLE_TOKEN) == "active"


@pytest.mark.parametrize(
    ("kwargs", "missing", "improper"),
    [
        ({"client_id": None}, "ClientIdentifier", ""),
        ({"secret": None}, "ClientSecret", ""),
        ({"token": None}, "Token", ""),
        ({"secret": "", "token": ""}, "ClientSecret, Token", ""),
        ({"client_id": None, "secret": None, "token": None}, "ClientIdentifier, ClientSecret, Token", ""),
        ({"SessionTicket": "ARQC8d/V3CZk+kOWf7w3KQ=="}, "", "SessionTicket"),
        ({"token": "short"}, "", "Token"),
        ({"token": "has spaces in it and is long enough"}, "", "Token"),
        ({"token": "x" * 513}, "", "Token"),
        (
            {"SessionTicket": "t", "token": "bad/token+form=====", "secret": None},
            "ClientSecret",
            "SessionTicket, Token",
        ),
    ],
)
def test_invalid_request_50632_lists_names_in_schema_order(fake_projector, kwargs, missing, improper):
    msg = _error(revoke(fake_projector.url, **kwargs))
    assert msg["ErrorNumber"] == "50632"
    assert msg["ErrorCode"] == "OauthInvalidRequest"
    assert msg["ErrorText"] == (
        f'Invalid OAuth2 Request in Context "PwsRevokeOauth2RefreshToken". '
        f'Null or missing parameters "{missing}". Improper parameters "{improper}".'
    )


def test_nil_fields_count_as_missing_and_nil_session_ticket_is_fine(fake_projector):
    answer = revoke(fake_projector.url, SessionTicket="x", nil=("SessionTicket", "Token"))
    assert 'Null or missing parameters "Token". Improper parameters "".' in _error(answer)["ErrorText"]


@pytest.mark.parametrize("token_type", ["access_token", "Refresh_Token", "bearer"])
def test_unsupported_token_type_50635(fake_projector, token_type):
    msg = _error(revoke(fake_projector.url, TokenType=token_type))
    assert (msg["ErrorNumber"], msg["ErrorCode"], msg["ErrorText"]) == (
        "50635",
        "OauthUnsupportedTokenType",
        f'Unsupported OAuth2 Token Type "{token_type}".',
    )
    assert fake_projector.token_state(SAMPLE_TOKEN) == "active"


def test_token_type_refresh_token_or_omitted_is_accepted(fake_projector):
    assert revoke(fake_projector.url, TokenType="refresh_token").status_text == "Ok"
    assert revoke(fake_projector.url).status_text == "Ok"


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [
        ("not-a-guid", SAMPLE_SECRET),
        ("00000000-0000-0000-0000-000000000000", SAMPLE_SECRET),
        (SAMPLE_CLIENT, SAMPLE_SECRET + "x"),
        (SAMPLE_CLIENT, SAMPLE_SECRET.upper()),
    ],
)
def test_invalid_client_50630(fake_projector, client_id, secret):
    msg = _error(revoke(fake_projector.url, client_id=client_id, secret=secret))
    assert (msg["ErrorNumber"], msg["ErrorText"]) == ("50630", "Invalid Oauth2 Client.")
    assert fake_projector.token_state(SAMPLE_TOKEN) == "active"


def test_guid_forms_dotnet_accepts(fake_projector):
    braces = "{" + SAMPLE_CLIENT.upper() + "}"
    assert revoke(fake_projector.url, client_id=braces).status_text == "Ok"


def test_check_order_shape_before_token_type_before_client(fake_projector):
    msg = _error(revoke(fake_projector.url, client_id="bad", token=None, TokenType="x"))
    assert msg["ErrorNumber"] == "50632"
    msg = _error(revoke(fake_projector.url, client_id="bad", TokenType="x"))
    assert msg["ErrorNumber"] == "50635"


def test_rfc7009_unknown_revoked_and_twice_all_succeed(fake_projector):
    assert revoke(fake_projector.url, token="UnknownTokenOfTheRightForm_0123456789").status_text == "Ok"
    assert revoke(fake_projector.url).status_text == "Ok"
    assert revoke(fake_projector.url).status_text == "Ok"
    assert fake_projector.token_state(SAMPLE_TOKEN) == "revoked"
    assert fake_projector.token_state("UnknownTokenOfTheRightForm_0123456789") is None


def test_another_clients_token_stays_active_but_answer_is_success(fake_projector):
    other = fake_projector.add_client(client_secret="other-secret")
    theirs = fake_projector.add_refresh_token(other.client_id)
    assert revoke(fake_projector.url, token=theirs.token).status_text == "Ok"
    assert fake_projector.token_state(theirs.token) == "active"
    assert (
        revoke(
            fake_projector.url, token=theirs.token, client_id=other.client_id, secret="other-secret"
        ).status_text
        == "Ok"
    )
    assert fake_projector.token_state(theirs.token) == "revoked"


def test_account_on_another_server_answers_redirect_and_changes_nothing(fake_projector):
    fake_projector.add_account("FARAWAY", home_url="https://secure2.projectorpsa.com")
    rt = fake_projector.add_refresh_token(SAMPLE_CLIENT, account="FARAWAY")
    answer = revoke(fake_projector.url, token=rt.token)
    assert answer.status_text == "Ok"
    assert answer.field("RedirectUrl") == "https://secure2.projectorpsa.com"
    assert answer.messages() == []
    assert fake_projector.token_state(rt.token) == "active"


def test_revoking_ends_access_tokens_issued_from_it(fake_projector):
    at = fake_projector.add_access_token(SAMPLE_CLIENT, refresh_token=SAMPLE_TOKEN)
    assert fake_projector.access_token_state(at.token) == "active"
    revoke(fake_projector.url)
    assert fake_projector.access_token_state(at.token) == "revoked"


def test_wcf_reading_rules_unknown_wrong_namespace_out_of_order_duplicates(fake_projector):
    def env(inner: str) -> bytes:
        return (
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="http://projectorpsa.com/PwsProjectorServices/" '
            'xmlns:r="http://projectorpsa.com/DataContracts/Requests/"><s:Body><p:PwsRevokeOauth2RefreshToken><p:serviceRequest>'
            f"{inner}</p:serviceRequest></p:PwsRevokeOauth2RefreshToken></s:Body></s:Envelope>"
        ).encode()

    cid = f"<r:ClientIdentifier>{SAMPLE_CLIENT}</r:ClientIdentifier>"
    sec = f"<r:ClientSecret>{SAMPLE_SECRET}</r:ClientSecret>"
    tok = f"<r:Token>{SAMPLE_TOKEN}</r:Token>"
    # an unknown element is skipped
    assert (
        post(fake_projector.url, env(cid + "<r:Bogus>1</r:Bogus>" + sec + tok), action=OP).status_text == "Ok"
    )
    fake_projector.reset()
    # the token in the wrong namespace counts as absent
    wrong_ns = f'<Token xmlns="http://projectorpsa.com/PwsProjectorServices/">{SAMPLE_TOKEN}</Token>'
    assert (
        'missing parameters "Token"'
        in _error(post(fake_projector.url, env(cid + sec + wrong_ns), action=OP))["ErrorText"]
    )
    # out of order: ClientIdentifier after Token is skipped
    assert (
        'missing parameters "ClientIdentifier"'
        in _error(post(fake_projector.url, env(sec + tok + cid), action=OP))["ErrorText"]
    )
    # sent twice: the first counts
    twice = cid + sec + "<r:Token>bad</r:Token>" + tok
    assert (
        'Improper parameters "Token"' in _error(post(fake_projector.url, env(twice), action=OP))["ErrorText"]
    )
    assert fake_projector.token_state(SAMPLE_TOKEN) == "active"


def test_missing_service_request_reports_every_required_field(fake_projector):
    body = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<PwsRevokeOauth2RefreshToken xmlns="http://projectorpsa.com/PwsProjectorServices/"/></s:Body></s:Envelope>'
    )
    msg = _error(post(fake_projector.url, body, action=OP))
    assert 'missing parameters "ClientIdentifier, ClientSecret, Token"' in msg["ErrorText"]


def test_result_namespaces(fake_projector):
    result = revoke(fake_projector.url).result()
    assert result.nsmap["a"] == RSP
    assert result.nsmap["i"] == XSI
    assert result.find(f"{{{RSP}}}RedirectUrl") is not None
    assert result.xpath("c:Messages", namespaces=NS)[0].nsmap["b"] == SHR


@pytest.mark.parametrize("nil", ["true", "1", " true "])
def test_xsi_nil_is_an_xs_boolean(fake_projector, nil):
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="http://projectorpsa.com/PwsProjectorServices/" '
        'xmlns:r="http://projectorpsa.com/DataContracts/Requests/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        f'<s:Body><p:PwsRevokeOauth2RefreshToken><p:serviceRequest><r:RequestId i:nil="{nil}"/>'
        f"<r:ClientIdentifier>{SAMPLE_CLIENT}</r:ClientIdentifier><r:ClientSecret>{SAMPLE_SECRET}</r:ClientSecret>"
        f'<r:Token i:nil="{nil}">{SAMPLE_TOKEN}</r:Token></p:serviceRequest></p:PwsRevokeOauth2RefreshToken></s:Body></s:Envelope>'
    ).encode()
    answer = post(fake_projector.url, body, action=OP)
    assert answer.field("ResponseId") == "0"
    assert 'missing parameters "Token"' in _error(answer)["ErrorText"]
