"""From XML Schema documents to the model's types: the subset WCF's DataContract exporter writes.

WCF writes named ``xs:complexType`` sequences, ``xs:complexContent/xs:extension`` for
inheritance, ``xs:simpleType`` restrictions for enumerations and its own ``guid``/``char``/
``duration``, and anonymous complex types for the operation wrappers [wcf]. Anything else
(``xs:choice``, ``xs:any``, ``xs:all``, groups, attributes on a class, abstract types,
substitution groups, lists, unions, simple content) is refused here with a
:class:`~fakeprojector.wsdl.model.ContractError` naming the file and the type, rather than
answered wrongly later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from fakeprojector.contract import NS_SER, NS_XSD
from fakeprojector.wsdl.model import (
    BUILTIN_CLR_NAMES,
    SER_KINDS,
    ComplexType,
    ContractError,
    Member,
    QName,
    SimpleType,
)

_XS = f"{{{NS_XSD}}}"
#: Constructs a DataContract schema never holds; meeting one means the WSDL is not WCF's.
_UNSUPPORTED = frozenset(
    f"{_XS}{t}"
    for t in (
        "choice",
        "any",
        "all",
        "group",
        "attributeGroup",
        "anyAttribute",
        "simpleContent",
        "list",
        "union",
        "redefine",
        "override",
        "include",
    )
)
_SKIP = frozenset((f"{_XS}annotation", f"{_XS}import", f"{_XS}attribute"))


@dataclass(frozen=True)
class SchemaDocument:
    """One schema as loaded: kept for serving (``?xsd=xsdN``) and for validation in tests."""

    namespace: str
    root: etree._Element
    #: The file it came from (the WSDL's name for a schema inline in ``wsdl:types``).
    source: str
    #: The ``schemaLocation`` it was first imported by (``None`` when inline).
    location: str | None = None

    def standalone(self) -> bytes:
        """The schema serialised on its own, every in-scope namespace declared on its root.

        An inline schema may rely on prefixes the WSDL root declares (``type="xsd:string"``);
        lxml keeps only the declarations element and attribute *names* need when it
        serialises a subtree, so the others are added to the start tag here.
        """
        data: bytes = etree.tostring(self.root)
        declared = etree.fromstring(data).nsmap
        missing = "".join(
            f' xmlns:{prefix}="{ns}"' if prefix else f' xmlns="{ns}"'
            for prefix, ns in self.root.nsmap.items()
            if prefix not in declared
        )
        if not missing:
            return data
        end = len(data.split(b">", 1)[0].split(b" ", 1)[0])
        return data[:end] + missing.encode() + data[end:]


def resolve_qname(el: etree._Element, value: str, source: str, what: str | None = None) -> QName:
    """``prefix:local`` in ``el``'s scope to a :data:`QName`; an unknown prefix is an error.

    ``what`` names the place for the message (default: the schema component holding ``el``).
    """
    prefix, sep, local = value.strip().rpartition(":")
    ns = el.nsmap.get(prefix or None) if sep else el.nsmap.get(None)
    if ns is None:
        if not sep:
            return ("", local)
        raise ContractError(
            f"{source}: {what or describe(el)}: prefix '{prefix}' of '{value}' is not declared"
        )
    return (ns, local)


def describe(el: etree._Element) -> str:
    """``xs:complexType 'A'``: the nearest named schema component holding ``el``."""
    node: etree._Element | None = el
    while node is not None:
        name = node.get("name")
        tag = node.tag if isinstance(node.tag, str) else ""
        if name is not None and tag.startswith(_XS) and node.getparent() is not None:
            parent = node.getparent()
            if parent is not None and parent.tag == f"{_XS}schema":
                return f"xs:{tag[len(_XS) :]} '{name}'"
        node = node.getparent()
    return "xs:schema"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class TypeBuilder:
    """Reads every schema document once and builds types on demand (memoised).

    ``build()`` resolves all of them eagerly after the checks, so a dangling type reference
    is found at load time; extension chains are followed with cycle detection.
    """

    def __init__(self, docs: Iterable[SchemaDocument]) -> None:
        self.raw_complex: dict[QName, tuple[etree._Element, SchemaDocument]] = {}
        self.raw_simple: dict[QName, tuple[etree._Element, SchemaDocument]] = {}
        self.elements: dict[QName, QName] = {}
        self.types: dict[QName, ComplexType | SimpleType] = {
            (NS_XSD, name): SimpleType((NS_XSD, name), name) for name in BUILTIN_CLR_NAMES
        }
        self._building: list[QName] = []
        for doc in docs:
            self._scan(doc)

    # --- reading the documents ------------------------------------------------------
    def _scan(self, doc: SchemaDocument) -> None:
        for el in doc.root.iter():
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if tag in _UNSUPPORTED:
                raise ContractError(f"{doc.source}: {describe(el)}: unsupported xs:{_local(tag)}")
            if tag.startswith(_XS) and el.get("abstract") in ("true", "1"):
                raise ContractError(f"{doc.source}: {describe(el)}: unsupported abstract type or element")
            if tag.startswith(_XS) and el.get("substitutionGroup") is not None:
                raise ContractError(f"{doc.source}: {describe(el)}: unsupported substitutionGroup")
            if tag == f"{_XS}complexType" and el.get("mixed") in ("true", "1"):
                raise ContractError(f"{doc.source}: {describe(el)}: unsupported mixed content")
            if tag == f"{_XS}attribute" and el.getparent() is not doc.root:
                raise ContractError(f"{doc.source}: {describe(el)}: unsupported xs:attribute on a type")
        for child in doc.root:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            name = child.get("name")
            if tag == f"{_XS}complexType" and name:
                self._declare(self.raw_complex, (doc.namespace, name), child, doc)
            elif tag == f"{_XS}simpleType" and name:
                self._declare(self.raw_simple, (doc.namespace, name), child, doc)
            elif tag == f"{_XS}element" and name:
                self.elements[(doc.namespace, name)] = self._element_type(child, doc, name)
            else:
                raise ContractError(
                    f"{doc.source}: unsupported top-level xs:{_local(tag)} {name or ''}".rstrip()
                )

    def _declare(
        self,
        table: dict[QName, tuple[etree._Element, SchemaDocument]],
        qname: QName,
        el: etree._Element,
        doc: SchemaDocument,
    ) -> None:
        if qname in table or qname in self.raw_complex or qname in self.raw_simple:
            raise ContractError(f"{doc.source}: {describe(el)}: declared twice in namespace {qname[0]}")
        table[qname] = (el, doc)

    def _element_type(self, el: etree._Element, doc: SchemaDocument, synthetic: str) -> QName:
        """The type of an element: named, anonymous (registered under a synthetic name) or anyType."""
        type_attr = el.get("type")
        if type_attr is not None:
            return resolve_qname(el, type_attr, doc.source)
        if el.get("ref") is not None:
            raise ContractError(f"{doc.source}: {describe(el)}: unsupported element ref '{el.get('ref')}'")
        for child in el:
            if child.tag == f"{_XS}complexType":
                qname = (doc.namespace, f"{synthetic} (anonymous)")
                self._declare(self.raw_complex, qname, child, doc)
                return qname
            if child.tag == f"{_XS}simpleType":
                qname = (doc.namespace, f"{synthetic} (anonymous)")
                self._declare(self.raw_simple, qname, child, doc)
                return qname
        return (NS_XSD, "anyType")

    # --- building -------------------------------------------------------------------
    def build(self) -> dict[QName, ComplexType | SimpleType]:
        pending = True
        while pending:  # building a type may declare an anonymous one: go round until none is new
            pending = False
            for qname in [q for q in self.raw_simple if q not in self.types]:
                self.simple(qname)
                pending = True
            for qname in [q for q in self.raw_complex if q not in self.types]:
                self.complex(qname)
                pending = True
        for complex_type in [t for t in self.types.values() if isinstance(t, ComplexType)]:
            for member in complex_type.members:
                if member.type not in self.types:
                    raise ContractError(
                        f"{complex_type.source}: xs:complexType '{complex_type.name[1]}': element "
                        f"'{member.name}' has type '{member.type[1]}' of namespace '{member.type[0]}', "
                        "which is not defined"
                    )
        return self.types

    def simple(self, qname: QName) -> SimpleType:
        known = self.types.get(qname)
        if isinstance(known, SimpleType):
            return known
        if qname not in self.raw_simple:
            raise KeyError(qname)
        el, doc = self.raw_simple[qname]
        if qname in self._building:
            raise ContractError(f"{doc.source}: {describe(el)}: restriction chain loops back to itself")
        self._building.append(qname)
        try:
            restriction = el.find(f"{_XS}restriction")
            if restriction is None:
                raise ContractError(f"{doc.source}: {describe(el)}: simple type without xs:restriction")
            base_attr = restriction.get("base")
            if base_attr is None:
                raise ContractError(f"{doc.source}: {describe(el)}: xs:restriction without a base")
            base = resolve_qname(restriction, base_attr, doc.source)
            if base in self.raw_simple or (base[0] == NS_XSD and base[1] in BUILTIN_CLR_NAMES):
                parent = self.simple(base)
            else:
                raise ContractError(
                    f"{doc.source}: {describe(el)}: restriction base '{base_attr}' is not a simple type"
                )
            kind = SER_KINDS.get(qname[1], parent.kind) if qname[0] == NS_SER else parent.kind
            enumeration = tuple(e.get("value", "") for e in restriction.iterfind(f"{_XS}enumeration"))
            patterns = tuple(e.get("value", "") for e in restriction.iterfind(f"{_XS}pattern"))
            result = SimpleType(
                qname,
                kind,
                enumeration or parent.enumeration,
                patterns + parent.patterns,
                doc.source,
            )
        finally:
            self._building.pop()
        self.types[qname] = result
        return result

    def complex(self, qname: QName) -> ComplexType:
        known = self.types.get(qname)
        if isinstance(known, ComplexType):
            return known
        el, doc = self.raw_complex[qname]
        if qname in self._building:
            raise ContractError(f"{doc.source}: {describe(el)}: extension chain loops back to itself")
        self._building.append(qname)
        try:
            result = self._complex(qname, el, doc)
        finally:
            self._building.pop()
        self.types[qname] = result
        return result

    def _complex(self, qname: QName, el: etree._Element, doc: SchemaDocument) -> ComplexType:
        inherited: tuple[Member, ...] = ()
        bases: tuple[QName, ...] = ()
        body = el
        content = el.find(f"{_XS}complexContent")
        if content is not None:
            extension = content.find(f"{_XS}extension")
            if extension is None:
                raise ContractError(
                    f"{doc.source}: {describe(el)}: unsupported xs:complexContent/xs:restriction"
                )
            base_attr = extension.get("base", "")
            base = resolve_qname(extension, base_attr, doc.source)
            if base not in self.raw_complex:
                raise ContractError(f"{doc.source}: {describe(el)}: base type '{base_attr}' is not defined")
            parent = self.complex(base)
            inherited, bases = parent.members, (base, *parent.bases)
            body = extension
        own: list[Member] = []
        for child in body:
            if not isinstance(child.tag, str) or child.tag == f"{_XS}annotation":
                continue
            if child.tag != f"{_XS}sequence":
                raise ContractError(f"{doc.source}: {describe(el)}: unsupported xs:{_local(child.tag)}")
            own.extend(
                self._member(qname, item, doc)
                for item in child
                if isinstance(item.tag, str) and item.tag != f"{_XS}annotation"
            )
        return ComplexType(qname, inherited + tuple(own), bases, doc.source)

    def _member(self, owner: QName, el: etree._Element, doc: SchemaDocument) -> Member:
        if el.tag != f"{_XS}element":
            raise ContractError(
                f"{doc.source}: {describe(el)}: unsupported xs:{_local(el.tag)} in a sequence"
            )
        name = el.get("name")
        if not name:
            raise ContractError(f"{doc.source}: {describe(el)}: element without a name")
        form = el.get("form") or doc.root.get("elementFormDefault", "unqualified")
        namespace = doc.namespace if form == "qualified" else ""
        try:
            min_occurs = int(el.get("minOccurs", "1"))
            max_attr = el.get("maxOccurs", "1")
            max_occurs = None if max_attr == "unbounded" else int(max_attr)
        except ValueError:
            raise ContractError(
                f"{doc.source}: {describe(el)}: element '{name}': bad minOccurs/maxOccurs"
            ) from None
        type_name = self._element_type(el, doc, f"{owner[1]}.{name}")
        return Member(name, namespace, type_name, min_occurs, max_occurs, el.get("nillable") in ("true", "1"))
