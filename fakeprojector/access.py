"""Who may use the fake's own pages: the admin API and the dashboard (one rule set for both).

A fake runs on a developer's machine while a browser visits any web page; without these
rules such a page could drive it (a plain form post injecting faults, or a page that rebinds
its own DNS name to 127.0.0.1 reading every client) [choice, docs/behaviour.md ``admin.*``]:

* without an admin token, only loopback callers whose ``Host`` names a loopback address
  (``localhost``, ``127.x.x.x``, ``[::1]``, any port) are answered: a rebound name is not;
* with a token, any caller that sends it (``Authorization: Bearer``, or HTTP Basic with the
  token as the password, which a browser can prompt for), whatever the ``Host``;
* a request carrying an ``Origin`` other than the fake's own is refused (a cross-site fetch);
* a state-changing admin request must say ``Content-Type: application/json``, which no HTML
  form can send and no cross-site script can send without a CORS preflight the fake never grants.

The vendor's endpoints (SOAP, REST twins, consent page) answer any ``Host`` and ``Origin``,
as the real service does. No state, no XML: a request in, a :class:`Denial` or ``None`` out.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import urllib.parse
from dataclasses import dataclass, field

from werkzeug.wrappers import Request

JSON_MEDIA_TYPE = "application/json"
#: Methods that change state: they need a JSON ``Content-Type`` on the admin API.
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Denial:
    """Why a request is refused: its HTTP status, a message saying how to get in, and headers."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)


def loopback_address(address: str | None) -> bool:
    """An IP address (a caller's, or a Host's) on this machine's loopback interface."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


def loopback_host(host: str) -> bool:
    """A ``Host`` header naming a loopback address: ``localhost``, ``127.0.0.1`` (any
    ``127.x``), ``[::1]``, with any port. A name that merely resolves there does not count:
    that is exactly what a DNS-rebinding page arranges."""
    name = _host_name(host)
    if name is None:
        return False
    return name == "localhost" or loopback_address(name)


def _host_name(host: str) -> str | None:
    """The name part of a ``Host`` header (``[::1]:8080`` -> ``::1``), lower case; ``None``
    when it cannot be read."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        rest = host[end + 1 :]
        if end == -1 or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return host[1:end]
    name, _, port = host.partition(":")
    if port and not port.isdigit():
        return None
    return name.rstrip(".")


def _origin(scheme: str, host: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an origin, with the scheme's default port filled in."""
    try:
        parts = urllib.parse.urlsplit(f"{scheme}://{host}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return scheme.lower(), parts.hostname.lower(), port or _DEFAULT_PORTS.get(scheme.lower(), 0)


def own_origin(request: Request) -> str:
    """This server's origin as the client addressed it: ``http://127.0.0.1:8080``."""
    return f"{request.scheme}://{request.host}"


def same_origin(origin: str, request: Request) -> bool:
    """``origin`` (an ``Origin`` header) is the one the client addressed this server by."""
    parts = urllib.parse.urlsplit(origin.strip())
    if not parts.scheme or parts.path or parts.query or parts.fragment:
        return False
    given = _origin(parts.scheme, parts.netloc)
    return given is not None and given == _origin(request.scheme, request.host)


def _given_token(request: Request) -> str | None:
    """The token of ``Authorization: Bearer T``, or the password of HTTP Basic."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer":
        return value
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


def check(request: Request, token: str | None, *, page: bool = False) -> Denial | None:
    """``None`` when ``request`` may use the admin API (or, with ``page``, the dashboard);
    else why not. The ``Content-Type`` rule is :func:`check_json_body`'s, for the admin API."""
    if token is None:
        if not loopback_address(request.remote_addr):
            return Denial(
                403,
                "the admin API and dashboard answer loopback callers only; start the server with "
                "--admin-token (or FAKEPROJECTOR_ADMIN_TOKEN) to allow others",
            )
        if not loopback_host(request.host):
            return Denial(
                403,
                f"the admin API and dashboard answer only requests addressed to localhost, 127.0.0.1 or "
                f"[::1], not Host {request.host!r} (a page that rebinds its name to this machine could "
                "read them otherwise); start the server with --admin-token (or FAKEPROJECTOR_ADMIN_TOKEN) "
                "to open them to other names",
            )
    else:
        given = _given_token(request)
        if given is None or not hmac.compare_digest(given.encode(), token.encode()):
            challenge = 'Basic realm="fakeprojector"' if page else 'Bearer realm="fakeprojector"'
            return Denial(
                401,
                "the admin API and dashboard need the admin token: the header 'Authorization: Bearer "
                "<admin token>' (a browser: any user name, the token as password)",
                {"WWW-Authenticate": challenge},
            )
    origin = request.headers.get("Origin")
    if origin is not None and not same_origin(origin, request):
        return Denial(
            403,
            f"cross-origin request refused: Origin {origin!r} is not this server's ({own_origin(request)}); "
            "the admin API and dashboard answer pages of their own origin and clients that send no Origin",
        )
    return None


def check_json_body(request: Request) -> Denial | None:
    """A state-changing request must declare a JSON body (even an empty one): an HTML form
    cannot, and a cross-site script cannot without a preflight."""
    if request.method not in STATE_CHANGING:
        return None
    if (request.mimetype or "").lower() == JSON_MEDIA_TYPE:
        return None
    got = request.content_type or "(none)"
    return Denial(
        415,
        f"{request.method} requests to the admin API need 'Content-Type: {JSON_MEDIA_TYPE}', not {got!r} "
        "(curl: -H 'Content-Type: application/json'; the body may be empty)",
    )
