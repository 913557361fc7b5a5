"""The spyne service: one method per implemented operation, named as in the vendor's WSDL.

Each method only maps the wire (:func:`fakeprojector.soap.mapping.call`); the rules live
in :mod:`fakeprojector.rules`. :data:`IMPLEMENTED` is the registry of operations the
fake answers; other operations of the vendor's port type get a fault naming the fake.
"""

from __future__ import annotations

from typing import Any

from spyne import ServiceBase, rpc

from fakeprojector.contract import ACQUIRE, PORT_TYPE, REQUEST_PARAM, REVOKE, SERVICE_NAME
from fakeprojector.soap import mapping
from fakeprojector.soap.models import REQUEST_TYPES, RESULT_TYPES

_NULLABLE = {"min_occurs": 0, "nillable": True}


def _rpc(operation: str) -> Any:
    return rpc(
        REQUEST_TYPES[operation].customize(**_NULLABLE),
        _args=(REQUEST_PARAM,),
        _returns=RESULT_TYPES[operation].customize(**_NULLABLE),
        _out_variable_name=f"{operation}Result",
        _port_type=PORT_TYPE,
    )


class PwsProjectorServices(ServiceBase):
    """The OAuth2 operations of Projector's ``IPwsProjectorServices`` [doc]."""

    __service_name__ = SERVICE_NAME
    __port_types__ = (PORT_TYPE,)

    @_rpc(REVOKE)
    def PwsRevokeOauth2RefreshToken(ctx: Any, serviceRequest: Any) -> Any:
        return mapping.call(ctx, REVOKE, serviceRequest)

    @_rpc(ACQUIRE)
    def PwsAcquireOauth2Token(ctx: Any, serviceRequest: Any) -> Any:
        return mapping.call(ctx, ACQUIRE, serviceRequest)


IMPLEMENTED: tuple[str, ...] = (REVOKE, ACQUIRE)
