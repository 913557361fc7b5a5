"""The request journal: what each call asked and how it was answered.

Bounded (oldest entries drop first), thread-safe, free of XML and HTTP. :meth:`Journal.record`
is the one writer: the SOAP endpoint, the REST twins and the consent page each call it once
per request, and it also writes the call's one log line. Entries keep tokens whole (tests
assert on them) and never a secret: :func:`journal_fields` replaces it with ``***``
before anything is kept or logged. The same entries serve ``fp.requests`` in Python and
``GET /_fakeprojector/requests``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from fakeprojector.clock import AdjustableClock

log = logging.getLogger("fakeprojector")

DEFAULT_MAX_ENTRIES = 10_000

#: Request fields that never leave the process: the journal and the log show them as ``***``.
SECRET_FIELDS = frozenset({"ClientSecret", "Password"})
REDACTED = "***"


def journal_fields(sent: dict[str, Any]) -> dict[str, Any]:
    """The fields of a call as the journal keeps them: absent ones dropped, secrets
    redacted, everything else (tokens included) whole, since tests assert on them."""
    return {k: (REDACTED if k in SECRET_FIELDS and v else v) for k, v in sent.items() if v is not None}


@dataclass(frozen=True)
class SkippedElement:
    """An element of a request the reader ignored, as WCF does without a word; the journal
    keeps it so a client's namespace or order mistake is visible, not just its effect."""

    #: Dotted path of the element that holds it, from the operation's parameter.
    path: str
    name: str
    namespace: str | None
    #: The namespace a member of that name belongs in, when the name is known.
    expected_namespace: str | None
    #: ``wrong namespace``, ``out of order``, ``unknown`` or ``duplicate``.
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "name": self.name,
            "namespace": self.namespace,
            "expected_namespace": self.expected_namespace,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class JournalEntry:
    """One call. ``status`` is the answer's ``Status`` (``Ok``, ``Fail``), or the kind
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
    #: Elements the reader ignored (SOAP calls only).
    skipped: tuple[SkippedElement, ...] = ()
    #: The request headers that explain a dispatch (SOAPAction, Content-Type, User-Agent).
    headers: dict[str, str] = field(default_factory=dict)
    #: The raw request body with every secret and token replaced by a marker (SOAP calls only).
    body: str | None = None

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
            "skipped": [s.as_dict() for s in self.skipped],
            "headers": dict(self.headers),
            "body": self.body,
            "extra": dict(self.extra),
        }


class Journal:
    """A bounded, thread-safe list of :class:`JournalEntry`, oldest first, stamped by ``clock``
    (the fake's clock: a frozen test sees its frozen instant in the journal too)."""

    def __init__(self, clock: AdjustableClock | None = None, max_entries: int | None = None) -> None:
        self._clock = clock or AdjustableClock()
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=max_entries or DEFAULT_MAX_ENTRIES)

    @property
    def max_entries(self) -> int:
        return self._entries.maxlen or DEFAULT_MAX_ENTRIES

    def record(
        self,
        operation: str | None,
        status: str | None,
        *,
        started: float,
        request_id: int | None = None,
        error_numbers: tuple[int, ...] = (),
        fields: dict[str, Any] | None = None,
        http_status: int = 200,
        fault: str | None = None,
        skipped: tuple[SkippedElement, ...] = (),
        headers: dict[str, str] | None = None,
        body: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> JournalEntry:
        """Add one call (``started``: its :func:`time.perf_counter`) and log its one line."""
        duration_ms = (time.perf_counter() - started) * 1000
        entry = JournalEntry(
            operation=operation,
            request_id=request_id,
            status=status,
            error_numbers=error_numbers,
            fields=fields or {},
            time=datetime.fromtimestamp(self._clock.time(), tz=timezone.utc),
            duration_ms=duration_ms,
            http_status=http_status,
            fault=fault,
            skipped=skipped,
            headers=headers or {},
            body=body,
            extra=extra or {},
        )
        self.append(entry)
        log.info(
            "%s status=%s errors=%s http=%d %.1fms%s",
            operation or "-",
            status,
            ",".join(map(str, error_numbers)) or "-",
            http_status,
            duration_ms,
            f" fault={fault}" if fault else "",
        )
        return entry

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
