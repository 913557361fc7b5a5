"""Readable assertions over the request journal (``fp.assert_called(...)``).

A failing assertion lists the calls that were made, oldest first, so a test failure
shows at once what the client sent instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from fakeprojector.contract import CONSENT_FIELDS, REQUEST_BASE_FIELDS, REQUEST_FIELDS, REVOKE, names, snake
from fakeprojector.journal import JournalEntry

#: Short names for the fields tests filter on most, besides every field's snake_case name.
_ALIASES = {"client_id": "ClientIdentifier"}


@cache
def _names(known: frozenset[str]) -> dict[str, str]:
    """Every accepted spelling -> the journal's (wire) field name."""
    names = {n: n for n in known}
    names.update({snake(n): n for n in known})
    names.update({alias: wire for alias, wire in _ALIASES.items() if wire in known})
    return names


def known_fields(extra: Iterable[str] = ()) -> frozenset[str]:
    """The journal's field names: every request field of every operation, the consent
    page's, and ``extra`` (the members of a loaded contract's operations)."""
    wire = {n for fields in REQUEST_FIELDS.values() for n in names(fields)}
    return frozenset(wire | set(REQUEST_BASE_FIELDS) | set(CONSENT_FIELDS) | set(extra))


def field_name(name: str, known: frozenset[str] | None = None) -> str:
    """The journal field ``name`` means: a wire name (``TokenType``), its snake_case
    (``token_type``) or an alias (``client_id``). An unknown name is a :class:`TypeError`
    listing the known ones, so a typo never matches nothing in silence."""
    names = _names(known if known is not None else known_fields())
    wire = names.get(name)
    if wire is None:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        spelled = ", ".join(sorted({snake(n) for n in names.values()}))
        raise TypeError(f"no journal field {name!r}{hint}; fields: {spelled}")
    return wire


def matching(
    entries: Sequence[JournalEntry],
    operation: str | None = None,
    status: str | None = None,
    *,
    known: frozenset[str] | None = None,
    **fields: Any,
) -> list[JournalEntry]:
    """Entries of ``operation`` (``None``: any) whose fields equal ``fields``.

    Field names are the wire names (``Token``), their snake_case (``token``,
    ``token_type``, ``client_identifier``) or ``client_id``; another name is a ``TypeError``.
    ``known`` are the accepted wire names (default: :func:`known_fields`).
    """
    wanted = {field_name(k, known): v for k, v in fields.items()}
    return [
        e
        for e in entries
        if (operation is None or e.operation == operation)
        and (status is None or e.status == status)
        and all(e.fields.get(k) == v for k, v in wanted.items())
    ]


def describe(entries: Sequence[JournalEntry], limit: int = 10) -> str:
    """The last ``limit`` calls, one line each, and under a call every element its reader
    skipped (a field in the wrong namespace is why ``fields`` lacks it)."""
    if not entries:
        return "  (no SOAP calls were made)"
    lines = []
    for i, e in enumerate(entries[-limit:], start=max(1, len(entries) - limit + 1)):
        error = f" {e.error_code}" if e.error_code else ""
        lines.append(
            f"  {i}. {e.operation} status={e.status} errors={list(e.error_numbers)}{error} fields={e.fields}"
        )
        lines.extend(f"       skipped {s}" for s in e.skipped)
    return "\n".join(lines)


def assert_called(
    entries: Sequence[JournalEntry],
    operation: str,
    count: int | None = None,
    status: str | None = None,
    *,
    known: frozenset[str] | None = None,
    **fields: Any,
) -> list[JournalEntry]:
    """Assert ``operation`` was called (exactly ``count`` times when given) with ``fields``."""
    found = matching(entries, operation, status, known=known, **fields)
    ok = len(found) == count if count is not None else bool(found)
    if not ok:
        want = f"exactly {count}" if count is not None else "at least one"
        detail = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        status_text = f" with status {status}" if status else ""
        raise AssertionError(
            f"expected {want} {operation} call(s){status_text}"
            + (f" with {detail}" if detail else "")
            + f", found {len(found)}.\n"
            f"Calls made (oldest first):\n{describe(entries)}"
        )
    return found


def assert_revoked(
    entries: Sequence[JournalEntry], token: str, state: str | None, count: int = 1
) -> JournalEntry:
    """Exactly ``count`` revoke calls of ``token`` were made, and its ``state`` is not active."""
    found = assert_called(entries, REVOKE, count, token=token)
    if state == "active":
        raise AssertionError(
            f"{token[:8]}... was sent to {REVOKE} but is still active (another client's token?)"
        )
    return found[-1]
