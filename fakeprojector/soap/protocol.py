"""spyne's SOAP 1.1 protocol, taught to behave like WCF's basicHttpBinding.

Overrides spyne's extension points: ``create_in_document`` (hardened parse),
``decompose_incoming_envelope`` (dispatch by SOAPAction, as WCF does),
``deserialize`` (WCF's tolerant reading) and ``serialize``/``create_out_string`` (WCF's
bytes). Everything else (method lookup, calling the service) stays spyne's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spyne import Fault
from spyne.context import ProtocolContext
from spyne.protocol.soap import Soap11

from fakeprojector import errors
from fakeprojector.contract import NS_SERVICE, action_operation, vendor_operations
from fakeprojector.rules import Operation
from fakeprojector.soap import wire
from fakeprojector.soap.mapping import PwsFaultError
from fakeprojector.soap.models import request_type, result_type


class WireFault(Fault):
    """A :class:`~fakeprojector.soap.wire.WireError` travelling through spyne's pipeline."""

    def __init__(self, error: wire.WireError) -> None:
        super().__init__(faultcode=error.entry.code, faultstring=str(error))
        self.error = error


def _looks_like_vendor_operation(name: str) -> bool:
    """An operation of the vendor's port type the fake does not implement: answered with a
    fault naming fakeprojector rather than WCF's ActionNotSupported [choice]."""
    return name in vendor_operations()


def wrong_body(operation: str, name: str, namespace: str, body_tag: str) -> wire.WireError:
    """WCF's answer to a body whose wrapper element is not the action's operation's [wcf]."""
    found_ns, _, found = body_tag[1:].partition("}") if body_tag.startswith("{") else ("", "", body_tag)
    return wire.WireError(
        errors.DESERIALIZATION_FAILED,
        detail=(
            f"Error in deserializing body of request message for operation '{operation}'. "
            f"OperationFormatter encountered an invalid Message body. Expected to find node "
            f"type 'Element' with name '{name}' and namespace '{namespace}'. Found node "
            f"type 'Element' with name '{found}' and namespace '{found_ns}'"
        ),
    )


def resolve_operation(
    soap_action: str | None, body_tag: str, strict: bool, operations: Mapping[str, Operation]
) -> str:
    """The operation a request addresses, as WCF's dispatcher decides it [wcf].

    A SOAPAction header (quoted or not) decides; without one (or an empty one) WCF answers
    ActionNotSupported, unless not ``strict`` (the lenient setting): then the body's
    wrapper element decides [choice].
    """
    action = (soap_action or "").strip().strip('"')
    implemented = ", ".join(operations)
    if action:
        operation = action_operation(action)
        if operation is None or operation not in operations:
            if operation is not None and _looks_like_vendor_operation(operation):
                raise wire.WireError(errors.NOT_IMPLEMENTED, operation=operation, implemented=implemented)
            raise wire.WireError(errors.ACTION_NOT_SUPPORTED, action=action)
        if body_tag != f"{{{NS_SERVICE}}}{operation}":
            raise wrong_body(operation, operation, NS_SERVICE, body_tag)
        return operation
    if strict:
        raise wire.WireError(errors.ACTION_NOT_SUPPORTED, action="")
    if body_tag.startswith(f"{{{NS_SERVICE}}}"):
        name = body_tag[len(NS_SERVICE) + 2 :]
        if name in operations:
            return name
        if _looks_like_vendor_operation(name):
            raise wire.WireError(errors.NOT_IMPLEMENTED, operation=name, implemented=implemented)
    raise wire.WireError(errors.ACTION_NOT_SUPPORTED, action="")


class _ProtocolContext(ProtocolContext):
    """spyne's protocol context with its sub-contexts made on first use, in a plain dict.

    spyne's keeps them in a ``defaultdict`` whose factory closure refers back to the
    context: a reference cycle per context, two per call, that only the cyclic garbage
    collector frees, and its full passes grow with the store [choice: speed].
    """

    def __init__(self, parent: Any, transport: Any, type: Any = None) -> None:
        self.parent = parent
        self.itself = transport
        self.type = type
        self._subctx: dict[Any, _ProtocolContext] = {}

    def __getitem__(self, item: Any) -> _ProtocolContext:
        sub = self._subctx.get(item)
        if sub is None:
            sub = self._subctx[item] = _ProtocolContext(self.parent, self.itself, self.type)
        return sub


class WcfSoap11(Soap11):
    """SOAP 1.1 in, WCF-identical bytes out, for the operations of one registry."""

    def __init__(self, operations: Mapping[str, Operation]) -> None:
        super().__init__()
        self.operations = operations

    def get_context(self, parent: Any, transport: Any) -> _ProtocolContext:
        return _ProtocolContext(parent, transport)

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        try:
            ctx.in_document = wire.parse_envelope(b"".join(ctx.in_string))
        except wire.WireError as exc:
            raise WireFault(exc) from None

    def decompose_incoming_envelope(self, ctx: Any, message: Any = None) -> None:
        try:
            body = wire.body_element(ctx.in_document)
            transport = ctx.transport
            operation = resolve_operation(
                transport.soap_action, body.tag, transport.strict_action, self.operations
            )
        except wire.WireError as exc:
            raise WireFault(exc) from None
        ctx.in_body_doc = body
        ctx.in_header_doc = None
        ctx.method_request_string = f"{{{NS_SERVICE}}}{operation}"

    def generate_method_contexts(self, ctx: Any) -> list[Any]:
        """spyne's, without copying the context when one method answers (always, here):
        spyne copies it once per handler so auxiliary methods get their own [choice: speed]."""
        handles = self.get_call_handles(ctx)
        if len(handles) == 1:
            ctx.descriptor = handles[0]
            return [ctx]
        return super().generate_method_contexts(ctx)  # type: ignore[no-any-return]

    def deserialize(self, ctx: Any, message: Any) -> None:
        request_cls = request_type(self.operations[ctx.descriptor.name])
        try:
            values = wire.read_request(ctx.in_body_doc, request_cls, ctx.udc.summary.skipped)
        except wire.WireError as exc:
            raise WireFault(exc) from None
        ctx.in_object = [wire.instance(request_cls, values) if values else None]

    def serialize(self, ctx: Any, message: Any) -> None:
        error = ctx.out_error
        if error is None:
            operation = ctx.descriptor.name
            ctx.out_document = wire.render_result(
                operation, result_type(self.operations[operation]), ctx.out_object[0]
            )
            return
        if isinstance(error, WireFault):
            ctx.out_document = wire.render_fault(error.error.entry, error.error.params)
            ctx.transport.resp_code = error.error.status
            summary = ctx.udc.summary
            summary.error_code, summary.error_text = error.error.entry.code, str(error.error)
        elif isinstance(error, PwsFaultError):
            ctx.out_document = error.render()
            ctx.transport.resp_code = 500
        else:
            kind = type(error).__name__
            ctx.out_document = wire.render_fault(errors.INTERNAL_ERROR, {"kind": kind})
            ctx.transport.resp_code = 500

    def create_out_string(self, ctx: Any, charset: str | None = None) -> None:
        ctx.out_string = [ctx.out_document]
