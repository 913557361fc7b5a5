"""A service description as a client sees it: ``?wsdl`` plus every ``?xsd=xsdN`` it imports.

Works on any WCF-shaped endpoint (the fake or the real service): types are found through
``xsd:import schemaLocation`` on the same host. Also a structural "shape" of an element for
comparing two descriptions point by point. Nothing here imports fakeprojector.
"""

from __future__ import annotations

import http.client
import urllib.parse
from typing import Any

from lxml import etree

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
XS = "http://www.w3.org/2001/XMLSchema"
WSAW = "http://www.w3.org/2006/05/addressing/wsdl"
WSP = "http://schemas.xmlsoap.org/ws/2004/09/policy"
N = {"w": WSDL, "soap": SOAP11, "xs": XS, "wsaw": WSAW}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True)
#: attributes whose value is a QName in WSDL 1.1 and XSD
QNAME_ATTRIBUTES = frozenset({"type", "base", "ref", "element", "message", "binding", "itemType"})


def get(url: str, expect: int | None = 200) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        data = resp.read()
        assert expect is None or resp.status == expect, (url, resp.status, data[:300])
        return resp.status, data
    finally:
        conn.close()


def fetch(url: str) -> etree._Element:
    return etree.fromstring(get(url)[1], PARSER)


def qname(context: etree._Element, value: str) -> etree.QName:
    prefix, _, local = value.rpartition(":")
    return etree.QName(context.nsmap.get(prefix or None), local)


class Description:
    """The WSDL plus every schema reachable from it (same host only)."""

    def __init__(self, url: str) -> None:
        self.wsdl = fetch(url)
        self.schemas: list[etree._Element] = []
        #: each schema document fetched, by its ``schemaLocation``
        self.documents: dict[str, etree._Element] = {}
        pending = list(self.wsdl.iterfind("w:types/xs:schema", N))
        host = urllib.parse.urlsplit(url).netloc
        while pending:
            schema = pending.pop()
            self.schemas.append(schema)
            for imp in schema.iterfind("xs:import", N):
                loc = imp.get("schemaLocation")
                if loc and loc not in self.documents and urllib.parse.urlsplit(loc).netloc in ("", host):
                    self.documents[loc] = fetch(urllib.parse.urljoin(url, loc))
                    pending.append(self.documents[loc])

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

    def named_type(self, context: etree._Element, name: str) -> tuple[etree._Element, str]:
        q = qname(context, name)
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


def shape(
    el: etree._Element,
    operation: str = "",
    *,
    any_type_namespace: bool = False,
    skip: frozenset[str] = frozenset(),
) -> tuple[Any, ...]:
    """An element's tag, attributes and children, recursively: QName values resolved to
    ``(namespace, name)`` (prefixes differ between writers), the operation's name written
    ``{op}`` so that two operations compare, ``skip`` tags left out. With
    ``any_type_namespace`` a ``type`` attribute's namespace is ``*``."""

    def value(name: str, text: str) -> object:
        if name in QNAME_ATTRIBUTES:
            q = qname(el, text)
            namespace = "*" if any_type_namespace and name == "type" else q.namespace
            return (namespace, q.localname.replace(operation, "{op}") if operation else q.localname)
        return text.replace(operation, "{op}") if operation else text

    attributes = tuple(sorted((name, value(name, text)) for name, text in el.attrib.items()))
    children = tuple(
        shape(child, operation, any_type_namespace=any_type_namespace, skip=skip)
        for child in el
        if isinstance(child.tag, str) and child.tag not in skip
    )
    return (el.tag, attributes, children)
