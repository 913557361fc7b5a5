"""The loaded service description: the root every other part of the engine works from.

A :class:`Contract` is made by :func:`fakeprojector.wsdl.load.load_contract` and is read-only
afterwards, except for the plan caches that the writer and the reader fill on first use of
an operation (so per-call work is small and start-up does not pay for 147 operations).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lxml import etree

from fakeprojector.contract import NS_XSD
from fakeprojector.wsdl.model import ComplexType, Operation, QName, SimpleType, type_label
from fakeprojector.wsdl.schema import SchemaDocument

_SCHEMA_URN = "urn:fakeprojector:schema:"


class Contract:
    """Operations and types of one WSDL, plus the parsed documents for serving them."""

    def __init__(
        self,
        *,
        path: Path,
        wsdl: etree._Element,
        schemas: tuple[SchemaDocument, ...],
        types: dict[QName, ComplexType | SimpleType],
        elements: dict[QName, QName],
        operations: dict[str, Operation],
        address: str | None,
        requires_https: bool,
    ) -> None:
        #: The WSDL file it was loaded from.
        self.path = path
        #: The parsed WSDL root (``wsdl:definitions``), for serving ``?wsdl``.
        self.wsdl = wsdl
        #: Every schema document in import order (target namespace, lxml root, source file).
        self.schemas = schemas
        self.types: Mapping[QName, ComplexType | SimpleType] = MappingProxyType(types)
        #: Global elements and their types (the operation wrappers among them).
        self.elements: Mapping[QName, QName] = MappingProxyType(elements)
        self.operations: Mapping[str, Operation] = MappingProxyType(operations)
        #: The WSDL's ``targetNamespace``: where ``<Op>``, ``<Op>Response`` and the parameter live.
        self.namespace: str = wsdl.get("targetNamespace") or ""
        #: The ``soap:address`` of the service port, if any.
        self.address = address
        #: The binding's WS-Policy asks for HTTPS transport (``sp:HttpsToken``) [doc].
        self.requires_https = requires_https
        self._actions = {op.action: op for op in operations.values()}
        #: Plan caches of :mod:`~fakeprojector.wsdl.writer` and :mod:`~fakeprojector.wsdl.reader`.
        self.plans: dict[Any, Any] = {}
        self._xml_schema: etree.XMLSchema | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Contract {self.path.name}: {len(self.operations)} operations, {len(self.types)} types>"

    def operation(self, name: str) -> Operation:
        """The operation called ``name``; ``KeyError`` naming the file when there is none."""
        try:
            return self.operations[name]
        except KeyError:
            raise KeyError(f"{self.path.name} has no operation {name!r}") from None

    def operation_for_action(self, action: str) -> Operation | None:
        """The operation whose SOAPAction is ``action`` (quoted or not), else ``None``."""
        value = action.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        return self._actions.get(value)

    def complex_type(self, name: QName) -> ComplexType:
        found = self.types.get(name)
        if not isinstance(found, ComplexType):
            raise KeyError(f"{type_label(name)} is not a complex type of {self.path.name}")
        return found

    def simple_type(self, name: QName) -> SimpleType:
        found = self.types.get(name)
        if not isinstance(found, SimpleType):
            raise KeyError(f"{type_label(name)} is not a simple type of {self.path.name}")
        return found

    def xml_schema(self) -> etree.XMLSchema:
        """An lxml validator of every schema (compiled once, on first call, offline).

        The documents are copied with each ``xs:import`` pointed at an in-memory address, so
        ``?xsd=xsdN`` locations and inline schemas validate without a file or network.
        """
        with self._lock:
            if self._xml_schema is None:
                self._xml_schema = _compile(self.schemas)
            return self._xml_schema


class _InMemory(etree.Resolver):
    def __init__(self, documents: dict[str, bytes]) -> None:
        super().__init__()
        self.documents = documents

    def resolve(self, url: str, pubid: str, context: Any) -> Any:
        data = self.documents.get(url)
        return self.resolve_string(data, context) if data is not None else self.resolve_empty(context)


def _compile(schemas: tuple[SchemaDocument, ...]) -> etree.XMLSchema:
    urls = {doc.namespace: f"{_SCHEMA_URN}{i}" for i, doc in enumerate(schemas)}
    documents: dict[str, bytes] = {}
    for doc in schemas:
        root = etree.fromstring(doc.standalone())
        for imp in root.iterfind(f"{{{NS_XSD}}}import"):
            target = urls.get(imp.get("namespace") or "")
            if target is None:
                imp.attrib.pop("schemaLocation", None)
            else:
                imp.set("schemaLocation", target)
        documents[urls[doc.namespace]] = etree.tostring(root)
    driver = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{url}"/>' for ns, url in urls.items() if ns
    )
    text = f'<xs:schema xmlns:xs="{NS_XSD}">{driver}</xs:schema>'
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_InMemory(documents))
    return etree.XMLSchema(etree.fromstring(text.encode(), parser))
