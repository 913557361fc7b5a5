"""Minimal answers: every member present as WCF writes it, defaults by type, recursion stops."""

from __future__ import annotations

import pytest
from lxml import etree

from fakeprojector import errors
from fakeprojector.wsdl import pws_message, render_answer
from tests.wsdl.conftest import TIMESTAMP, response_element, schema_errors

W = "http://fakeprojector.example/DataContracts/Widgets/"
CS = "http://projectorpsa.com/CommonServices/"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def _result(contract, op_name, values=None, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("request_id", 5)
    kwargs.setdefault("timestamp", TIMESTAMP)
    data = render_answer(contract, contract.operation(op_name), values, **kwargs)
    assert schema_errors(contract, data) == []
    return response_element(data)[0], data


@pytest.mark.parametrize(
    "op", ["PwsAuthenticate", "PwsUnauthenticate", "PwsGetWidget", "PwsSaveWidgets", "PwsPing"]
)
def test_every_fixture_operation_answers_schema_valid(fixture_contract, op):
    result, _ = _result(fixture_contract, op)
    assert result.findtext(f"{{{CS}}}Status") == "Ok"
    assert result.findtext(f"{{{CS}}}ResponseId") == "5"
    assert result.findtext(f"{{{CS}}}ServerTimestampUtc") == TIMESTAMP
    assert len(result.find(f"{{{CS}}}Messages")) == 0


def test_response_id_is_zero_without_a_request_id(fixture_contract):
    result, _ = _result(fixture_contract, "PwsPing", request_id=None)
    assert result.findtext(f"{{{CS}}}ResponseId") == "0"


def test_every_member_is_written_with_its_type_default(fixture_contract):
    result, _data = _result(fixture_contract, "PwsSaveWidgets")
    assert [c.tag.rpartition("}")[2] for c in result] == [
        "Messages",
        "ResponseId",
        "Status",
        "ServerTimestampUtc",
        "SavedCount",
        "SavedUids",
    ]
    assert result.findtext(f"{{{W}}}SavedCount") == "0"
    saved = result.find(f"{{{W}}}SavedUids")
    assert saved is not None
    assert len(saved) == 0
    assert saved.get(XSI_NIL) is None


def test_nested_minimal_values(fixture_contract):
    """A nillable member is nil; a struct (non-nillable complex) is expanded; recursion stops."""
    _, data = _result(fixture_contract, "PwsGetWidget", {"Widget": {}})
    text = data.decode()
    for fragment in (
        '<a:WidgetCode i:nil="true"/>',
        "<a:Color>Red</a:Color>",  # first enumeration value
        "<a:Price>0</a:Price>",
        "<a:ActiveFlag>false</a:ActiveFlag>",
        "<a:CreatedUtc>0001-01-01T00:00:00</a:CreatedUtc>",
        "<a:ExternalId>00000000-0000-0000-0000-000000000000</a:ExternalId>",
        "<a:Dimensions><a:Height>0</a:Height><a:Width>0</a:Width><a:Depth>0</a:Depth></a:Dimensions>",
        "<a:Parts/>",
        '<a:Owner i:nil="true"/>',
        "<a:LeadTime>PT0S</a:LeadTime>",
        "<a:Initial>0</a:Initial>",
        '<a:Notes i:nil="true"/>',
    ):
        assert fragment in text
    _, minimal = _result(fixture_contract, "PwsGetWidget")
    assert b'<a:Widget i:nil="true"/>' in minimal


def test_recursive_array_items_terminate(fixture_contract):
    _, data = _result(
        fixture_contract,
        "PwsGetWidget",
        {"Widget": {"Parts": [{"SubParts": [{"Parent": {"PartNumber": 2}}]}]}},
    )
    assert data.count(b"<a:PartNumber>") == 3
    assert b'<a:SubParts/><a:Parent i:nil="true"/>' in data


def test_session_failure_answer(fixture_contract):
    entry = errors.CatalogueEntry(10004, "InvalidSessionTicket", "The specified session ticket is invalid.")
    result, data = _result(
        fixture_contract,
        "PwsGetWidget",
        status="FailSessionInvalid",
        messages=[pws_message(entry)],
    )
    assert result.findtext(f"{{{CS}}}Status") == "FailSessionInvalid"
    messages = result.find(f"{{{CS}}}Messages")
    assert messages is not None
    assert len(messages) == 1
    assert [etree.QName(c).localname for c in messages[0]] == [
        "AdditionalErrorText",
        "ErrorCode",
        "ErrorNumber",
        "ErrorText",
        "Type",
        "ReferenceId1",
        "ReferenceId2",
    ]
    assert b"<b:AdditionalErrorText>Error 10004: InvalidSessionTicket</b:AdditionalErrorText>" in data


def test_given_base_members_win(fixture_contract):
    result, _ = _result(fixture_contract, "PwsPing", {"Status": "OkWithWarnings", "Echo": "hi"})
    assert result.findtext(f"{{{CS}}}Status") == "OkWithWarnings"
    assert result.findtext("{http://projectorpsa.com/DataContracts/Requests/}Echo") == "hi"


def test_plans_are_cached_per_operation(fixture_contract):
    op = fixture_contract.operation("PwsPing")
    render_answer(fixture_contract, op, request_id=1, timestamp=TIMESTAMP)
    cached = len(fixture_contract.plans)
    render_answer(fixture_contract, op, request_id=2, timestamp=TIMESTAMP)
    assert len(fixture_contract.plans) == cached


def _render_widget(contract):  # type: ignore[no-untyped-def]
    return render_answer(
        contract, contract.operation("PwsGetWidget"), {"Widget": {}}, request_id=1, timestamp=TIMESTAMP
    )


def test_first_calls_from_many_threads_agree():
    """Plans and minimal forms are built on first use; concurrent first calls see the same bytes."""
    from concurrent.futures import ThreadPoolExecutor

    from fakeprojector.wsdl import load_contract
    from tests.wsdl.conftest import FIXTURE_WSDL

    for _ in range(5):
        contracts = [load_contract(FIXTURE_WSDL)] * 32
        with ThreadPoolExecutor(8) as pool:
            answers = set(pool.map(_render_widget, contracts))
        assert len(answers) == 1
