"""One SOAP call through spyne, from request bytes to response bytes, without WSGI.

:class:`SoapEndpoint` is a spyne ``ServerBase``: it runs spyne's own pipeline
(``generate_contexts`` -> ``get_in_object`` -> ``get_out_object`` -> ``get_out_string``)
on bytes the HTTP layer already read with limits, so spyne never touches the socket
(its WSGI server waits forever for a body without ``Content-Length`` and answers
crashes with HTML). It also never logs the request document: it carries the client secret.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from spyne import Application, MethodContext
from spyne.server import ServerBase

from fakeprojector.contract import NS_SERVICE, SERVICE_NAME, SOAP_HTTP_TRANSPORT
from fakeprojector.faults import SOAP_LEVEL, Fault
from fakeprojector.rules import OPERATIONS, Operation
from fakeprojector.soap import mapping
from fakeprojector.soap.mapping import Udc
from fakeprojector.soap.metadata import ServiceMetadata
from fakeprojector.soap.models import PwsFault
from fakeprojector.soap.protocol import WcfSoap11
from fakeprojector.soap.service import service_class
from fakeprojector.soap.wsdl import wcf_metadata

# spyne logs every client Fault with a traceback, and on some paths the document itself
# (client secret included); our own log line per call replaces both.
logging.getLogger("spyne").setLevel(logging.CRITICAL)


@dataclass
class SoapAnswer:
    status: int
    body: bytes


@dataclass
class Prepared:
    """A request parsed, dispatched and read (:meth:`SoapEndpoint.prepare`), not yet
    answered. ``operation`` is ``None`` when the request addresses none (malformed, unknown
    action): the answer is then the fault already decided."""

    ctx: Any
    operation: str | None


class _Transport:
    """The little transport context the protocol reads: SOAPAction and strictness."""

    def __init__(self, parent: Any, soap_action: str | None, strict_action: bool) -> None:
        self.parent = parent
        self.soap_action = soap_action
        self.strict_action = strict_action
        self.resp_code: int | None = None


class _Context(MethodContext):
    """spyne's ``MethodContext`` with plain attribute setting [choice: speed].

    spyne's ``__setattr__`` runs Python code for each of the ~60 attributes a context sets,
    only to forbid new attributes once the context is frozen; we set none after that (our
    per-call data lives in ``udc``). The endpoint sets its own transport context, so
    spyne's default one is not built first.
    """

    TransportContext = None
    __setattr__ = object.__setattr__

    def fire_event(self, event: str, *args: Any, **kwargs: Any) -> None:
        """spyne's, skipping event managers with no handler for ``event`` (each would
        build an empty ordered set to loop over, nine times a call) [choice: speed]."""
        manager = self.app.event_manager
        if manager.handlers and manager.handlers.get(event):
            manager.fire_event(event, self, *args, **kwargs)
        descriptor = self.descriptor
        if descriptor is not None:
            for manager in descriptor.event_managers:
                if manager.handlers and manager.handlers.get(event):
                    manager.fire_event(event, self, *args, **kwargs)


class SoapEndpoint(ServerBase):
    """A spyne Application of one operation registry plus its WSDL (thread-safe).

    A call is answered in two steps, so the app can decide an injected fault once the
    operation is known, without parsing the request twice: :meth:`prepare` parses,
    dispatches and reads it; :meth:`finish` runs it (or answers a SOAP-level fault) and
    writes the answer. :meth:`handle` does both.
    """

    transport = SOAP_HTTP_TRANSPORT

    def __init__(self, operations: dict[str, Operation] | None = None) -> None:
        self.operations = dict(OPERATIONS if operations is None else operations)
        app = Application(
            [service_class(self.operations)],
            tns=NS_SERVICE,
            name=SERVICE_NAME,
            in_protocol=WcfSoap11(self.operations),
            out_protocol=WcfSoap11(self.operations),
            classes=[PwsFault],
        )
        super().__init__(app)
        self._metadata: ServiceMetadata | None = None
        self._metadata_lock = threading.Lock()

    @property
    def metadata(self) -> ServiceMetadata:
        """``?wsdl``, ``?singleWsdl`` and ``?xsd=xsdN``, built on first use, once: spyne's
        generator is not safe to run twice, and the documents differ only in their address."""
        with self._metadata_lock:
            if self._metadata is None:
                self._metadata = wcf_metadata(self.app.interface)
            return self._metadata

    def prepare(self, body: bytes, soap_action: str | None, udc: Udc, strict_action: bool = True) -> Prepared:
        """Parse, dispatch and read a request; the journal's summary knows its operation,
        ``RequestId`` and fields from here on."""
        ctx = _Context(self, MethodContext.SERVER)
        ctx.transport = _Transport(ctx, soap_action, strict_action)
        ctx.in_string = [body]
        ctx.udc = udc
        p_ctx = self.generate_contexts(ctx)[0]
        if p_ctx.in_error is None:
            self.get_in_object(p_ctx)
        if p_ctx.in_error is not None:
            return Prepared(p_ctx, None)
        operation = self.operations[p_ctx.descriptor.name]
        mapping.read(udc, operation, p_ctx.in_object[0])
        return Prepared(p_ctx, operation.name)

    def finish(self, prepared: Prepared, fault: Fault | None = None) -> SoapAnswer:
        """Answer a prepared request: run its operation, or answer ``fault`` when it is a
        SOAP-level one (``soap_fault``, ``redirect``)."""
        p_ctx = prepared.ctx
        udc: Udc = p_ctx.udc
        if fault is not None and fault.kind in SOAP_LEVEL:
            udc.fault = fault
        if p_ctx.in_error is None:
            self.app.process_request(p_ctx)
        elif udc.fault is not None and udc.fault.kind == "soap_fault":  # a request naming no operation
            p_ctx.out_error = mapping.fault_error(udc, udc.fault, "")
        else:
            p_ctx.out_error = p_ctx.in_error
        self.get_out_string(p_ctx)
        status = p_ctx.transport.resp_code or (500 if p_ctx.out_error is not None else 200)
        answer = SoapAnswer(status, b"".join(p_ctx.out_string))
        # The context and its transport, protocol and event contexts point at each other:
        # emptying it lets reference counting free them all now, not the cyclic collector.
        p_ctx.__dict__.clear()
        return answer

    def discard(self, prepared: Prepared) -> None:
        """Drop a prepared request that will not be answered here (an HTTP-level fault)."""
        prepared.ctx.__dict__.clear()

    def handle(
        self, body: bytes, soap_action: str | None, udc: Udc, strict_action: bool = True
    ) -> SoapAnswer:
        """One call, no fault: :meth:`prepare` then :meth:`finish`."""
        return self.finish(self.prepare(body, soap_action, udc, strict_action))

    def get_in_object(self, ctx: Any) -> None:
        """spyne's, minus logging the failed document (it holds the client secret)."""
        from spyne import Fault

        try:
            self.app.in_protocol.deserialize(ctx, message=self.app.in_protocol.REQUEST)
        except Fault as e:
            ctx.in_object = None
            ctx.in_error = e
            ctx.out_error = e
