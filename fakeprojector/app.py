"""The WSGI application of one fake: every URL of :mod:`fakeprojector.urls`, over one backend.

Reads each SOAP request body itself, with a size limit decided from ``Content-Length``
before reading (and while reading, for chunked bodies), then hands bytes to the spyne
endpoint. Injected faults are decided once per call, when the endpoint knows the call's
operation: the HTTP-level kinds (delay, an error page, a dropped connection) are answered
here, the SOAP-level ones by the endpoint. Every SOAP call is journaled (and logged) once;
a secret never is. An unexpected error answers a SOAP Fault without a traceback and is
kept for ``check()``.
"""

from __future__ import annotations

import html
import logging
import socket
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from fakeprojector import errors, frontend
from fakeprojector.admin import AdminAPI
from fakeprojector.backend import FakeBackend
from fakeprojector.contract import CONTENT_TYPE, SERVICE_PATH
from fakeprojector.faults import Fault
from fakeprojector.soap import wire
from fakeprojector.soap.endpoint import SoapAnswer, SoapEndpoint
from fakeprojector.soap.mapping import Udc
from fakeprojector.soap.metadata import ServiceMetadata
from fakeprojector.stubs import NoContract
from fakeprojector.urls import Route, route
from fakeprojector.web.consent import ConsentPages
from fakeprojector.web.dashboard import Dashboard
from fakeprojector.web.home import home_page
from fakeprojector.web.rest import RestTwins

if TYPE_CHECKING:  # imported by the server only when a WSDL is loaded
    from fakeprojector.soap.contract_service import ContractService

log = logging.getLogger("fakeprojector")

#: Request bodies above this many bytes get HTTP 413 [choice]; WCF's default
#: maxReceivedMessageSize is 65,536 bytes, and an OAuth call is well under 4 KiB.
DEFAULT_MAX_BODY = 65_536

StartResponse = Callable[..., Any]


def _fault_response(entry: errors.FaultEntry, status: int, **params: str) -> Response:
    return Response(wire.render_fault(entry, params), status=status, content_type=CONTENT_TYPE)


def wants_html(request: Request) -> bool:
    """An ``Accept`` header that names ``text/html`` itself (browsers do; ``*/*`` does not count)."""
    return any(value.lower() == "text/html" and quality > 0 for value, quality in request.accept_mimetypes)


class DropConnection(Response):
    """A "response" that closes the connection without answering (the ``drop`` fault).

    Under werkzeug's server it shuts the socket down and raises a ``ConnectionError``,
    which the server treats as a client that went away: nothing is written, nothing
    logged, and the server carries on. Elsewhere the exception alone has to do.
    """

    def __init__(self) -> None:
        super().__init__(b"", status=500)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already gone
                pass
        raise ConnectionAbortedError("fakeprojector: connection dropped by an injected fault")


def http_fault_response(fault: Fault) -> Response:
    """The answer of an ``http_status`` or ``drop`` fault."""
    if fault.kind == "drop":
        return DropConnection()
    p = fault.params
    if p["body"] == "empty":
        return Response(b"", status=p["status"], content_type=p.get("content_type", "text/html"))
    if p["body"] != "html":
        return Response(p["body"], status=p["status"], content_type=p["content_type"])
    page = frontend.error_page(p["status"])
    response = Response(page.body.encode("ascii"), status=p["status"], content_type=page.content_type)
    response.headers["Server"] = page.server
    return response


class FakeProjectorApp:
    """WSGI callable joining the SOAP endpoint, the browser half and the admin API of one backend."""

    def __init__(
        self, backend: FakeBackend, *, max_body: int = DEFAULT_MAX_BODY, admin_token: str | None = None
    ) -> None:
        self.backend = backend
        self.max_body = max_body
        self.endpoint = SoapEndpoint()
        self.admin = AdminAPI(backend, token=admin_token)
        self.rest = RestTwins(backend)
        self.consent = ConsentPages(backend)
        self.dashboard = Dashboard(backend, token=admin_token)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # not populate_request: environ["werkzeug.request"] would make a reference cycle per call
        request = Request(environ, populate_request=False)
        request.max_content_length = self.max_body
        try:
            response = self.dispatch(request)
        except Exception as exc:  # a bug of ours: answer cleanly, keep it for check()
            self.backend.errors.append(exc)
            log.exception("internal error while handling %s %s", request.method, request.path)
            response = _fault_response(errors.INTERNAL_ERROR, 500, kind=type(exc).__name__)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        found = route(request.path, request.method)
        if found.kind == "service":
            return self.service(request)
        if found.kind == "rest":
            return self.rest(request)
        if found.kind == "consent":
            return self.consent(request)
        if found.kind == "home":
            return home_page(request)
        if found.kind == "dashboard" or (
            found.endpoint == "index" and request.method in ("GET", "HEAD") and wants_html(request)
        ):
            return self.dashboard(request)
        if found.kind == "admin":
            return self.admin(request, found)
        return _not_found(request, found)

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
        metadata = self.service_metadata()
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

    def loaded(self) -> ContractService | None:
        """The loaded WSDL's operations, when the backend has one."""
        contract = self.backend.contract
        return None if isinstance(contract, NoContract) else cast("ContractService", contract)

    def service_metadata(self) -> ServiceMetadata:
        """The fake's own metadata, or the loaded WSDL's with the OAuth operations added."""
        loaded = self.loaded()
        return self.endpoint.metadata if loaded is None else loaded.metadata(self.endpoint.metadata)

    def soap_call(self, request: Request) -> Response:
        started = time.perf_counter()
        udc = Udc(self.backend.store, authority=request.host_url.rstrip("/"))
        read = self._read_body(request, udc)
        body: bytes | None = None
        if isinstance(read, Response):  # refused before the service: never faulted
            response, fault = read, None
        else:
            body = read
            response, fault = self._soap_answer(request, body, udc)
        if udc.unexpected:
            self.backend.errors.extend(udc.unexpected)
        summary = udc.summary
        status = summary.status
        if fault is not None and fault.kind != "delay":
            status = fault.kind
        elif response.status_code >= 500 or summary.status is None:
            status = "fault"
        self.backend.journal.record(
            summary.operation,
            status,
            started=started,
            request_id=summary.request_id,
            error_numbers=tuple(summary.error_numbers),
            fields=summary.fields,
            http_status=0 if fault is not None and fault.kind == "drop" else response.status_code,
            fault=fault.kind if fault is not None else None,
            skipped=tuple(summary.skipped),
            headers=_journal_headers(request),
            body=body,
            error_code=summary.error_code,
            error_text=summary.error_text,
            secrets=self.backend.store.secret_values(),
            extra=summary.extra,
        )
        return response

    def _read_body(self, request: Request, udc: Udc) -> bytes | Response:
        """The request body, or the refusal it gets before reaching the service (noted in
        the call's summary, so the journal says why)."""

        def refuse(status: int, detail: str) -> Response:
            udc.summary.error_code = errors.CLIENT_MALFORMED.code
            udc.summary.error_text = detail
            return _fault_response(errors.CLIENT_MALFORMED, status, detail=detail)

        media = (request.mimetype or "").lower()
        if media != "text/xml":
            got = request.content_type or "(none)"
            return refuse(
                415,
                f"Cannot process the message because the content type '{got}' was not the expected type '{CONTENT_TYPE}'.",
            )
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if request.content_length is None and not chunked:
            return refuse(411, "A Content-Length header is required.")
        if chunked:
            # werkzeug stops a streamed body *at* the limit without saying whether more
            # followed: read one byte past it, so an over-long chunked body is told from
            # one of exactly the limit (and cut there, the rest never buffered).
            request.max_content_length = self.max_body + 1
        try:
            body = request.get_data(cache=False)
        except ClientDisconnected:  # the client's error, not ours: no check() failure
            return refuse(
                400,
                "The request body is incomplete: the connection ended before it, or its chunked encoding is malformed.",
            )
        except RequestEntityTooLarge:
            body = None
        if body is None or len(body) > self.max_body:  # also a chunked body the stream did not cut
            return refuse(413, f"The request body exceeds the limit of {self.max_body} bytes.")
        return body

    def _soap_answer(self, request: Request, body: bytes, udc: Udc) -> tuple[Response, Fault | None]:
        """The answer, and the injected fault the call took (if any)."""
        strict = not self.backend.settings.lenient_soap_action
        action = request.headers.get("SOAPAction")
        loaded = self.loaded()
        if loaded is not None:
            found = loaded.prepare(body, action, strict, udc)
            if found is not None:
                return self._answer(
                    found.operation,
                    lambda fault: loaded.finish(found, fault, self.backend, udc),
                    lambda: None,
                )
        prepared = self.endpoint.prepare(body, action, udc, strict)
        return self._answer(
            prepared.operation,
            lambda fault: self.endpoint.finish(prepared, fault),
            lambda: self.endpoint.discard(prepared),
        )

    def _answer(
        self, operation: str | None, finish: Callable[[Fault | None], SoapAnswer], discard: Callable[[], None]
    ) -> tuple[Response, Fault | None]:
        """A prepared call answered, after the one decision of an injected fault for ``operation``."""
        fault = self.backend.faults.take(operation)
        if fault is not None and fault.kind == "delay":
            time.sleep(self.backend.faults.delay_seconds(fault))
        elif fault is not None and fault.kind in ("http_status", "drop"):
            discard()
            return http_fault_response(fault), fault
        answer = finish(fault)
        return Response(answer.body, status=answer.status, content_type=CONTENT_TYPE), fault


#: The request headers a journal entry keeps, with their WSGI names: the ones that decide how
#: a call is dispatched and read, and who sent it. Never ``Authorization`` or a cookie.
JOURNAL_HEADERS = (
    ("SOAPAction", "HTTP_SOAPACTION"),
    ("Content-Type", "CONTENT_TYPE"),
    ("User-Agent", "HTTP_USER_AGENT"),
)
_MAX_HEADER_CHARS = 512


def _journal_headers(request: Request) -> dict[str, str]:
    """Read from the WSGI environ (werkzeug's header lookup costs more than the rest of this)."""
    environ = request.environ
    return {
        name: value[:_MAX_HEADER_CHARS]
        for name, key in JOURNAL_HEADERS
        if (value := environ.get(key)) is not None
    }


def _not_found(request: Request, found: Route) -> Response:
    return Response(
        f"Not found: {request.path}. The service is at {SERVICE_PATH}\n",
        404,
        content_type="text/plain; charset=utf-8",
    )


def _help_page(url: str) -> str:
    """The page a browser gets at the service URL; ``url`` comes from the client's Host
    header, so it is escaped like any other untrusted text."""
    url = html.escape(url, quote=True)
    return (
        "<!DOCTYPE html><html><head><title>PwsProjectorServices (fakeprojector)</title></head><body>"
        "<h1>PwsProjectorServices Service</h1>"
        f"<p>This is fakeprojector, a fake of Projector PSA's SOAP service. WSDL: "
        f'<a href="{url}?wsdl">{url}?wsdl</a></p></body></html>'
    )
