"""The wire, for both operations: HTTP, SOAPAction dispatch, answer shape, ResponseId,
timestamps, nil rules, WCF's reading rules, and the faults."""

from __future__ import annotations

import re

import pytest

from fakeprojector.contract_suite.soapclient import ACTION, COM, REQ, SHR, SVC, XSI, envelope, post
from fakeprojector.contract_suite.support import (
    ACQUIRE,
    ACTION_NOT_SUPPORTED_TEXT,
    NS_ADDRESSING_NONE,
    OPERATIONS,
    REVOKE,
    UNKNOWN_TOKEN,
    assert_error,
    assert_ok,
    catalogue_text,
    check_shape,
    fault,
    invalid_request_text,
    messages,
)

NS_DISPATCHER = "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher"


def ok_fields(target, operation):
    """Fields of a request that answers ``Ok`` on any target, without side effects.

    Revoke: a well-formed unknown token (RFC 7009 success). Acquire has no harmless success,
    so for it this is a request that fails at the grant step (50631 for an unknown token).
    """
    if operation == REVOKE:
        return [
            ("ClientIdentifier", target.client_id),
            ("ClientSecret", target.client_secret),
            ("Token", UNKNOWN_TOKEN),
        ]
    return [
        ("ClientIdentifier", target.client_id),
        ("ClientSecret", target.client_secret),
        ("GrantType", "refresh_token"),
        ("RefreshToken", UNKNOWN_TOKEN),
    ]


def body(target, operation, request_id=None):
    fields = ok_fields(target, operation)
    if request_id is not None:
        fields.insert(0, ("RequestId", request_id))
    return envelope(operation, fields)


def _check(answer, operation):
    if operation == REVOKE:
        return assert_ok(answer, REVOKE)
    assert_error(answer, ACQUIRE, 50631)
    return check_shape(answer, ACQUIRE)


# --- HTTP and SOAPAction ------------------------------------------------------------------------
@pytest.mark.contract("wire.soapaction")
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("form", ["quoted", "unquoted"])
def test_soapaction_quoted_or_not_picks_the_operation(target, operation, form):
    action = ACTION + operation
    answer = post(target.url, body(target, operation), action=f'"{action}"' if form == "quoted" else action)
    _check(answer, operation)


@pytest.mark.contract("wire.soapaction")
@pytest.mark.parametrize(
    "action", ["urn:nothing", "http://example.com/IService/Op", ACTION + "NoSuchOperation"]
)
def test_unknown_action_is_http_500_action_not_supported(target, action):
    answer = post(target.url, body(target, REVOKE), action=f'"{action}"')
    assert answer.status == 500, answer.body
    assert fault(answer) == (
        "ActionNotSupported",
        NS_ADDRESSING_NONE,
        ACTION_NOT_SUPPORTED_TEXT.format(action=action),
    )


@pytest.mark.contract("wire.soapaction")
def test_unknown_pws_prefixed_action_is_action_not_supported(target):
    """``PwsNoSuchOperation`` is no operation of the vendor's port type: WCF answers
    ActionNotSupported [wcf]; the fake's not-implemented fault is only for real operations."""
    action = ACTION + "PwsNoSuchOperation"
    answer = post(target.url, body(target, REVOKE), action=f'"{action}"')
    assert answer.status == 500, answer.body
    assert fault(answer) == (
        "ActionNotSupported",
        NS_ADDRESSING_NONE,
        ACTION_NOT_SUPPORTED_TEXT.format(action=action),
    )


@pytest.mark.contract("wire.soapaction-missing")
@pytest.mark.parametrize("header", [None, "", '""'], ids=["missing", "empty", "empty-quoted"])
def test_missing_soapaction_is_action_not_supported_on_wcf(target, header):
    """Real WCF, and the fake by default, refuse a request without SOAPAction (or an empty one)."""
    answer = post(target.url, body(target, REVOKE), action=header)
    assert answer.status == 500, answer.body
    assert fault(answer) == (
        "ActionNotSupported",
        NS_ADDRESSING_NONE,
        ACTION_NOT_SUPPORTED_TEXT.format(action=""),
    )


@pytest.mark.fake_only
@pytest.mark.choice("wire.soapaction-lenient")
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("header", [None, ""], ids=["missing", "empty"])
def test_missing_soapaction_dispatches_on_the_body_when_lenient(target, operation, header):
    target.fake.configure(lenient_soap_action=True)
    _check(post(target.url, body(target, operation), action=header), operation)


@pytest.mark.contract("wire.deserialization")
def test_body_of_another_operation_is_deserialization_failed(target):
    answer = post(target.url, body(target, ACQUIRE), action=REVOKE)
    assert answer.status == 500, answer.body
    code, ns, text = fault(answer)
    assert (code, ns) == ("DeserializationFailed", NS_DISPATCHER), answer.body
    assert text.startswith("The formatter threw an exception while trying to deserialize the message:"), text


@pytest.mark.contract("wire.deserialization")
def test_non_integer_request_id_is_deserialization_failed(target):
    answer = post(target.url, body(target, REVOKE, request_id="abc"), action=REVOKE)
    assert answer.status == 500, answer.body
    assert fault(answer)[:2] == ("DeserializationFailed", NS_DISPATCHER), answer.body


@pytest.mark.contract("wire.content-type")
@pytest.mark.parametrize("content_type", ["application/soap+xml; charset=utf-8", "application/json"])
def test_other_content_types_are_http_415(target, content_type):
    answer = post(target.url, body(target, REVOKE), action=REVOKE, headers={"Content-Type": content_type})
    assert answer.status == 415, answer.body


@pytest.mark.contract("wire.content-type")
def test_text_xml_without_charset_is_accepted(target):
    answer = post(target.url, body(target, REVOKE), action=REVOKE, headers={"Content-Type": "text/xml"})
    assert_ok(answer, REVOKE)


@pytest.mark.contract("wire.http-status")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_in_band_failures_are_http_200(target, operation):
    answer = post(target.url, envelope(operation, []), action=operation)
    assert answer.status == 200
    assert answer.status_text == "Fail"


# --- the answer ----------------------------------------------------------------------------------
@pytest.mark.contract("wire.response-shape")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_answer_shape_namespaces_and_order(target, operation):
    answer = post(target.url, body(target, operation), action=operation)
    fields = _check(answer, operation)
    result = answer.result()
    for el in result[:4]:
        assert el.prefix is None, answer.body
        assert el.nsmap[None] == COM, answer.body
    assert result.getparent().nsmap[None] == SVC
    assert set(fields) >= {"ResponseId", "Status", "ServerTimestampUtc"}


@pytest.mark.contract("wire.response-shape")
def test_success_is_byte_for_byte_wcf(target):
    answer = post(target.url, body(target, REVOKE), action=REVOKE)
    text = re.sub(r"(<ServerTimestampUtc[^>]*>)[^<]+<", r"\1T<", answer.body.decode())
    assert text == (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<PwsRevokeOauth2RefreshTokenResponse xmlns="http://projectorpsa.com/PwsProjectorServices/">'
        '<PwsRevokeOauth2RefreshTokenResult xmlns:a="http://projectorpsa.com/DataContracts/Responses/" '
        'xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        '<Messages xmlns="http://projectorpsa.com/CommonServices/" xmlns:b="http://projectorpsa.com/DataContracts/Shared/Common/"/>'
        '<ResponseId xmlns="http://projectorpsa.com/CommonServices/">0</ResponseId>'
        '<Status xmlns="http://projectorpsa.com/CommonServices/">Ok</Status>'
        '<ServerTimestampUtc xmlns="http://projectorpsa.com/CommonServices/">T</ServerTimestampUtc>'
        '<a:RedirectUrl i:nil="true"/>'
        "</PwsRevokeOauth2RefreshTokenResult></PwsRevokeOauth2RefreshTokenResponse></s:Body></s:Envelope>"
    )


@pytest.mark.contract("wire.empty-messages")
def test_no_messages_is_an_empty_element_declaring_b(target):
    answer = post(target.url, body(target, REVOKE), action=REVOKE)
    messages_el = answer.result()[0]
    assert messages_el.tag == f"{{{COM}}}Messages"
    assert len(messages_el) == 0
    assert not messages_el.text
    assert messages_el.nsmap["b"] == SHR
    assert messages_el.get(f"{{{XSI}}}nil") is None


@pytest.mark.contract("errors.inband")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_error_message_fields_in_schema_order(target, operation):
    fields = ok_fields(target, operation)
    fields[1] = ("ClientSecret", "wrong-secret")
    answer = post(target.url, envelope(operation, fields), action=operation)
    assert assert_error(answer, operation, 50630) == {
        "AdditionalErrorText": "Error 50630: OauthInvalidClient",
        "ErrorCode": "OauthInvalidClient",
        "ErrorNumber": "50630",
        "ErrorText": catalogue_text(50630),
        "Type": "Error",
        "ReferenceId1": None,
        "ReferenceId2": None,
    }
    message = answer.result()[0][0]
    assert [el.prefix for el in message] == ["b"] * 7, answer.body


@pytest.mark.contract("errors.failure-fields")
def test_acquire_failure_strings_nil_ints_zero(target):
    answer = post(target.url, envelope(ACQUIRE, []), action=ACQUIRE)
    fields = check_shape(answer, ACQUIRE)
    assert fields["Status"] == "Fail"
    assert {
        k: fields[k]
        for k in (
            "AccessToken",
            "RedirectUrl",
            "RefreshToken",
            "RestServiceAuthority",
            "SoapServiceAuthority",
            "TokenType",
        )
    } == dict.fromkeys(
        (
            "AccessToken",
            "RedirectUrl",
            "RefreshToken",
            "RestServiceAuthority",
            "SoapServiceAuthority",
            "TokenType",
        )
    )
    assert (fields["ExpiresInSeconds"], fields["MaxLifetimeMinutes"], fields["TimeoutMinutes"]) == (
        "0",
        "0",
        "0",
    )
    for name in ("ExpiresInSeconds", "MaxLifetimeMinutes", "TimeoutMinutes"):
        el = answer.result().find(f"{{http://projectorpsa.com/DataContracts/Responses/}}{name}")
        assert el.get(f"{{{XSI}}}nil") is None


@pytest.mark.contract("wire.response-id")
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    ("request_id", "expected"), [(None, "0"), (0, "0"), (42, "42"), (-7, "-7"), (2147483647, "2147483647")]
)
def test_response_id_echoes_request_id(target, operation, request_id, expected):
    answer = post(target.url, body(target, operation, request_id=request_id), action=operation)
    assert _check(answer, operation)["ResponseId"] == expected


@pytest.mark.contract("wire.response-id")
def test_response_id_echoed_on_failure_and_nil_request_id_is_0(target):
    answer = post(target.url, envelope(REVOKE, [("RequestId", 9)]), action=REVOKE)
    assert assert_error(answer, REVOKE, 50632)
    assert answer.field("ResponseId") == "9"
    answer = post(
        target.url,
        envelope(REVOKE, [("RequestId", 1), ("Token", UNKNOWN_TOKEN)], nil=("RequestId",)),
        action=REVOKE,
    )
    assert answer.field("ResponseId") == "0"


@pytest.mark.contract("wire.timestamp")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_timestamp_form(target, operation):
    stamp = _check(post(target.url, body(target, operation), action=operation), operation)[
        "ServerTimestampUtc"
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z", stamp), stamp


@pytest.mark.fake_only
@pytest.mark.contract("wire.timestamp")
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (1638980344.5684513, "2021-12-08T16:19:04.5684513Z"),
        (1638980344.5, "2021-12-08T16:19:04.5Z"),
        (1638980344.0, "2021-12-08T16:19:04Z"),
    ],
)
def test_timestamp_is_utc_ticks_without_trailing_zeros(target, fake, at, expected):
    fake.clock.freeze(at)
    stamp = assert_ok(post(target.url, body(target, REVOKE), action=REVOKE), REVOKE)["ServerTimestampUtc"]
    # float seconds cannot hold every tick: compare down to the 10 µs digit, all of a shorter stamp
    assert stamp[:25] == expected[:25]
    assert stamp.endswith("Z")
    assert stamp.count(".") == expected.count(".")


# --- WCF's reading rules ------------------------------------------------------------------------
def _raw(inner: str, operation: str = REVOKE) -> bytes:
    return (
        f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="{SVC}" xmlns:r="{REQ}">'
        f"<s:Body><p:{operation}><p:serviceRequest>{inner}</p:serviceRequest></p:{operation}></s:Body></s:Envelope>"
    ).encode()


def _parts(target):
    return (
        f"<r:ClientIdentifier>{target.client_id}</r:ClientIdentifier>",
        f"<r:ClientSecret>{target.client_secret}</r:ClientSecret>",
        f"<r:Token>{UNKNOWN_TOKEN}</r:Token>",
    )


@pytest.mark.contract("wire.reading")
def test_unknown_element_is_skipped(target):
    cid, sec, tok = _parts(target)
    assert_ok(post(target.url, _raw(cid + "<r:Bogus>1</r:Bogus>" + sec + tok), action=REVOKE), REVOKE)


@pytest.mark.contract("wire.reading")
def test_wrong_namespace_counts_as_absent(target):
    cid, sec, _ = _parts(target)
    wrong = f'<Token xmlns="{SVC}">{UNKNOWN_TOKEN}</Token>'
    answer = post(target.url, _raw(cid + sec + wrong), action=REVOKE)
    assert_error(answer, REVOKE, 50632, invalid_request_text(REVOKE, missing="Token"))


@pytest.mark.contract("wire.reading")
def test_out_of_order_counts_as_absent(target):
    cid, sec, tok = _parts(target)
    answer = post(target.url, _raw(sec + tok + cid), action=REVOKE)
    assert_error(answer, REVOKE, 50632, invalid_request_text(REVOKE, missing="ClientIdentifier"))


@pytest.mark.contract("wire.reading")
@pytest.mark.parametrize(
    ("operation", "missing"),
    [
        (REVOKE, "ClientIdentifier, ClientSecret, Token"),
        (ACQUIRE, "ClientIdentifier, ClientSecret, GrantType"),
    ],
)
def test_missing_service_request_reports_every_required_field(target, operation, missing):
    body_ = f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><{operation} xmlns="{SVC}"/></s:Body></s:Envelope>'
    answer = post(target.url, body_.encode(), action=operation)
    assert_error(answer, operation, 50632, invalid_request_text(operation, missing=missing))


@pytest.mark.choice("wire.duplicates")
def test_a_field_sent_twice_counts_once_the_first(target):
    cid, sec, tok = _parts(target)
    answer = post(target.url, _raw(cid + sec + "<r:Token>bad</r:Token>" + tok), action=REVOKE)
    assert_error(answer, REVOKE, 50632, invalid_request_text(REVOKE, improper="Token"))
    assert_ok(post(target.url, _raw(cid + sec + tok + "<r:Token>bad</r:Token>"), action=REVOKE), REVOKE)


# --- fakeprojector's own faults --------------------------------------------------------------------
@pytest.mark.choice("wire.malformed")
@pytest.mark.parametrize(
    "payload",
    [
        b"not xml",
        b"",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
    ],
    ids=["not-xml", "empty", "dtd", "soap12", "empty-body"],
)
def test_malformed_requests_are_client_faults(target, payload):
    answer = post(target.url, payload, action=REVOKE)
    assert answer.status == 500, answer.body
    code, _, text = fault(answer)
    assert code == "Client"
    assert text
    assert "Traceback" not in text


@pytest.mark.choice("wire.not-implemented")
def test_another_vendor_operation_is_a_client_fault_naming_fakeprojector(target):
    action = ACTION + "PwsGetProjectWorkspaces"
    answer = post(target.url, envelope("PwsGetProjectWorkspaces", []), action=f'"{action}"')
    assert answer.status == 500
    code, _, text = fault(answer)
    assert code == "Client"
    assert "fakeprojector" in text
    assert "PwsGetProjectWorkspaces" in text


@pytest.mark.choice("wire.body-limit")
def test_bodies_over_64_kib_are_http_413(target):
    padding = "<!--" + "x" * 65536 + "-->"
    answer = post(
        target.url,
        body(target, REVOKE).replace(b"<soapenv:Body>", padding.encode() + b"<soapenv:Body>"),
        action=REVOKE,
    )
    assert answer.status == 413


@pytest.mark.fake_only
@pytest.mark.choice("errors.style")
def test_error_style_fault_answers_a_soap_fault_with_pws_fault_detail(target, fake):
    fake.configure(error_style="fault")
    fields = ok_fields(target, REVOKE)
    fields[1] = ("ClientSecret", "wrong-secret")
    answer = post(target.url, envelope(REVOKE, [("RequestId", 5), *fields]), action=REVOKE)
    assert answer.status == 500
    code, _, text = fault(answer)
    assert (code, text) == ("Client", catalogue_text(50630))
    detail = answer.xml.find(f".//{{{SHR}}}PwsFault")
    assert detail is not None, answer.body
    assert detail.findtext(f"{{{SHR}}}ResponseId") == "5"
    assert detail.findtext(f"{{{SHR}}}Messages/{{{SHR}}}PwsMessage/{{{SHR}}}ErrorNumber") == "50630"


@pytest.mark.choice("errors.one-message")
def test_several_problems_still_get_one_message(target):
    answer = post(
        target.url, envelope(ACQUIRE, [("SessionTicket", "t"), ("GrantType", "bogus")]), action=ACQUIRE
    )
    assert len(messages(answer, ACQUIRE)) == 1
