"""The typed model of a WCF service contract: operations, complex and simple types, members.

Built once when a WSDL is loaded (:mod:`fakeprojector.wsdl.load`) and never changed after,
so every dataclass here is frozen. Types refer to each other by :data:`QName` (namespace,
local name), never by object, so recursive types (``PwsValue`` holds ``PwsValue``) cost
nothing to build: whoever walks them (answers, reader, stubs) decides how deep to go.

A complex type's ``members`` are flattened along its extension chain in the order WCF's
DataContractSerializer writes and expects them: the base type's members first, each in the
namespace of the schema that declares it [wcf]. That is why a request's ``RequestId`` and
``SessionTicket`` sit in the Requests namespace while its own members sit elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

QName = tuple[str, str]
"""A qualified name: ``(namespace, local name)``."""

#: XML Schema built-ins a DataContract member can have, each with its CLR name for errors.
BUILTIN_CLR_NAMES: Final[dict[str, str]] = {
    "string": "String",
    "int": "Int32",
    "long": "Int64",
    "short": "Int16",
    "byte": "SByte",
    "unsignedByte": "Byte",
    "unsignedShort": "UInt16",
    "unsignedInt": "UInt32",
    "unsignedLong": "UInt64",
    "boolean": "Boolean",
    "dateTime": "DateTime",
    "decimal": "Decimal",
    "double": "Double",
    "float": "Single",
    "base64Binary": "Byte[]",
    "anyURI": "Uri",
    "duration": "TimeSpan",
    "QName": "XmlQualifiedName",
    "anyType": "Object",
    "ID": "String",
    "IDREF": "String",
    "date": "DateTime",
    "time": "DateTime",
    "token": "String",
    "normalizedString": "String",
    "integer": "Decimal",
}

#: WCF's types in the Serialization namespace, as value kinds (see :attr:`SimpleType.kind`).
SER_KINDS: Final[dict[str, str]] = {"guid": "guid", "char": "char", "duration": "duration"}


@dataclass(frozen=True)
class Member:
    """One data member (an ``xs:element`` of a sequence), or an operation's parameter."""

    name: str
    namespace: str
    type: QName
    min_occurs: int = 0
    #: ``None`` for ``unbounded``.
    max_occurs: int | None = 1
    nillable: bool = False

    @property
    def required(self) -> bool:
        """``minOccurs`` of 1 or more: WCF's ``IsRequired = true`` [wcf]."""
        return self.min_occurs >= 1

    @property
    def qname(self) -> QName:
        return (self.namespace, self.name)


@dataclass(frozen=True)
class SimpleType:
    """A built-in or a restriction of one (enumerations, patterns)."""

    name: QName
    #: The value kind everything else keys on: the XML Schema built-in at the root of the
    #: restriction chain (``int``, ``string``, ``dateTime``, ...), or ``guid``, ``char`` or
    #: ``duration`` for WCF's own types of the Serialization namespace.
    kind: str
    enumeration: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    source: str = ""

    @property
    def clr_name(self) -> str:
        """The .NET type name WCF's reading errors use (``Int32``, ``Guid``, ...)."""
        if self.kind == "guid":
            return "Guid"
        if self.kind == "char":
            return "Char"
        return BUILTIN_CLR_NAMES.get(self.kind, "String")


@dataclass(frozen=True)
class ComplexType:
    """A DataContract class or collection, its extension chain flattened into ``members``."""

    name: QName
    members: tuple[Member, ...]
    #: The chain of base types, nearest first (``PwsRequest``, ``PwsBase``).
    bases: tuple[QName, ...] = ()
    source: str = ""

    @property
    def array_item(self) -> Member | None:
        """The item of an ``ArrayOfX``: the only member, ``maxOccurs="unbounded"``; else ``None``."""
        if len(self.members) == 1 and not self.bases and self.members[0].max_occurs is None:
            return self.members[0]
        return None


@dataclass(frozen=True)
class Fault:
    """A declared fault: its name in the port type, its detail element and its action."""

    name: str
    element: QName
    action: str | None


@dataclass(frozen=True)
class Operation:
    """One operation of the port type, with the wrapper elements of its messages."""

    name: str
    #: The binding's ``soapAction`` (the port type's ``wsaw:Action`` when the binding has none).
    action: str
    #: The request wrapper element (``tns:<Op>``) and its one parameter (``serviceRequest``,
    #: or ``rq`` for ``PwsSubmitTimeCards``).
    input: QName
    parameter: Member
    #: The answer wrapper element (``tns:<Op>Response``) and its one member (``<Op>Result``).
    output: QName
    result: Member
    output_action: str | None = None
    faults: tuple[Fault, ...] = ()
    #: The request type derives from ``PwsRequest``: it carries ``SessionTicket`` [doc].
    session_ticket: bool = False


def type_label(name: QName) -> str:
    """``{ns}local`` for messages: the namespace matters when two types share a name."""
    return f"{{{name[0]}}}{name[1]}" if name[0] else name[1]


class ContractError(ValueError):
    """A WSDL or schema the engine cannot use; the message names the file, the element and
    the problem (``x.xsd: xs:complexType 'A': unsupported xs:choice``)."""
