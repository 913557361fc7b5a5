"""``ServiceMetadata`` on a description that is not the fake's: it knows WCF's document shape,
not the operations (a later piece of work feeds it the vendor's WSDL plus the OAuth pair)."""

from __future__ import annotations

import pytest
from lxml import etree

from fakeprojector.soap.metadata import SchemaDocument, ServiceMetadata

W = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
NS = {"w": W, "xs": XS, "soap": "http://schemas.xmlsoap.org/wsdl/soap/"}
URL = "http://example.test:81/Svc.svc"

# Three operations, schemas that use prefixes declared only on wsdl:definitions, spyne-like.
SOURCE = f"""<wsdl:definitions xmlns:wsdl="{W}" xmlns:xs="{XS}" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:tns="urn:ex:svc/" xmlns:d="urn:ex:data" targetNamespace="urn:ex:svc/" name="Ex">
  <wsdl:types>
    <xs:schema targetNamespace="urn:ex:svc/" elementFormDefault="qualified">
      <xs:import namespace="urn:ex:data"/>
      <xs:element name="Ping"><xs:complexType><xs:sequence>
        <xs:element name="rq" type="d:Thing" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>
    </xs:schema>
    <xs:schema targetNamespace="urn:ex:data" elementFormDefault="qualified">
      <xs:complexType name="Thing"><xs:sequence><xs:element name="A" type="xs:string"/></xs:sequence></xs:complexType>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="PingIn"><wsdl:part name="parameters" element="tns:Ping"/></wsdl:message>
  <wsdl:message name="PongIn"><wsdl:part name="body" type="d:Thing"/></wsdl:message>
  <wsdl:portType name="IEx">
    <wsdl:operation name="Ping"><wsdl:input message="tns:PingIn"/></wsdl:operation>
    <wsdl:operation name="Pong"><wsdl:input message="tns:PongIn"/></wsdl:operation>
    <wsdl:operation name="Peng"><wsdl:input message="tns:PingIn"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="B" type="tns:IEx"><soap:binding transport="http://schemas.xmlsoap.org/soap/http"/></wsdl:binding>
  <wsdl:service name="Ex"><wsdl:port name="P" binding="tns:B"><soap:address location="http://old/x"/></wsdl:port></wsdl:service>
</wsdl:definitions>"""


@pytest.fixture
def source():
    return etree.fromstring(SOURCE)


@pytest.fixture
def metadata(source):
    return ServiceMetadata.from_definitions(source)


def test_wsdl_imports_each_schema_by_address(metadata):
    root = etree.fromstring(metadata.wsdl(URL))
    (imports,) = root.xpath("w:types/xs:schema", namespaces=NS)
    assert imports.get("targetNamespace") == "urn:ex:svc/Imports"
    assert [(i.get("schemaLocation"), i.get("namespace")) for i in imports] == [
        (f"{URL}?xsd=xsd0", "urn:ex:svc/"),
        (f"{URL}?xsd=xsd1", "urn:ex:data"),
    ]
    assert root.xpath("w:service/w:port/soap:address/@location", namespaces=NS) == [URL]
    assert [etree.QName(c).localname for c in root] == [
        "types",
        "message",
        "message",
        "portType",
        "binding",
        "service",
    ]
    assert root.xpath("w:portType/w:operation/@name", namespaces=NS) == ["Ping", "Pong", "Peng"]
    # a part naming another namespace than the target gets a local qN prefix, as WCF writes it
    (part,) = root.xpath("w:message[@name='PongIn']/w:part", namespaces=NS)
    assert part.get("type") == "q1:Thing"
    assert part.nsmap["q1"] == "urn:ex:data"


def test_schema_documents_stand_alone_with_addressed_imports(metadata):
    xsd0 = etree.fromstring(metadata.xsd(0, URL))
    (imp,) = xsd0.iterfind(f"{{{XS}}}import")
    assert dict(imp.attrib) == {"schemaLocation": f"{URL}?xsd=xsd1", "namespace": "urn:ex:data"}
    (member,) = xsd0.xpath("//xs:sequence/xs:element", namespaces=NS)
    prefix, _, local = member.get("type").partition(":")
    assert (member.nsmap[prefix], local) == ("urn:ex:data", "Thing")
    assert list(member.attrib) == ["minOccurs", "name", "type"]  # WCF's attribute order
    xsd1 = etree.fromstring(metadata.xsd(1, URL))
    assert xsd1.nsmap["tns"] == "urn:ex:data"
    with pytest.raises(IndexError):
        metadata.xsd(2, URL)


def test_single_wsdl_inlines_the_schemas_without_locations(metadata):
    root = etree.fromstring(metadata.single_wsdl(URL))
    schemas = root.xpath("w:types/xs:schema", namespaces=NS)
    assert [s.get("targetNamespace") for s in schemas] == ["urn:ex:svc/", "urn:ex:data"]
    assert root.xpath("//xs:import/@schemaLocation", namespaces=NS) == []
    (element,) = root.xpath("//xs:complexType[@name='Thing']//xs:element", namespaces=NS)
    prefix, _, local = element.get("type").partition(":")
    assert (element.nsmap[prefix], local) == (XS, "string")  # prefixes resolve in place


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("xsd0", 0),
        ("XSD1", 1),
        ("Xsd1", 1),
        ("xsd2", None),
        ("xsd01", None),
        ("xsd", None),
        ("xsd-1", None),
        ("1", None),
        ("xsd\u0661", None),  # a non-ASCII digit
    ],
)
def test_schema_number(metadata, name, number):
    assert metadata.schema_number(name) == number


def test_documents_differ_only_in_their_address_and_the_cache_is_bounded(source):
    metadata = ServiceMetadata(
        source,
        [SchemaDocument(s.get("targetNamespace"), s) for s in source.find(f"{{{W}}}types")],
        cache_size=3,
    )
    first = metadata.wsdl("http://a/x")
    for n in range(10):
        assert metadata.wsdl(f"http://h{n}/x").replace(f"http://h{n}/x".encode(), b"http://a/x") == first
    assert len(metadata._cache) == 3
    assert metadata.wsdl("http://a/x") == first


def test_the_callers_elements_are_not_changed(source):
    before = etree.tostring(source)
    metadata = ServiceMetadata.from_definitions(source)
    metadata.wsdl(URL)
    metadata.single_wsdl(URL)
    assert etree.tostring(source) == before


def test_one_document_per_namespace(source):
    schema = source.find(f"{{{W}}}types/{{{XS}}}schema")
    with pytest.raises(ValueError, match="one schema document per namespace"):
        ServiceMetadata(
            source, [SchemaDocument("urn:ex:svc/", schema), SchemaDocument("urn:ex:svc/", schema)]
        )


def test_a_schema_document_must_be_an_xs_schema_of_its_namespace(source):
    schema = source.find(f"{{{W}}}types/{{{XS}}}schema")
    with pytest.raises(ValueError, match="not an xs:schema of target namespace urn:other"):
        ServiceMetadata(source, [SchemaDocument("urn:other", schema)])
