"""The error pages the real service's front end sends when the WCF service cannot answer.

Projector's service runs under IIS, so a client that meets a 502, 503 or 504 sees the
page of IIS or of the kernel driver under it (HTTP.sys), not a SOAP Fault; clients react
to the shape of that page: zeep raises ``TransportError`` for HTTP.sys's page, which is
not well-formed XML, and ``Fault`` for IIS's XHTML one. So the ``http_status`` fault's
default bodies copy them [choice: the fake's guess of the front end; the vendor does not
document it]:

* 503: HTTP.sys's "Service Unavailable" page (the application pool is stopped or its
  queue is full), ``text/html; charset=us-ascii``, ``Server: Microsoft-HTTPAPI/2.0``;
* 502: IIS Application Request Routing's "502 - Web server received an invalid
  response while acting as a gateway or proxy server." page, ``Server: Microsoft-IIS/10.0``;
* 504: the same IIS page for a gateway timeout;
* any other status: HTTP.sys's page with that status's reason phrase.

Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

HTTPSYS_SERVER: Final = "Microsoft-HTTPAPI/2.0"
IIS_SERVER: Final = "Microsoft-IIS/10.0"


@dataclass(frozen=True)
class ErrorPage:
    """One front-end answer: body, ``Content-Type`` and ``Server`` header."""

    body: str
    content_type: str
    server: str


def _httpsys(status: int, heading: str, text: str) -> ErrorPage:
    """HTTP.sys's built-in page, byte for byte in shape: note the missing space between
    the DOCTYPE's two literals and the unclosed ``META``, which make it malformed XML."""
    reason = _reason(status)
    body = (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
        f"<HTML><HEAD><TITLE>{reason}</TITLE>\r\n"
        '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n'
        f"<BODY><h2>{heading}</h2>\r\n"
        f"<hr><p>HTTP Error {status}. {text}</p>\r\n"
        "</BODY></HTML>\r\n"
    )
    return ErrorPage(body, "text/html; charset=us-ascii", HTTPSYS_SERVER)


def _iis(status: int, title: str, explanation: str) -> ErrorPage:
    """IIS's own XHTML error page (well-formed)."""
    body = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>\r\n'
        f"<title>{status} - {title}</title>\r\n"
        '<style type="text/css">\r\n<!--\r\nbody{margin:0;font-size:.7em;font-family:Verdana, Arial, '
        "Helvetica, sans-serif;background:#EEEEEE;}\r\n-->\r\n</style>\r\n"
        "</head>\r\n<body>\r\n"
        '<div id="header"><h1>Server Error</h1></div>\r\n'
        '<div id="content">\r\n <div class="content-container"><fieldset>\r\n'
        f"  <h2>{status} - {title}</h2>\r\n"
        f"  <h3>{explanation}</h3>\r\n"
        " </fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n"
    )
    return ErrorPage(body, "text/html", IIS_SERVER)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_page(status: int) -> ErrorPage:
    """The page the real front end would send with ``status``."""
    if status == 503:
        return _httpsys(503, "Service Unavailable", "The service is unavailable.")
    if status == 502:
        return _iis(
            502,
            "Web server received an invalid response while acting as a gateway or proxy server.",
            "There is a problem with the page you are looking for, and it cannot be displayed. When the "
            "Web server (while acting as a gateway or proxy) contacted the upstream content server, it "
            "received an invalid response from the content server.",
        )
    if status == 504:
        return _iis(
            504,
            "Gateway Timeout",
            "The Web server (while acting as a gateway or proxy) did not receive a timely response from "
            "the upstream content server.",
        )
    reason = _reason(status)
    return _httpsys(status, reason, f"{reason}.")
