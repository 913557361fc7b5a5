"""Reading requests under WCF's DataContract rules, skipped elements reported, WCF's errors."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from lxml import etree

from fakeprojector.wsdl import ReadError, Skipped, read_request

SVC = "http://projectorpsa.com/PwsProjectorServices/"
REQ = "http://projectorpsa.com/DataContracts/Requests/"
W = "http://fakeprojector.example/DataContracts/Widgets/"
ARR = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
NSDECL = (
    f'xmlns="{SVC}" xmlns:r="{REQ}" xmlns:w="{W}" xmlns:arr="{ARR}" '
    'xmlns:c="http://projectorpsa.com/DataContracts/Shared/Common/" '
    'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"'
)


def _read(contract, op, body):  # type: ignore[no-untyped-def]
    wrapper = etree.fromstring(f"<{op} {NSDECL}>{body}</{op}>".encode())
    return read_request(contract, contract.operation(op), wrapper)


WIDGET = (
    "<w:PwsWidget><w:WidgetCode>W-1</w:WidgetCode><w:WidgetUid>9000000000</w:WidgetUid>"
    "<w:Color>Blue</w:Color><w:Price> 12.50 </w:Price><w:Weight>1.5E1</w:Weight><w:ActiveFlag>1</w:ActiveFlag>"
    "<w:CreatedUtc>2024-01-31T09:00:00Z</w:CreatedUtc><w:ExternalId>{3F2504E0-4F89-11D3-9A0C-0305E82C3301}</w:ExternalId>"
    "<w:Thumbnail>AAEC</w:Thumbnail><w:Tags><arr:string>x</arr:string><arr:string i:nil='true'/></w:Tags>"
    "<w:PartNumbers><arr:int>1</arr:int><w:int>2</w:int><arr:int>3</arr:int></w:PartNumbers>"
    "<w:Dimensions><w:Height>2</w:Height></w:Dimensions>"
    "<w:Parts><w:PwsWidgetPart><w:PartNumber>1</w:PartNumber><w:Label i:nil='true'/><w:Bogus/></w:PwsWidgetPart></w:Parts>"
    "<w:LeadTime>PT8H</w:LeadTime><w:Initial>65</w:Initial></w:PwsWidget>"
)


def test_values_are_typed_and_nested(fixture_contract):
    request = _read(
        fixture_contract,
        "PwsSaveWidgets",
        "<rq><r:RequestId>41</r:RequestId><r:SessionTicket>T==</r:SessionTicket>"
        "<w:EffectiveDate>2024-02-01T00:00:00</w:EffectiveDate>"
        f"<w:Widgets>{WIDGET}<w:PwsWidget i:nil='true'/></w:Widgets></rq>",
    )
    assert request.request_id == 41
    assert request.session_ticket == "T=="
    widget = request.values["Widgets"][0]
    assert request.values["Widgets"][1] is None
    assert widget == {
        "WidgetCode": "W-1",
        "WidgetUid": 9000000000,
        "Color": "Blue",
        "Price": Decimal("12.50"),
        "Weight": 15.0,
        "ActiveFlag": True,
        "CreatedUtc": "2024-01-31T09:00:00Z",
        "ExternalId": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "Thumbnail": b"\x00\x01\x02",
        "Tags": ["x", None],
        "PartNumbers": [1, 3],
        "Dimensions": {"Height": Decimal(2)},
        "Parts": [{"PartNumber": 1, "Label": None}],
        "LeadTime": "PT8H",
        "Initial": 65,
    }
    assert request.skipped == (
        Skipped("rq.Widgets[0].PartNumbers", "int", W, ARR, "wrong namespace"),
        Skipped("rq.Widgets[0].Parts[0]", "Bogus", W, None, "unknown"),
    )


def test_unknown_wrong_namespace_out_of_order_and_duplicate_are_skipped_and_reported(fixture_contract):
    request = _read(
        fixture_contract,
        "PwsGetWidget",
        "<serviceRequest><r:Nope/><w:RequestId>1</w:RequestId><r:SessionTicket>s</r:SessionTicket>"
        "<r:RequestId>2</r:RequestId><w:WidgetCode>A</w:WidgetCode><w:WidgetCode>B</w:WidgetCode>"
        "<w:IncludeParts>true</w:IncludeParts></serviceRequest><serviceRequest/><other/>",
    )
    assert request.values == {"SessionTicket": "s", "WidgetCode": "A", "IncludeParts": True}
    assert request.request_id is None
    assert request.skipped == (
        Skipped("PwsGetWidget", "serviceRequest", SVC, SVC, "duplicate"),
        Skipped("PwsGetWidget", "other", SVC, None, "unknown"),
        Skipped("serviceRequest", "Nope", REQ, None, "unknown"),
        Skipped("serviceRequest", "RequestId", W, REQ, "wrong namespace"),
        Skipped("serviceRequest", "RequestId", REQ, REQ, "out of order"),
        Skipped("serviceRequest", "WidgetCode", W, W, "duplicate"),
    )


def test_absent_or_nil_parameter(fixture_contract):
    assert _read(fixture_contract, "PwsPing", "").values is None
    assert _read(fixture_contract, "PwsPing", "<serviceRequest i:nil='true'/>").values is None
    assert _read(fixture_contract, "PwsPing", "<serviceRequest/>").values == {}
    wrong = _read(fixture_contract, "PwsSaveWidgets", "<serviceRequest/>")
    assert wrong.values is None
    assert wrong.skipped == (Skipped("PwsSaveWidgets", "serviceRequest", SVC, None, "unknown"),)


PREFIX = f"There was an error while trying to deserialize parameter {SVC}:"


def test_missing_required_member_at_the_end(fixture_contract):
    with pytest.raises(ReadError) as info:
        _read(
            fixture_contract, "PwsGetWidget", "<serviceRequest><r:RequestId>1</r:RequestId></serviceRequest>"
        )
    assert info.value.detail == (
        f"{PREFIX}serviceRequest. The InnerException message was ''EndElement' 'serviceRequest' from namespace "
        f"'{SVC}' is not expected. Expecting element 'SessionTicket | WidgetCode'.'.  "
        "Please see InnerException for more details."
    )


def test_missing_required_member_before_a_later_one(fixture_contract):
    with pytest.raises(ReadError) as info:
        _read(
            fixture_contract,
            "PwsSaveWidgets",
            "<rq><w:EffectiveDate>2024-02-01T00:00:00</w:EffectiveDate><w:DefaultColor>Red</w:DefaultColor></rq>",
        )
    assert info.value.detail == (
        f"{PREFIX}rq. The InnerException message was ''Element' 'DefaultColor' from namespace '{W}' is not "
        "expected. Expecting element 'Widgets'.'.  Please see InnerException for more details."
    )


def test_missing_required_member_in_an_array_item(fixture_contract):
    with pytest.raises(
        ReadError, match=r"''EndElement' 'PwsWidgetPart' from namespace .* Expecting element 'PartNumber'"
    ):
        _read(
            fixture_contract,
            "PwsSaveWidgets",
            "<rq><w:EffectiveDate>2024-02-01T00:00:00</w:EffectiveDate><w:Widgets><w:PwsWidget>"
            "<w:Parts><w:PwsWidgetPart/></w:Parts></w:PwsWidget></w:Widgets></rq>",
        )


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            "<r:RequestId>12x</r:RequestId>",
            "The value '12x' of element 'RequestId' cannot be parsed as the type 'Int32'.",
        ),
        (
            "<r:RequestId>2147483648</r:RequestId>",
            "The value '2147483648' of element 'RequestId' cannot be parsed as the type 'Int32'.",
        ),
        (
            "<r:RequestId><x/></r:RequestId>",
            "Element 'RequestId' holds child elements where a Int32 was expected.",
        ),
        (
            "<r:UtcOffsetMinutes>40000</r:UtcOffsetMinutes>",
            "The value '40000' of element 'UtcOffsetMinutes' cannot be parsed as the type 'Int16'.",
        ),
    ],
)
def test_unparsable_values_fail_with_wcf_text(fixture_contract, body, detail):
    with pytest.raises(ReadError) as info:
        _read(fixture_contract, "PwsAuthenticate", f"<serviceRequest>{body}</serviceRequest>")
    assert info.value.detail == f"{PREFIX}serviceRequest. {detail}"


@pytest.mark.parametrize(
    ("member", "text", "clr"),
    [
        ("Price", "1e3", "Decimal"),
        ("ActiveFlag", "yes", "Boolean"),
        ("CreatedUtc", "yesterday", "DateTime"),
        ("ExternalId", "not-a-guid", "Guid"),
        ("Weight", "heavy", "Double"),
        ("WidgetUid", "1.5", "Int64"),
        ("Thumbnail", "@@", "Byte[]"),
        ("LeadTime", "8 hours", "TimeSpan"),
    ],
)
def test_unparsable_values_by_type(fixture_contract, member, text, clr):
    expected = f"The value '{text}' of element '{member}' cannot be parsed as the type '{clr}'."
    with pytest.raises(ReadError, match=re.escape(expected)):
        _read(
            fixture_contract,
            "PwsSaveWidgets",
            f"<rq><w:EffectiveDate>2024-02-01T00:00:00</w:EffectiveDate><w:Widgets><w:PwsWidget>"
            f"<w:{member}>{text}</w:{member}></w:PwsWidget></w:Widgets></rq>",
        )


def test_bad_enumeration_value(fixture_contract):
    with pytest.raises(
        ReadError, match="Invalid enum value 'Purple' cannot be deserialized into type 'WidgetColor'"
    ):
        _read(
            fixture_contract,
            "PwsSaveWidgets",
            "<rq><w:EffectiveDate>2024-02-01T00:00:00</w:EffectiveDate><w:Widgets/><w:DefaultColor>Purple</w:DefaultColor></rq>",
        )


def test_vendor_request_with_rq_and_split_namespaces(vendor_contract):
    wrapper = etree.fromstring(
        f'<PwsGetProject xmlns="{SVC}" xmlns:r="{REQ}" xmlns:s="http://projectorpsa.com/DataContracts/Shared/Scheduling/" '
        'xmlns:c="http://projectorpsa.com/DataContracts/Shared/Common/"><serviceRequest><r:RequestId>5</r:RequestId>'
        "<s:Mode>Full</s:Mode><s:ProjectIdentities><c:PwsProjectRef><c:ProjectCode>P-1</c:ProjectCode>"
        "</c:PwsProjectRef></s:ProjectIdentities></serviceRequest></PwsGetProject>".encode()
    )
    request = read_request(vendor_contract, vendor_contract.operation("PwsGetProject"), wrapper)
    assert request.values == {"RequestId": 5, "Mode": "Full", "ProjectIdentities": [{"ProjectCode": "P-1"}]}
    submit = vendor_contract.operation("PwsSubmitTimeCards")
    wrapper = etree.fromstring(f'<PwsSubmitTimeCards xmlns="{SVC}"><rq/></PwsSubmitTimeCards>'.encode())
    assert read_request(vendor_contract, submit, wrapper).values == {}
