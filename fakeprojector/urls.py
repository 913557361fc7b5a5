"""Every URL of a fake, in one map: each path is spelled here (or, for the vendor's own, in
:mod:`fakeprojector.contract`) and nowhere else.

:func:`route` names the endpoint of a request path. The vendor's paths (the SOAP service,
the REST twins, the consent page) match whatever their case, as IIS does; the fake's own
admin API and dashboard under :data:`ADMIN_PREFIX` match exactly (a session ticket in a
path is case-sensitive). Methods are left to each handler, which answers a wrong one in
its own format (a SOAP Fault, JSON, an HTML page), except the admin API's, which the map
checks so that a 405 can list the allowed methods.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter, Map, Rule

from fakeprojector.contract import AUTHORIZE_PATH, REST_REVOKE_PATH, REST_TOKEN_PATH, SERVICE_PATH

#: The fake's own URL space: the admin API and the dashboard [choice].
ADMIN_PREFIX: Final = "/_fakeprojector"
DASHBOARD_PATH: Final = ADMIN_PREFIX + "/dashboard"
OPENAPI_PATH: Final = ADMIN_PREFIX + "/openapi.json"
#: The small HTML index linking the service, the WSDL, the dashboard and the admin API.
HOME_PATH: Final = "/"

#: The vendor's endpoints: name -> path.
VENDOR_ROUTES: Final = (
    (SERVICE_PATH, "service"),
    (REST_TOKEN_PATH, "rest"),
    (REST_REVOKE_PATH, "rest"),
    (AUTHORIZE_PATH + "/<path:account>", "consent"),
)

#: The admin API: (path under the prefix, endpoint, methods). HEAD is served as GET.
ADMIN_ROUTES: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("/", "index", ("GET",)),
    ("/health", "health", ("GET",)),
    (OPENAPI_PATH.removeprefix(ADMIN_PREFIX), "openapi", ("GET",)),
    ("/reset", "reset", ("POST",)),
    ("/settings", "settings", ("GET", "POST")),
    ("/clock", "clock", ("GET", "POST")),
    ("/accounts", "accounts", ("GET", "POST")),
    ("/clients", "clients", ("GET", "POST")),
    ("/users", "users", ("GET", "POST")),
    ("/refresh-tokens", "refresh_tokens", ("GET", "POST")),
    ("/refresh-tokens/<token:token>", "refresh_token", ("GET",)),
    ("/access-tokens", "access_tokens", ("GET", "POST")),
    ("/access-tokens/<token:token>", "access_token", ("GET",)),
    ("/authorization-codes", "authorization_codes", ("GET", "POST")),
    ("/requests", "requests", ("GET", "DELETE")),
    ("/faults", "faults", ("GET", "POST", "DELETE")),
    ("/faults/<int:fault_id>", "fault", ("GET", "DELETE")),
    ("/stubs", "stubs", ("GET", "POST", "DELETE")),
    ("/stubs/<int:stub_id>", "stub", ("GET", "DELETE")),
)


class _TokenConverter(BaseConverter):
    """A whole token as one path value: session tickets are base64, so they may hold ``/``,
    start with it, or hold ``//`` (werkzeug's ``path`` converter refuses a leading slash)."""

    regex = ".+"
    part_isolating = False


@dataclass(frozen=True)
class Route:
    """What a path names: ``kind`` is ``service``, ``rest``, ``consent``, ``dashboard``,
    ``home`` (the HTML index at ``/``), ``admin`` (then ``endpoint`` is the admin handler's
    name) or ``None`` (no such page)."""

    kind: str | None
    endpoint: str | None = None
    values: Mapping[str, Any] | None = None
    allowed: tuple[str, ...] = ()


@cache
def _maps() -> tuple[Map, Map]:
    vendor = Map([Rule(path.lower(), endpoint=name) for path, name in VENDOR_ROUTES], merge_slashes=False)
    own = Map(
        [Rule(DASHBOARD_PATH, endpoint="dashboard")]
        + [
            Rule(ADMIN_PREFIX + path, endpoint="admin." + name, methods=list(methods))
            for path, name, methods in ADMIN_ROUTES
        ],
        strict_slashes=False,
        merge_slashes=False,
        converters={"token": _TokenConverter},
    )
    return vendor, own


@cache
def _static_vendor_routes() -> dict[str, Route]:
    """The vendor's fixed paths by their lower-case form: the SOAP service is matched by one
    dict lookup, not werkzeug's matcher (binding a map costs ~10 % of a whole revoke)."""
    return {path.lower(): Route(name) for path, name in VENDOR_ROUTES if "<" not in path}


def route(path: str, method: str) -> Route:
    """The endpoint ``path`` names for ``method``."""
    vendor, own = _maps()
    if path == HOME_PATH:
        return Route("home")
    if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
        try:
            endpoint, values = own.bind("fake", "/").match(path, method=method)
        except MethodNotAllowed as exc:
            return Route("admin", None, None, tuple(sorted(exc.valid_methods or ())))
        except NotFound:
            return Route("admin")
        if endpoint == "dashboard":
            return Route("dashboard")
        return Route("admin", endpoint.removeprefix("admin."), values)
    static = _static_vendor_routes().get(path.lower())
    if static is not None:
        return static
    try:
        endpoint, values = vendor.bind("fake", "/").match(path.lower())
    except NotFound:
        return Route(None)
    return Route(endpoint, None, values)


def display(path: str) -> str:
    """``/faults/<int:fault_id>`` -> ``/faults/{fault_id}``, as the docs write a route."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
