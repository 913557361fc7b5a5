"""The floor: a minimal WSGI handler doing only what no SOAP server can skip.

It reads the body, parses it with lxml through the same hardened parser settings, finds the
operation element, and returns a canned answer of the same size as the fake's. Any cost
the fake adds above this is ours (spyne dispatch, rules, rendering, journal, WSGI wrappers).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

CANNED = (
    b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    b'<PwsRevokeOauth2RefreshTokenResponse xmlns="http://projectorpsa.com/PwsProjectorServices/">'
    b'<PwsRevokeOauth2RefreshTokenResult xmlns:a="http://projectorpsa.com/DataContracts/Responses/" '
    b'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Messages xmlns="http://projectorpsa.com/CommonServices/" '
    b'xmlns:b="http://projectorpsa.com/DataContracts/Shared/Common/"/><ResponseId xmlns="http://projectorpsa.com/CommonServices/">0'
    b'</ResponseId><Status xmlns="http://projectorpsa.com/CommonServices/">Ok</Status><ServerTimestampUtc '
    b'xmlns="http://projectorpsa.com/CommonServices/">2024-01-01T00:00:00.0000001Z</ServerTimestampUtc>'
    b'<a:RedirectUrl i:nil="true"/></PwsRevokeOauth2RefreshTokenResult></PwsRevokeOauth2RefreshTokenResponse>'
    b"</s:Body></s:Envelope>"
)
_HEADERS = [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(CANNED)))]
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
)
_BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"


def floor_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """Parse the envelope, locate the operation, answer canned bytes."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    root = etree.fromstring(body, _PARSER)
    operation = root.find(_BODY)[0].tag  # type: ignore[index]
    if not operation.endswith("PwsRevokeOauth2RefreshToken"):
        start_response("500 Internal Server Error", _HEADERS)
        return [CANNED]
    start_response("200 OK", _HEADERS)
    return [CANNED]


def static_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The HTTP floor: read the body, answer the same bytes; no XML at all."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", _HEADERS)
    return [CANNED]
