"""SOAPAction dispatch and malformed requests: clear SOAP Faults, never a traceback."""

from __future__ import annotations

import pytest

from tests.support.soapclient import ACTION, SAMPLE_TOKEN, envelope, post, revoke

OP = "PwsRevokeOauth2RefreshToken"


@pytest.mark.parametrize(
    ("action", "lenient"),
    [(f'"{ACTION}{OP}"', False), (f"{ACTION}{OP}", False), (None, True), ('""', True)],
)
def test_wcf_action_quoted_or_unquoted_or_missing_when_lenient_is_accepted(fake_projector, action, lenient):
    if lenient:
        fake_projector.configure(lenient_soap_action=True)
    headers = {} if action is None else {"SOAPAction": action}
    body = envelope(
        OP,
        [
            ("ClientIdentifier", "24748faf-e239-d132-167a-6e4d3e1bd0fb"),
            (
                "ClientSecret",
                "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB",
            ),
            ("Token", SAMPLE_TOKEN),
        ],
    )
    answer = post(fake_projector.url, body, headers=headers)
    assert answer.status == 200
    assert answer.status_text == "Ok"


@pytest.mark.parametrize(
    "action", ['"urn:nothing"', '"PwsRevokeOauth2RefreshToken"', f'"{ACTION}{OP}Response"']
)
def test_unknown_action_is_wcf_action_not_supported(fake_projector, action):
    answer = revoke(fake_projector.url, action=action)
    assert answer.status == 500
    code, text = answer.fault()
    assert code == "a:ActionNotSupported"
    assert text.startswith(
        f"The message with Action '{action.strip(chr(34))}' cannot be processed at the receiver"
    )
    assert b'xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none"' in answer.body
    assert fake_projector.token_state(SAMPLE_TOKEN) == "active"


def test_other_vendor_operation_names_the_fake(fake_projector):
    answer = revoke(fake_projector.url, action=f'"{ACTION}PwsAuthenticate"')
    assert answer.status == 500
    code, text = answer.fault()
    assert code == "s:Client"
    assert "fakeprojector does not implement operation 'PwsAuthenticate'" in text


def test_by_default_a_missing_action_is_refused_like_wcf(fake_projector):
    answer = post(fake_projector.url, envelope(OP, [("Token", SAMPLE_TOKEN)]))
    assert answer.status == 500
    assert answer.fault()[0] == "a:ActionNotSupported"


@pytest.mark.fake_projector(lenient_soap_action=True)
def test_the_marker_switches_lenient_dispatch_on(fake_projector):
    body = envelope(
        OP, [("ClientIdentifier", "24748faf-e239-d132-167a-6e4d3e1bd0fb"), ("Token", SAMPLE_TOKEN)]
    )
    answer = post(fake_projector.url, body)
    assert answer.status == 200
    assert answer.status_text == "Fail"  # dispatched on the body: the missing secret is 50632


def test_action_and_body_disagree(fake_projector):
    answer = post(fake_projector.url, envelope("PwsAcquireOauth2Token", []), action=OP)
    assert answer.status == 500
    code, text = answer.fault()
    assert code == "a:DeserializationFailed"
    assert "Expected to find node type 'Element' with name 'PwsRevokeOauth2RefreshToken'" in text


@pytest.mark.parametrize(
    ("body", "headers", "status", "needle"),
    [
        (b"<not xml", {}, 500, "not well-formed"),
        (b"", {}, 500, "empty"),
        (b"\xff\xfe\x00garbage", {}, 500, ""),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            {},
            500,
            "DTD is prohibited",
        ),
        (
            b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
            {},
            500,
            "SOAP 1.2",
        ),
        (b"<root/>", {}, 500, "Expected a SOAP 1.1 Envelope"),
        (b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>', {}, 500, "no Body"),
        (envelope(OP, [("RequestId", "abc")]), {}, 500, "cannot be parsed as the type 'Int32'"),
        (envelope(OP, []), {"Content-Type": "application/soap+xml"}, 415, "content type"),
        (b"x" * 70_000, {}, 413, "exceeds the limit"),
    ],
)
def test_malformed_requests_get_clean_soap_faults(fake_projector, body, headers, status, needle):
    answer = post(fake_projector.url, body, action=OP, headers=headers)
    assert answer.status == status
    code, text = answer.fault()
    assert code.startswith(("s:", "a:"))
    assert needle in text
    assert b"Traceback" not in answer.body
    assert b".py" not in answer.body
    assert revoke(fake_projector.url).status_text == "Ok"  # and the next good request works


def test_get_and_other_methods(fake_projector):
    assert post(fake_projector.url, b"", method="GET").status == 200
    answer = post(fake_projector.url, b"", method="PUT")
    assert answer.status == 405
    assert answer.headers["allow"] == "GET, POST"
    assert post(fake_projector.base_url + "/nope", b"", method="GET").status == 404


def test_secret_never_in_journal(fake_projector):
    revoke(fake_projector.url)
    (entry,) = fake_projector.requests
    assert entry.fields["ClientSecret"] == "***"
    assert entry.fields["Token"] == SAMPLE_TOKEN
    assert (entry.operation, entry.status, entry.error_numbers) == (OP, "Ok", ())


def test_not_implemented_only_for_real_vendor_operations(fake_projector):
    from fakeprojector.contract import vendor_operations

    ops = vendor_operations()
    assert {"PwsAuthenticate", "PwsRevokeOauth2RefreshToken", "PwsAcquireOauth2Token"} <= ops
    assert len(ops) > 100
    answer = revoke(fake_projector.url, action=f'"{ACTION}PwsNoSuchOperation"')
    assert answer.status == 500
    assert answer.fault()[0] == "a:ActionNotSupported"


@pytest.mark.parametrize("value", ["1_000", "\u0661\u0662", "0x10", "1.0", "", "99999999999"])
def test_request_id_must_be_an_ascii_int32_like_wcf(fake_projector, value):
    answer = post(fake_projector.url, envelope(OP, [("RequestId", value)]), action=OP)
    assert answer.status == 500
    assert answer.fault()[0] == "a:DeserializationFailed"


@pytest.mark.parametrize(("value", "echo"), [(" 42 ", "42"), ("+7", "7"), ("-0", "0")])
def test_request_id_forms_wcf_accepts(fake_projector, value, echo):
    answer = post(fake_projector.url, envelope(OP, [("RequestId", value)]), action=OP)
    assert answer.field("ResponseId") == echo
