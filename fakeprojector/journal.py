"""The request journal: what each SOAP call asked and how it was answered.

Bounded (oldest entries drop first), thread-safe, free of XML and HTTP. Entries keep
tokens whole (tests assert on them) and never the client secret (redacted upstream).
The same entries serve ``fp.requests`` in Python and ``GET /_fakeprojector/requests``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

DEFAULT_MAX_ENTRIES = 10_000

#: Request fields that never leave the process: the journal and the log show them as ``***``.
SECRET_FIELDS = frozenset({"ClientSecret"})
REDACTED = "***"


def journal_fields(sent: dict[str, Any]) -> dict[str, Any]:
    """The fields of a call as the journal keeps them: absent ones dropped, the client
    secret redacted, everything else (tokens included) whole, since tests assert on them."""
    return {k: (REDACTED if k in SECRET_FIELDS and v else v) for k, v in sent.items() if v is not None}


@dataclass(frozen=True)
class JournalEntry:
    """One SOAP call. ``status`` is the answer's ``Status`` (``Ok``, ``Fail``), or the kind
    of fault when the call was answered with one (``fault``, an injected fault's kind)."""

    operation: str | None
    request_id: int | None
    status: str | None
    error_numbers: tuple[int, ...]
    fields: dict[str, Any]
    time: datetime
    duration_ms: float
    http_status: int = 200
    fault: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "request_id": self.request_id,
            "status": self.status,
            "error_numbers": list(self.error_numbers),
            "fields": dict(self.fields),
            "time": self.time.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
            "duration_ms": round(self.duration_ms, 3),
            "http_status": self.http_status,
            "fault": self.fault,
        }


class Journal:
    """A bounded, thread-safe list of :class:`JournalEntry`, oldest first."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=max_entries)

    def append(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries())
