"""Loading a WSDL and its schemas from disk, offline, into a :class:`Contract`.

Schemas may be inline in ``wsdl:types``, beside the WSDL as files named by a relative
``schemaLocation``, or imported from addresses that do not resolve offline (WCF's
``https://host/Service.svc?xsd=xsd3``): those are matched to the ``.xsd`` files in the
WSDL's folder by target namespace, which is how a saved WCF metadata bundle looks. Nothing
is ever fetched: every document goes through the hardened parser (no network, no entities,
no DTD).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from fakeprojector import xmltext
from fakeprojector.contract import NS_WSAM, NS_WSAW, NS_WSDL, NS_WSDL_SOAP, NS_XSD
from fakeprojector.wsdl.contract import Contract
from fakeprojector.wsdl.model import ComplexType, ContractError, Fault, Member, Operation, QName, type_label
from fakeprojector.wsdl.schema import SchemaDocument, TypeBuilder, resolve_qname

_W = f"{{{NS_WSDL}}}"
_XS = f"{{{NS_XSD}}}"
_SOAP = f"{{{NS_WSDL_SOAP}}}"
_ACTIONS = (f"{{{NS_WSAW}}}Action", f"{{{NS_WSAM}}}Action")
_SP_HTTPS_TOKEN = "HttpsToken"  # noqa: S105 - a WS-SecurityPolicy element name


def load_contract(path: str | os.PathLike[str]) -> Contract:
    """Read the WSDL at ``path`` and every schema it needs; build the model once.

    Raises :class:`ContractError` (a ``ValueError``) naming the file, the element and the
    problem when the WSDL or a schema cannot be used. Reads only local files.
    """
    wsdl_path = Path(path)
    root = _parse(wsdl_path)
    if root.tag != f"{_W}definitions":
        raise ContractError(f"{wsdl_path.name}: not a WSDL 1.1 document (root element {root.tag!r})")
    schemas = _Schemas(wsdl_path, root).collect()
    builder = TypeBuilder(schemas)
    types = builder.build()
    operations = _operations(wsdl_path.name, root, builder.elements, types)
    address = root.find(f"{_W}service/{_W}port/{_SOAP}address")
    return Contract(
        path=wsdl_path,
        wsdl=root,
        schemas=tuple(schemas),
        types=types,
        elements=builder.elements,
        operations=operations,
        address=address.get("location") if address is not None else None,
        requires_https=any(
            isinstance(el.tag, str) and el.tag.endswith(f"}}{_SP_HTTPS_TOKEN}") for el in root.iter()
        ),
    )


def _parse(path: Path) -> etree._Element:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContractError(f"{path.name}: cannot be read: {exc.strerror or exc}") from None
    try:
        root = etree.fromstring(data, xmltext.hardened_parser(), base_url=path.resolve().as_uri())
    except etree.XMLSyntaxError as exc:
        raise ContractError(f"{path.name}: not well-formed XML: {exc.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ContractError(f"{path.name}: a DTD is not allowed")
    return root


def _is_local_reference(location: str) -> bool:
    """A relative file path, as opposed to an address (``https://...``, ``...svc?xsd=xsd3``)."""
    return "://" not in location and "?" not in location and not location.startswith(("urn:", "file:"))


class _Schemas:
    """Finds every schema document the WSDL needs, in import order (breadth first)."""

    def __init__(self, wsdl_path: Path, root: etree._Element) -> None:
        self.wsdl_path, self.root = wsdl_path, root
        self.folder = wsdl_path.resolve().parent
        self.by_ns: dict[str, SchemaDocument] = {}
        self.order: list[SchemaDocument] = []
        self._folder_index: dict[str, list[tuple[Path, etree._Element]]] | None = None

    def collect(self) -> list[SchemaDocument]:
        name = self.wsdl_path.name
        inline = self.root.findall(f"{_W}types/{_XS}schema")
        queue: deque[tuple[etree._Element, str, Path]] = deque()
        for schema in inline:
            ns = schema.get("targetNamespace") or ""
            holds_declarations = any(
                isinstance(c.tag, str) and c.tag not in (f"{_XS}import", f"{_XS}annotation") for c in schema
            )
            if holds_declarations:
                if ns in self.by_ns:
                    raise ContractError(f"{name}: wsdl:types: two inline schemas for namespace {ns}")
                self._add(SchemaDocument(ns, schema, name))
        for schema in inline:
            queue.append((schema, name, self.folder))
        while queue:
            schema, source, folder = queue.popleft()
            for imp in schema.iterfind(f"{_XS}import"):
                ns = imp.get("namespace") or ""
                if ns in self.by_ns or ns == NS_XSD:
                    continue
                doc, doc_folder = self._import(ns, imp.get("schemaLocation"), source, folder)
                self._add(doc)
                queue.append((doc.root, doc.source, doc_folder))
        return self.order

    def _add(self, doc: SchemaDocument) -> None:
        self.by_ns[doc.namespace] = doc
        self.order.append(doc)

    def _import(
        self, ns: str, location: str | None, source: str, folder: Path
    ) -> tuple[SchemaDocument, Path]:
        if location and _is_local_reference(location):
            path = (folder / location).resolve()
            if not path.is_file():
                raise ContractError(
                    f"{source}: xs:import of namespace {ns}: schemaLocation '{location}' not found "
                    f"(looked in {folder})"
                )
            root = _parse(path)
            found = root.get("targetNamespace") or ""
            if found != ns:
                raise ContractError(
                    f"{path.name}: imported by {source} for namespace {ns} but its targetNamespace is {found!r}"
                )
            return SchemaDocument(ns, _schema_root(path, root), path.name, location), path.parent
        candidates = self._index().get(ns, [])
        if not candidates:
            raise ContractError(
                f"no schema for namespace {ns} imported by {source} "
                f"(looked for .xsd files with that targetNamespace in {self.folder})"
            )
        if len(candidates) > 1:
            names = ", ".join(p.name for p, _ in candidates)
            raise ContractError(f"{source}: namespace {ns} is the targetNamespace of several files: {names}")
        path, root = candidates[0]
        return SchemaDocument(ns, _schema_root(path, root), path.name, location), path.parent

    def _index(self) -> dict[str, list[tuple[Path, etree._Element]]]:
        """targetNamespace -> .xsd files in the WSDL's folder (read once, on first need)."""
        if self._folder_index is None:
            index: dict[str, list[tuple[Path, etree._Element]]] = {}
            for path in sorted(self.folder.glob("*.xsd")):
                root = _parse(path)
                index.setdefault(root.get("targetNamespace") or "", []).append((path, root))
            self._folder_index = index
        return self._folder_index


def _schema_root(path: Path, root: etree._Element) -> etree._Element:
    if root.tag != f"{_XS}schema":
        raise ContractError(f"{path.name}: not an XML Schema (root element {root.tag!r})")
    return root


# --- operations ---------------------------------------------------------------------------
def _operations(
    name: str,
    root: etree._Element,
    elements: dict[QName, QName],
    types: Mapping[QName, object],
) -> dict[str, Operation]:
    tns = root.get("targetNamespace") or ""
    messages = {(tns, m.get("name", "")): m for m in root.iterfind(f"{_W}message")}
    port_types = {(tns, p.get("name", "")): p for p in root.iterfind(f"{_W}portType")}
    binding = next(
        (b for b in root.iterfind(f"{_W}binding") if b.find(f"{_SOAP}binding") is not None),
        None,
    )
    if binding is not None:
        port_qname = resolve_qname(
            binding, binding.get("type", ""), name, f"wsdl:binding '{binding.get('name')}'"
        )
        port_type = port_types.get(port_qname)
        if port_type is None:
            raise ContractError(
                f"{name}: wsdl:binding '{binding.get('name')}': port type '{binding.get('type')}' is not defined"
            )
    elif len(port_types) == 1:
        port_type = next(iter(port_types.values()))
    else:
        raise ContractError(f"{name}: no SOAP 1.1 wsdl:binding and {len(port_types)} port types")
    soap_actions: dict[str, str] = {}
    if binding is not None:
        for op in binding.iterfind(f"{_W}operation"):
            soap_op = op.find(f"{_SOAP}operation")
            if soap_op is not None and soap_op.get("soapAction"):
                soap_actions[op.get("name", "")] = soap_op.get("soapAction", "")
    port_name = port_type.get("name", "")
    operations: dict[str, Operation] = {}
    for op in port_type.iterfind(f"{_W}operation"):
        op_name = op.get("name", "")
        where = f"{name}: wsdl:operation '{op_name}'"
        if op_name in operations:
            raise ContractError(f"{where}: declared twice")
        io = {}
        for kind in ("input", "output"):
            el = op.find(f"{_W}{kind}")
            if el is None:
                raise ContractError(
                    f"{where}: no wsdl:{kind} (one-way and notification operations are unsupported)"
                )
            io[kind] = el
        in_element = _message_element(where, "input", io["input"], messages, name)
        out_element = _message_element(where, "output", io["output"], messages, name)
        parameter = _wrapped(where, "input", in_element, elements, types)
        result = _wrapped(where, "output", out_element, elements, types)
        faults = tuple(
            Fault(
                f.get("name", ""),
                _message_element(where, "fault", f, messages, name),
                _action(f),
            )
            for f in op.iterfind(f"{_W}fault")
        )
        in_action = _action(io["input"])
        action = soap_actions.get(op_name) or in_action or f"{tns}{port_name}/{op_name}"
        request_type = types.get(parameter.type)
        operations[op_name] = Operation(
            name=op_name,
            action=action,
            input=in_element,
            parameter=parameter,
            output=out_element,
            result=result,
            output_action=_action(io["output"]),
            faults=faults,
            session_ticket=isinstance(request_type, ComplexType)
            and any(m.name == "SessionTicket" for m in request_type.members),
        )
    return operations


def _action(el: etree._Element) -> str | None:
    for attr in _ACTIONS:
        value: str | None = el.get(attr)
        if value:
            return value
    return None


def _message_element(
    where: str, kind: str, el: etree._Element, messages: dict[QName, etree._Element], name: str
) -> QName:
    ref = el.get("message", "")
    message = messages.get(resolve_qname(el, ref, name, where))
    if message is None:
        raise ContractError(f"{where}: {kind} message '{ref}' is not defined")
    parts = message.findall(f"{_W}part")
    if len(parts) != 1 or parts[0].get("element") is None:
        raise ContractError(
            f"{where}: {kind} message '{ref}' must have exactly one part with an element (document/literal)"
        )
    return resolve_qname(parts[0], parts[0].get("element", ""), name, where)


def _wrapped(
    where: str, kind: str, element: QName, elements: dict[QName, QName], types: Mapping[QName, object]
) -> Member:
    """The one member of a wrapper element's anonymous sequence (``serviceRequest``, ``<Op>Result``)."""
    type_name = elements.get(element)
    if type_name is None:
        raise ContractError(f"{where}: {kind} element '{type_label(element)}' is not declared in any schema")
    wrapper = types.get(type_name)
    if not isinstance(wrapper, ComplexType) or wrapper.bases:
        raise ContractError(
            f"{where}: {kind} element '{element[1]}' is not a wrapper (a sequence of parameters)"
        )
    if len(wrapper.members) != 1:
        raise ContractError(
            f"{where}: {kind} element '{element[1]}' wraps {len(wrapper.members)} parameters; "
            "exactly one is supported"
        )
    return wrapper.members[0]
