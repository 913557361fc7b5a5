"""Checking a test's stubbed answer against the contract, and matching requests to stubs.

A stub says what one operation answers (``respond``: result members by local name, nested
mappings, lists for arrays) and optionally when (``when``: dotted local-name paths of the
request and the values they must hold). Both come from tests, often as JSON, so mistakes
are caught when the stub is *added*, with the dotted path, what was given and what the
contract expects, rather than as a schema-invalid answer at call time.

Rendering a checked stub is :func:`fakeprojector.wsdl.answers.render_answer` with the
checked values: given members land in schema order and namespaces, and every member not
given is filled as in the minimal answer, so array items with required members come out
complete.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import difflib
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fakeprojector.contract import parse_guid
from fakeprojector.wsdl.contract import Contract
from fakeprojector.wsdl.model import ComplexType, Member, Operation, SimpleType
from fakeprojector.wsdl.values import DATETIME, DECIMAL, DURATION, INT_RANGES


class StubError(ValueError):
    """A stub that does not fit the contract: names the path, what was given and what fits."""


def _given(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


class _Checker:
    def __init__(self, contract: Contract, operation: Operation, root: str) -> None:
        self.contract, self.operation, self.root = contract, operation, root

    def error(self, path: str, problem: str) -> StubError:
        return StubError(f"{self.operation.name}: {path}: {problem}")

    def value(self, path: str, member: Member, value: Any) -> Any:
        if value is None:
            if not member.nillable:
                raise self.error(
                    path, f"None given, but {member.name} is not nillable ({self.expected(member)})"
                )
            return None
        typ = self.contract.types[member.type]
        if isinstance(typ, SimpleType):
            return self.simple(path, typ, value)
        item = typ.array_item
        if item is not None:
            if not isinstance(value, (list, tuple)):
                raise self.error(path, f"expected a list ({typ.name[1]} of {item.name}), got {_given(value)}")
            return [self.value(f"{path}[{i}]", item, entry) for i, entry in enumerate(value)]
        return self.complex(path, typ, value)

    def complex(self, path: str, typ: ComplexType, value: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(path, f"expected an object of {typ.name[1]} members, got {_given(value)}")
        members = {m.name: m for m in typ.members}
        out: dict[str, Any] = {}
        for name, given in value.items():
            member = members.get(name)
            if member is None:
                known = list(members)
                raise self.error(
                    f"{path}.{name}",
                    f"unknown member of {typ.name[1]}{_did_you_mean(str(name), known) or '.'} "
                    f"Known members: {', '.join(known) or '(none)'}",
                )
            out[name] = self.value(f"{path}.{name}", member, given)
        return out

    def expected(self, member: Member) -> str:
        typ = self.contract.types[member.type]
        if isinstance(typ, SimpleType):
            return _describe(typ)
        return typ.name[1]

    def simple(self, path: str, typ: SimpleType, value: Any) -> Any:
        checked = _simple(typ, value)
        if checked is _NO:
            extra = ""
            if typ.enumeration and isinstance(value, str):
                extra = _did_you_mean(value, list(typ.enumeration))
            raise self.error(path, f"expected {_describe(typ)}, got {_given(value)}{extra}")
        return checked


_NO: Any = object()


def _describe(typ: SimpleType) -> str:
    if typ.enumeration:
        return f"one of {', '.join(typ.enumeration)} ({typ.name[1]})"
    kind = typ.kind
    if kind in INT_RANGES:
        low, high = INT_RANGES[kind]
        return f"an integer {low}..{high} (xs:{kind})"
    return {
        "boolean": "true or false (xs:boolean)",
        "decimal": "a number, or a string of digits (xs:decimal)",
        "double": "a number (xs:double)",
        "float": "a number (xs:float)",
        "dateTime": "a datetime or an xs:dateTime string like 2024-01-31T09:00:00",
        "duration": "an xs:duration string like PT8H",
        "guid": "a GUID string",
        "base64Binary": "bytes or a base64 string (xs:base64Binary)",
    }.get(kind, f"a string (xs:{kind})")


def _simple(typ: SimpleType, value: Any) -> Any:
    """The checked (normalised) value, or ``_NO`` when it does not fit."""
    kind = typ.kind
    if typ.enumeration:
        return value if isinstance(value, str) and value in typ.enumeration else _NO
    if kind in INT_RANGES:
        if kind == "char" and isinstance(value, str) and len(value) == 1:
            return ord(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return _NO
        low, high = INT_RANGES[kind]
        return value if low <= value <= high else _NO
    if kind == "boolean":
        return value if isinstance(value, bool) else _NO
    if kind == "decimal":
        if isinstance(value, bool):
            return _NO
        if isinstance(value, (int, Decimal)):
            return Decimal(value)
        if isinstance(value, float):
            return Decimal(repr(value)) if math.isfinite(value) else _NO
        if isinstance(value, str) and DECIMAL.fullmatch(value):
            return Decimal(value)
        return _NO
    if kind in ("double", "float"):
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else _NO
    if kind == "dateTime":
        if isinstance(value, dt.datetime):
            return value
        return value if isinstance(value, str) and DATETIME.fullmatch(value) else _NO
    if kind == "duration":
        return value if isinstance(value, str) and DURATION.fullmatch(value) else _NO
    if kind == "guid":
        return (parse_guid(value) or _NO) if isinstance(value, str) else _NO
    if kind == "base64Binary":
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        if isinstance(value, str):
            try:
                base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                return _NO
            return value
        return _NO
    return value if isinstance(value, str) else _NO


def validate_respond(contract: Contract, operation: Operation, respond: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``respond`` against ``operation``'s result type; return it normalised.

    Normalised: decimals as ``Decimal``, GUIDs in canonical form, ``char`` as its code.
    Raises :class:`StubError` naming the dotted path (``respond.Projects[0].ProjectDetail``),
    what was given and what was expected; an unknown member lists the known ones.
    """
    checker = _Checker(contract, operation, "respond")
    result_type = contract.complex_type(operation.result.type)
    return checker.complex("respond", result_type, respond)


def validate_when(contract: Contract, operation: Operation, when: Mapping[str, Any]) -> None:
    """Check that every path of ``when`` names request members (arrays are walked through)."""
    typ: ComplexType | SimpleType = contract.types[operation.parameter.type]
    for path in when:
        current = typ
        walked = "when"
        for part in str(path).split("."):
            if isinstance(current, ComplexType) and current.array_item is not None:
                current = contract.types[current.array_item.type]
            if not isinstance(current, ComplexType):
                raise StubError(
                    f"{operation.name}: {walked}.{part}: {walked} is a simple value, it has no members"
                )
            members = {m.name: m for m in current.members}
            member = members.get(part)
            if member is None:
                known = list(members)
                raise StubError(
                    f"{operation.name}: {walked}.{part}: unknown member of {current.name[1]}"
                    f"{_did_you_mean(part, known) or '.'} Known members: {', '.join(known) or '(none)'}"
                )
            current = contract.types[member.type]
            walked = f"{walked}.{part}"


# --- when ---------------------------------------------------------------------------------
def matches(when: Mapping[str, Any], request_values: Mapping[str, Any] | None) -> bool:
    """Whether a request (values as :func:`~fakeprojector.wsdl.reader.read_request` returns)
    satisfies every ``path: value`` of ``when``.

    A path is dotted local names (``ProjectIdentities.ProjectCode``); through an array it
    matches when any item matches. Values compare as types allow: JSON ``480`` equals the
    int 480 and ``Decimal('480')``, strings equal strings (GUIDs in any case and form),
    ``True`` only a boolean; ``None`` matches a nil or absent member [choice].
    """
    root = request_values or {}
    return all(_match(str(path).split("."), expected, root) for path, expected in when.items())


def _match(parts: list[str], expected: Any, node: Any) -> bool:
    if isinstance(node, list) and not (not parts and isinstance(expected, list)):
        return any(_match(parts, expected, item) for item in node)
    if not parts:
        return _equal(expected, node)
    if not isinstance(node, Mapping) or parts[0] not in node:
        return expected is None
    return _match(parts[1:], expected, node[parts[0]])


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    return None


def _equal(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is actual
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_equal(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    left, right = _number(expected), _number(actual)
    if left is not None or right is not None:
        return left is not None and left == right
    if isinstance(actual, bytes) and isinstance(expected, str):
        return base64.b64encode(actual).decode("ascii") == expected
    if isinstance(expected, str) and isinstance(actual, str):
        if expected == actual:
            return True
        guids = parse_guid(expected), parse_guid(actual)
        return guids[0] is not None and guids[0] == guids[1]
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return all(_match([str(k)], v, actual) for k, v in expected.items())
    return bool(expected == actual)
