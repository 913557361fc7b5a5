"""Issue 16's "done when", against the vendor's May 2019 snapshot (read in place from ../shared,
skipped when absent): ``fakeprojector serve --wsdl .../PwsProjectorServices.wsdl``, a zeep
client generated from the fake's ``?wsdl``, a session ticket from the refresh grant, and every
one of the 147 operations answering ``Ok`` and valid against the vendor's own XSDs; the same
calls without a ticket, with a revoked one and with an expired one answering
``FailSessionInvalid`` 10004; stubs over the admin API; ``PwsAuthenticate``."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from fakeprojector import FakeProjector
from fakeprojector.fixtures import DEFAULT_FIXTURES
from fakeprojector.wsdl import ComplexType, Contract, SimpleType
from tests.operations.conftest import VENDOR_WSDL
from tests.operations.support import SAMPLE_USER, ZeepClient, schema_errors, session_operations
from tests.support.cliserver import CliServer
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_TOKEN, revoke

pytestmark = pytest.mark.slow
BASE_MEMBERS = {"Messages", "ResponseId", "Status", "ServerTimestampUtc"}


#: A session ticket a fixtures file gives the sample client, beside the default fixtures.
FIXTURE_TICKET = "Rml4dHVyZVRpY2tldDAwMQ=="


@pytest.fixture(scope="module")
def vendor_cli(vendor_contract: Contract, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliServer]:
    """``fakeprojector serve --wsdl`` on the snapshot, as a .NET or Java team would run it, with
    the default fixtures and one more file holding a session ticket."""
    extra = tmp_path_factory.mktemp("fixtures") / "tickets.json"
    extra.write_text(json.dumps({"access_tokens": [{"token": FIXTURE_TICKET, "client_id": SAMPLE_CLIENT}]}))
    server = CliServer(
        "--wsdl", str(VENDOR_WSDL), "--fixtures", str(DEFAULT_FIXTURES), "--fixtures", str(extra)
    )
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="module")
def vendor_client(vendor_cli: CliServer) -> ZeepClient:
    return ZeepClient(vendor_cli.url + "?wsdl")


@pytest.fixture
def server(vendor_cli: CliServer) -> CliServer:
    status, body, _ = vendor_cli.admin("POST", "/reset")
    assert status == 200, body
    return vendor_cli


def test_the_snapshot_has_147_operations_and_the_fake_serves_149(vendor_contract, vendor_client):
    assert len(vendor_contract.operations) == 147
    served = {
        op.name
        for op in vendor_client.client.wsdl.bindings[
            next(iter(vendor_client.client.wsdl.bindings))
        ]._operations.values()
    }
    assert served == {*vendor_contract.operations, "PwsAcquireOauth2Token", "PwsRevokeOauth2RefreshToken"}


def test_every_operation_answers_ok_and_valid_with_a_refresh_grant_ticket(
    server, vendor_contract, vendor_client
):
    ticket = vendor_client.ticket()
    results = vendor_client.call_all(vendor_contract, ticket, vendor_contract.operations)
    assert len(results) == 147
    assert {name: r for name, r in results.items() if r != ("Ok", [], [])} == {}


@pytest.mark.parametrize("source", ["fixtures", "admin API"])
def test_tickets_from_fixtures_and_the_admin_api_open_every_operation(
    server, vendor_contract, vendor_client, source
):
    ticket = FIXTURE_TICKET
    if source == "admin API":
        ticket = "QWRtaW5UaWNrZXQwMDAx"
        status, body, _ = server.admin(
            "POST", "/access-tokens", {"client_id": SAMPLE_CLIENT, "token": ticket}
        )
        assert status == 201, body
    results = vendor_client.call_all(vendor_contract, ticket, vendor_contract.operations)
    assert {name: r for name, r in results.items() if r != ("Ok", [], [])} == {}


@pytest.mark.parametrize("case", ["no ticket", "revoked", "expired"])
def test_without_a_ticket_or_with_a_revoked_or_expired_one_every_session_operation_answers_10004(
    server, vendor_contract, vendor_client, case
):
    ticket: str | None = vendor_client.ticket()
    if case == "no ticket":
        ticket = None
    elif case == "revoked":
        assert revoke(server.url, SAMPLE_TOKEN).status_text == "Ok"  # ends its tickets too
    else:  # TimeoutMinutes (60) without a call, by the admin API's clock
        assert server.admin("POST", "/clock", {"advance_seconds": 60 * 60})[0] == 200
    checked = session_operations(vendor_contract)
    assert len(checked) == 146  # all but PwsAuthenticate
    results = vendor_client.call_all(vendor_contract, ticket, checked)
    assert {n: r for n, r in results.items() if r != ("FailSessionInvalid", [10004], [])} == {}
    if ticket is not None:
        status, listed, _ = server.admin("GET", "/access-tokens/" + urllib.parse.quote(ticket, safe=""))
        assert (status, listed["state"]) == (200, "expired" if case == "expired" else "revoked")


def test_a_stub_added_over_the_admin_api_comes_back_in_the_answer(server, vendor_contract, vendor_client):
    respond = {"Projects": [{"ProjectDetail": {"Description": "Apollo", "MinutesPerDay": 480}}]}
    status, stub, _ = server.admin("POST", "/stubs", {"operation": "PwsGetProject", "respond": respond})
    assert status == 201, stub
    result, envelope = vendor_client.call(vendor_contract, "PwsGetProject", vendor_client.ticket())
    assert result.Status == "Ok"
    (element,) = result.Projects.PwsProjectElement
    assert (element.ProjectDetail.Description, element.ProjectDetail.MinutesPerDay) == ("Apollo", 480)
    assert schema_errors(vendor_contract.xml_schema(), envelope) == []
    (entry,) = server.admin("GET", "/requests?operation=PwsGetProject")[1]
    assert entry["extra"] == {"stub": stub["id"]}


def test_a_stub_with_an_unknown_member_is_refused_with_a_400_naming_it(server):
    respond = {"Projects": [{"ProjectDetail": {"Descriptoin": "Apollo"}}]}
    status, body, _ = server.admin("POST", "/stubs", {"operation": "PwsGetProject", "respond": respond})
    assert status == 400
    assert body["message"].startswith(
        "PwsGetProject: respond.Projects[0].ProjectDetail.Descriptoin: unknown member of PwsProjectDetail; "
        "did you mean 'Description'?"
    )
    assert server.admin("GET", "/stubs")[1] == []


def test_pws_authenticate_with_the_default_fixtures_user_returns_a_working_ticket(
    server, vendor_contract, vendor_client
):
    answer = vendor_client.service.PwsAuthenticate(serviceRequest=SAMPLE_USER)
    assert answer.Status == "Ok"
    assert answer.AccountIdentity.AccountCode == "SAMPLE"
    result, envelope = vendor_client.call(vendor_contract, "PwsGetProjectList", answer.SessionTicket)
    assert result.Status == "Ok"
    assert schema_errors(vendor_contract.xml_schema(), envelope) == []


# --- in process: stubs on a dozen operations --------------------------------
@pytest.fixture(scope="module")
def vendor_fake(vendor_contract: Contract) -> Iterator[FakeProjector]:
    with FakeProjector(wsdl=VENDOR_WSDL) as fake:
        yield fake


@pytest.fixture(scope="module")
def vendor_fake_client(vendor_fake: FakeProjector) -> ZeepClient:
    return ZeepClient(vendor_fake.wsdl_url)


@pytest.fixture
def fake(vendor_fake: FakeProjector) -> Iterator[FakeProjector]:
    vendor_fake.reset()
    yield vendor_fake
    vendor_fake.check()


#: Operations whose results nest arrays of structures several levels deep.
STUBBED = (
    "PwsGetProject",
    "PwsGetProjectList",
    "PwsGetResource",
    "PwsGetResourceList",
    "PwsGetUser",
    "PwsGetUserList",
    "PwsGetClient",
    "PwsGetEngagement",
    "PwsGetTimeCards",
    "PwsGetResourceSchedule",
    "PwsGetCurrencies",
    "PwsSearchProjects",
    "PwsGetExpenseDocument",
)
_SIMPLE: dict[str, Any] = {
    "string": "text",
    "boolean": True,
    "dateTime": dt.datetime(2024, 1, 31, 9, 30, tzinfo=dt.timezone.utc),
    "decimal": "12.50",
    "double": 0.25,
    "float": 0.5,
    "guid": "0F8FAD5B-D9CB-469F-A165-70867728950E",
    "base64Binary": b"\x00\x01",
    "duration": "PT8H",
    "char": "A",
}


def rich(contract: Contract, type_name: tuple[str, str], depth: int) -> Any:
    """A value with every member given down to ``depth``, two items per array."""
    typ = contract.types[type_name]
    if isinstance(typ, SimpleType):
        return typ.enumeration[-1] if typ.enumeration else _SIMPLE.get(typ.kind, 7)
    assert isinstance(typ, ComplexType)
    if typ.array_item is not None:
        return [] if depth <= 0 else [rich(contract, typ.array_item.type, depth - 1) for _ in range(2)]
    out = {}
    for member in typ.members:
        inner = contract.types[member.type]
        if member.name in BASE_MEMBERS:
            continue
        if isinstance(inner, ComplexType) and depth <= 0:
            if member.nillable:
                out[member.name] = None
            continue
        out[member.name] = rich(contract, member.type, depth - 1)
    return out


def test_stubs_on_a_dozen_operations_with_nested_and_array_members_validate(
    fake, vendor_contract, vendor_fake_client
):
    ticket = vendor_fake_client.ticket()
    schema = vendor_contract.xml_schema()
    for name in STUBBED:
        op = vendor_contract.operations[name]
        _, generated = vendor_fake_client.call(vendor_contract, name, ticket)
        stub_id = fake.stub(name, respond=rich(vendor_contract, op.result.type, 4))
        result, envelope = vendor_fake_client.call(vendor_contract, name, ticket)
        assert result.Status == "Ok", name
        assert schema_errors(schema, envelope) == [], name
        # the stub's members came back, far more than the generated answer's
        assert len(envelope.xpath("//*")) > 2 * len(generated.xpath("//*")), name
        assert fake.requests[-1].extra == {"stub": stub_id}
