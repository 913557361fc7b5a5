"""``GET /``: a small HTML index, so a browser (or a curious curl) pointed at the fake's base
URL finds the service, its WSDL, the dashboard and the admin API instead of a 404.

Links only, no state, so it answers any ``Host`` like the vendor's endpoints; the addresses
are built from that ``Host`` and escaped like any other untrusted text.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from fakeprojector.contract import AUTHORIZE_PATH, SERVICE_PATH
from fakeprojector.urls import ADMIN_PREFIX, DASHBOARD_PATH, OPENAPI_PATH
from fakeprojector.web.pages import esc, html_response


def home_page(request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        response = Response(
            f"{request.method} is not allowed here: GET / is an index; the service is at {SERVICE_PATH}\n",
            405,
            content_type="text/plain; charset=utf-8",
        )
        response.headers["Allow"] = "GET"
        return response
    base = request.host_url.rstrip("/")
    service = base + SERVICE_PATH
    links = (
        ("service", service, "the SOAP service (POST SOAP 1.1 envelopes here)"),
        ("wsdl", service + "?wsdl", "its WSDL (and ?singleWsdl, everything inline)"),
        ("dashboard", base + DASHBOARD_PATH, "the dashboard: faults, tokens, the request journal"),
        ("admin", base + ADMIN_PREFIX + "/", "the admin API (JSON)"),
        ("openapi", base + OPENAPI_PATH, "the admin API's OpenAPI 3 description"),
    )
    items = "".join(
        f'<li><a id="{name}" href="{esc(url)}">{esc(url)}</a> <span class="muted">{esc(text)}</span></li>'
        for name, url, text in links
    )
    body = (
        '<section class="card"><h1>fakeprojector</h1>'
        "<p>A fake of Projector PSA's SOAP service, for tests.</p>"
        f'<ul class="links">{items}</ul>'
        f'<p class="muted">The consent page is at <code>{esc(base)}{AUTHORIZE_PATH}/{{accountCode}}</code>; '
        "the REST twins at <code>/oauth2token</code> and <code>/oauth2revoketoken</code>.</p></section>"
    )
    return html_response("fakeprojector", body)
