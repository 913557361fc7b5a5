"""The service description: names, namespaces, actions and element order of both operations.

Works on the fake's single-document WSDL and on real WCF's ``?wsdl`` whose types sit in
``?xsd=xsdN`` documents (followed through ``xsd:import schemaLocation``).
"""

from __future__ import annotations

import http.client
import urllib.parse

import pytest
from lxml import etree

from tests.contract.support import (
    ACQUIRE,
    BASE_FIELDS,
    MESSAGE_FIELDS,
    MESSAGE_TYPES,
    OPERATIONS,
    OWN_FIELDS,
    REVOKE,
    STATUSES,
)
from tests.support.soapclient import ACTION, COM, REQ, RSP, SHR, SVC

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
XS = "http://www.w3.org/2001/XMLSchema"
N = {"w": WSDL, "soap": SOAP11, "xs": XS}
REQUEST_FIELDS = {
    REVOKE: ("RequestId", "SessionTicket", "ClientIdentifier", "ClientSecret", "Token", "TokenType"),
    ACQUIRE: (
        "RequestId",
        "SessionTicket",
        "ClientIdentifier",
        "ClientSecret",
        "Code",
        "CodeVerifier",
        "GrantType",
        "RedirectUri",
        "RefreshToken",
    ),
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _get(url: str) -> bytes:
    parts = urllib.parse.urlsplit(url)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        data = resp.read()
        assert resp.status == 200, (url, resp.status, data[:300])
        return data
    finally:
        conn.close()


class Description:
    """The WSDL plus every schema reachable from it (same host only)."""

    def __init__(self, url: str) -> None:
        self.wsdl = etree.fromstring(_get(url), _PARSER)
        self.schemas: list[etree._Element] = []
        seen: set[str] = set()
        pending = list(self.wsdl.iterfind("w:types/xs:schema", N))
        host = urllib.parse.urlsplit(url).netloc
        while pending:
            schema = pending.pop()
            self.schemas.append(schema)
            for imp in schema.iterfind("xs:import", N):
                loc = imp.get("schemaLocation")
                if loc and loc not in seen and urllib.parse.urlsplit(loc).netloc in ("", host):
                    seen.add(loc)
                    pending.append(etree.fromstring(_get(urllib.parse.urljoin(url, loc)), _PARSER))

    def _find(self, kind: str, ns: str, name: str) -> etree._Element:
        for schema in self.schemas:
            if schema.get("targetNamespace") == ns:
                for el in schema.iterfind(f"xs:{kind}", N):
                    if el.get("name") == name:
                        return el
        raise AssertionError(f"no xs:{kind} {{{ns}}}{name} in the service description")

    def element(self, ns: str, name: str) -> etree._Element:
        return self._find("element", ns, name)

    def simple_type(self, ns: str, name: str) -> etree._Element:
        return self._find("simpleType", ns, name)

    def complex_type(self, ns: str, name: str) -> etree._Element:
        return self._find("complexType", ns, name)

    def complex_type_of(self, el: etree._Element) -> tuple[etree._Element, str]:
        """The complex type of an element declaration (inline or named) and its namespace."""
        inline = el.find("xs:complexType", N)
        if inline is not None:
            return inline, el.getparent().get("targetNamespace")
        return self.named_type(el, el.get("type"))

    def named_type(self, context: etree._Element, qname: str) -> tuple[etree._Element, str]:
        q = _qname(context, qname)
        return self.complex_type(q.namespace, q.localname), q.namespace

    def sequence(self, ctype: etree._Element, ns: str) -> list[tuple[str, str, etree._Element]]:
        """``(namespace, name, declaration)`` of every member, base type's first (qualified form)."""
        out: list[tuple[str, str, etree._Element]] = []
        ext = ctype.find("xs:complexContent/xs:extension", N)
        if ext is not None:
            base, base_ns = self.named_type(ext, ext.get("base"))
            out += self.sequence(base, base_ns)
            ctype = ext
        for el in ctype.iterfind("xs:sequence/xs:element", N):
            out.append((ns, el.get("name"), el))
        return out


def _qname(context: etree._Element, value: str) -> etree.QName:
    prefix, _, local = value.rpartition(":")
    return etree.QName(context.nsmap.get(prefix or None), local)


@pytest.fixture(scope="module")
def description(_contract_target):
    return Description(_contract_target.url + "?wsdl")


@pytest.mark.contract("wire.endpoint")
@pytest.mark.parametrize("query", ["wsdl", "singleWsdl"])
def test_wsdl_is_served(target, query):
    root = etree.fromstring(_get(f"{target.url}?{query}"), _PARSER)
    assert root.tag == f"{{{WSDL}}}definitions"
    assert root.get("targetNamespace") == SVC


@pytest.mark.contract("wire.endpoint")
def test_port_type_binding_and_service(description, target):
    w = description.wsdl
    assert w.get("targetNamespace") == SVC
    (port_type,) = w.xpath("w:portType[@name='IPwsProjectorServices']", namespaces=N)
    (binding,) = w.xpath("w:binding[@name='BasicHttpBinding_IPwsProjectorServices']", namespaces=N)
    assert _qname(binding, binding.get("type")) == etree.QName(SVC, "IPwsProjectorServices")
    soap_binding = binding.find("soap:binding", N)
    assert soap_binding.get("transport") == "http://schemas.xmlsoap.org/soap/http"
    assert soap_binding.get("style", "document") == "document"
    ports = w.xpath("w:service/w:port", namespaces=N)
    port = next(
        p
        for p in ports
        if _qname(p, p.get("binding")) == etree.QName(SVC, "BasicHttpBinding_IPwsProjectorServices")
    )
    location = port.find("soap:address", N).get("location")
    assert location.endswith("/OpsProjectorWcfSvc/PwsProjectorServices.svc")
    if target.is_fake:
        assert location == target.url
    names = {op.get("name") for op in port_type.iterfind("w:operation", N)}
    assert set(OPERATIONS) <= names


@pytest.mark.contract("wire.soapaction")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_operation_soap_action_messages_and_fault(description, operation):
    w = description.wsdl
    (bop,) = w.xpath(
        f"w:binding[@name='BasicHttpBinding_IPwsProjectorServices']/w:operation[@name='{operation}']",
        namespaces=N,
    )
    sop = bop.find("soap:operation", N)
    assert sop.get("soapAction") == ACTION + operation
    assert sop.get("style", "document") == "document"
    for part in ("w:input/soap:body", "w:output/soap:body"):
        assert bop.find(part, N).get("use") == "literal"
    (pop,) = w.xpath(
        f"w:portType[@name='IPwsProjectorServices']/w:operation[@name='{operation}']", namespaces=N
    )
    parts = {}
    for direction in ("input", "output", "fault"):
        io = pop.find(f"w:{direction}", N)
        assert io is not None, (operation, direction)
        msg_name = _qname(io, io.get("message"))
        (message,) = w.xpath(f"w:message[@name='{msg_name.localname}']", namespaces=N)
        (part,) = message.iterfind("w:part", N)
        parts[direction] = _qname(part, part.get("element"))
    assert parts == {
        "input": etree.QName(SVC, operation),
        "output": etree.QName(SVC, f"{operation}Response"),
        "fault": etree.QName(SHR, "PwsFault"),
    }


@pytest.mark.contract("wire.endpoint")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_request_elements(description, operation):
    ctype, ns = description.complex_type_of(description.element(SVC, operation))
    (param,) = description.sequence(ctype, ns)
    assert param[:2] == (SVC, "serviceRequest")
    rq, rq_ns = description.named_type(param[2], param[2].get("type"))
    assert rq_ns == REQ
    assert rq.get("name") == f"{operation}Rq"
    members = description.sequence(rq, rq_ns)
    assert [(m[0], m[1]) for m in members] == [(REQ, n) for n in REQUEST_FIELDS[operation]]
    types = {m[1]: _qname(m[2], m[2].get("type")) for m in members}
    assert types["RequestId"] == etree.QName(XS, "int")
    assert {t for n, t in types.items() if n != "RequestId"} == {etree.QName(XS, "string")}


@pytest.mark.contract("wire.response-shape")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_response_elements(description, operation):
    ctype, ns = description.complex_type_of(description.element(SVC, f"{operation}Response"))
    (result,) = description.sequence(ctype, ns)
    assert result[:2] == (SVC, f"{operation}Result")
    rs, rs_ns = description.named_type(result[2], result[2].get("type"))
    assert rs_ns == RSP
    assert rs.get("name") == f"{operation}Rs"
    members = [(m[0], m[1]) for m in description.sequence(rs, rs_ns)]
    assert members == [(COM, n) for n in BASE_FIELDS] + [(RSP, n) for n in OWN_FIELDS[operation]]
    decl = {m[1]: m[2] for m in description.sequence(rs, rs_ns)}
    assert _qname(decl["Messages"], decl["Messages"].get("type")) == etree.QName(SHR, "ArrayOfPwsMessage")
    assert _qname(decl["Status"], decl["Status"].get("type")) == etree.QName(SHR, "RequestStatus")
    assert _qname(decl["ServerTimestampUtc"], decl["ServerTimestampUtc"].get("type")) == etree.QName(
        XS, "dateTime"
    )
    assert _qname(decl["ResponseId"], decl["ResponseId"].get("type")) == etree.QName(XS, "int")
    assert decl["ResponseId"].get("nillable", "false") == "false"


@pytest.mark.contract("errors.inband")
def test_shared_types(description):
    array, ns = description.complex_type(SHR, "ArrayOfPwsMessage"), SHR
    ((item_ns, item, decl),) = description.sequence(array, ns)
    assert (item_ns, item, decl.get("maxOccurs")) == (SHR, "PwsMessage", "unbounded")
    message, _ = description.named_type(decl, decl.get("type"))
    assert [m[1] for m in description.sequence(message, SHR)] == list(MESSAGE_FIELDS)
    for name, values in (("RequestStatus", STATUSES), ("MessageType", MESSAGE_TYPES)):
        enum = description.simple_type(SHR, name)
        assert [e.get("value") for e in enum.iterfind("xs:restriction/xs:enumeration", N)] == list(values)
