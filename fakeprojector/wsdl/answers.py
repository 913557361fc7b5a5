"""Answers made from the contract alone: what an operation returns when nobody stubbed it.

The *minimal answer* has ``Status`` ``Ok`` (or what the caller says), ``ResponseId``
echoing the request's ``RequestId`` (0 when absent) [doc], the caller's
``ServerTimestampUtc``, ``Messages`` empty, and every other data member present, because
WCF's DataContractSerializer writes every member [wcf]:

* a nillable member is nil (``i:nil="true"``);
* except an array, which is written empty (``<a:Projects/>``) rather than nil [choice: a
  client iterating the list works either way against the real service only if it handles
  both, and an empty list is the common case of a query that found nothing];
* a non-nillable simple member gets ``default(T)``: 0, false, ``0001-01-01T00:00:00``,
  the first enumeration value, the zero GUID, ``PT0S``;
* a non-nillable complex member (a .NET struct) is expanded the same way, member by member.
  Nillable members stop the expansion, so recursive types (``PwsValue``) terminate.

Base members (``Messages``, ``ResponseId``, ``Status``, ``ServerTimestampUtc``) are set only
when the result type has them (it derives from ``PwsResponse``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fakeprojector.errors import CatalogueEntry
from fakeprojector.wsdl.contract import Contract
from fakeprojector.wsdl.model import Operation
from fakeprojector.wsdl.writer import write_response

STATUS_OK = "Ok"
STATUS_SESSION_INVALID = "FailSessionInvalid"


def pws_message(entry: CatalogueEntry, text: str | None = None) -> dict[str, Any]:
    """A ``PwsMessage`` value for ``Messages``, its members as the vendor orders them [doc]."""
    return {
        "AdditionalErrorText": entry.additional_text,
        "ErrorCode": entry.code,
        "ErrorNumber": entry.number,
        "ErrorText": entry.template if text is None else text,
        "Type": entry.type,
        "ReferenceId1": None,
        "ReferenceId2": None,
    }


def base_values(
    contract: Contract,
    operation: Operation,
    *,
    request_id: int | None,
    timestamp: str,
    status: str = STATUS_OK,
    messages: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The ``PwsResponse`` members of ``operation``'s result that its type has."""
    wanted = {
        "Messages": list(messages),
        "ResponseId": request_id or 0,
        "Status": status,
        "ServerTimestampUtc": timestamp,
    }
    result_type = contract.types.get(operation.result.type)
    names = {m.name for m in getattr(result_type, "members", ())}
    return {name: value for name, value in wanted.items() if name in names}


def render_answer(
    contract: Contract,
    operation: Operation,
    values: Mapping[str, Any] | None = None,
    *,
    request_id: int | None,
    timestamp: str,
    status: str = STATUS_OK,
    messages: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    """The whole response envelope: the minimal answer, with ``values`` laid over it.

    ``values`` are result members by local name (checked beforehand by
    :func:`fakeprojector.wsdl.stubs.validate_respond` when they come from a user); where they
    name a base member (``Status``, ``Messages``) they win over the arguments. ``timestamp``
    is written as given (the app formats it, see ``soap.wire.format_wcf_datetime``).
    """
    result = base_values(
        contract, operation, request_id=request_id, timestamp=timestamp, status=status, messages=messages
    )
    if values:
        result.update(values)
    return write_response(contract, operation, result)
