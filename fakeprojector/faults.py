"""Fault injection, the policy: make the fake misbehave on purpose, WireMock style.

A :class:`Fault` applies to the calls of one operation (or all), for the next ``times``
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
specific fault overrides an earlier general one, then the general one resumes). This
module only decides (:meth:`FaultInjector.take`); the app answers the HTTP-level kinds
(:data:`HTTP_LEVEL`) and the SOAP layer the SOAP-level ones (:data:`SOAP_LEVEL`). No XML,
no HTTP.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from fakeprojector import errors
from fakeprojector.contract import VENDOR_HOSTS

KINDS: Final = ("delay", "http_status", "soap_fault", "drop", "redirect")
#: Kinds the HTTP app answers itself, and kinds the SOAP layer answers in the call's place.
HTTP_LEVEL: Final = ("delay", "http_status", "drop")
SOAP_LEVEL: Final = ("soap_fault", "redirect")
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
    kind: Any,
    operation: Any = None,
    times: Any = None,
    *,
    operations: Collection[str] = (),
    **params: Any,
) -> tuple[str, str | None, int | None, dict[str, Any]]:
    """Check a fault description against the fake's ``operations``; returns ``(kind,
    operation, times, params)`` with defaults filled in. Raises :class:`ValueError` with a
    message for the admin API."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if operation is not None and operation not in operations:
        shown = ", ".join(sorted(operations)[:12]) + (", ..." if len(operations) > 12 else "")
        raise ValueError(f"operation must be one of {shown} (or absent for all), not {operation!r}")
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


class FaultInjector:
    """The faults of one fake, thread-safe. Iterating, ``len`` and indexing give snapshots
    of the active faults, oldest first, so ``fp.faults`` reads like a list.

    ``operations`` tells the operation names a fault may target (the fake's own, which a
    loaded WSDL extends). :meth:`take` is the one decision per call.
    """

    def __init__(
        self, operations: Callable[[], Collection[str]] | None = None, rng: random.Random | None = None
    ) -> None:
        self._operations = operations or (lambda: ())
        self._rng = rng or random.Random()  # noqa: S311 - delays, not secrets
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    # --- managing faults -------------------------------------------------------------
    def add(self, kind: str, operation: str | None = None, times: int | None = None, **params: Any) -> Fault:
        kind, operation, times, values = validate(
            kind, operation, times, operations=self._operations(), **params
        )
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

    # --- the decision --------------------------------------------------------------
    def take(self, operation: str | None) -> Fault | None:
        """The most recent fault matching ``operation``, counted as applied (a copy), or
        ``None``. A redirect needs an operation to answer for: a call naming none
        (malformed, unknown action) skips it."""
        if not self._faults:  # the common case: no lock
            return None
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

    def delay_seconds(self, fault: Fault) -> float:
        """How long a ``delay`` fault waits: ``delay_ms``, or uniformly up to ``delay_max_ms``."""
        low = fault.params["delay_ms"]
        high = fault.params.get("delay_max_ms", low)
        return float(low if high == low else self._rng.uniform(low, high)) / 1000
