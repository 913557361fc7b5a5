"""Between spyne objects and the rules' plain dataclasses, in both directions.

The service methods call :func:`call`; it reads the store from ``ctx.udc``, runs the rule,
and builds the spyne result (or raises :class:`PwsFaultError` in the ``fault`` error
style). It also fills ``ctx.udc.summary`` for the journal and the log line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from spyne import Fault

from fakeprojector import errors, rules
from fakeprojector.clock import format_wcf_datetime
from fakeprojector.contract import ACQUIRE, REQUEST_FIELDS, RESPONSE_BASE_FIELDS, REVOKE, snake
from fakeprojector.errors import OAuthError
from fakeprojector.journal import journal_fields
from fakeprojector.soap import wire
from fakeprojector.soap.models import RESULT_TYPES, PwsFault, PwsMessage
from fakeprojector.store import Store

#: operation -> (rule(store, request, authority), request type)
_RULES: dict[str, tuple[Callable[..., Any], type]] = {
    REVOKE: (lambda store, request, authority: rules.revoke(store, request), rules.RevokeRequest),
    ACQUIRE: (rules.acquire, rules.AcquireRequest),
}


@dataclass
class CallSummary:
    """What one SOAP call did, for the journal, the log and ``assert_called``."""

    operation: str | None = None
    request_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    error_numbers: list[int] = field(default_factory=list)


@dataclass
class Udc:
    """Per-call user data: the store to act on and what the call did."""

    store: Store
    #: The base URL the client reached the fake through (from its Host header).
    authority: str | None = None
    summary: CallSummary = field(default_factory=CallSummary)
    unexpected: list[BaseException] = field(default_factory=list)


class PwsFaultError(Fault):
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


def call(ctx: Any, operation: str, service_request: Any) -> Any:
    udc: Udc = ctx.udc
    store = udc.store
    rule, request_type = _RULES[operation]
    if service_request is None:
        wire_fields: dict[str, Any] = {}
        request = request_type()
    else:
        names = _FIELD_NAMES[operation]
        wire_fields = {n: getattr(service_request, n, None) for n, _ in names}
        request = request_type(**{rule_name: wire_fields[n] for n, rule_name in names})
    summary = udc.summary
    summary.operation = operation
    summary.request_id = request.request_id
    summary.fields = journal_fields(wire_fields)
    result_cls = RESULT_TYPES[operation]
    base: dict[str, Any] = {"ResponseId": request.request_id or 0}
    try:
        outcome = rule(store, request, udc.authority)
    except OAuthError as exc:
        summary.status = "Fail"
        summary.error_numbers = [exc.entry.number]
        if store.settings.error_style == "fault":
            raise PwsFaultError(exc.entry, exc.text, request.request_id or 0, operation) from None
        return result(result_cls, store, base, "Fail", [message(exc.entry, exc.text)], {})
    except Exception as exc:
        udc.unexpected.append(exc)
        raise
    summary.status = "Ok"
    values = {wire_name: getattr(outcome, name) for name, wire_name in _outcome_names(type(outcome))}
    return result(result_cls, store, base, "Ok", [], values)


def _wire(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


#: (wire name, rule field name) of each operation's request fields, in schema order.
_FIELD_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    op: tuple((n, snake(n)) for n in REQUEST_FIELDS[op]) for op in _RULES
}


_OUTCOME_NAMES: dict[type, tuple[tuple[str, str], ...]] = {}


def _outcome_names(outcome_type: type) -> tuple[tuple[str, str], ...]:
    """(field, wire name) of a rules outcome dataclass: ``redirect_url`` -> ``RedirectUrl``."""
    names = _OUTCOME_NAMES.get(outcome_type)
    if names is None:
        names = _OUTCOME_NAMES[outcome_type] = tuple((f.name, _wire(f.name)) for f in fields(outcome_type))
    return names


@cache
def _result_defaults(cls: Any) -> dict[str, Any]:
    """A failed result's own members: strings nil, ints ``0`` [wcf]."""
    return {
        name: (0 if _is_int(t) else None)
        for name, t in cls._type_info.items()
        if name not in RESPONSE_BASE_FIELDS
    }


def result(
    cls: Any, store: Store, base: dict[str, Any], status: str, messages: list[Any], values: dict[str, Any]
) -> Any:
    """A result with every member set: on failure strings nil and ints 0 [wcf]."""
    state = dict(_result_defaults(cls))
    state.update(values)
    state["Messages"] = messages
    state["ResponseId"] = base["ResponseId"]
    state["Status"] = status
    state["ServerTimestampUtc"] = format_wcf_datetime(store.clock.time_ns())
    return wire.instance(cls, state)


def _is_int(t: Any) -> bool:
    from spyne.model.primitive import Integer

    return isinstance(t, type) and issubclass(t, Integer)
