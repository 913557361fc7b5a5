"""The journal shows what the client actually sent (issue 15): the elements the WCF reader
skipped and why, the dispatch headers, the body with every secret and token hidden, and each
failed call's error code and reason; ``assert_called`` failures and the dashboard show them.
Raw SOAP over real HTTP to the plugin's fake and to the real ``fakeprojector serve``."""

from __future__ import annotations

import pytest

from tests.support.soapclient import (
    ACTION,
    ENV,
    REQ,
    SAMPLE_CLIENT,
    SAMPLE_SECRET,
    SAMPLE_TOKEN,
    SVC,
    acquire,
    post,
    revoke,
)
from tests.support.webclient import request

REVOKE = "PwsRevokeOauth2RefreshToken"
ACQUIRE = "PwsAcquireOauth2Token"
WRONG = "http://projectorpsa.com/DataContracts/Request/"  # a typo of the contract namespace


def _envelope(operation: str, inner: str, wrapper_extra: str = "") -> bytes:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{ENV}" xmlns:pws="{SVC}" xmlns:req="{REQ}" xmlns:bad="{WRONG}">'
        f"<soapenv:Body><pws:{operation}>{wrapper_extra}<pws:serviceRequest>{inner}</pws:serviceRequest>"
        f"</pws:{operation}></soapenv:Body></soapenv:Envelope>"
    ).encode()


def _skipped(entry) -> list[tuple[str, str, str | None, str | None, str]]:
    return [(s.path, s.name, s.namespace, s.expected_namespace, s.reason) for s in entry.skipped]


@pytest.mark.choice("journal.sent")
def test_fields_in_the_wrong_namespace_are_journaled_as_skipped(fake_projector):
    """The most common hand-written mistake: the answer stays WCF's, the journal says why."""
    inner = (
        f"<bad:ClientIdentifier>{SAMPLE_CLIENT}</bad:ClientIdentifier>"
        f"<bad:ClientSecret>{SAMPLE_SECRET}</bad:ClientSecret><Token>{SAMPLE_TOKEN}</Token>"
    )
    answer = post(fake_projector.url, _envelope(REVOKE, inner), action=REVOKE)
    assert answer.status_text == "Fail"
    assert "Null or missing parameters" in answer.messages()[0]["ErrorText"]
    [entry] = fake_projector.calls(REVOKE)
    assert entry.fields == {}
    assert _skipped(entry) == [
        ("serviceRequest", "ClientIdentifier", WRONG, REQ, "wrong namespace"),
        ("serviceRequest", "ClientSecret", WRONG, REQ, "wrong namespace"),
        ("serviceRequest", "Token", "", REQ, "wrong namespace"),
    ]
    assert (entry.error_code, entry.error_numbers) == ("OauthInvalidRequest", (50632,))
    assert entry.error_text is not None
    assert entry.error_text.startswith('Invalid OAuth2 Request in Context "PwsRevokeOauth2RefreshToken"')


@pytest.mark.choice("journal.sent")
def test_out_of_order_duplicate_and_unknown_elements(fake_projector):
    inner = (
        f"<req:ClientIdentifier>{SAMPLE_CLIENT}</req:ClientIdentifier>"
        f"<req:Token>{SAMPLE_TOKEN}</req:Token>"
        f"<req:ClientSecret>{SAMPLE_SECRET}</req:ClientSecret>"  # belongs before Token
        f"<req:Token>second</req:Token>"
        "<req:Colour>red</req:Colour>"
    )
    post(fake_projector.url, _envelope(REVOKE, inner, "<pws:extra/>"), action=REVOKE)
    [entry] = fake_projector.calls(REVOKE)
    assert entry.fields == {"ClientIdentifier": SAMPLE_CLIENT, "Token": SAMPLE_TOKEN}
    assert _skipped(entry) == [
        (REVOKE, "extra", SVC, None, "unknown"),
        ("serviceRequest", "ClientSecret", REQ, REQ, "out of order"),
        ("serviceRequest", "Token", REQ, REQ, "duplicate"),
        ("serviceRequest", "Colour", REQ, None, "unknown"),
    ]


@pytest.mark.choice("journal.sent")
def test_a_service_request_in_the_wrong_namespace_is_skipped_at_the_wrapper(fake_projector):
    body = (
        f'<soapenv:Envelope xmlns:soapenv="{ENV}" xmlns:pws="{SVC}" xmlns:req="{REQ}"><soapenv:Body>'
        f"<pws:{ACQUIRE}><req:serviceRequest><req:GrantType>code</req:GrantType></req:serviceRequest></pws:{ACQUIRE}>"
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()
    post(fake_projector.url, body, action=ACQUIRE)
    [entry] = fake_projector.calls(ACQUIRE)
    assert _skipped(entry) == [(ACQUIRE, "serviceRequest", REQ, SVC, "wrong namespace")]


@pytest.mark.choice("journal.sent")
def test_a_clean_call_skips_nothing(fake_projector):
    assert revoke(fake_projector.url).status_text == "Ok"
    assert fake_projector.calls(REVOKE)[0].skipped == ()


@pytest.mark.choice("journal.sent")
def test_assert_called_failures_print_the_skipped_elements(fake_projector):
    inner = f"<bad:Token>{SAMPLE_TOKEN}</bad:Token>"
    post(fake_projector.url, _envelope(REVOKE, inner), action=REVOKE)
    with pytest.raises(AssertionError) as failure:
        fake_projector.assert_called(REVOKE, token=SAMPLE_TOKEN)
    message = str(failure.value)
    assert "fields={}" in message
    assert (
        f"skipped serviceRequest: {{{WRONG}}}Token skipped (wrong namespace, expected {{{REQ}}})" in message
    )
    assert "OauthInvalidRequest" in message


@pytest.mark.choice("journal.sent")
def test_headers_and_a_body_with_every_secret_and_token_hidden(fake_projector):
    answer = acquire(
        fake_projector.url,
        GrantType="refresh_token",
        RefreshToken=SAMPLE_TOKEN,
        SessionTicket="Ticket+Value/123==",
        headers={"User-Agent": "my-java-client/1.0"},
    )
    assert answer.status_text == "Fail"  # a SessionTicket is improper here: the body shows why
    [entry] = fake_projector.calls(ACQUIRE)
    assert entry.headers == {
        "SOAPAction": f'"{ACTION}{ACQUIRE}"',
        "Content-Type": "text/xml; charset=utf-8",
        "User-Agent": "my-java-client/1.0",
    }
    body = entry.body
    assert body is not None
    assert body.startswith("<soapenv:Envelope")
    for hidden in (SAMPLE_SECRET, SAMPLE_TOKEN, "Ticket+Value/123=="):
        assert hidden not in body
    assert "<req:ClientSecret>***</req:ClientSecret>" in body
    assert "<req:RefreshToken>***</req:RefreshToken>" in body
    assert "<req:SessionTicket>***</req:SessionTicket>" in body
    assert "<req:GrantType>refresh_token</req:GrantType>" in body  # not a secret: kept
    assert f"<req:ClientIdentifier>{SAMPLE_CLIENT}</req:ClientIdentifier>" in body
    assert entry.fields["RefreshToken"] == SAMPLE_TOKEN  # fields keep tokens whole for assertions


@pytest.mark.choice("journal.sent")
def test_a_secret_in_a_truncated_or_misspelt_element_is_hidden_too(fake_projector):
    broken = f'<soapenv:Envelope xmlns:soapenv="{ENV}"><soapenv:Body><ClientSecret>{SAMPLE_SECRET}'.encode()
    post(fake_projector.url, broken, action=REVOKE)
    misspelt = _envelope(
        REVOKE, f"<req:clientSecret>{SAMPLE_SECRET}</req:clientSecret><req:Password>pw-1</req:Password>"
    )
    post(fake_projector.url, misspelt, action=REVOKE)
    bodies = [e.body or "" for e in fake_projector.requests]
    assert len(bodies) == 2
    assert all(SAMPLE_SECRET not in b and "pw-1" not in b for b in bodies)
    assert bodies[0].endswith("<ClientSecret>***")


@pytest.mark.choice("journal.sent")
def test_a_known_secret_in_the_wrong_field_or_a_garbled_element_is_hidden(fake_projector):
    """Client id and secret swapped, and an opening tag a client mangled: the secret still never shows."""
    swapped = _envelope(REVOKE, f"<req:ClientIdentifier>{SAMPLE_SECRET}</req:ClientIdentifier>")
    post(fake_projector.url, swapped, action=REVOKE)
    garbled = _envelope(REVOKE, f"<req:Client Secret>{SAMPLE_SECRET}</req:ClientSecret>")
    post(fake_projector.url, garbled, action=REVOKE)
    first, second = (e.body or "" for e in fake_projector.requests)
    assert fake_projector.requests[0].fields == {"ClientIdentifier": "***"}
    assert "<req:ClientIdentifier>***</req:ClientIdentifier>" in first
    assert "<req:Client Secret>***</req:ClientSecret>" in second
    assert SAMPLE_SECRET not in first + second


@pytest.mark.choice("journal.sent")
def test_a_refused_call_journals_why(fake_projector):
    post(fake_projector.url, b"<not-xml", action=REVOKE)
    post(fake_projector.url, b"<x/>", action=REVOKE, headers={"Content-Type": "application/json"})
    malformed, wrong_type = fake_projector.requests
    assert malformed.status == "fault"
    assert (malformed.error_code, malformed.body) == ("Client", "<not-xml")
    assert malformed.error_text is not None
    assert "not well-formed XML" in malformed.error_text
    assert wrong_type.http_status == 415
    assert wrong_type.error_text is not None
    assert "content type 'application/json' was not the expected type" in wrong_type.error_text
    assert wrong_type.headers["Content-Type"] == "application/json"
    assert wrong_type.body is None  # never read


@pytest.mark.choice("journal.sent")
def test_an_unknown_action_journals_the_wcf_fault(fake_projector):
    post(fake_projector.url, _envelope(REVOKE, ""), action="urn:nope")
    [entry] = fake_projector.requests
    assert entry.error_code == "ActionNotSupported"
    assert entry.error_text is not None
    assert "urn:nope" in entry.error_text
    assert entry.headers["SOAPAction"] == "urn:nope"


@pytest.mark.choice("journal.sent")
def test_the_admin_api_journal_carries_it_all(cli_server):
    inner = f"<bad:ClientSecret>{SAMPLE_SECRET}</bad:ClientSecret>"
    post(cli_server.url, _envelope(REVOKE, inner), action=REVOKE, headers={"User-Agent": "curl/8"})
    [entry] = cli_server.admin("GET", "/requests")[1]
    assert entry["skipped"] == [
        {
            "path": "serviceRequest",
            "name": "ClientSecret",
            "namespace": WRONG,
            "expected_namespace": REQ,
            "reason": "wrong namespace",
        }
    ]
    assert entry["headers"]["User-Agent"] == "curl/8"
    assert entry["error_code"] == "OauthInvalidRequest"
    assert entry["error_numbers"] == [50632]
    assert "<bad:ClientSecret>***</bad:ClientSecret>" in entry["body"]
    assert SAMPLE_SECRET not in str(entry)


@pytest.mark.choice("journal.sent")
def test_the_dashboard_shows_skipped_elements_error_and_what_was_sent(cli_server):
    inner = f"<bad:ClientIdentifier>{SAMPLE_CLIENT}</bad:ClientIdentifier><req:ClientSecret>{SAMPLE_SECRET}</req:ClientSecret>"
    post(cli_server.url, _envelope(REVOKE, inner), action=REVOKE)
    html = request("GET", cli_server.admin_url + "/dashboard?refresh=0").text
    assert (
        f'<li class="skipped">serviceRequest: {{{WRONG}}}ClientIdentifier skipped (wrong namespace, expected {{{REQ}}})</li>'
        in html
    )
    assert '<b class="error-code">50632 OauthInvalidRequest</b>' in html
    assert "Null or missing parameters" in html
    assert "<summary>headers and body</summary>" in html
    assert "&lt;req:ClientSecret&gt;***&lt;/req:ClientSecret&gt;" in html
    assert SAMPLE_SECRET not in html
