"""spyne types of the implemented operations, named and namespaced as the vendor's WSDL.

The shared types (``PwsRequest``, ``PwsResponse``, ``PwsMessage``, ``PwsFault``...) are
declared here; each operation's ``<Op>Rq`` and ``<Op>Rs`` are made from its typed field
lists (:data:`fakeprojector.rules.OPERATIONS`). These classes are the service definition:
the WSDL is generated from them and the WCF reader/writer (:mod:`fakeprojector.soap.wire`)
walks their field lists, so names, order, namespaces and nillability are stated once [doc].
"""

from __future__ import annotations

from functools import cache

from spyne import Array, ComplexModel, DateTime, Enum, Integer32, Unicode

from fakeprojector.contract import (
    MESSAGE_TYPES,
    NS_COMMON_SERVICES,
    NS_REQUESTS,
    NS_RESPONSES,
    NS_SHARED_COMMON,
    REQUEST_STATUSES,
    Fields,
)
from fakeprojector.rules import Operation

String = Unicode(min_occurs=0, nillable=True)
Int = Integer32(min_occurs=0, nillable=False)

RequestStatus = Enum(*REQUEST_STATUSES, type_name="RequestStatus").customize(
    __namespace__=NS_SHARED_COMMON, min_occurs=0, nillable=False
)
MessageType = Enum(*MESSAGE_TYPES, type_name="MessageType").customize(
    __namespace__=NS_SHARED_COMMON, min_occurs=0, nillable=False
)


class PwsBase(ComplexModel):
    __namespace__ = NS_SHARED_COMMON
    __type_name__ = "PwsBase"
    _type_info: list[tuple[str, object]] = []


class PwsMessage(ComplexModel):
    __namespace__ = NS_SHARED_COMMON
    __type_name__ = "PwsMessage"
    _type_info = [
        ("AdditionalErrorText", String),
        ("ErrorCode", String),
        ("ErrorNumber", Int),
        ("ErrorText", String),
        ("Type", MessageType),
        ("ReferenceId1", String),
        ("ReferenceId2", String),
    ]


ArrayOfPwsMessage = Array(PwsMessage.customize(min_occurs=0, nillable=True)).customize(
    type_name="ArrayOfPwsMessage", __namespace__=NS_SHARED_COMMON, min_occurs=0, nillable=True
)


class PwsRequest(PwsBase):
    __namespace__ = NS_REQUESTS
    __type_name__ = "PwsRequest"
    _type_info = [("RequestId", Int), ("SessionTicket", String)]


class PwsResponse(PwsBase):
    __namespace__ = NS_COMMON_SERVICES
    __type_name__ = "PwsResponse"
    _type_info = [
        ("Messages", ArrayOfPwsMessage),
        ("ResponseId", Int),
        ("Status", RequestStatus),
        ("ServerTimestampUtc", DateTime(min_occurs=0, nillable=True)),
    ]


def _lock_type(name: str) -> type[ComplexModel]:
    """A lock-related type of ``PwsFault`` [doc]. The fake never locks anything, so these are
    always nil and declared without their members (the vendor's carry user and lock fields)."""
    return type(
        name, (ComplexModel,), {"__namespace__": NS_SHARED_COMMON, "__type_name__": name, "_type_info": []}
    )


PwsUserRef = _lock_type("PwsUserRef")
PwsStolenLock = _lock_type("PwsStolenLock")
ArrayOfPwsEntityLockSummary = Array(_lock_type("PwsEntityLockSummary")).customize(
    type_name="ArrayOfPwsEntityLockSummary", __namespace__=NS_SHARED_COMMON, min_occurs=0, nillable=True
)


class PwsFault(ComplexModel):
    """The detail of the fault every operation declares (``PwsFaultFault``) [doc], members in
    the vendor's order; the three lock members are always nil here."""

    __namespace__ = NS_SHARED_COMMON
    __type_name__ = "PwsFault"
    _type_info = [
        ("Messages", ArrayOfPwsMessage),
        ("ResponseId", Int),
        ("ServiceName", String),
        ("LockHolderUserIdentity", PwsUserRef.customize(min_occurs=0, nillable=True)),
        ("LockHolders", ArrayOfPwsEntityLockSummary),
        ("LockTaker", PwsStolenLock.customize(min_occurs=0, nillable=True)),
    ]


_TYPES = {"string": String, "int": Int}


def _members(fields: Fields) -> list[tuple[str, object]]:
    return [(name, _TYPES[kind]) for name, kind in fields]


@cache
def request_type(operation: Operation) -> type[ComplexModel]:
    """``<Op>Rq``: ``PwsRequest`` extended by the operation's own fields [doc]."""
    return type(
        f"{operation.name}Rq",
        (PwsRequest,),
        {
            "__namespace__": NS_REQUESTS,
            "__type_name__": f"{operation.name}Rq",
            "_type_info": _members(operation.request_fields),
        },
    )


@cache
def result_type(operation: Operation) -> type[ComplexModel]:
    """``<Op>Rs``: ``PwsResponse`` extended by the operation's result fields [doc]."""
    return type(
        f"{operation.name}Rs",
        (PwsResponse,),
        {
            "__namespace__": NS_RESPONSES,
            "__type_name__": f"{operation.name}Rs",
            "_type_info": _members(operation.result_fields),
        },
    )
