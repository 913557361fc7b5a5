"""The WSDL: names, namespaces and actions a generated client needs to also work on the real service."""

from __future__ import annotations

import urllib.request

import pytest
from lxml import etree

W = "http://schemas.xmlsoap.org/wsdl/"
S = "http://schemas.xmlsoap.org/wsdl/soap/"
XS = "http://www.w3.org/2001/XMLSchema"
NS = {"w": W, "s": S, "xs": XS}
TNS = "http://projectorpsa.com/PwsProjectorServices/"


@pytest.fixture
def wsdl(fake_projector):
    with urllib.request.urlopen(fake_projector.wsdl_url, timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/xml; charset=utf-8"
        return etree.fromstring(r.read())


def test_names_and_actions(wsdl, fake_projector):
    assert wsdl.get("targetNamespace") == TNS
    assert wsdl.xpath("w:portType/@name", namespaces=NS) == ["IPwsProjectorServices"]
    assert wsdl.xpath("w:binding/@name", namespaces=NS) == ["BasicHttpBinding_IPwsProjectorServices"]
    assert wsdl.xpath("w:binding/s:binding/@transport", namespaces=NS) == [
        "http://schemas.xmlsoap.org/soap/http"
    ]
    assert wsdl.xpath("w:service/@name", namespaces=NS) == ["PwsProjectorServices"]
    assert wsdl.xpath("w:service/w:port/@name", namespaces=NS) == ["BasicHttpBinding_IPwsProjectorServices"]
    assert wsdl.xpath("w:service/w:port/s:address/@location", namespaces=NS) == [fake_projector.url]
    actions = dict(
        (op.get("name"), op.find(f"{{{S}}}operation").get("soapAction"))
        for op in wsdl.iterfind(f"{{{W}}}binding/{{{W}}}operation")
    )
    prefix = "http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/"
    assert actions == {op: prefix + op for op in ("PwsRevokeOauth2RefreshToken", "PwsAcquireOauth2Token")}
    for op in actions:
        assert wsdl.xpath(f"w:portType/w:operation[@name='{op}']/w:fault/@name", namespaces=NS) == [
            "PwsFaultFault"
        ]


def _schema(wsdl, ns):
    (schema,) = wsdl.xpath(f"w:types/xs:schema[@targetNamespace='{ns}']", namespaces=NS)
    return schema


def _sequence(schema, type_name):
    (t,) = schema.xpath(f"xs:complexType[@name='{type_name}']", namespaces=NS)
    return [e.get("name") for e in t.iter(f"{{{XS}}}element")]


def test_types_names_namespaces_and_order(wsdl):
    svc = _schema(wsdl, TNS)
    assert _sequence(svc, "PwsRevokeOauth2RefreshToken") == ["serviceRequest"]
    assert _sequence(svc, "PwsRevokeOauth2RefreshTokenResponse") == ["PwsRevokeOauth2RefreshTokenResult"]
    req = _schema(wsdl, "http://projectorpsa.com/DataContracts/Requests/")
    assert _sequence(req, "PwsRequest") == ["RequestId", "SessionTicket"]
    assert _sequence(req, "PwsRevokeOauth2RefreshTokenRq") == [
        "ClientIdentifier",
        "ClientSecret",
        "Token",
        "TokenType",
    ]
    assert _sequence(req, "PwsAcquireOauth2TokenRq") == [
        "ClientIdentifier",
        "ClientSecret",
        "Code",
        "CodeVerifier",
        "GrantType",
        "RedirectUri",
        "RefreshToken",
    ]
    common = _schema(wsdl, "http://projectorpsa.com/CommonServices/")
    assert _sequence(common, "PwsResponse") == ["Messages", "ResponseId", "Status", "ServerTimestampUtc"]
    rsp = _schema(wsdl, "http://projectorpsa.com/DataContracts/Responses/")
    assert _sequence(rsp, "PwsRevokeOauth2RefreshTokenRs") == ["RedirectUrl"]
    shared = _schema(wsdl, "http://projectorpsa.com/DataContracts/Shared/Common/")
    assert _sequence(shared, "ArrayOfPwsMessage") == ["PwsMessage"]
    assert _sequence(shared, "PwsMessage") == [
        "AdditionalErrorText",
        "ErrorCode",
        "ErrorNumber",
        "ErrorText",
        "Type",
        "ReferenceId1",
        "ReferenceId2",
    ]
    statuses = shared.xpath("xs:simpleType[@name='RequestStatus']//xs:enumeration/@value", namespaces=NS)
    assert statuses == ["Ok", "OkWithWarnings", "Fail", "FailSessionInvalid"]
    types = shared.xpath("xs:simpleType[@name='MessageType']//xs:enumeration/@value", namespaces=NS)
    assert types == ["Information", "Warning", "Error", "FatalError"]


def test_single_wsdl_alias(fake_projector):
    with urllib.request.urlopen(fake_projector.url + "?singleWsdl", timeout=10) as r:
        assert etree.fromstring(r.read()).tag == f"{{{W}}}definitions"
