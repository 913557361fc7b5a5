"""Simple values both ways: WCF's text forms, ``default(T)``, and parsing request text [wcf].

One home for what the writer, the reader and the stub checks must agree on: which texts an
``xs:int`` or an ``xs:dateTime`` accepts, how a Python value is written, what a member's
minimal value is.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from fakeprojector import xmltext
from fakeprojector.contract import parse_guid
from fakeprojector.wsdl.model import SimpleType

#: The minimal text of a non-nillable simple value, by value kind [wcf: default(T)].
DEFAULT_TEXT: Final[dict[str, str]] = {
    "boolean": "false",
    "dateTime": "0001-01-01T00:00:00",
    "date": "0001-01-01",
    "time": "00:00:00",
    "duration": "PT0S",
    "guid": "00000000-0000-0000-0000-000000000000",
    "decimal": "0",
    "double": "0",
    "float": "0",
    "int": "0",
    "long": "0",
    "short": "0",
    "byte": "0",
    "unsignedByte": "0",
    "unsignedShort": "0",
    "unsignedInt": "0",
    "unsignedLong": "0",
    "integer": "0",
    "char": "0",
}


def default_text(simple: SimpleType) -> str:
    """``default(T)`` as WCF writes it: 0, false, ``0001-01-01T00:00:00``, the first enum value..."""
    if simple.enumeration:
        return simple.enumeration[0]
    return DEFAULT_TEXT.get(simple.kind, "")


def double_text(value: float) -> str:
    """A double as .NET's round-trip format: ``1``, ``0.5``, ``1E+20``, ``INF``, ``NaN``."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa.removesuffix('.0')}E{sign}{exponent.lstrip('+-').rjust(2, '0')}"
    return text


def text(value: Any) -> str:
    """A simple value's text as WCF writes it, by Python type.

    ``bool`` -> ``true``/``false``; ``Decimal`` without exponent; ``float`` as
    :func:`double_text`; ``bytes`` as base64; ``datetime`` in ISO form (``Z`` for UTC);
    ``str`` as given (a ``dateTime``, ``base64Binary`` or enumeration given as text is
    written as is). Escaped for element content.
    """
    if isinstance(value, str):
        return xmltext.escape(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return double_text(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
            return value.replace(tzinfo=None).isoformat() + "Z"
        return value.isoformat()
    return xmltext.escape(str(value))


# --- parsing request text --------------------------------------------------------------
WS = " \t\r\n"
INTEGER = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
DOUBLE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|-?INF|NaN")
DATETIME = re.compile(
    r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
DURATION = re.compile(
    r"-?P(?=.)(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?(?:T(?=.)(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]*)?S)?)?"
)
INT_RANGES: Final[dict[str, tuple[int, int]]] = {
    "int": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedByte": (0, 255),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "char": (0, 2**16 - 1),
}
DECIMAL_MAX = Decimal(2**96 - 1)


class BadValue(Exception):
    """The text is not a value of the type: the caller words WCF's error."""


def _integer(kind: str) -> Callable[[str], Any]:
    low, high = INT_RANGES[kind]

    def parse(text: str) -> int:
        text = text.strip(WS)
        if not INTEGER.fullmatch(text):  # ASCII digits only: int() also takes "1_000" and others
            raise BadValue
        value = int(text)
        if not low <= value <= high:
            raise BadValue
        return value

    return parse


def _boolean(text: str) -> bool:
    text = text.strip(WS)
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise BadValue


def _decimal(text: str) -> Decimal:
    text = text.strip(WS)
    if not DECIMAL.fullmatch(text):
        raise BadValue
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise BadValue from None
    if abs(value) > DECIMAL_MAX:
        raise BadValue
    return value


def _double(text: str) -> float:
    text = text.strip(WS)
    if not DOUBLE.fullmatch(text):
        raise BadValue
    return float(text.replace("INF", "inf"))


def _matching(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        text = text.strip(WS)
        if not pattern.fullmatch(text):
            raise BadValue
        return text

    return parse


def _guid(text: str) -> str:
    value = parse_guid(text)
    if value is None:
        raise BadValue
    return value


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise BadValue from None


def parse_string(text: str) -> str:
    return text


PARSERS: Final[dict[str, Callable[[str], Any]]] = {
    **{kind: _integer(kind) for kind in INT_RANGES},
    "boolean": _boolean,
    "decimal": _decimal,
    "double": _double,
    "float": _double,
    "dateTime": _matching(DATETIME),
    "duration": _matching(DURATION),
    "guid": _guid,
    "base64Binary": _base64,
}
