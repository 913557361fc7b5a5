"""The target's metadata against the vendor's real 2019 snapshot, point by point.

The snapshot (``../shared/reference/projector-wsdl-2019/`` beside the checkout: the WSDL, the
schema files and a README mapping each file to its ``?xsd=xsdN`` address) is what WCF served
for the vendor's service. It predates the OAuth operations, so operations are compared by
*shape*: every vendor operation is written one way (names with the operation's name as
``{op}``), and each of the target's operations must be written that way too. The snapshot is
read in place, never copied into the project; without it these tests skip. That is why this
module stays in the repository rather than in the shipped suite.

Left out on purpose: the vendor's ``wsp:Policy`` and ``wsp:PolicyReference`` (HTTPS transport
security, which WCF writes only for an HTTPS endpoint), and the schemas' own contents (the
contract suite's other tests check the types the OAuth operations use).
"""

from __future__ import annotations

import copy
import re
from collections import Counter

import pytest
from lxml import etree

from fakeprojector.contract_suite.description import PARSER, WSDL, WSP, XS, Description, N, qname, shape
from fakeprojector.contract_suite.soapclient import SHR, SVC
from fakeprojector.contract_suite.support import OPERATIONS
from tests.support.paths import VENDOR_WSDL_DIR

VENDOR = VENDOR_WSDL_DIR
POLICY = frozenset({f"{{{WSP}}}Policy", f"{{{WSP}}}PolicyReference"})
XSD_LOCATION = re.compile(r"\?xsd=xsd(?P<n>0|[1-9][0-9]*)$")

pytestmark = [
    pytest.mark.skipif(
        not (VENDOR / "PwsProjectorServices.wsdl").is_file(),
        reason=f"the vendor's 2019 metadata snapshot is not beside the checkout ({VENDOR}): "
        "these tests compare the metadata with it",
    ),
    pytest.mark.contract("wire.metadata"),
]


class Vendor:
    """The snapshot as a client would have fetched it: the WSDL and ``?xsd=xsdN`` documents."""

    def __init__(self) -> None:
        self.wsdl = etree.parse(str(VENDOR / "PwsProjectorServices.wsdl"), PARSER).getroot()
        self.documents: dict[int, etree._Element] = {}
        row = re.compile(r"^\|\s*(?P<file>PwsProjectorServices\d*\.xsd)\s*\|\s*\?xsd=xsd(?P<n>\d+)\s*\|")
        for line in (VENDOR / "README.md").read_text(encoding="utf-8").splitlines():
            match = row.match(line)
            if match:
                path = VENDOR / match["file"]
                self.documents[int(match["n"])] = etree.parse(str(path), PARSER).getroot()
        assert sorted(self.documents) == list(range(14)), "the snapshot README maps 14 schema files"


@pytest.fixture(scope="module")
def vendor():
    return Vendor()


@pytest.fixture(scope="module")
def ours(_contract_target):
    description = Description(_contract_target.url + "?wsdl")
    description.by_number = {
        int(XSD_LOCATION.search(loc)["n"]): doc for loc, doc in description.documents.items()
    }
    return description


def _operations(wsdl: etree._Element) -> list[str]:
    return [op.get("name") for op in wsdl.iterfind("w:portType/w:operation", N)]


def _common_shape(shapes: list[tuple]) -> tuple:
    """The shape (nearly) every vendor operation shares; a handful of exceptions are allowed."""
    (common, count), *_ = Counter(shapes).most_common(1)
    assert count >= 0.95 * len(shapes), f"the vendor's operations share no one shape ({count}/{len(shapes)})"
    return common


def _by_name(wsdl: etree._Element, path: str) -> dict[str, etree._Element]:
    return {el.get("name"): el for el in wsdl.iterfind(path, N)}


def test_definitions_declare_what_wcf_declares(vendor, ours):
    assert dict(ours.wsdl.nsmap) == dict(vendor.wsdl.nsmap)
    for attribute in ("name", "targetNamespace"):
        assert ours.wsdl.get(attribute) == vendor.wsdl.get(attribute)


def test_top_level_order(vendor, ours):
    def runs(wsdl):
        names = [etree.QName(c).localname for c in wsdl if c.tag not in POLICY]
        return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]

    assert runs(vendor.wsdl) == ["types", "message", "portType", "binding", "service"]
    assert runs(ours.wsdl) == runs(vendor.wsdl)


def test_port_type_operations_carry_wsaw_actions_as_the_vendors_do(vendor, ours):
    """wsaw:Action on input (…/<Op>), output (…/<Op>Response) and fault (…/<Op>PwsFaultFault)."""
    theirs = _by_name(vendor.wsdl, "w:portType/w:operation")
    common = _common_shape([shape(op, name) for name, op in theirs.items()])
    assert common == shape(theirs["PwsAuthenticate"], "PwsAuthenticate")
    mine = _by_name(ours.wsdl, "w:portType/w:operation")
    for operation in OPERATIONS:
        assert shape(mine[operation], operation) == common, operation
    assert [pt.get("name") for pt in ours.wsdl.iterfind("w:portType", N)] == [
        pt.get("name") for pt in vendor.wsdl.iterfind("w:portType", N)
    ]


def test_messages_and_parts_as_the_vendors(vendor, ours):
    """Three messages per operation, in port-type order: input, output, fault; parts
    ``parameters`` (the wrapper elements) and ``detail`` (``PwsFault``)."""

    def trios(wsdl):
        messages = wsdl.findall("w:message", N)
        names = _operations(wsdl)
        assert len(messages) == 3 * len(names)
        return {op: messages[3 * i : 3 * i + 3] for i, op in enumerate(names)}

    theirs = trios(vendor.wsdl)
    common = _common_shape([tuple(shape(m, op) for m in trio) for op, trio in theirs.items()])
    (fault_part,) = theirs["PwsAuthenticate"][2]
    assert qname(fault_part, fault_part.get("element")) == etree.QName(SHR, "PwsFault")
    mine = trios(ours.wsdl)
    assert set(OPERATIONS) <= set(mine)
    for operation in OPERATIONS:
        assert tuple(shape(m, operation) for m in mine[operation]) == common, operation


def test_wrapper_elements_are_anonymous_as_the_vendors(vendor, ours):
    """``<Op>`` and ``<Op>Response`` in ``?xsd=xsd0`` declared with anonymous complex types
    (the request/result type's namespace varies by the vendor's operation group)."""
    xsd0 = vendor.documents[0]
    theirs = _by_name(xsd0, "xs:element")
    common = _common_shape(
        [
            tuple(shape(theirs[n], op, any_type_namespace=True) for n in (op, f"{op}Response"))
            for op in _operations(vendor.wsdl)
        ]
    )
    mine = _by_name(ours.by_number[0], "xs:element")
    for operation in OPERATIONS:
        got = tuple(
            shape(mine[n], operation, any_type_namespace=True) for n in (operation, f"{operation}Response")
        )
        assert got == common, operation


def _imports(wsdl: etree._Element) -> list[etree._Element]:
    (types,) = wsdl.iterfind("w:types", N)
    (schema,) = types
    assert schema.tag == f"{{{XS}}}schema"
    assert schema.get("targetNamespace") == SVC + "Imports"
    assert schema.attrib.keys() == ["targetNamespace"]
    return list(schema)


def test_wsdl_imports_its_schemas_as_the_vendors(vendor, ours):
    """One Imports schema; an ``xsd:import`` per document with ``schemaLocation`` then
    ``namespace``, ``?xsd=xsd0`` (the service's schema) first, then the namespaces the
    messages use (``PwsFault``'s), then the others in order."""
    for description, documents in ((vendor, vendor.documents), (ours, ours.by_number)):
        imports = _imports(description.wsdl)
        numbers = []
        for imp in imports:
            assert imp.tag == f"{{{XS}}}import"
            assert imp.attrib.keys() == ["schemaLocation", "namespace"]
            number = int(XSD_LOCATION.search(imp.get("schemaLocation"))["n"])
            assert documents[number].get("targetNamespace") == imp.get("namespace")
            numbers.append(number)
        assert sorted(numbers) == list(range(len(documents)))
        assert numbers[0] == 0
        assert documents[0].get("targetNamespace") == SVC
        assert documents[numbers[1]].get("targetNamespace") == SHR
        assert numbers[2:] == sorted(numbers[2:])


def test_schema_documents_import_each_other_as_the_vendors(vendor, ours):
    """Each document: ``tns`` and ``xs`` declared, qualified elements, and every
    cross-namespace ``xs:import`` with the other document's ``?xsd=xsdM`` address."""
    for documents in (vendor.documents, ours.by_number):
        for document in documents.values():
            assert document.nsmap.get("tns") == document.get("targetNamespace")
            assert document.nsmap.get("xs") == XS
            assert document.get("elementFormDefault") == "qualified"
            for imp in document.iterfind("xs:import", N):
                assert imp.attrib.keys() == ["schemaLocation", "namespace"]
                number = int(XSD_LOCATION.search(imp.get("schemaLocation"))["n"])
                assert documents[number].get("targetNamespace") == imp.get("namespace")


def test_binding_as_the_vendors(vendor, ours):
    """``soap:binding`` with the HTTP transport and no style; per operation ``soap:operation``
    (soapAction, style document), literal ``soap:body`` in and out, ``PwsFaultFault``."""
    (their_binding,) = vendor.wsdl.iterfind("w:binding", N)
    (my_binding,) = ours.wsdl.iterfind("w:binding", N)
    assert shape(my_binding, skip=POLICY | {f"{{{WSDL}}}operation"}) == shape(
        their_binding, skip=POLICY | {f"{{{WSDL}}}operation"}
    )
    theirs = _by_name(their_binding, "w:operation")
    common = _common_shape([shape(op, name) for name, op in theirs.items()])
    mine = _by_name(my_binding, "w:operation")
    for operation in OPERATIONS:
        assert shape(mine[operation], operation) == common, operation


def test_service_and_port_as_the_vendors(vendor, ours):
    def service(wsdl):
        (svc,) = copy.deepcopy(wsdl).iterfind("w:service", N)
        for address in svc.iter(f"{{{N['soap']}}}address"):
            location = address.get("location")
            assert location.endswith("/OpsProjectorWcfSvc/PwsProjectorServices.svc")
            address.set("location", "ADDRESS")
        return shape(svc)

    assert service(ours.wsdl) == service(vendor.wsdl)
