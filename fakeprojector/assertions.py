"""Readable assertions over the request journal (``fp.assert_called(...)``).

A failing assertion lists the calls that were made, closest first, so a test failure
shows at once what the client sent instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fakeprojector.journal import JournalEntry

_ALIASES = {
    "token": "Token",
    "refresh_token": "RefreshToken",
    "client_id": "ClientIdentifier",
    "code": "Code",
    "grant_type": "GrantType",
}


def _field_name(name: str) -> str:
    return _ALIASES.get(name, name)


def matching(
    entries: Sequence[JournalEntry], operation: str | None = None, status: str | None = None, **fields: Any
) -> list[JournalEntry]:
    """Entries of ``operation`` (``None``: any) whose fields equal ``fields``.

    Field names are the wire names (``Token``) or the short aliases ``token``,
    ``refresh_token``, ``client_id``, ``code``, ``grant_type``.
    """
    wanted = {_field_name(k): v for k, v in fields.items()}
    return [
        e
        for e in entries
        if (operation is None or e.operation == operation)
        and (status is None or e.status == status)
        and all(e.fields.get(k) == v for k, v in wanted.items())
    ]


def describe(entries: Sequence[JournalEntry], limit: int = 10) -> str:
    if not entries:
        return "  (no SOAP calls were made)"
    lines = [
        f"  {i}. {e.operation} status={e.status} errors={list(e.error_numbers)} fields={e.fields}"
        for i, e in enumerate(entries[-limit:], start=max(1, len(entries) - limit + 1))
    ]
    return "\n".join(lines)


def assert_called(
    entries: Sequence[JournalEntry],
    operation: str,
    count: int | None = None,
    status: str | None = None,
    **fields: Any,
) -> list[JournalEntry]:
    """Assert ``operation`` was called (exactly ``count`` times when given) with ``fields``."""
    found = matching(entries, operation, status, **fields)
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
