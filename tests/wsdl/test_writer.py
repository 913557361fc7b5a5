"""The engine writes WCF's bytes exactly as the spyne-driven writer of the OAuth operations does.

Same shape, same bytes: a ``PwsResponse``-derived result with a ``PwsMessage`` in
``Messages``, a nested value in a new namespace, a boolean, nils, written once by
soap/wire.py from spyne classes and once by the engine from the WSDL.
"""

from __future__ import annotations

from decimal import Decimal

from spyne import Boolean, ComplexModel, Integer64, Unicode

from fakeprojector.contract import NS_RESPONSES, NS_SHARED_COMMON
from fakeprojector.soap import wire
from fakeprojector.soap.models import PwsMessage, PwsResponse
from fakeprojector.wsdl import render_answer
from fakeprojector.wsdl.values import double_text, text
from tests.wsdl.conftest import TIMESTAMP

String = Unicode(min_occurs=0, nillable=True)


class AccountRef(ComplexModel):
    __namespace__ = NS_SHARED_COMMON
    __type_name__ = "PwsAccountRef"
    _type_info = [("AccountCode", String), ("AccountUid", Integer64(min_occurs=0, nillable=True))]


class UserRef(ComplexModel):
    __namespace__ = NS_SHARED_COMMON
    __type_name__ = "PwsUserRef"
    _type_info = [("UserName", String), ("UserUid", Integer64(min_occurs=0, nillable=True))]


class AuthenticateRs(PwsResponse):
    __namespace__ = NS_RESPONSES
    __type_name__ = "PwsAuthenticateRs"
    _type_info = [
        ("RedirectUrl", String),
        ("SessionTicket", String),
        ("AccountIdentity", AccountRef),
        ("UserIdentity", UserRef),
        ("SuperUserFlag", Boolean(min_occurs=0, nillable=False)),
        ("DocumentServerUrl", String),
    ]


class UnauthenticateRs(PwsResponse):
    __namespace__ = NS_RESPONSES
    __type_name__ = "PwsUnauthenticateRs"
    _type_info: list[tuple[str, object]] = []


MESSAGE = {
    "AdditionalErrorText": "Error 10004: InvalidSessionTicket",
    "ErrorCode": "InvalidSessionTicket",
    "ErrorNumber": 10004,
    "ErrorText": 'The "ticket" <is> invalid & gone\r',
    "Type": "Error",
    "ReferenceId1": None,
    "ReferenceId2": None,
}


def _spyne(cls, values):  # type: ignore[no-untyped-def]
    return wire.instance(cls, values)


def test_same_bytes_as_wire_py_for_a_pws_response_with_a_message_and_nested_values(fixture_contract):
    values = {
        "RedirectUrl": None,
        "SessionTicket": "ARQC8d/V3CZk+kOWf7w3KQ==",
        "AccountIdentity": {"AccountCode": "ACME", "AccountUid": 42},
        "UserIdentity": None,
        "SuperUserFlag": True,
        "DocumentServerUrl": "",
    }
    spyne_result = _spyne(
        AuthenticateRs,
        {
            **values,
            "AccountIdentity": _spyne(AccountRef, values["AccountIdentity"]),
            "Messages": [_spyne(PwsMessage, MESSAGE)],
            "ResponseId": 7,
            "Status": "OkWithWarnings",
            "ServerTimestampUtc": TIMESTAMP,
        },
    )
    expected = wire.render_result("PwsAuthenticate", AuthenticateRs, spyne_result)
    got = render_answer(
        fixture_contract,
        fixture_contract.operation("PwsAuthenticate"),
        values,
        request_id=7,
        timestamp=TIMESTAMP,
        status="OkWithWarnings",
        messages=[MESSAGE],
    )
    assert got == expected
    assert b'<b:ErrorText>The "ticket" &lt;is&gt; invalid &amp; gone&#xD;</b:ErrorText>' in got
    assert b"<a:DocumentServerUrl/>" in got


def test_same_bytes_as_wire_py_for_an_empty_result_without_messages(fixture_contract):
    spyne_result = _spyne(
        UnauthenticateRs, {"Messages": [], "ResponseId": 0, "Status": "Ok", "ServerTimestampUtc": TIMESTAMP}
    )
    expected = wire.render_result("PwsUnauthenticate", UnauthenticateRs, spyne_result)
    got = render_answer(
        fixture_contract,
        fixture_contract.operation("PwsUnauthenticate"),
        request_id=None,
        timestamp=TIMESTAMP,
    )
    assert got == expected
    assert got.startswith(
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<PwsUnauthenticateResponse xmlns="http://projectorpsa.com/PwsProjectorServices/">'
        b'<PwsUnauthenticateResult xmlns:a="http://projectorpsa.com/DataContracts/Responses/" '
        b'xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        b'<Messages xmlns="http://projectorpsa.com/CommonServices/" '
        b'xmlns:b="http://projectorpsa.com/DataContracts/Shared/Common/"/>'
    )


def test_same_bytes_for_the_vendor_type(vendor_contract):
    spyne_result = _spyne(
        UnauthenticateRs,
        {
            "Messages": [_spyne(PwsMessage, MESSAGE)],
            "ResponseId": 3,
            "Status": "Fail",
            "ServerTimestampUtc": TIMESTAMP,
        },
    )
    expected = wire.render_result("PwsUnauthenticate", UnauthenticateRs, spyne_result)
    got = render_answer(
        vendor_contract,
        vendor_contract.operation("PwsUnauthenticate"),
        request_id=3,
        timestamp=TIMESTAMP,
        status="Fail",
        messages=[MESSAGE],
    )
    assert got == expected


def test_prefixes_for_nested_namespaces_and_arrays_of_primitives(fixture_contract):
    got = render_answer(
        fixture_contract,
        fixture_contract.operation("PwsGetWidget"),
        {"Widget": {"Tags": ["a", None], "Owner": {"UserName": "u"}, "PartNumbers": []}},
        request_id=1,
        timestamp=TIMESTAMP,
    ).decode()
    assert (
        '<a:Tags xmlns:b="http://schemas.microsoft.com/2003/10/Serialization/Arrays">'
        '<b:string>a</b:string><b:string i:nil="true"/></a:Tags>'
    ) in got
    assert '<a:PartNumbers xmlns:b="http://schemas.microsoft.com/2003/10/Serialization/Arrays"/>' in got
    assert (
        '<a:Owner xmlns:b="http://projectorpsa.com/DataContracts/Shared/Common/">'
        '<b:UserName>u</b:UserName><b:UserUid i:nil="true"/></a:Owner>'
    ) in got


def test_value_text_forms():
    assert text(True) == "true"
    assert text(False) == "false"
    assert text(Decimal("1E+3")) == "1000"
    assert text(Decimal("12.50")) == "12.50"
    assert text(b"\x00\x01\x02") == "AAEC"
    assert text("a<b") == "a&lt;b"
    assert [double_text(v) for v in (1.0, 0.5, 1e20, 1e-5, float("inf"), float("-inf"), float("nan"))] == [
        "1",
        "0.5",
        "1E+20",
        "1E-05",
        "INF",
        "-INF",
        "NaN",
    ]
