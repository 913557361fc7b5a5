"""The golden envelopes: request/response pairs of each documented case and catalogue error,
shipped as package data for your own tests (canned answers, parser checks).

    from fakeprojector import envelopes

    envelopes.operations()                      # ('PwsAcquireOauth2Token', 'PwsRevokeOauth2RefreshToken')
    envelopes.cases("PwsAcquireOauth2Token")    # ('50629-unsupported-grant-type', ..., 'refresh')
    envelopes.load("PwsAcquireOauth2Token", "50631-code-expired")             # the response
    envelopes.load("PwsAcquireOauth2Token", "50631-code-expired", "request")  # what was sent

:func:`load` returns ``bytes``, exactly the file: UTF-8 XML as the wire carries it (a string
would hide the encoding the XML declaration and ``Content-Type`` speak of). The files are what
the fake answers on :func:`fixtures` (the state every case assumes), with
``ServerTimestampUtc`` fixed to the vendor's example instant and the service authorities
reading ``http://127.0.0.1:8080``. :func:`case` gives a case's description, its behaviour
key and the setup it needs. Standard library only: the contract suite and
``scripts/regen_envelopes.py`` read the files through this module too, so their place is
spelled here once.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

#: the folder of the golden envelopes: ``<Operation>/<case>.request.xml`` and ``.response.xml``
DIRECTORY = Path(__file__).resolve().parent / "data" / "envelopes"
_INDEX = DIRECTORY / "cases.json"
_KINDS = ("request", "response")
_FIELDS = frozenset({"operation", "case", "behaviour", "description", "before", "advance_seconds"})


class UnknownEnvelope(LookupError):
    """No golden envelope of that operation or case; the message lists the known ones."""


@dataclass(frozen=True)
class Case:
    """One golden case. ``before``: ``Operation/case`` ids whose requests must be sent first;
    ``advance_seconds``: how far the clock must move after them (only a fake can do that)."""

    operation: str
    case: str
    behaviour: str
    description: str
    before: tuple[str, ...] = ()
    advance_seconds: float = 0

    @property
    def id(self) -> str:
        return f"{self.operation}/{self.case}"

    def path(self, kind: Literal["request", "response"] = "response") -> Path:
        if kind not in _KINDS:
            raise ValueError(f"kind: must be 'request' or 'response', not {kind!r}")
        return DIRECTORY / self.operation / f"{self.case}.{kind}.xml"

    def load(self, kind: Literal["request", "response"] = "response") -> bytes:
        return self.path(kind).read_bytes()


@functools.cache
def _index() -> tuple[Path, tuple[Case, ...]]:
    data = json.loads(_INDEX.read_text(encoding="utf-8"))
    found = []
    for number, raw in enumerate(data["cases"]):
        unknown = sorted(set(raw) - _FIELDS)
        if unknown:  # a typo in the index would otherwise be silently ignored
            raise ValueError(f"{_INDEX}: cases[{number}]: unknown key(s) {', '.join(unknown)}")
        found.append(
            Case(
                operation=raw["operation"],
                case=raw["case"],
                behaviour=raw["behaviour"],
                description=raw["description"],
                before=tuple(raw.get("before", ())),
                advance_seconds=float(raw.get("advance_seconds", 0)),
            )
        )
    return (DIRECTORY / data["fixtures"]).resolve(), tuple(found)


def all_cases() -> tuple[Case, ...]:
    """Every case, in the index's order (``cases.json``)."""
    return _index()[1]


def operations() -> tuple[str, ...]:
    """The operations that have golden envelopes, sorted."""
    return tuple(sorted({c.operation for c in all_cases()}))


def _did_you_mean(name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def cases(operation: str) -> tuple[str, ...]:
    """The case names of ``operation``, sorted; :class:`UnknownEnvelope` for an unknown one."""
    names = tuple(sorted(c.case for c in all_cases() if c.operation == operation))
    if not names:
        known = operations()
        raise UnknownEnvelope(
            f"no golden envelopes for operation {operation!r}{_did_you_mean(operation, known)}; "
            f"known operations: {', '.join(known)}"
        )
    return names


def case(operation: str, name: str) -> Case:
    """The case ``operation``/``name``; :class:`UnknownEnvelope` naming the known cases."""
    for found in all_cases():
        if found.operation == operation and found.case == name:
            return found
    known = cases(operation)
    raise UnknownEnvelope(
        f"no golden envelope {operation}/{name}{_did_you_mean(name, known)}; "
        f"known cases of {operation}: {', '.join(known)}"
    )


def load(operation: str, name: str, kind: Literal["request", "response"] = "response") -> bytes:
    """The golden ``response`` (default) or ``request`` of a case, as bytes (UTF-8 XML)."""
    return case(operation, name).load(kind)


def fixtures() -> Path:
    """The fixtures file every case assumes, freshly loaded: ``FakeProjector(envelopes.fixtures())``."""
    return _index()[0]


__all__ = [
    "DIRECTORY",
    "Case",
    "UnknownEnvelope",
    "all_cases",
    "case",
    "cases",
    "fixtures",
    "load",
    "operations",
]
