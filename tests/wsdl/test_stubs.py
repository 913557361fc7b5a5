"""Stubs: checked when added (dotted path, given vs expected), rendered complete, matched by ``when``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fakeprojector.wsdl import (
    ComplexType,
    Contract,
    SimpleType,
    StubError,
    matches,
    render_answer,
    validate_respond,
    validate_when,
)
from fakeprojector.wsdl.model import Member
from tests.wsdl.conftest import TIMESTAMP, schema_errors


def _check(contract, op, respond):  # type: ignore[no-untyped-def]
    return validate_respond(contract, contract.operation(op), respond)


def _render(contract, op, respond):  # type: ignore[no-untyped-def]
    checked = _check(contract, op, respond)
    data = render_answer(contract, contract.operation(op), checked, request_id=1, timestamp=TIMESTAMP)
    assert schema_errors(contract, data) == []
    return data


# --- checking ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("respond", "message"),
    [
        (
            {"Widget": {"Nmae": "x"}},
            "PwsGetWidget: respond.Widget.Nmae: unknown member of PwsWidgetDetail; did you mean 'Name'? "
            "Known members: WidgetCode, WidgetUid, Name, Color,",
        ),
        ({"Zzz": 1}, "PwsGetWidget: respond.Zzz: unknown member of PwsGetWidgetRs. Known members: Messages,"),
        (
            {"Widget": {"WidgetUid": "12"}},
            "PwsGetWidget: respond.Widget.WidgetUid: expected an integer -9223372036854775808..9223372036854775807 "
            "(xs:long), got str '12'",
        ),
        (
            {"Widget": {"Name": {"a": 1}}},
            "PwsGetWidget: respond.Widget.Name: expected a string (xs:string), got dict",
        ),
        (
            {"Widget": {"Name": ["a"]}},
            "PwsGetWidget: respond.Widget.Name: expected a string (xs:string), got list ['a']",
        ),
        (
            {"Widget": {"Parts": {"PartNumber": 1}}},
            "PwsGetWidget: respond.Widget.Parts: expected a list (ArrayOfPwsWidgetPart of PwsWidgetPart), got dict",
        ),
        (
            {"Widget": {"Owner": [{"UserName": "u"}]}},
            "PwsGetWidget: respond.Widget.Owner: expected an object of PwsUserRef members, got list",
        ),
        (
            {"Widget": {"Color": "Purple"}},
            "PwsGetWidget: respond.Widget.Color: expected one of Red, Green, Blue (WidgetColor), got str 'Purple'",
        ),
        ({"Widget": {"Color": "Bleu"}}, "got str 'Bleu'; did you mean 'Blue'?"),
        (
            {"Widget": {"Price": None}},
            "PwsGetWidget: respond.Widget.Price: None given, but Price is not nillable",
        ),
        (
            {"Widget": {"ActiveFlag": 1}},
            "respond.Widget.ActiveFlag: expected true or false (xs:boolean), got int 1",
        ),
        (
            {"Widget": {"Parts": [{"PartNumber": True}]}},
            "respond.Widget.Parts[0].PartNumber: expected an integer",
        ),
        (
            {"Widget": {"CreatedUtc": "31/01/2024"}},
            "respond.Widget.CreatedUtc: expected a datetime or an xs:dateTime",
        ),
        (
            {"Widget": {"ExternalId": "nope"}},
            "respond.Widget.ExternalId: expected a GUID string, got str 'nope'",
        ),
        ({"Widget": {"Thumbnail": "@@"}}, "respond.Widget.Thumbnail: expected bytes or a base64 string"),
        ({"Widget": {"Tags": [1]}}, "respond.Widget.Tags[0]: expected a string (xs:string), got int 1"),
        (
            {"Widget": {"PartNumbers": [None]}},
            "respond.Widget.PartNumbers[0]: None given, but int is not nillable",
        ),
        ({"Widget": {"LeadTime": "8h"}}, "respond.Widget.LeadTime: expected an xs:duration string like PT8H"),
    ],
)
def test_bad_stubs_are_refused_with_path_given_and_expected(fixture_contract, respond, message):
    with pytest.raises(StubError) as info:
        _check(fixture_contract, "PwsGetWidget", respond)
    assert message in str(info.value)


def test_checked_values_are_normalised(fixture_contract):
    checked = _check(
        fixture_contract,
        "PwsGetWidget",
        {
            "Widget": {
                "Price": 12.5,
                "Weight": 3,
                "ExternalId": "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}",
                "Initial": "A",
                "Dimensions": {"Height": "1.50"},
                "CreatedUtc": dt.datetime(2024, 1, 31, 9, 0, tzinfo=dt.timezone.utc),
            }
        },
    )
    widget = checked["Widget"]
    assert widget["Price"] == Decimal("12.5")
    assert isinstance(widget["Price"], Decimal)
    assert widget["Weight"] == 3.0
    assert isinstance(widget["Weight"], float)
    assert widget["ExternalId"] == "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    assert widget["Initial"] == 65
    assert widget["Dimensions"] == {"Height": Decimal("1.50")}
    data = render_answer(
        fixture_contract,
        fixture_contract.operation("PwsGetWidget"),
        checked,
        request_id=1,
        timestamp=TIMESTAMP,
    )
    assert b"<a:CreatedUtc>2024-01-31T09:00:00Z</a:CreatedUtc>" in data
    assert b"<a:Height>1.50</a:Height><a:Width>0</a:Width>" in data
    assert schema_errors(fixture_contract, data) == []


def test_rendered_stub_places_members_in_schema_order_and_completes_items(fixture_contract):
    data = _render(
        fixture_contract,
        "PwsGetWidget",
        {"Widget": {"Notes": "n", "Name": "Sprocket", "Parts": [{"Label": "a"}, {}]}},
    ).decode()
    assert data.index("<a:Name>Sprocket</a:Name>") < data.index("<a:Notes>n</a:Notes>")
    assert data.count("<a:PartNumber>0</a:PartNumber>") == 2  # required members filled
    assert '<a:Label i:nil="true"/>' in data


# --- when --------------------------------------------------------------------------------
REQUEST = {
    "RequestId": 3,
    "SessionTicket": "T",
    "EffectiveDate": "2024-02-01T00:00:00",
    "Widgets": [
        {"WidgetCode": "W-1", "Price": Decimal("480"), "ActiveFlag": True, "Parts": [{"PartNumber": 1}]},
        {"WidgetCode": "W-2", "Price": Decimal("12.5"), "ExternalId": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
        None,
    ],
}


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({}, True),
        ({"RequestId": 3}, True),
        ({"RequestId": 3.0}, True),
        ({"RequestId": "3"}, False),
        ({"Widgets.WidgetCode": "W-2"}, True),
        ({"Widgets.WidgetCode": "W-3"}, False),
        ({"Widgets.Price": 480}, True),
        ({"Widgets.Price": 12.5}, True),
        ({"Widgets.Price": "480"}, False),
        ({"Widgets.ActiveFlag": True}, True),
        ({"Widgets.ActiveFlag": 1}, False),
        ({"Widgets.Parts.PartNumber": 1}, True),
        ({"Widgets.ExternalId": "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}"}, True),
        ({"DefaultColor": None}, True),
        ({"SessionTicket": None}, False),
        ({"RequestId": 3, "Widgets.WidgetCode": "W-9"}, False),
    ],
)
def test_when_matching(when, expected):
    assert matches(when, REQUEST) is expected


def test_when_paths_are_checked(fixture_contract):
    op = fixture_contract.operation("PwsSaveWidgets")
    validate_when(fixture_contract, op, {"Widgets.Parts.PartNumber": 1, "RequestId": 2})
    with pytest.raises(
        StubError, match=r"when.Widgets.WidgetCod: unknown member of PwsWidget; did you mean 'WidgetCode'\?"
    ):
        validate_when(fixture_contract, op, {"Widgets.WidgetCod": "x"})
    with pytest.raises(StubError, match=r"when.RequestId.x: when.RequestId is a simple value"):
        validate_when(fixture_contract, op, {"RequestId.x": 1})


# --- stubs on the vendor's operations ------------------------------------------------------
SAMPLES: dict[str, Any] = {
    "string": "sample & <text>",
    "int": 7,
    "long": 9000000000,
    "short": 480,
    "byte": -3,
    "unsignedByte": 200,
    "unsignedShort": 60000,
    "unsignedInt": 4000000000,
    "unsignedLong": 18000000000000000000,
    "boolean": True,
    "dateTime": "2024-01-31T09:00:00",
    "decimal": "12.50",
    "double": 1.5,
    "float": 0.25,
    "base64Binary": "AAEC",
    "anyURI": "https://example.com/x",
    "duration": "PT8H",
    "guid": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    "char": 65,
    "QName": "a",
}
BASE = {"Messages", "ResponseId", "Status", "ServerTimestampUtc"}


def _sample(contract: Contract, member: Member, depth: int) -> Any:
    typ = contract.types[member.type]
    if isinstance(typ, SimpleType):
        return typ.enumeration[-1] if typ.enumeration else SAMPLES.get(typ.kind, "x")
    assert isinstance(typ, ComplexType)
    if typ.array_item is not None:
        return [_sample(contract, typ.array_item, depth + 1) for _ in range(2)] if depth < 3 else []
    if depth >= 3:
        return None if member.nillable else {}
    return {m.name: _sample(contract, m, depth + 1) for m in typ.members[::2]}  # every other member


def _vendor_ops(contract: Contract) -> list[str]:
    """A dozen operations whose results hold arrays of complex items (nested and array members)."""
    picked = []
    for name in sorted(contract.operations):
        result = contract.complex_type(contract.operations[name].result.type)
        arrays = [
            m
            for m in result.members
            if isinstance(t := contract.types[m.type], ComplexType)
            and t.array_item is not None
            and isinstance(contract.types[t.array_item.type], ComplexType)
            and m.name not in BASE
        ]
        if arrays:
            picked.append(name)
    return picked[:: max(1, len(picked) // 12)][:12]


def test_brief_example_on_the_vendor_contract(vendor_contract):
    data = _render(
        vendor_contract,
        "PwsGetProject",
        {"Projects": [{"ProjectDetail": {"Description": "Apollo", "MinutesPerDay": 480}}]},
    )
    assert b"<b:Description>Apollo</b:Description>" in data
    assert b"<b:MinutesPerDay>480</b:MinutesPerDay>" in data


def test_stubbed_answers_validate_on_a_dozen_vendor_operations(vendor_contract):
    ops = _vendor_ops(vendor_contract)
    assert len(ops) == 12
    for name in ops:
        result = vendor_contract.complex_type(vendor_contract.operations[name].result.type)
        respond = {m.name: _sample(vendor_contract, m, 0) for m in result.members if m.name not in BASE}
        data = _render(vendor_contract, name, respond)
        minimal = render_answer(
            vendor_contract, vendor_contract.operations[name], request_id=1, timestamp=TIMESTAMP
        )
        assert len(data) > len(minimal) + 200, name  # nested values and items were written, not just nils
