"""A loaded WSDL served and answered, on the project's own bundle (fixtures/wsdl/): its metadata
with the OAuth operations added, a generated client calling every operation, the WCF dispatch
and reading rules, and the session check on every operation that carries a ticket."""

from __future__ import annotations

import urllib.request

import pytest
from lxml import etree

from fakeprojector.wsdl import load_contract
from tests.operations.conftest import ON_FIXTURE_WSDL
from tests.operations.support import (
    INVALID_TICKET_TEXT,
    ZeepClient,
    envelope,
    schema_errors,
    session_operations,
)
from tests.support.paths import FIXTURE_WSDL
from tests.support.soapclient import ACTION, SAMPLE_TOKEN, post, revoke

pytestmark = ON_FIXTURE_WSDL
WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
OAUTH = {"PwsAcquireOauth2Token", "PwsRevokeOauth2RefreshToken"}
WIDGETS = "http://fakeprojector.example/DataContracts/Widgets/"


def get(url: str, headers: dict[str, str] | None = None) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
        assert r.status == 200
        return bytes(r.read())


# --- metadata -------------------------------------------------------------------------------
@pytest.mark.contract("wire.metadata")
def test_the_metadata_is_the_bundles_plus_the_two_oauth_operations(fake_projector, fixture_contract):
    wsdl = etree.fromstring(get(fake_projector.wsdl_url))
    ops = set(wsdl.xpath("/w:definitions/w:portType/w:operation/@name", namespaces={"w": WSDL}))
    assert ops == set(fixture_contract.operations) | OAUTH
    bound = wsdl.xpath("/w:definitions/w:binding/w:operation/@name", namespaces={"w": WSDL})
    assert set(bound) == ops
    imports = wsdl.xpath("//xs:import/@schemaLocation", namespaces={"xs": XS})
    assert imports
    assert all(loc.startswith(fake_projector.url + "?xsd=xsd") for loc in imports)
    assert not wsdl.xpath("//*[local-name()='Policy' or local-name()='PolicyReference']")
    for location in imports:  # every schema document is served, and WCF-shaped
        schema = etree.fromstring(get(location))
        assert schema.tag == f"{{{XS}}}schema"


@pytest.mark.contract("wire.metadata")
def test_single_wsdl_loads_offline_with_every_operation(fake_projector, tmp_path):
    """``?singleWsdl`` with the schemas inline is a whole contract: the fake's own loader
    reads it back with the bundle's operations and the OAuth ones, types included."""
    (tmp_path / "single.wsdl").write_bytes(get(fake_projector.url + "?singleWsdl"))
    contract = load_contract(tmp_path / "single.wsdl")
    assert set(contract.operations) == {*load_contract(fake_projector.wsdl).operations, *OAUTH}
    acquire = contract.operations["PwsAcquireOauth2Token"]
    members = [m.name for m in contract.complex_type(acquire.parameter.type).members]
    assert members[:3] == ["RequestId", "SessionTicket", "ClientIdentifier"]


@pytest.mark.contract("wire.metadata")
def test_addresses_follow_the_host_the_client_used(fake_projector):
    wsdl = get(fake_projector.wsdl_url, {"Host": "projector.test:8443"}).decode()
    assert 'location="http://projector.test:8443/OpsProjectorWcfSvc/PwsProjectorServices.svc"' in wsdl
    assert f"127.0.0.1:{fake_projector.port}" not in wsdl


# --- a generated client calls everything ----------------------------------------------------
@pytest.mark.choice("operations.generated")
def test_a_zeep_client_from_the_fakes_wsdl_calls_every_operation(fake_projector, fixture_contract):
    client = ZeepClient(fake_projector.wsdl_url)
    ticket = client.ticket()
    results = client.call_all(fixture_contract, ticket, fixture_contract.operations)
    assert results == {name: ("Ok", [], []) for name in fixture_contract.operations}
    assert fake_projector.access_token_state(ticket) == "revoked"  # PwsUnauthenticate, called last
    fake_projector.assert_called("PwsGetWidget", count=1, status="Ok", session_ticket=ticket)


@pytest.mark.parametrize("case", ["no ticket", "unknown", "revoked", "expired"])
@pytest.mark.choice("sessions.invalid")
def test_every_session_operation_refuses_a_bad_ticket_with_10004(fake_projector, fixture_contract, case):
    client = ZeepClient(fake_projector.wsdl_url)
    ticket: str | None = client.ticket()
    if case == "no ticket":
        ticket = None
    elif case == "unknown":
        ticket = "ARQC8d/V3CZk+kOWf7w3KQ=="
    elif case == "revoked":  # revoking the refresh token ends the tickets issued from it
        assert revoke(fake_projector.url, SAMPLE_TOKEN).status_text == "Ok"
    else:
        fake_projector.clock.advance(60 * 60)  # TimeoutMinutes idle
    checked = session_operations(fixture_contract)
    assert set(checked) == set(fixture_contract.operations) - {"PwsAuthenticate", "PwsPing"}
    results = client.call_all(fixture_contract, ticket, checked)
    assert results == {name: ("FailSessionInvalid", [10004], []) for name in checked}
    result, _ = client.call(fixture_contract, "PwsGetWidget", ticket)
    (message,) = result.Messages.PwsMessage
    assert (message.ErrorCode, message.ErrorText, message.Type) == (
        "InvalidSessionTicket",
        INVALID_TICKET_TEXT,
        "Error",
    )
    assert message.AdditionalErrorText == "Error 10004: InvalidSessionTicket"
    assert result.Widget is None or result.Widget.WidgetCode is None
    fake_projector.assert_called("PwsGetWidget", status="FailSessionInvalid")


@pytest.mark.choice("operations.generated")
def test_an_operation_without_a_ticket_member_needs_none(fake_projector, fixture_contract):
    """``PwsPing``'s request does not derive from ``PwsRequest``: no session to check."""
    client = ZeepClient(fake_projector.wsdl_url)
    result, answer = client.call(fixture_contract, "PwsPing", None)
    assert result.Status == "Ok"
    assert result.ServerUid == "00000000-0000-0000-0000-000000000000"
    assert schema_errors(fixture_contract.xml_schema(), answer) == []


# --- dispatch and reading -------------------------------------------------------------------
def _widget(fake_projector, members: str, action: str | None = "PwsGetWidget", **kw):
    return post(fake_projector.url, envelope("PwsGetWidget", members, **kw), action=action)


def _ticket(fake_projector) -> str:
    return fake_projector.add_access_token("24748faf-e239-d132-167a-6e4d3e1bd0fb").token


@pytest.mark.contract("wire.soapaction-missing")
def test_strict_dispatch_refuses_a_request_without_soap_action(fake_projector):
    answer = _widget(fake_projector, f"<r:SessionTicket>{_ticket(fake_projector)}</r:SessionTicket>", None)
    assert answer.status == 500
    assert answer.fault()[0] == "a:ActionNotSupported"


@pytest.mark.fake_projector(wsdl=str(FIXTURE_WSDL), lenient_soap_action=True)
@pytest.mark.choice("wire.soapaction-lenient")
def test_lenient_dispatch_finds_a_loaded_operation_by_its_body(fake_projector):
    ticket = _ticket(fake_projector)
    answer = _widget(
        fake_projector, f"<r:SessionTicket>{ticket}</r:SessionTicket><w:WidgetCode>W</w:WidgetCode>", None
    )
    assert answer.status == 200, answer.body
    assert answer.status_text == "Ok"


@pytest.mark.contract("wire.deserialization")
def test_a_body_that_is_not_the_actions_operation_is_deserialization_failed(fake_projector):
    answer = post(fake_projector.url, envelope("PwsPing", ""), action="PwsGetWidget")
    assert answer.status == 500
    code, text = answer.fault()
    assert code == "a:DeserializationFailed"
    assert "Expected to find node type 'Element' with name 'PwsGetWidget'" in text


@pytest.mark.contract("wire.reading")
@pytest.mark.choice("operations.loaded")
def test_skipped_elements_are_journaled_and_required_ones_still_required(fake_projector):
    ticket = _ticket(fake_projector)
    members = (
        f"<r:SessionTicket>{ticket}</r:SessionTicket><r:WidgetCode>wrong ns</r:WidgetCode>"
        "<w:WidgetCode>W-1</w:WidgetCode><w:Bogus>1</w:Bogus><w:IncludeParts>true</w:IncludeParts>"
        "<r:RequestId>7</r:RequestId>"
    )
    answer = _widget(fake_projector, members)
    assert answer.status == 200, answer.body
    assert answer.field("ResponseId") == "0"  # RequestId came out of order: skipped
    (entry,) = fake_projector.requests
    assert entry.fields == {"SessionTicket": ticket, "WidgetCode": "W-1", "IncludeParts": True}
    skipped = {(s.name, s.reason, s.expected_namespace) for s in entry.skipped}
    assert skipped == {
        ("WidgetCode", "wrong namespace", WIDGETS),
        ("Bogus", "unknown", None),
        ("RequestId", "out of order", "http://projectorpsa.com/DataContracts/Requests/"),
    }
    missing = _widget(fake_projector, f"<r:SessionTicket>{ticket}</r:SessionTicket>")
    assert missing.status == 500
    assert "Expecting element 'WidgetCode'" in missing.fault()[1]


@pytest.mark.contract("wire.response-id")
def test_response_id_echoes_request_id_and_any_parameter_name_is_read(fake_projector, fixture_contract):
    ticket = _ticket(fake_projector)
    members = (
        f"<r:RequestId>42</r:RequestId><r:SessionTicket>{ticket}</r:SessionTicket>"
        "<w:EffectiveDate>2024-01-31T09:00:00</w:EffectiveDate>"
        "<w:Widgets><w:PwsWidget><w:Name>Sprocket</w:Name><w:Price>9.50</w:Price></w:PwsWidget></w:Widgets>"
    )
    answer = post(
        fake_projector.url, envelope("PwsSaveWidgets", members, parameter="rq"), action="PwsSaveWidgets"
    )
    assert answer.status == 200, answer.body
    assert (answer.field("ResponseId"), answer.status_text) == ("42", "Ok")
    assert schema_errors(fixture_contract.xml_schema(), answer.body) == []
    (entry,) = fake_projector.requests
    assert entry.request_id == 42
    assert entry.fields["Widgets"][0]["Name"] == "Sprocket"
    assert str(entry.fields["Widgets"][0]["Price"]) == "9.50"


def test_a_bad_value_is_wcfs_deserialization_failed(fake_projector):
    members = (
        f"<r:SessionTicket>{_ticket(fake_projector)}</r:SessionTicket><w:EffectiveDate>soon</w:EffectiveDate>"
    )
    answer = post(
        fake_projector.url, envelope("PwsSaveWidgets", members, parameter="rq"), action="PwsSaveWidgets"
    )
    assert answer.status == 500
    assert (
        "The value 'soon' of element 'EffectiveDate' cannot be parsed as the type 'DateTime'"
        in answer.fault()[1]
    )


@pytest.mark.choice("wire.not-implemented")
def test_a_vendor_operation_the_bundle_lacks_still_names_the_fake(fake_projector):
    answer = post(fake_projector.url, envelope("PwsGetProject", ""), action="PwsGetProject")
    assert answer.status == 500
    assert "fakeprojector does not implement operation 'PwsGetProject'" in answer.fault()[1]


@pytest.mark.choice("operations.loaded")
def test_the_oauth_operations_keep_their_own_rules(fake_projector):
    answer = revoke(fake_projector.url, SessionTicket="ARQC8d/V3CZk+kOWf7w3KQ==")
    assert answer.status_text == "Fail"
    assert answer.messages()[0]["ErrorNumber"] == "50632"  # SessionTicket is Improper there
    assert post(fake_projector.url, envelope("PwsPing", ""), action=f"{ACTION}PwsPing").status == 200
