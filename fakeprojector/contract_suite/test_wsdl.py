"""The service description: names, namespaces, actions and element order of both operations,
and the shape WCF serves it in (``?wsdl`` importing ``?xsd=xsdN`` documents, ``?singleWsdl``).

Works on the fake and on real WCF alike: types are found by following
``xsd:import schemaLocation`` (:mod:`fakeprojector.contract_suite.description`).
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from lxml import etree

from fakeprojector.contract_suite.description import PARSER, WSAW, WSDL, XS, Description, N, fetch, get, qname
from fakeprojector.contract_suite.soapclient import ACTION, COM, REQ, RSP, SHR, SVC
from fakeprojector.contract_suite.support import (
    ACQUIRE,
    BASE_FIELDS,
    MESSAGE_FIELDS,
    MESSAGE_TYPES,
    OPERATIONS,
    OWN_FIELDS,
    REVOKE,
    STATUSES,
)

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


@pytest.fixture(scope="module")
def description(_contract_target):
    return Description(_contract_target.url + "?wsdl")


@pytest.mark.contract("wire.endpoint")
@pytest.mark.parametrize("query", ["wsdl", "singleWsdl"])
def test_wsdl_is_served(target, query):
    root = etree.fromstring(get(f"{target.url}?{query}")[1], PARSER)
    assert root.tag == f"{{{WSDL}}}definitions"
    assert root.get("targetNamespace") == SVC


@pytest.mark.contract("wire.endpoint")
def test_port_type_binding_and_service(description, target):
    w = description.wsdl
    assert w.get("targetNamespace") == SVC
    (port_type,) = w.xpath("w:portType[@name='IPwsProjectorServices']", namespaces=N)
    (binding,) = w.xpath("w:binding[@name='BasicHttpBinding_IPwsProjectorServices']", namespaces=N)
    assert qname(binding, binding.get("type")) == etree.QName(SVC, "IPwsProjectorServices")
    soap_binding = binding.find("soap:binding", N)
    assert soap_binding.get("transport") == "http://schemas.xmlsoap.org/soap/http"
    assert soap_binding.get("style", "document") == "document"
    ports = w.xpath("w:service/w:port", namespaces=N)
    port = next(
        p
        for p in ports
        if qname(p, p.get("binding")) == etree.QName(SVC, "BasicHttpBinding_IPwsProjectorServices")
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
    assert pop.find("w:fault", N).get("name") == "PwsFaultFault"
    parts = {}
    for direction in ("input", "output", "fault"):
        io = pop.find(f"w:{direction}", N)
        assert io is not None, (operation, direction)
        msg_name = qname(io, io.get("message"))
        (message,) = w.xpath(f"w:message[@name='{msg_name.localname}']", namespaces=N)
        (part,) = message.iterfind("w:part", N)
        parts[direction] = qname(part, part.get("element"))
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
    types = {m[1]: qname(m[2], m[2].get("type")) for m in members}
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
    assert qname(decl["Messages"], decl["Messages"].get("type")) == etree.QName(SHR, "ArrayOfPwsMessage")
    assert qname(decl["Status"], decl["Status"].get("type")) == etree.QName(SHR, "RequestStatus")
    assert qname(decl["ServerTimestampUtc"], decl["ServerTimestampUtc"].get("type")) == etree.QName(
        XS, "dateTime"
    )
    assert qname(decl["ResponseId"], decl["ResponseId"].get("type")) == etree.QName(XS, "int")
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


# --- the shape WCF serves the description in [wcf, doc: the 2019 snapshot] ------------------
XSD_LOCATION = re.compile(
    r"^(?P<service>.+/OpsProjectorWcfSvc/PwsProjectorServices\.svc)\?xsd=xsd(?P<n>0|[1-9][0-9]*)$"
)


@pytest.mark.contract("wire.metadata")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_port_type_declares_wsaw_actions(description, operation):
    """Generators that read only wsaw:Action (Mono's svcutil) send Action "*" without it."""
    w = description.wsdl
    assert w.nsmap.get("wsaw") == WSAW  # declared on wsdl:definitions, as WCF does
    (pop,) = w.xpath(
        f"w:portType[@name='IPwsProjectorServices']/w:operation[@name='{operation}']", namespaces=N
    )
    actions = {etree.QName(io).localname: io.get(f"{{{WSAW}}}Action") for io in pop}
    assert actions == {
        "input": ACTION + operation,
        "output": f"{ACTION}{operation}Response",
        "fault": f"{ACTION}{operation}PwsFaultFault",
    }


@pytest.mark.contract("wire.metadata")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_wrapper_elements_have_anonymous_types(description, operation):
    for name, member, rq in (
        (operation, "serviceRequest", "Rq"),
        (f"{operation}Response", f"{operation}Result", "Rs"),
    ):
        el = description.element(SVC, name)
        assert el.get("type") is None, f"{name} is declared with a named type"
        (ctype,) = el.iterfind("xs:complexType", N)
        assert ctype.get("name") is None
        (decl,) = ctype.iterfind("xs:sequence/xs:element", N)
        assert (decl.get("name"), decl.get("minOccurs"), decl.get("nillable")) == (member, "0", "true")
        assert qname(decl, decl.get("type")).localname == operation + rq
    (service_schema,) = (d for d in description.documents.values() if d.get("targetNamespace") == SVC)
    assert service_schema.findall("xs:complexType", N) == []  # only the wrappers, no named types


@pytest.mark.contract("wire.metadata")
def test_wsdl_imports_every_schema_from_its_xsd_address(description, target):
    """``wsdl:types`` hold one ``<tns>Imports`` schema of ``xsd:import``s, each schema is served
    at ``?xsd=xsdN``, and the schemas import each other from those addresses too."""
    (types,) = description.wsdl.iterfind("w:types", N)
    (imports,) = types
    assert (imports.tag, imports.get("targetNamespace")) == (f"{{{XS}}}schema", SVC + "Imports")
    by_location: dict[str, str] = {}
    for imp in imports:
        assert imp.tag == f"{{{XS}}}import"
        assert set(imp.attrib) == {"schemaLocation", "namespace"}
        match = XSD_LOCATION.match(imp.get("schemaLocation", ""))
        assert match, imp.get("schemaLocation")
        if target.is_fake:
            assert match["service"] == target.url
        by_location[imp.get("schemaLocation")] = imp.get("namespace")
    numbers = sorted(int(XSD_LOCATION.match(loc)["n"]) for loc in by_location)
    assert numbers == list(range(len(numbers)))
    first = next(iter(by_location))
    assert (XSD_LOCATION.match(first)["n"], by_location[first]) == ("0", SVC)  # the service's own schema
    for location, namespace in by_location.items():
        document = description.documents[location]
        assert document.get("targetNamespace") == namespace
        for imp in document.iterfind("xs:import", N):
            assert by_location.get(imp.get("schemaLocation")) == imp.get("namespace"), imp.attrib


@pytest.mark.contract("wire.metadata")
def test_single_wsdl_holds_every_schema_inline(description, target):
    single = etree.fromstring(get(f"{target.url}?singleWsdl")[1], PARSER)
    schemas = single.xpath("w:types/xs:schema", namespaces=N)
    namespaces = {s.get("targetNamespace") for s in schemas}
    assert namespaces == {d.get("targetNamespace") for d in description.documents.values()}
    assert {SVC, REQ, RSP, COM, SHR} <= namespaces
    assert single.xpath("w:types//xs:import[@schemaLocation]", namespaces=N) == []
    for name in ("portType", "binding", "service"):
        assert len(single.findall(f"w:{name}", N)) == len(description.wsdl.findall(f"w:{name}", N))


@pytest.mark.contract("wire.metadata")
def test_addresses_follow_the_host_the_client_used(target):
    """soap:address and every schemaLocation name the host the description was fetched from."""
    parts = urllib.parse.urlsplit(target.url)
    wsdl = fetch(target.url + "?wsdl")
    addresses = wsdl.xpath("w:service/w:port/soap:address/@location", namespaces=N)
    locations = wsdl.xpath("w:types/xs:schema/xs:import/@schemaLocation", namespaces=N)
    assert addresses
    assert locations
    for url in (*addresses, *locations):
        assert urllib.parse.urlsplit(url).netloc == parts.netloc, url


@pytest.mark.choice("wire.metadata-unknown-xsd")
@pytest.mark.parametrize("value", ["xsd99", "xsd", "nonsense"])
def test_an_unknown_schema_document_is_404(target, value):
    status, _ = get(f"{target.url}?xsd={value}", expect=None)
    assert status == 404
