"""The WSGI application of one fake: the SOAP endpoint, its metadata, and the admin API.

Reads each request body itself, with a size limit decided from ``Content-Length`` before
reading (and while reading, for chunked bodies), then hands bytes to the spyne endpoint.
Every SOAP call is journaled and logged in one line; the client secret never is. An
unexpected error answers a SOAP Fault without a traceback and is kept for ``check()``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from fakeprojector import errors
from fakeprojector.contract import CONTENT_TYPE, SERVICE_PATH
from fakeprojector.journal import Journal, JournalEntry
from fakeprojector.soap import wire
from fakeprojector.soap.endpoint import SoapEndpoint
from fakeprojector.soap.mapping import Udc
from fakeprojector.store import Store
from fakeprojector.web import WebRoutes

log = logging.getLogger("fakeprojector")

#: Request bodies above this many bytes get HTTP 413 [choice]; WCF's default
#: maxReceivedMessageSize is 65,536 bytes, and an OAuth call is well under 4 KiB.
DEFAULT_MAX_BODY = 65_536
ADMIN_PREFIX = "/_fakeprojector"

StartResponse = Callable[..., Any]


def _fault_response(entry: errors.FaultEntry, status: int, **params: str) -> Response:
    return Response(wire.render_fault(entry, params), status=status, content_type=CONTENT_TYPE)


class FakeProjectorApp:
    """WSGI callable joining the SOAP endpoint, the admin API and the store."""

    def __init__(
        self,
        store: Store,
        *,
        journal: Journal | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        admin: Callable[[Request], Response] | None = None,
        hooks: Any = None,
    ) -> None:
        self.store = store
        self.journal = journal if journal is not None else Journal()  # an empty Journal is falsy
        self.max_body = max_body
        self.endpoint = SoapEndpoint()
        self.admin = admin
        #: Optional fault injector (see :mod:`fakeprojector.faults`):
        #: ``before(request, body, soap_action, udc)`` returns ``None`` (no fault) or
        #: ``(response, kind)``; a ``None`` response (a delay) lets the call proceed.
        self.hooks = hooks
        #: Exceptions raised inside request handling, for ``FakeProjector.check()``.
        self.errors: list[BaseException] = []
        #: The browser half: REST twins, consent page, dashboard (:mod:`fakeprojector.web`).
        self.web = WebRoutes(store, self.journal)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # not populate_request: environ["werkzeug.request"] would make a reference cycle per call
        request = Request(environ, populate_request=False)
        request.max_content_length = self.max_body
        try:
            response = self.dispatch(request)
        except Exception as exc:  # a bug of ours: answer cleanly, keep it for check()
            self.errors.append(exc)
            log.exception("internal error while handling %s %s", request.method, request.path)
            response = _fault_response(errors.INTERNAL_ERROR, 500, kind=type(exc).__name__)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.lower() == SERVICE_PATH.lower():
            return self.service(request)
        web = self.web.route(request)
        if web is not None:
            return web(request)
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            if self.admin is None:
                return Response('{"message": "admin API disabled"}', 404, content_type="application/json")
            return self.admin(request)
        return Response(
            f"Not found: {path}. The service is at {SERVICE_PATH}\n",
            404,
            content_type="text/plain; charset=utf-8",
        )

    # --- the SOAP endpoint -----------------------------------------------------------
    def service_url(self, request: Request) -> str:
        return request.host_url.rstrip("/") + SERVICE_PATH

    def service(self, request: Request) -> Response:
        if request.method == "GET":
            metadata = self.metadata(request)
            if metadata is not None:
                return metadata
            return Response(_help_page(self.service_url(request)), content_type="text/html; charset=utf-8")
        if request.method != "POST":
            response = _fault_response(
                errors.CLIENT_MALFORMED,
                405,
                detail=f"Method {request.method} is not allowed: POST a SOAP 1.1 envelope.",
            )
            response.headers["Allow"] = "GET, POST"
            return response
        return self.soap_call(request)

    def metadata(self, request: Request) -> Response | None:
        """``?singleWsdl``, ``?wsdl``, ``?xsd=xsdN`` (names in any case, as WCF matches them),
        addressed with the Host the client used; ``None`` for any other GET [wcf]."""
        query = {key.lower(): value for key, value in request.args.items()}
        metadata = self.endpoint.metadata
        url = self.service_url(request)
        if "singlewsdl" in query:
            return Response(metadata.single_wsdl(url), content_type=CONTENT_TYPE)
        if "wsdl" in query:
            return Response(metadata.wsdl(url), content_type=CONTENT_TYPE)
        if "xsd" in query:
            number = metadata.schema_number(query["xsd"])
            if number is None:
                return Response(
                    f"Not found: the schema documents are ?xsd=xsd0 to ?xsd=xsd{len(metadata.schemas) - 1}. "
                    f"The WSDL is at {url}?wsdl\n",
                    404,
                    content_type="text/plain; charset=utf-8",
                )
            return Response(metadata.xsd(number, url), content_type=CONTENT_TYPE)
        return None

    def soap_call(self, request: Request) -> Response:
        started = time.perf_counter()
        udc = Udc(self.store, authority=request.host_url.rstrip("/"))
        response, fault_kind, answered_by_fault = self._soap_answer(request, udc)
        duration_ms = (time.perf_counter() - started) * 1000
        summary = udc.summary
        if udc.unexpected:
            self.errors.extend(udc.unexpected)
        status = summary.status
        if answered_by_fault:
            status = fault_kind
        elif response.status_code >= 500 or summary.status is None:
            status = "fault"
        entry = JournalEntry(
            operation=summary.operation,
            request_id=summary.request_id,
            status=status,
            error_numbers=tuple(summary.error_numbers),
            fields=summary.fields,
            time=datetime.fromtimestamp(self.store.clock.time(), tz=timezone.utc),
            duration_ms=duration_ms,
            http_status=0 if fault_kind == "drop" else response.status_code,
            fault=fault_kind,
        )
        self.journal.append(entry)
        log.info(
            "%s status=%s errors=%s http=%d %.1fms%s",
            entry.operation or "-",
            entry.status,
            ",".join(map(str, entry.error_numbers)) or "-",
            entry.http_status,
            duration_ms,
            f" fault={fault_kind}" if fault_kind else "",
        )
        return response

    def _soap_answer(self, request: Request, udc: Udc) -> tuple[Response, str | None, bool]:
        """The answer, the kind of fault injected (if any), and whether the fault answered."""
        media = (request.mimetype or "").lower()
        if media != "text/xml":
            got = request.content_type or "(none)"
            return (
                _fault_response(
                    errors.CLIENT_MALFORMED,
                    415,
                    detail=f"Cannot process the message because the content type '{got}' was not the expected type '{CONTENT_TYPE}'.",
                ),
                None,
                False,
            )
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if request.content_length is None and not chunked:
            return (
                _fault_response(errors.CLIENT_MALFORMED, 411, detail="A Content-Length header is required."),
                None,
                False,
            )
        if chunked:
            # werkzeug stops a streamed body *at* the limit without saying whether more
            # followed: read one byte past it, so an over-long chunked body is told from
            # one of exactly the limit (and cut there, the rest never buffered).
            request.max_content_length = self.max_body + 1
        try:
            body = request.get_data(cache=False)
        except ClientDisconnected:  # the client's error, not ours: no check() failure
            return (
                _fault_response(
                    errors.CLIENT_MALFORMED,
                    400,
                    detail="The request body is incomplete: the connection ended before it, or its chunked encoding is malformed.",
                ),
                None,
                False,
            )
        except RequestEntityTooLarge:
            body = None
        if body is None or len(body) > self.max_body:  # also a chunked body the stream did not cut
            return (
                _fault_response(
                    errors.CLIENT_MALFORMED,
                    413,
                    detail=f"The request body exceeds the limit of {self.max_body} bytes.",
                ),
                None,
                False,
            )
        soap_action = request.headers.get("SOAPAction")
        fault_kind = None
        if self.hooks is not None:
            injected = self.hooks.before(request, body, soap_action, udc)
            if injected is not None:
                injected_response, fault_kind = injected
                if injected_response is not None:
                    return injected_response, fault_kind, True
        answer = self.endpoint.handle(
            body, soap_action, udc, strict_action=not self.store.settings.lenient_soap_action
        )
        return Response(answer.body, status=answer.status, content_type=CONTENT_TYPE), fault_kind, False


def _help_page(url: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>PwsProjectorServices (fakeprojector)</title></head><body>"
        "<h1>PwsProjectorServices Service</h1>"
        f"<p>This is fakeprojector, a fake of Projector PSA's SOAP service. WSDL: "
        f'<a href="{url}?wsdl">{url}?wsdl</a></p></body></html>'
    )
