"""A loaded contract's metadata, served in WCF's shape with the two OAuth operations added.

The vendor's 2019 snapshot predates ``PwsAcquireOauth2Token`` and
``PwsRevokeOauth2RefreshToken``; a client generated from the fake's ``?wsdl`` must still be
able to sign in. So the served description is the loaded WSDL plus, for each OAuth operation
it lacks, spyne's WCF-shaped messages, port type and binding operations and the schema
components they need (wrapper elements, request and result types), merged into the loaded
schemas of the same namespaces where a component of that name is missing. Everything then
goes through :class:`~fakeprojector.soap.metadata.ServiceMetadata`, which gives the
documents WCF's prefixes and addresses them from the Host the client used.

The loaded WSDL's WS-Policy (the vendor's asks for an HTTPS transport) is dropped here; as for
the fake's own description, :class:`~fakeprojector.soap.metadata.ServiceMetadata` writes WCF's
transport policy into documents addressed ``https://`` and none into plain-HTTP ones [wcf,
docs/behaviour.md wire.metadata].
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from fakeprojector.contract import NS_WSDL, NS_WSDL_SOAP, NS_WSP, NS_XSD
from fakeprojector.rules import OPERATIONS
from fakeprojector.soap.metadata import SchemaDocument, ServiceMetadata, _clone_into
from fakeprojector.soap.wsdl import fault_message, input_message, output_message
from fakeprojector.wsdl import Contract

_W = f"{{{NS_WSDL}}}"
_X = f"{{{NS_XSD}}}"
_QNAME_VALUES = ("type", "base", "ref", "element", "itemType")
_COMPONENTS = {f"{_X}element": "element", f"{_X}complexType": "type", f"{_X}simpleType": "type"}


def merged_metadata(contract: Contract, own: ServiceMetadata) -> ServiceMetadata:
    """``contract``'s description plus the operations of ``own`` it lacks (``own``: the
    fake's spyne-generated metadata), when both describe the same service namespace."""
    definitions = _copy(contract.wsdl)
    for el in list(definitions.iter(f"{{{NS_WSP}}}*")):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    missing = [op for op in OPERATIONS if op not in contract.operations]
    if contract.namespace != own.target_namespace:
        missing = []  # another service: its port type is not the vendor's
    if missing:
        _add_operations(definitions, own.definitions, missing)
    schemas: dict[str, etree._Element] = {
        doc.namespace: etree.fromstring(doc.standalone()) for doc in contract.schemas
    }
    if missing:
        for doc in own.schemas:
            target = schemas.get(doc.namespace)
            if target is None:
                schemas[doc.namespace] = _copy(doc.root)
            else:
                _add_components(target, doc.root)
    return ServiceMetadata(definitions, [SchemaDocument(ns, root) for ns, root in schemas.items()])


def _copy(source: etree._Element) -> etree._Element:
    """A deep copy keeping every in-scope prefix (QName values use them)."""
    return _clone_into(None, source, nsmap=dict(source.nsmap))


def _append(parent: etree._Element, source: etree._Element, position: int | None = None) -> None:
    clone = _clone_into(parent, source, nsmap=dict(source.nsmap))
    if position is not None:
        parent.insert(position, clone)


def _add_operations(definitions: etree._Element, own: etree._Element, names: Iterable[str]) -> None:
    names = list(names)
    wanted = {n for op in names for n in (input_message(op), output_message(op), fault_message(op))}
    messages = [m for m in own.iterfind(f"{_W}message") if m.get("name") in wanted]
    last = max((i for i, child in enumerate(definitions) if child.tag == f"{_W}message"), default=-1)
    for offset, message in enumerate(messages):
        _append(definitions, message, last + 1 + offset)
    port_type = definitions.find(f"{_W}portType")
    binding = next(
        (b for b in definitions.iterfind(f"{_W}binding") if b.find(f"{{{NS_WSDL_SOAP}}}binding") is not None),
        None,
    )
    for op in names:
        for target, path in (
            (port_type, f"{_W}portType/{_W}operation"),
            (binding, f"{_W}binding/{_W}operation"),
        ):
            source = next((o for o in own.iterfind(path) if o.get("name") == op), None)
            if target is not None and source is not None:
                _append(target, source)


def _declared(schema: etree._Element) -> set[tuple[str, str]]:
    return {
        (_COMPONENTS[child.tag], child.get("name", ""))
        for child in schema
        if isinstance(child.tag, str) and child.tag in _COMPONENTS
    }


def _add_components(target: etree._Element, source: etree._Element) -> None:
    """Copy into ``target`` the top-level components of ``source`` it does not declare, and
    import the namespaces they refer to."""
    declared = _declared(target)
    namespace = target.get("targetNamespace", "")
    imported = {imp.get("namespace") for imp in target.iterfind(f"{_X}import")}
    needed: list[str] = []
    for child in source:
        kind = _COMPONENTS.get(child.tag) if isinstance(child.tag, str) else None
        if kind is None or (kind, child.get("name", "")) in declared:
            continue
        _append(target, child)
        for el in child.iter():
            for attribute in _QNAME_VALUES:
                value = el.get(attribute)
                if value:
                    prefix, sep, _ = value.rpartition(":")
                    ns = el.nsmap.get(prefix if sep else None)
                    if ns and ns not in (namespace, NS_XSD) and ns not in imported and ns not in needed:
                        needed.append(ns)
    for ns in reversed(needed):
        target.insert(0, etree.Element(f"{_X}import", namespace=ns))
