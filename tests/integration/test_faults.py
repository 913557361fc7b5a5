"""Fault injection on the standalone server: inject over the admin API, call over SOAP, clear."""

from __future__ import annotations

import http.client
import time

import pytest
from lxml import etree

from tests.support.cliserver import CliServer
from tests.support.soapclient import ACTION, COM, ENV, SAMPLE_TOKEN, SHR, XSI, acquire, envelope, post, revoke

REVOKE = "PwsRevokeOauth2RefreshToken"
ACQUIRE = "PwsAcquireOauth2Token"


def inject(server: CliServer, **spec: object) -> dict:
    status, fault, _ = server.admin("POST", "/faults", spec)
    assert status == 201, fault
    assert isinstance(fault["id"], int)
    return fault


def journal(server: CliServer) -> list[dict]:
    return server.admin("GET", "/requests")[1]


def token_state(server: CliServer, token: str = SAMPLE_TOKEN) -> str:
    return server.admin("GET", "/refresh-tokens/" + token)[1]["state"]


def test_delay_then_the_call_proceeds(cli_server):
    inject(cli_server, kind="delay", delay_ms=150, times=1)
    started = time.monotonic()
    answer = revoke(cli_server.url)
    assert time.monotonic() - started >= 0.15
    assert answer.status_text == "Ok"
    assert token_state(cli_server) == "revoked"
    [entry] = journal(cli_server)
    assert (entry["operation"], entry["status"], entry["fault"]) == (REVOKE, "Ok", "delay")
    assert entry["duration_ms"] >= 150


def test_random_delay_is_at_least_the_minimum(cli_server):
    fault = inject(cli_server, kind="delay", delay_ms=50, delay_max_ms=120, times=1)
    assert (fault["delay_ms"], fault["delay_max_ms"]) == (50, 120)
    started = time.monotonic()
    assert revoke(cli_server.url).status == 200
    assert time.monotonic() - started >= 0.05


#: status -> (reason phrase, Content-Type, Server, well-formed XML?, what zeep raises)
FRONT_END = {
    503: (
        "Service Unavailable",
        "text/html; charset=us-ascii",
        "Microsoft-HTTPAPI/2.0",
        False,
        "TransportError",
    ),
    502: ("Bad Gateway", "text/html", "Microsoft-IIS/10.0", True, "Fault"),
    504: ("Gateway Timeout", "text/html", "Microsoft-IIS/10.0", True, "Fault"),
}


@pytest.mark.parametrize("status", sorted(FRONT_END))
def test_http_status_answers_like_iis_and_http_sys(cli_server, status):
    """The issue: the 503 page was well-formed XHTML, so zeep raised ``Fault`` where the
    real front end's page makes it raise ``TransportError``."""
    reason, content_type, server_header, well_formed, _ = FRONT_END[status]
    inject(cli_server, kind="http_status", status=status, times=1)
    conn = http.client.HTTPConnection(cli_server.url.split("/")[2], timeout=10)
    conn.request(
        "POST",
        "/" + cli_server.url.split("/", 3)[3],
        envelope(REVOKE, []),
        {"Content-Type": "text/xml", "SOAPAction": ACTION + REVOKE},
    )
    raw = conn.getresponse()
    body = raw.read()
    conn.close()
    assert (raw.status, raw.reason) == (status, reason)
    assert raw.headers["Content-Type"] == content_type
    assert raw.headers.get_all("Server") == [server_header]
    assert (
        f"HTTP Error {status}.".encode() in body
        if server_header.startswith("Microsoft-HTTPAPI")
        else f"<h2>{status} - ".encode() in body
    )
    try:
        etree.fromstring(body, etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False))
        parsed = True
    except etree.XMLSyntaxError:
        parsed = False
    assert parsed == well_formed
    assert token_state(cli_server) == "active"  # nothing happened
    assert revoke(cli_server.url).status == 200  # times=1: back to normal
    first, second = journal(cli_server)
    assert (first["operation"], first["status"], first["http_status"], first["fault"]) == (
        REVOKE,
        "http_status",
        status,
        "http_status",
    )
    assert second["status"] == "Ok"


def test_http_status_with_an_empty_body(cli_server):
    inject(cli_server, kind="http_status", status=500, body="empty")
    answer = revoke(cli_server.url)
    assert (answer.status, answer.body) == (500, b"")


def test_http_status_with_a_body_of_your_own(cli_server):
    fault = inject(
        cli_server, kind="http_status", status=429, body='{"busy": true}', content_type="application/json"
    )
    assert (fault["body"], fault["content_type"]) == ('{"busy": true}', "application/json")
    answer = revoke(cli_server.url)
    assert (answer.status, answer.body) == (429, b'{"busy": true}')
    assert answer.headers["content-type"] == "application/json"


@pytest.mark.parametrize("status", sorted(FRONT_END))
def test_what_zeep_raises_for_each_front_end_page(fake_projector, status):
    """The docs' table of what a zeep client sees (docs/standalone-server.md): checked, not guessed."""
    import zeep
    import zeep.exceptions

    client = zeep.Client(fake_projector.wsdl_url)
    fake_projector.add_fault("http_status", status=status)
    with pytest.raises(getattr(zeep.exceptions, FRONT_END[status][4])):
        client.service.PwsRevokeOauth2RefreshToken(serviceRequest={"Token": SAMPLE_TOKEN})


def test_soap_fault_defaults_to_the_rate_limit(cli_server):
    inject(cli_server, kind="soap_fault", operation=REVOKE, times=1)
    answer = revoke(cli_server.url, RequestId=77)
    assert answer.status == 500
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"
    code, text = answer.fault()
    assert (code, text) == ("s:Client", "Request exceeded rate limit.")
    detail = answer.xml.find(f"{{{ENV}}}Body/{{{ENV}}}Fault/detail/{{{SHR}}}PwsFault")
    assert detail is not None, answer.body
    message = detail.find(f"{{{SHR}}}Messages/{{{SHR}}}PwsMessage")
    assert {el.tag.split("}")[1]: el.text for el in message if el.get(f"{{{XSI}}}nil") != "true"} == {
        "AdditionalErrorText": "Error 10016: RequestExceededRateLimit",
        "ErrorCode": "RequestExceededRateLimit",
        "ErrorNumber": "10016",
        "ErrorText": "Request exceeded rate limit.",
        "Type": "Error",
    }
    assert detail.findtext(f"{{{SHR}}}ResponseId") == "77"
    assert detail.findtext(f"{{{SHR}}}ServiceName") == REVOKE
    assert token_state(cli_server) == "active"
    [entry] = journal(cli_server)
    assert (entry["status"], entry["error_numbers"], entry["request_id"], entry["http_status"]) == (
        "soap_fault",
        [10016],
        77,
        500,
    )


def test_soap_fault_with_its_own_number_code_and_text(cli_server):
    inject(
        cli_server, kind="soap_fault", error_number=10099, error_code="ServiceBusy", error_text="Try later."
    )
    _, text = revoke(cli_server.url).fault()
    assert text == "Try later."
    body = revoke(cli_server.url).body
    assert b"<ErrorNumber>10099</ErrorNumber>" in body
    assert b"<AdditionalErrorText>Error 10099: ServiceBusy</AdditionalErrorText>" in body


def test_drop_closes_the_connection_and_the_server_carries_on(cli_server):
    inject(cli_server, kind="drop", times=1)
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        revoke(cli_server.url)
    assert token_state(cli_server) == "active"
    assert revoke(cli_server.url).status_text == "Ok"
    dropped, served = journal(cli_server)
    assert (dropped["operation"], dropped["status"], dropped["http_status"]) == (REVOKE, "drop", 0)
    assert served["status"] == "Ok"


def test_redirect_answers_ok_with_redirect_url_and_changes_nothing(cli_server):
    inject(cli_server, kind="redirect", redirect_url="https://secure2.projectorpsa.com", times=1)
    answer = revoke(cli_server.url, RequestId=5)
    assert answer.status == 200
    assert answer.status_text == "Ok"
    assert answer.field("RedirectUrl") == "https://secure2.projectorpsa.com"
    assert answer.field("ResponseId") == "5"
    assert answer.messages() == []
    assert token_state(cli_server) == "active"
    assert revoke(cli_server.url).field("RedirectUrl") is None


def test_redirect_of_acquire_has_the_failure_shaped_fields(cli_server):
    inject(cli_server, kind="redirect", operation=ACQUIRE)
    answer = acquire(cli_server.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN)
    assert (answer.status_text, answer.field("RedirectUrl")) == ("Ok", "https://secure2.projectorpsa.com")
    assert answer.field("AccessToken") is None
    assert answer.field("ExpiresInSeconds") == "0"


def test_operation_filter_and_body_dispatch_without_soapaction(cli_server):
    inject(cli_server, kind="http_status", status=503, operation=ACQUIRE)
    assert revoke(cli_server.url).status == 200
    assert acquire(cli_server.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN).status == 503
    body = envelope(
        ACQUIRE, [("ClientIdentifier", "x"), ("ClientSecret", "y"), ("GrantType", "refresh_token")]
    )
    assert post(cli_server.url, body).status == 500  # no SOAPAction: WCF's ActionNotSupported, no fault
    cli_server.admin("POST", "/settings", {"lenient_soap_action": True})
    assert post(cli_server.url, body).status == 503  # lenient: the body element names the operation
    assert [e["operation"] for e in journal(cli_server)] == [REVOKE, ACQUIRE, None, ACQUIRE]


def test_times_counts_down_then_the_fault_is_gone(cli_server):
    fault = inject(cli_server, kind="http_status", status=503, times=2)
    assert fault["times"] == 2
    assert revoke(cli_server.url).status == 503
    _, listed, _ = cli_server.admin("GET", "/faults")
    assert [(f["id"], f["times"], f["applied"]) for f in listed] == [(fault["id"], 1, 1)]
    assert revoke(cli_server.url).status == 503
    assert cli_server.admin("GET", "/faults")[1] == []
    assert revoke(cli_server.url).status == 200


def test_without_times_until_cleared(cli_server):
    inject(cli_server, kind="http_status", status=503)
    assert [revoke(cli_server.url).status for _ in range(3)] == [503, 503, 503]
    status, body, _ = cli_server.admin("DELETE", "/faults")
    assert (status, body) == (200, {"cleared": 1})
    assert revoke(cli_server.url).status == 200


def test_the_most_recent_matching_fault_applies(cli_server):
    inject(cli_server, kind="http_status", status=503)
    inject(cli_server, kind="soap_fault", operation=REVOKE, times=1)
    assert [revoke(cli_server.url).status for _ in range(2)] == [500, 503]
    assert [e["status"] for e in journal(cli_server)] == ["soap_fault", "http_status"]


def test_one_fault_by_id(cli_server):
    fault = inject(cli_server, kind="drop")
    assert cli_server.admin("GET", f"/faults/{fault['id']}")[1] == fault
    assert cli_server.admin("DELETE", f"/faults/{fault['id']}")[0] == 200
    status, body, _ = cli_server.admin("GET", f"/faults/{fault['id']}")
    assert (status, body) == (404, {"message": f"no active fault {fault['id']}"})
    assert cli_server.admin("DELETE", f"/faults/{fault['id']}")[0] == 404


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "missing field(s): kind"),
        ({"kind": "explode"}, "kind must be one of delay, http_status, soap_fault, drop, redirect"),
        ({"kind": "delay"}, "kind 'delay' needs delay_ms"),
        ({"kind": "delay", "delay_ms": -1}, "delay_ms must be between 0 and 300000"),
        (
            {"kind": "delay", "delay_ms": 100, "delay_max_ms": 50},
            "delay_max_ms must be between 100 and 300000",
        ),
        ({"kind": "delay", "delay_ms": 10, "status": 503}, "status: not a parameter of kind 'delay'"),
        ({"kind": "http_status", "status": 99}, "status must be between 200 and 599"),
        ({"kind": "http_status", "body": 5}, "body must be 'html', 'empty' or the text to answer"),
        ({"kind": "http_status", "content_type": ""}, "content_type must be a non-empty string"),
        ({"kind": "drop", "operation": "PwsGetUser"}, "operation must be one of"),
        ({"kind": "drop", "times": 0}, "times must be at least 1"),
        ({"kind": "drop", "times": "2"}, "times must be an integer"),
        ({"kind": "soap_fault", "error_number": 50632}, "error_number 50632 needs an error_text"),
        ({"kind": "soap_fault", "error_number": 1}, "error_number 1 is not in the catalogue"),
    ],
)
def test_invalid_faults_are_400_json(cli_server, spec, message):
    status, body, _ = cli_server.admin("POST", "/faults", spec)
    assert status == 400
    assert message in body["message"]
    assert cli_server.admin("GET", "/faults")[1] == []


def test_faulted_entries_redact_the_secret(cli_server):
    inject(cli_server, kind="http_status", status=503, times=1)
    revoke(cli_server.url)
    [entry] = journal(cli_server)
    assert entry["fields"]["ClientSecret"] == "***"
    assert entry["fields"]["Token"] == SAMPLE_TOKEN


def test_log_line_names_the_fault(cli_server):
    inject(cli_server, kind="http_status", status=503, times=1)
    revoke(cli_server.url, RequestId=4242)
    lines = [
        line for line in cli_server.stderr.splitlines() if REVOKE in line and "fault=http_status" in line
    ]
    assert lines
    assert "http=503" in lines[-1]


# --- the same operations in Python --------------------------------------------------
def test_python_api_adds_lists_and_clears_faults(fake_projector):
    fault = fake_projector.add_fault("soap_fault", operation=REVOKE, times=1)
    assert [f.id for f in fake_projector.faults] == [fault.id]
    answer = revoke(fake_projector.url)
    assert answer.status == 500
    assert answer.xml.find(f".//{{{COM}}}Messages") is None  # a Fault, not a result
    assert len(fake_projector.faults) == 0
    fake_projector.add_fault("http_status", status=503)
    fake_projector.add_fault("drop")
    assert fake_projector.clear_faults() == 2
    assert revoke(fake_projector.url).status_text == "Ok"
    fake_projector.add_fault("drop")
    fake_projector.reset()
    assert list(fake_projector.faults) == []
    with pytest.raises(ValueError, match="kind must be one of"):
        fake_projector.add_fault("explode")
