"""Between spyne objects and the rules' plain dataclasses, in both directions, for any
operation of the registry (:data:`fakeprojector.rules.OPERATIONS`).

The service methods call :func:`call`; it reads the store from ``ctx.udc``, runs the rule,
and builds the spyne result (or raises :class:`PwsFaultError` in the ``fault`` error
style). It also fills ``ctx.udc.summary`` for the journal and the log line. Injected
SOAP-level faults (``soap_fault``, ``redirect``) are answered here too (:func:`injected`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spyne import Fault as SpyneFault

from fakeprojector import errors
from fakeprojector.contract import INT, REQUEST_BASE_FIELDS, names, snake
from fakeprojector.errors import OAuthError
from fakeprojector.faults import Fault
from fakeprojector.journal import SkippedElement, journal_fields
from fakeprojector.rules import CallContext, Operation
from fakeprojector.soap import wire
from fakeprojector.soap.models import PwsFault, PwsMessage, result_type
from fakeprojector.store import Store


@dataclass
class CallSummary:
    """What one SOAP call did, for the journal, the log and ``assert_called``."""

    operation: str | None = None
    request_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    error_numbers: list[int] = field(default_factory=list)
    #: Why it failed: ``ErrorCode`` and ``ErrorText``, or a SOAP fault's code and reason.
    error_code: str | None = None
    error_text: str | None = None
    #: Elements of the request the WCF reader skipped (:func:`fakeprojector.soap.wire.read_request`).
    skipped: list[SkippedElement] = field(default_factory=list)
    #: What else the journal keeps of the call (``stub``: the id of the stub that answered).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Udc:
    """Per-call user data: the store to act on, the call's context and what the call did.
    ``fault`` is the injected fault the call takes, once the wire knows its operation."""

    store: Store
    #: The base URL the client reached the fake through (from its Host header).
    authority: str | None = None
    summary: CallSummary = field(default_factory=CallSummary)
    unexpected: list[BaseException] = field(default_factory=list)
    fault: Fault | None = None
    #: The rule's request, once the wire has read it (:func:`read`).
    request: Any = None


class PwsFaultError(SpyneFault):
    """An error answered as a SOAP Fault with a ``PwsFault`` detail (HTTP 500) [doc].

    Used for OAuth errors in the ``fault`` error style [choice] and for injected faults
    such as 10016 RequestExceededRateLimit.
    """

    def __init__(self, entry: errors.CatalogueEntry, text: str, response_id: int, service_name: str) -> None:
        super().__init__(faultcode="Client", faultstring=text)
        self.entry, self.text = entry, text
        self.detail_value = PwsFault(
            Messages=[message(entry, text)], ResponseId=response_id, ServiceName=service_name
        )

    def render(self) -> bytes:
        """The whole SOAP envelope of this fault (answered with HTTP 500)."""
        return wire.render_fault(errors.PWS_FAULT, {"text": self.text}, (PwsFault, self.detail_value))


def message(entry: errors.CatalogueEntry, text: str) -> PwsMessage:
    return PwsMessage(
        AdditionalErrorText=entry.additional_text,
        ErrorCode=entry.code,
        ErrorNumber=entry.number,
        ErrorText=text,
        Type=entry.type,
        ReferenceId1=None,
        ReferenceId2=None,
    )


@cache
def _request_names(operation: Operation) -> tuple[tuple[str, str], ...]:
    """(wire name, rule field name) of the operation's request fields, base first."""
    return tuple((n, snake(n)) for n in (*REQUEST_BASE_FIELDS, *names(operation.request_fields)))


@cache
def _outcome_names(operation: Operation) -> tuple[tuple[str, str], ...]:
    """(rule field, wire name) of the operation's outcome: ``redirect_url`` -> ``RedirectUrl``."""
    return tuple((snake(n), n) for n in names(operation.result_fields))


def read(udc: Udc, operation: Operation, service_request: Any) -> Any:
    """The rule's request dataclass from the spyne object, noting the call in the summary
    (so a call answered by an injected fault is journaled with its fields too)."""
    pairs = _request_names(operation)
    if service_request is None:
        wire_fields: dict[str, Any] = {}
        request = operation.request_type()
    else:
        wire_fields = {n: getattr(service_request, n, None) for n, _ in pairs}
        request = operation.request_type(**{attr: wire_fields[n] for n, attr in pairs})
    summary = udc.summary
    summary.operation = operation.name
    summary.request_id = request.request_id
    summary.fields = journal_fields(wire_fields)
    udc.request = request
    return request


def call(ctx: Any, operation: Operation, service_request: Any) -> Any:
    udc: Udc = ctx.udc
    store = udc.store
    request = udc.request if udc.request is not None else read(udc, operation, service_request)
    summary = udc.summary
    if udc.fault is not None:
        return injected(udc, operation, udc.fault)
    try:
        outcome = operation.rule(store, request, CallContext(udc.authority))
    except OAuthError as exc:
        summary.status = "Fail"
        summary.error_numbers = [exc.entry.number]
        summary.error_code, summary.error_text = exc.entry.code, exc.text
        if store.settings.error_style == "fault":
            raise PwsFaultError(exc.entry, exc.text, request.request_id or 0, operation.name) from None
        return result(operation, store, request.request_id, "Fail", [message(exc.entry, exc.text)], {})
    except Exception as exc:
        udc.unexpected.append(exc)
        raise
    summary.status = "Ok"
    values = {wire_name: getattr(outcome, attr) for attr, wire_name in _outcome_names(operation)}
    return result(operation, store, request.request_id, "Ok", [], values)


def injected(udc: Udc, operation: Operation, fault: Fault) -> Any:
    """The answer of a SOAP-level injected fault [doc: the vendor's rate limit, and a call
    that reached the wrong server]: ``soap_fault`` raises :class:`PwsFaultError`, ``redirect``
    answers ``Status`` ``Ok`` with ``RedirectUrl`` and changes nothing."""
    if fault.kind == "soap_fault":
        raise fault_error(udc, fault, operation.name)
    if fault.kind != "redirect":  # pragma: no cover - the endpoint passes SOAP-level kinds only
        raise ValueError(f"not a SOAP-level fault: {fault.kind}")
    redirect = {"RedirectUrl": fault.params["redirect_url"]}
    return result(operation, udc.store, udc.summary.request_id, "Ok", [], redirect)


def fault_error(udc: Udc, fault: Fault, service_name: str) -> PwsFaultError:
    """An injected ``soap_fault`` as the error to answer, noted in the call's summary."""
    p = fault.params
    entry = errors.CatalogueEntry(p["error_number"], p["error_code"], p["error_text"])
    udc.summary.error_numbers = [entry.number]
    udc.summary.error_code, udc.summary.error_text = entry.code, entry.template
    return PwsFaultError(entry, p["error_text"], udc.summary.request_id or 0, service_name)


@cache
def _result_defaults(operation: Operation) -> dict[str, Any]:
    """A failed result's own members: strings nil, ints ``0`` [wcf]."""
    return {name: (0 if kind == INT else None) for name, kind in operation.result_fields}


def result(
    operation: Operation,
    store: Store,
    request_id: int | None,
    status: str,
    messages: list[Any],
    values: dict[str, Any],
) -> Any:
    """A result with every member set: on failure strings nil and ints 0 [wcf]."""
    state = dict(_result_defaults(operation))
    state.update(values)
    state["Messages"] = messages
    state["ResponseId"] = request_id or 0
    state["Status"] = status
    state["ServerTimestampUtc"] = wire.format_wcf_datetime(store.clock.time_ns())
    return wire.instance(result_type(operation), state)
