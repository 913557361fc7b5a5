"""Fault injection: make the fake misbehave on purpose, WireMock style.

A :class:`Fault` applies to the SOAP calls of one operation (or all), for the next ``times``
calls (or until cleared). Kinds:

* ``delay``: wait ``delay_ms`` (or a random time up to ``delay_max_ms``), then answer normally;
* ``http_status``: answer ``status`` with the front end's error page (``body`` ``html``, the
  default: IIS's or HTTP.sys's page, see :mod:`fakeprojector.frontend`), no body
  (``empty``), or ``body`` text of your own (``content_type``, default ``text/html``);
* ``soap_fault``: an HTTP 500 SOAP Fault with a ``PwsFault`` detail (default 10016
  RequestExceededRateLimit, the vendor's rate limit) [doc];
* ``drop``: close the connection without an answer;
* ``redirect``: nothing changes; ``Status`` ``Ok`` with ``RedirectUrl`` set, as the real
  service answers a call that reached the wrong server [doc].

Each call takes at most one fault: the most recently added one that matches (a later, more
specific fault overrides an earlier general one, then the general one resumes). The request
is read only when a fault applies, to name its operation and fill the journal entry.
"""

from __future__ import annotations

import dataclasses
import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from werkzeug.wrappers import Request, Response

from fakeprojector import errors, frontend
from fakeprojector.contract import (
    CONTENT_TYPE,
    REQUEST_FIELDS,
    VENDOR_HOSTS,
    operation_for_action,
)
from fakeprojector.journal import journal_fields
from fakeprojector.soap import wire
from fakeprojector.soap.mapping import PwsFaultError, Udc, result
from fakeprojector.soap.models import REQUEST_TYPES, RESULT_TYPES
from fakeprojector.soap.protocol import resolve_operation

KINDS: Final = ("delay", "http_status", "soap_fault", "drop", "redirect")
#: ``body`` values with a meaning: the front end's page (``html``) or none; any other text is sent as is.
HTTP_BODIES: Final = ("empty", "html")
CUSTOM_BODY_TYPE: Final = "text/html"
#: The longest delay accepted (a typo of 600000 for 6000 would hang a test run for ten minutes).
MAX_DELAY_MS: Final = 300_000
DEFAULT_REDIRECT_URL: Final = VENDOR_HOSTS[1]

#: The parameters each kind accepts, with their defaults.
_PARAMS: Final[dict[str, dict[str, Any]]] = {
    "delay": {"delay_ms": None, "delay_max_ms": None},
    "http_status": {"status": 503, "body": "html", "content_type": None},
    "soap_fault": {
        "error_number": errors.REQUEST_EXCEEDED_RATE_LIMIT.number,
        "error_code": None,
        "error_text": None,
    },
    "drop": {},
    "redirect": {"redirect_url": DEFAULT_REDIRECT_URL},
}


@dataclass
class Fault:
    """One injected fault. ``times`` is how many calls it still applies to (``None``: until
    cleared); ``applied`` how many it has answered. ``params`` holds the kind's parameters."""

    id: int
    kind: str
    operation: str | None = None
    times: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    applied: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "operation": self.operation,
            "times": self.times,
            "applied": self.applied,
            **self.params,
        }

    def matches(self, operation: str | None) -> bool:
        return self.operation is None or self.operation == operation


class DropConnection(Response):
    """A "response" that closes the connection without answering.

    Under werkzeug's server it shuts the socket down and raises a ``ConnectionError``,
    which the server treats as a client that went away: nothing is written, nothing
    logged, and the server carries on. Elsewhere the exception alone has to do.
    """

    def __init__(self) -> None:
        super().__init__(b"", status=500)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already gone
                pass
        raise ConnectionAbortedError("fakeprojector: connection dropped by an injected fault")


def _int(name: str, value: Any, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, not {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {bound}, not {value}")
    return value


def _str(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, not {value!r}")
    return value


def validate(
    kind: Any, operation: Any = None, times: Any = None, **params: Any
) -> tuple[str, str | None, int | None, dict[str, Any]]:
    """Check a fault description; returns ``(kind, operation, times, params)`` with defaults
    filled in. Raises :class:`ValueError` with a message for the admin API."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if operation is not None and operation not in REQUEST_FIELDS:
        raise ValueError(
            f"operation must be one of {', '.join(REQUEST_FIELDS)} (or absent for all), not {operation!r}"
        )
    if times is not None:
        times = _int("times", times, 1)
    allowed = _PARAMS[kind]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        accepted = ", ".join(allowed) or "no parameters"
        raise ValueError(f"{', '.join(unknown)}: not a parameter of kind {kind!r} (it takes {accepted})")
    values = {name: params.get(name, default) for name, default in allowed.items()}
    if kind == "delay":
        if values["delay_ms"] is None:
            raise ValueError("kind 'delay' needs delay_ms")
        values["delay_ms"] = _int("delay_ms", values["delay_ms"], 0, MAX_DELAY_MS)
        if values["delay_max_ms"] is None:
            del values["delay_max_ms"]
        else:
            values["delay_max_ms"] = _int(
                "delay_max_ms", values["delay_max_ms"], values["delay_ms"], MAX_DELAY_MS
            )
    elif kind == "http_status":
        values["status"] = _int("status", values["status"], 200, 599)
        body = values["body"]
        if not isinstance(body, str):
            raise ValueError(f"body must be 'html', 'empty' or the text to answer, not {body!r}")
        if values["content_type"] is None:
            if body not in HTTP_BODIES:
                values["content_type"] = CUSTOM_BODY_TYPE
            else:
                del values["content_type"]  # the front end's own page says what it is
        else:
            values["content_type"] = _str("content_type", values["content_type"])
    elif kind == "soap_fault":
        number = _int("error_number", values["error_number"], -(2**31), 2**31 - 1)
        known = errors.CATALOGUE.get(number)
        if values["error_code"] is None:
            if known is None:
                raise ValueError(
                    f"error_number {number} is not in the catalogue: give error_code and error_text"
                )
            values["error_code"] = known.code
        if values["error_text"] is None:
            if known is None or known.placeholders:
                raise ValueError(
                    f"error_number {number} needs an error_text (its catalogue text has placeholders)"
                )
            values["error_text"] = known.template
        values["error_code"] = _str("error_code", values["error_code"])
        values["error_text"] = _str("error_text", values["error_text"])
    elif kind == "redirect":
        values["redirect_url"] = _str("redirect_url", values["redirect_url"]).rstrip("/")
    return kind, operation, times, values


@dataclass
class _Call:
    """What is known of the request a fault answers."""

    operation: str | None
    request_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)


class FaultInjector:
    """The faults of one fake, thread-safe. Iterating, ``len`` and indexing give snapshots
    of the active faults, oldest first, so ``fp.faults`` reads like a list.

    ``before(request, body, soap_action, udc)`` is the app's hook: ``None`` when no fault
    applies, else ``(response, kind)``; ``response`` is ``None`` for a delay (the call then
    proceeds normally, and its journal entry notes the fault).
    """

    def __init__(self, clock: Any = None, rng: random.Random | None = None) -> None:
        self.clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - delays, not secrets
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    # --- managing faults -------------------------------------------------------------
    def add(self, kind: str, operation: str | None = None, times: int | None = None, **params: Any) -> Fault:
        kind, operation, times, values = validate(kind, operation, times, **params)
        with self._lock:
            fault = Fault(id=self._next_id, kind=kind, operation=operation, times=times, params=values)
            self._next_id += 1
            self._faults.append(fault)
            return dataclasses.replace(fault)

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            for i, fault in enumerate(self._faults):
                if fault.id == fault_id:
                    del self._faults[i]
                    return True
            return False

    def get(self, fault_id: int) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.id == fault_id:
                    return dataclasses.replace(fault)
            return None

    def clear(self) -> int:
        """Remove every fault; returns how many there were."""
        with self._lock:
            count = len(self._faults)
            self._faults.clear()
            return count

    def list(self) -> list[Fault]:
        with self._lock:
            return [dataclasses.replace(f) for f in self._faults]

    def __len__(self) -> int:
        return len(self._faults)

    def __iter__(self) -> Iterator[Fault]:
        return iter(self.list())

    def __getitem__(self, index: int) -> Fault:
        return self.list()[index]

    def __bool__(self) -> bool:
        return bool(self._faults)

    def __repr__(self) -> str:
        return f"FaultInjector({self.list()!r})"

    # --- the hook --------------------------------------------------------------------
    def _take(self, operation: str | None) -> Fault | None:
        """The most recent fault matching ``operation``, counted as applied. A redirect needs
        an operation to answer for: a call naming none (malformed, unknown action) skips it."""
        with self._lock:
            for i in range(len(self._faults) - 1, -1, -1):
                fault = self._faults[i]
                if fault.matches(operation) and not (fault.kind == "redirect" and operation is None):
                    fault.applied += 1
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            del self._faults[i]
                    return dataclasses.replace(fault)
            return None

    def before(
        self, request: Request, body: bytes, soap_action: str | None, udc: Udc
    ) -> tuple[Response | None, str] | None:
        if not self._faults:  # the common case: no lock, no parsing
            return None
        operation = _operation(body, soap_action, udc)
        fault = self._take(operation)
        if fault is None:
            return None
        if fault.kind == "delay":
            low = fault.params["delay_ms"]
            high = fault.params.get("delay_max_ms", low)
            time.sleep((low if high == low else self._rng.uniform(low, high)) / 1000)
            return None, fault.kind
        call = _read_call(body, operation)
        summary = udc.summary
        summary.operation, summary.request_id, summary.fields = call.operation, call.request_id, call.fields
        return _answer(fault, call, udc), fault.kind


def _operation(body: bytes, soap_action: str | None, udc: Udc) -> str | None:
    """The operation a call addresses: its SOAPAction, else (when lenient) its body element."""
    action = (soap_action or "").strip().strip('"')
    if action:
        return operation_for_action(action)
    if not udc.store.settings.lenient_soap_action:
        return None
    try:
        tag = wire.body_element(wire.parse_envelope(body)).tag
    except wire.WireError:
        return None
    try:
        return resolve_operation(None, tag, strict=False)
    except wire.WireError:  # not an operation this fake answers
        return None


def _read_call(body: bytes, operation: str | None) -> _Call:
    """The request's ``RequestId`` and fields (secret redacted), as far as they can be read."""
    if operation is None:
        return _Call(None)
    try:
        values = wire.read_request(wire.body_element(wire.parse_envelope(body)), REQUEST_TYPES[operation])
    except wire.WireError:
        return _Call(operation)
    return _Call(operation, values.get("RequestId"), journal_fields(values))


def _answer(fault: Fault, call: _Call, udc: Udc) -> Response:
    p = fault.params
    if fault.kind == "http_status":
        status = p["status"]
        if p["body"] == "empty":
            return Response(b"", status=status, content_type=p.get("content_type", "text/html"))
        if p["body"] != "html":
            return Response(p["body"], status=status, content_type=p["content_type"])
        page = frontend.error_page(status)
        response = Response(page.body.encode("ascii"), status=status, content_type=page.content_type)
        response.headers["Server"] = page.server
        return response
    if fault.kind == "soap_fault":
        entry = errors.CatalogueEntry(p["error_number"], p["error_code"], p["error_text"])
        error = PwsFaultError(entry, p["error_text"], call.request_id or 0, call.operation or "")
        udc.summary.error_numbers = [entry.number]
        return Response(error.render(), status=500, content_type=CONTENT_TYPE)
    if fault.kind == "redirect":
        if call.operation is None:  # pragma: no cover - _take skips redirects for unknown operations
            raise RuntimeError("a redirect fault needs an operation")
        cls = RESULT_TYPES[call.operation]
        answer = result(
            cls, udc.store, {"ResponseId": call.request_id or 0}, "Ok", [], {"RedirectUrl": p["redirect_url"]}
        )
        return Response(
            wire.render_result(call.operation, cls, answer), status=200, content_type=CONTENT_TYPE
        )
    return DropConnection()
