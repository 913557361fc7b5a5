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
import re
import threading
import time
from collections import deque
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from fakeprojector.clock import AdjustableClock

log = logging.getLogger("fakeprojector")

DEFAULT_MAX_ENTRIES = 10_000

#: Request fields that never leave the process: the journal and the log show them as ``***``.
SECRET_FIELDS = frozenset({"ClientSecret", "Password"})
REDACTED = "***"


#: Elements of a request body whose text never reaches the journal: secrets, and tokens,
#: codes and tickets (a body is for reading what was sent, the ``fields`` for asserting on
#: values). Matched by local name without case, so a misspelt or misplaced one is hidden
#: too; a name ending in Secret, Password, Token or Ticket is covered for any operation.
_SENSITIVE = r"(?i:[\w.-]*(?:secret|password|token|ticket)|code|codeverifier)"
_PREFIX = r"(?:[A-Za-z_][\w.-]*:)?"
#: Text right after a sensitive opening tag, or right before a sensitive closing tag (so a
#: garbled tag on one side, or a truncated body, still hides it); one pass, in C.
_SENSITIVE_TEXT = re.compile(
    rf"(?P<open><{_PREFIX}{_SENSITIVE}(?:\s[^<>]*)?(?<!/)>)(?P<text>(?:[^<]+|<!\[CDATA\[.*?\]\]>)*)"
    rf"|>(?P<before>[^<>]*)(?P<close></{_PREFIX}{_SENSITIVE}\s*>)"
)
#: A known secret this short is hidden only where the element names it (replacing every
#: occurrence of a two-letter secret would garble the body).
MIN_SECRET_CHARS = 8
#: How much of a request body the journal shows (bodies may be up to ``--max-body``, and
#: the journal holds 10,000 entries), and how much more it keeps until the body is redacted.
MAX_BODY_CHARS = 16_384
_CUT_MARGIN = 4096


def _hide(match: re.Match[str]) -> str:
    if match["open"] is not None:
        text = match["text"]
        return match["open"] + (REDACTED if text.strip() else text)
    text = match["before"]
    return ">" + (REDACTED if text.strip() and text != REDACTED else text) + match["close"]


def redact_body(body: str, secrets: Collection[str] = ()) -> str:
    """``body`` with the text of every sensitive element (local name ending in Secret,
    Password, Token or Ticket, or ``Code``, ``CodeVerifier``; without case) replaced by
    ``***``: any non-blank text right after its opening tag or right before its closing tag,
    so a garbled tag on one side, or a truncated body, still hides it. An element holding
    elements (an operation named ``...Token``) is a container: only blank text follows its
    opening tag, and its children are judged on their own. Then every one of ``secrets``
    (the fake's client secrets and passwords) of :data:`MIN_SECRET_CHARS` or more, wherever
    it stands (a secret sent in the wrong field)."""
    text = _SENSITIVE_TEXT.sub(_hide, body)
    for secret in secrets:
        if len(secret) >= MIN_SECRET_CHARS and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _decoded(body: str | bytes) -> str:
    """A request body as text: UTF-16 when it starts with its byte order mark (XML's other
    self-describing encoding), else UTF-8, undecodable bytes as U+FFFD."""
    if isinstance(body, str):
        return body
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return body.decode("utf-16", errors="replace")
    return body.decode("utf-8", errors="replace")


class SentBody:
    """A request body as the journal keeps it: only ever shown redacted (:func:`redact_body`,
    hiding ``secrets`` too, the fake's secrets when the call was made), and redacted on its
    first reading rather than on every call's path, since most bodies are never read. At most
    :data:`MAX_BODY_CHARS` are shown; a margin beyond that is kept so that a secret across
    the cut is still recognised and hidden."""

    __slots__ = ("_length", "_raw", "_secrets", "_text")

    def __init__(self, raw: str | bytes, secrets: Collection[str] = ()) -> None:
        self._raw: str | bytes | None = raw[: MAX_BODY_CHARS + _CUT_MARGIN]
        self._secrets = secrets
        self._length = len(raw)
        self._text: str | None = None

    def __str__(self) -> str:
        text = self._text
        if text is None:
            raw = self._raw or ""
            unit = "bytes" if isinstance(raw, bytes) else "characters"
            text = redact_body(_decoded(raw), self._secrets)
            if self._length > MAX_BODY_CHARS:
                text = text[:MAX_BODY_CHARS] + f"... ({self._length - MAX_BODY_CHARS} more {unit} sent)"
            self._text, self._raw, self._secrets = text, None, ()
        return text

    def __repr__(self) -> str:
        return repr(str(self))


def _hide_secrets(fields: dict[str, Any], secrets: Collection[str]) -> dict[str, Any]:
    """``fields`` with any value holding one of ``secrets`` as ``***``: a client that swapped
    its id and secret must not find its secret under ``ClientIdentifier``. One search per
    secret over all the values at once; only a hit looks at each field."""
    values = "\0".join(v for v in fields.values() if isinstance(v, str))
    found = [s for s in secrets if len(s) >= MIN_SECRET_CHARS and s in values]
    if not found:
        return fields
    return {
        k: REDACTED if isinstance(v, str) and any(s in v for s in found) else v for k, v in fields.items()
    }


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

    def __str__(self) -> str:
        where = f"{{{self.namespace}}}" if self.namespace else "(no namespace) "
        expected = f", expected {{{self.expected_namespace}}}" if self.reason == "wrong namespace" else ""
        return f"{self.path}: {where}{self.name} skipped ({self.reason}{expected})"

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
    #: The request body as sent (SOAP calls only); read it as :attr:`body`.
    sent_body: SentBody | None = field(default=None, repr=False, compare=False)
    #: Why a failed call failed: ``ErrorCode`` (``OauthInvalidClient``) or the SOAP fault's
    #: code (``DeserializationFailed``), and ``ErrorText`` or the fault's reason.
    error_code: str | None = None
    error_text: str | None = None

    @property
    def body(self) -> str | None:
        """The request body with every secret and token replaced by ``***`` (SOAP calls only)."""
        return None if self.sent_body is None else str(self.sent_body)

    def as_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "request_id": self.request_id,
            "status": self.status,
            "error_numbers": list(self.error_numbers),
            "error_code": self.error_code,
            "error_text": self.error_text,
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
        body: str | bytes | None = None,
        error_code: str | None = None,
        error_text: str | None = None,
        secrets: Collection[str] = (),
        extra: dict[str, Any] | None = None,
    ) -> JournalEntry:
        """Add one call (``started``: its :func:`time.perf_counter`) and log its one line.
        ``body`` (bytes as received, or text) is kept as a :class:`SentBody`, only ever shown
        redacted; ``secrets`` (the fake's client secrets and passwords) are hidden wherever
        they stand in the body and the fields, so no caller can keep a secret."""
        duration_ms = (time.perf_counter() - started) * 1000
        entry = JournalEntry(
            operation=operation,
            request_id=request_id,
            status=status,
            error_numbers=error_numbers,
            fields=_hide_secrets(fields or {}, secrets),
            time=datetime.fromtimestamp(self._clock.time(), tz=timezone.utc),
            duration_ms=duration_ms,
            http_status=http_status,
            fault=fault,
            skipped=skipped,
            headers=headers or {},
            sent_body=None if body is None else SentBody(body, secrets),
            error_code=error_code,
            error_text=error_text,
            extra=extra or {},
        )
        self.append(entry)
        log.info(
            "%s status=%s errors=%s http=%d %.1fms%s%s",
            operation or "-",
            status,
            ",".join(map(str, error_numbers)) or "-",
            http_status,
            duration_ms,
            f" fault={fault}" if fault else "",
            f" skipped={','.join(s.name for s in skipped)}" if skipped else "",
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
