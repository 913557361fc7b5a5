"""The spyne service: one method per implemented operation, named as in the vendor's WSDL.

:func:`service_class` makes the ``ServiceBase`` subclass from an operation registry
(:data:`fakeprojector.rules.OPERATIONS`): each method only maps the wire
(:func:`fakeprojector.soap.mapping.call`); the rules live in :mod:`fakeprojector.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spyne import ServiceBase, rpc

from fakeprojector.contract import PORT_TYPE, REQUEST_PARAM, SERVICE_NAME
from fakeprojector.rules import Operation
from fakeprojector.soap import mapping
from fakeprojector.soap.models import request_type, result_type

_NULLABLE = {"min_occurs": 0, "nillable": True}


def _method(operation: Operation) -> Any:
    """The spyne method of ``operation``: ``<Op>(serviceRequest) -> <Op>Result``."""
    name = operation.name

    def method(ctx: Any, serviceRequest: Any) -> Any:
        return mapping.call(ctx, operation, serviceRequest)

    method.__name__ = method.__qualname__ = name
    return rpc(
        request_type(operation).customize(**_NULLABLE),
        _args=(REQUEST_PARAM,),
        _returns=result_type(operation).customize(**_NULLABLE),
        _out_variable_name=f"{name}Result",
        _port_type=PORT_TYPE,
    )(method)


def service_class(operations: Mapping[str, Operation]) -> type[ServiceBase]:
    """The ``IPwsProjectorServices`` service of ``operations``, in registry order [doc]."""
    body: dict[str, Any] = {"__service_name__": SERVICE_NAME, "__port_types__": (PORT_TYPE,)}
    body.update({name: _method(op) for name, op in operations.items()})
    return type("PwsProjectorServices", (ServiceBase,), body)
