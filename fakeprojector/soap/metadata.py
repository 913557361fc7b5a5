"""A service's metadata in the shape WCF serves it: ``?wsdl``, ``?xsd=xsdN`` and ``?singleWsdl``.

[wcf, doc: the 2019 snapshot] WCF's ``?wsdl`` carries no types of its own: its
``wsdl:types`` hold one ``xsd:schema`` whose target namespace is the service's plus
``Imports``, with one ``xsd:import schemaLocation="<service>?xsd=xsdN"`` per schema
document, and each of those documents imports the namespaces it uses from their
``?xsd=xsdM`` addresses too. ``?singleWsdl`` is the same description with every schema
inline and no ``schemaLocation``. Prefixes are WCF's: a fixed set declared on
``wsdl:definitions``, ``tns`` and ``xs`` on each schema, and ``q1``, ``q2``... declared on
the element that uses any other namespace.

:class:`ServiceMetadata` holds the WSDL definitions (without types) and an ordered list of
:class:`SchemaDocument`; it knows nothing about the operations in them. It is built once,
immutable afterwards, and renders a document for any service URL on demand: the address
(``soap:address``, ``schemaLocation``) is the only thing that differs between URLs, so the
documents a client gets are the same whatever Host name it used. Rendered documents are
cached per URL, a bounded number of them.

An ``https://`` address also gets the transport-security policy WCF writes for a
``basicHttpBinding`` with ``Security mode="Transport"`` [wcf, doc: the 2019 snapshot]: a
``wsp:Policy`` (``sp:TransportBinding`` with ``sp:HttpsToken``) first in the definitions and
a ``wsp:PolicyReference`` to it first in each binding. Over plain HTTP WCF writes none, and a
generator that read one (svcutil) would refuse the ``http://`` address, so neither does the fake.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from fakeprojector.contract import (
    NS_MSC,
    NS_SOAP_ENCODING,
    NS_SP,
    NS_WSA,
    NS_WSA10,
    NS_WSAM,
    NS_WSAP,
    NS_WSAW,
    NS_WSDL,
    NS_WSDL_SOAP,
    NS_WSDL_SOAP12,
    NS_WSP,
    NS_WSU,
    NS_WSX,
    NS_XSD,
)

#: The prefixes WCF declares on ``wsdl:definitions``, in its order (``tns`` is the target).
WSDL_PREFIXES: tuple[tuple[str, str | None], ...] = (
    ("wsap", NS_WSAP),
    ("wsa10", NS_WSA10),
    ("tns", None),
    ("msc", NS_MSC),
    ("soapenc", NS_SOAP_ENCODING),
    ("wsx", NS_WSX),
    ("wsp", NS_WSP),
    ("wsam", NS_WSAM),
    ("wsa", NS_WSA),
    ("wsaw", NS_WSAW),
    ("soap", NS_WSDL_SOAP),
    ("soap12", NS_WSDL_SOAP12),
    ("wsu", NS_WSU),
    ("xsd", NS_XSD),
    ("wsdl", NS_WSDL),
)
XSD_QUERY_PREFIX = "xsd"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
#: Attributes whose value is a QName (or, ``memberTypes``, a list of them) in WSDL 1.1 and XSD.
_QNAME_ATTRIBUTES = frozenset(
    {"type", "base", "ref", "element", "message", "binding", "itemType", "memberTypes", "substitutionGroup"}
)
#: The order WCF writes an ``xs:element``'s attributes in.
_ELEMENT_ATTRIBUTE_ORDER = ("minOccurs", "maxOccurs", "name", "nillable", "type")
#: WSDL 1.1's order of the children of ``wsdl:definitions``; extensions (WCF's ``wsp:Policy``) come first.
_WSDL_ORDER = {
    "documentation": 0,
    "import": 2,
    "types": 3,
    "message": 4,
    "portType": 5,
    "binding": 6,
    "service": 7,
}
_ADDRESSES = frozenset({f"{{{NS_WSDL_SOAP}}}address", f"{{{NS_WSDL_SOAP12}}}address"})


def _w(tag: str) -> str:
    return f"{{{NS_WSDL}}}{tag}"


def _x(tag: str) -> str:
    return f"{{{NS_XSD}}}{tag}"


@dataclass(frozen=True)
class SchemaDocument:
    """One ``?xsd=xsdN`` document: an ``xs:schema`` of target namespace ``namespace``, its
    ``xs:import`` elements of the other documents without ``schemaLocation`` (the renderer
    adds it per URL)."""

    namespace: str
    root: etree._Element


class ServiceMetadata:
    """WSDL definitions without types plus ordered schema documents, rendered as WCF does.

    ``definitions`` is a ``wsdl:definitions`` element (a ``wsdl:types`` child, if any, is
    ignored); ``schemas`` one document per target namespace, ``?xsd=xsd0`` first. Both are
    copied into WCF's prefixes; the caller's elements are never changed. Thread-safe.
    """

    def __init__(
        self, definitions: etree._Element, schemas: Sequence[SchemaDocument], *, cache_size: int = 128
    ) -> None:
        if definitions.tag != _w("definitions"):
            raise ValueError(f"not a wsdl:definitions element: {definitions.tag}")
        namespaces = [s.namespace for s in schemas]
        if len(set(namespaces)) != len(namespaces):
            raise ValueError(f"one schema document per namespace, got {namespaces}")
        for s in schemas:
            if s.root.tag != _x("schema") or s.root.get("targetNamespace") != s.namespace:
                raise ValueError(f"not an xs:schema of target namespace {s.namespace}: {s.root.tag}")
        self.target_namespace: str = definitions.get("targetNamespace", "")
        fixed = {p: ns if ns is not None else self.target_namespace for p, ns in WSDL_PREFIXES}
        self._definitions = _wcf_copy(definitions, fixed, skip={_w("types")})
        self._schemas = tuple(
            SchemaDocument(s.namespace, _wcf_copy(s.root, {"tns": s.namespace, "xs": NS_XSD}))
            for s in schemas
        )
        self._index = {s.namespace: n for n, s in enumerate(self._schemas)}
        for schema in self._schemas:
            for imp in schema.root.iterfind(_x("import")):
                if imp.get("namespace") in self._index:
                    imp.attrib.pop("schemaLocation", None)
        self._import_order = _import_order(self._definitions, self._index)
        self._cache: OrderedDict[tuple[str, int, str], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @classmethod
    def from_definitions(cls, definitions: etree._Element) -> ServiceMetadata:
        """Split a description with its schemas inline (``?singleWsdl``'s form) into
        definitions and schema documents, keeping the schemas' order."""
        schemas = [
            SchemaDocument(schema.get("targetNamespace", ""), _standalone(schema))
            for schema in definitions.iterfind(f"{_w('types')}/{_x('schema')}")
        ]
        return cls(definitions, schemas)

    @property
    def schemas(self) -> tuple[SchemaDocument, ...]:
        """The schema documents, ``?xsd=xsd0`` first (shared, not copies: do not change them)."""
        return self._schemas

    @property
    def definitions(self) -> etree._Element:
        """The definitions without types (shared, not a copy: do not change them)."""
        return self._definitions

    def schema_number(self, name: str) -> int | None:
        """``N`` for the query value ``xsdN`` (any case, like WCF), or ``None`` when it names
        no schema document."""
        prefix, digits = name[: len(XSD_QUERY_PREFIX)], name[len(XSD_QUERY_PREFIX) :]
        if prefix.lower() != XSD_QUERY_PREFIX or not digits.isascii() or not digits.isdigit():
            return None
        if digits != str(int(digits)) or int(digits) >= len(self._schemas):
            return None
        return int(digits)

    def wsdl(self, url: str) -> bytes:
        """``?wsdl``: the definitions importing every schema from ``url?xsd=xsdN``."""
        return self._cached("wsdl", 0, url)

    def single_wsdl(self, url: str) -> bytes:
        """``?singleWsdl``: the definitions with every schema inline."""
        return self._cached("single", 0, url)

    def xsd(self, number: int, url: str) -> bytes:
        """``?xsd=xsdN``: schema document ``number``; :class:`IndexError` when there is none."""
        if not 0 <= number < len(self._schemas):
            raise IndexError(f"no schema document xsd{number}")
        return self._cached("xsd", number, url)

    # --- rendering ------------------------------------------------------------------------
    def _cached(self, kind: str, number: int, url: str) -> bytes:
        key = (kind, number, url)
        with self._lock:
            body = self._cache.get(key)
            if body is not None:
                self._cache.move_to_end(key)
                return body
            if kind == "wsdl":
                root = self._render_definitions(url, inline=False)
            elif kind == "single":
                root = self._render_definitions(url, inline=True)
            else:
                root = copy.deepcopy(self._schemas[number].root)
                self._locate_imports(root, url)
            etree.indent(root, space="  ")
            body = XML_DECLARATION + bytes(etree.tostring(root, encoding="utf-8"))
            self._cache[key] = body
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return body

    def _render_definitions(self, url: str, *, inline: bool) -> etree._Element:
        root = copy.deepcopy(self._definitions)
        position = next(
            (i for i, child in enumerate(root) if _rank(child) > _WSDL_ORDER["types"]),
            len(root),
        )
        root.insert(position, etree.Element(_w("types")))
        types = root[position]
        if inline:
            for schema in self._schemas:
                _clone_into(types, schema.root)
        else:
            imports = etree.SubElement(
                types, _x("schema"), targetNamespace=_imports_namespace(self.target_namespace)
            )
            for number in self._import_order:
                etree.SubElement(
                    imports,
                    _x("import"),
                    {"schemaLocation": _xsd_url(url, number), "namespace": self._schemas[number].namespace},
                )
        for port in root.iterfind(f"{_w('service')}/{_w('port')}"):
            for address in port:
                if address.tag in _ADDRESSES:
                    address.set("location", url)
        if url.startswith("https://"):
            _require_transport_security(root)
        return root

    def _locate_imports(self, schema: etree._Element, url: str) -> None:
        for imp in schema.iterfind(_x("import")):
            namespace = imp.get("namespace", "")
            number = self._index.get(namespace)
            if number is not None:
                imp.attrib.clear()  # WCF writes schemaLocation first
                imp.set("schemaLocation", _xsd_url(url, number))
                imp.set("namespace", namespace)


def _require_transport_security(definitions: etree._Element) -> None:
    """Add WCF's HTTPS transport policy for each binding, as the 2019 snapshot has it."""
    for index, binding in enumerate(definitions.findall(_w("binding"))):
        policy_id = f"{binding.get('name')}_policy"
        policy = etree.SubElement(definitions, f"{{{NS_WSP}}}Policy", {f"{{{NS_WSU}}}Id": policy_id})
        definitions.insert(index, policy)  # extensions first, one per binding in binding order
        choice = etree.SubElement(etree.SubElement(policy, f"{{{NS_WSP}}}ExactlyOne"), f"{{{NS_WSP}}}All")
        transport = etree.SubElement(choice, f"{{{NS_SP}}}TransportBinding", nsmap={"sp": NS_SP})
        assertions = etree.SubElement(transport, f"{{{NS_WSP}}}Policy")
        for name, inner, attributes in (
            ("TransportToken", "HttpsToken", {"RequireClientCertificate": "false"}),
            ("AlgorithmSuite", "Basic256", {}),
            ("Layout", "Strict", {}),
        ):
            wrapper = etree.SubElement(
                etree.SubElement(assertions, f"{{{NS_SP}}}{name}"), f"{{{NS_WSP}}}Policy"
            )
            etree.SubElement(wrapper, f"{{{NS_SP}}}{inner}", attributes)
        reference = etree.SubElement(binding, f"{{{NS_WSP}}}PolicyReference", URI=f"#{policy_id}")
        binding.insert(0, reference)


def _xsd_url(url: str, number: int) -> str:
    return f"{url}?{XSD_QUERY_PREFIX}={XSD_QUERY_PREFIX}{number}"


def _imports_namespace(target_namespace: str) -> str:
    """``http://projectorpsa.com/PwsProjectorServices/`` -> ``.../PwsProjectorServices/Imports``."""
    return target_namespace.rstrip("/") + "/Imports"


def _rank(element: etree._Element) -> int:
    if not isinstance(element.tag, str):
        return 1
    qname = etree.QName(element)
    return _WSDL_ORDER.get(qname.localname, 1) if qname.namespace == NS_WSDL else 1


def _import_order(definitions: etree._Element, index: dict[str, int]) -> tuple[int, ...]:
    """The order of the Imports schema [doc: the 2019 snapshot lists xsd0, xsd4, xsd1, xsd2...]:
    the namespaces the message parts use, as they first appear, then every other document."""
    first: list[int] = []
    for part in definitions.iterfind(f"{_w('message')}/{_w('part')}"):
        for attribute in ("element", "type"):
            value = part.get(attribute)
            if value:
                number = index.get(_resolve(part, value).namespace or "")
                if number is not None and number not in first:
                    first.append(number)
    return (*first, *(n for n in range(len(index)) if n not in first))


def _resolve(context: etree._Element, value: str) -> etree.QName:
    prefix, _, local = value.rpartition(":")
    namespace = context.nsmap.get(prefix or None)
    if prefix and namespace is None:
        raise ValueError(f"unbound prefix in {value!r} on {context.tag}")
    return etree.QName(namespace, local)


class _Prefixes:
    """WCF's way with prefixes: ``fixed`` ones on the document element; any other namespace a
    QName value uses gets ``qN`` declared on that element, numbered through the document."""

    def __init__(self, fixed: dict[str, str]) -> None:
        self.fixed = fixed
        self._by_namespace = {ns: p for p, ns in fixed.items()}
        self._count = 0

    def qualify(self, context: etree._Element, value: str, local: dict[str, str]) -> str:
        qname = _resolve(context, value)
        if qname.namespace is None:
            return str(qname.localname)
        prefix = self._by_namespace.get(qname.namespace)
        if prefix is None:
            prefix = next((p for p, ns in local.items() if ns == qname.namespace), None)
        if prefix is None:
            self._count += 1
            prefix = f"q{self._count}"
            local[prefix] = qname.namespace
        return f"{prefix}:{qname.localname}"


def _wcf_copy(source: etree._Element, fixed: dict[str, str], skip: Iterable[str] = ()) -> etree._Element:
    """A copy of ``source`` with WCF's prefixes (QName attribute values rewritten to match)."""
    prefixes = _Prefixes(fixed)
    return _copy_element(source, None, prefixes, frozenset(skip))


def _copy_element(
    source: etree._Element, parent: etree._Element | None, prefixes: _Prefixes, skip: frozenset[str]
) -> etree._Element:
    local: dict[str, str] = {}
    attributes = [
        (
            name,
            " ".join(prefixes.qualify(source, v, local) for v in value.split())
            if name in _QNAME_ATTRIBUTES
            else value,
        )
        for name, value in source.attrib.items()
    ]
    if source.tag == _x("element"):
        attributes.sort(key=lambda a: _attribute_rank(a[0]))
    if parent is None:
        element = etree.Element(source.tag, nsmap={**prefixes.fixed, **local})
    else:
        element = etree.SubElement(parent, source.tag, nsmap=local)
    for name, value in attributes:
        element.set(name, value)
    if source.text and source.text.strip():
        element.text = source.text
    for child in source:
        if isinstance(child.tag, str):
            if child.tag not in skip:
                _copy_element(child, element, prefixes, skip)
        elif isinstance(child, etree._Comment):
            element.append(etree.Comment(child.text))
        else:
            continue
        if child.tail and child.tail.strip():
            element[-1].tail = child.tail
    return element


def _attribute_rank(name: str) -> int:
    try:
        return _ELEMENT_ATTRIBUTE_ORDER.index(name)
    except ValueError:
        return len(_ELEMENT_ATTRIBUTE_ORDER)


def _standalone(schema: etree._Element) -> etree._Element:
    """A copy of an inline schema as its own document, every in-scope prefix kept (QName
    values may use prefixes declared on the surrounding definitions)."""
    return _clone_into(None, schema, nsmap=dict(schema.nsmap))


def _clone_into(
    parent: etree._Element | None, source: etree._Element, nsmap: dict[str | None, str] | None = None
) -> etree._Element:
    """Copy ``source`` under ``parent`` keeping its prefixes exactly.

    ``parent.append(deepcopy(source))`` would not do: lxml then drops a declaration the new
    parent makes for the same namespace under another prefix, renaming ``xs:`` elements to
    ``xsd:`` while ``type="xs:string"`` values keep the old prefix.
    """
    if nsmap is None:
        inherited = source.getparent()
        outer = inherited.nsmap if inherited is not None else {}
        nsmap = {p: ns for p, ns in source.nsmap.items() if outer.get(p) != ns}
    if parent is None:
        element = etree.Element(source.tag, dict(source.attrib), nsmap=nsmap)
    else:
        element = etree.SubElement(parent, source.tag, dict(source.attrib), nsmap=nsmap)
    element.text = source.text
    for child in source:
        if isinstance(child.tag, str):
            _clone_into(element, child)
        elif isinstance(child, etree._Comment):
            element.append(etree.Comment(child.text))
        else:
            continue
        element[-1].tail = child.tail
    return element
