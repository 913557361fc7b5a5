"""The admin API's inputs and answers, declared once: the OpenAPI 3 document is made from
these tables, and :mod:`fakeprojector.admin` checks requests against the same tables.

So the query parameters and body fields the server accepts are, by construction, the ones
``GET /_fakeprojector/openapi.json`` documents; ``tests/integration/test_openapi.py`` checks
the rest over HTTP (every route of :mod:`fakeprojector.urls` documented and nothing else,
every answer's fields those of its schema). No HTTP here: plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from fakeprojector import faults, settings
from fakeprojector.records import CODE_STATES, TOKEN_STATES
from fakeprojector.urls import ADMIN_PREFIX, ADMIN_ROUTES, display
from fakeprojector.version import __version__

#: JSON types of body fields (and how the admin API names them in a 400).
STRING, BOOLEAN, NUMBER, INTEGER, STRINGS = "string", "boolean", "number", "integer", "string[]"
ANY: Final = ""  # checked by the receiving operation (settings, fault parameters)


@dataclass(frozen=True)
class Param:
    """A query parameter of a ``GET``."""

    name: str
    description: str
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Body:
    """A JSON object body: ``fields`` name -> (type, description); ``open`` when the
    operation itself checks the fields' values and takes others (a fault kind's parameters)."""

    fields: dict[str, tuple[str, str]]
    required: tuple[str, ...] = ()
    open: bool = False


_CLIENT_ID = Param("client_id", "only this client's (a GUID, in any of .NET's forms)")
_ACCOUNT = Param("account", "only this account's (without case)")
_TOKEN_STATE = Param("state", "only tokens in this state", TOKEN_STATES)

#: The query parameters each ``GET`` accepts; any other is a 400 naming these.
QUERY: Final[dict[str, tuple[Param, ...]]] = {
    "clients": (_CLIENT_ID,),
    "users": (_ACCOUNT,),
    "refresh_tokens": (_CLIENT_ID, _ACCOUNT, _TOKEN_STATE),
    "access_tokens": (_CLIENT_ID, _ACCOUNT, _TOKEN_STATE),
    "authorization_codes": (_CLIENT_ID, _ACCOUNT, Param("state", "only codes in this state", CODE_STATES)),
    "requests": (
        Param("operation", "only calls of this operation (`PwsRevokeOauth2RefreshToken`, `oauth2token`...)"),
        Param("status", "only calls with this status (`Ok`, `Fail`, `fault`, an injected fault's kind)"),
    ),
}

#: The body of each ``POST`` that takes one.
BODIES: Final[dict[str, Body]] = {
    "settings": Body(
        {name: (ANY, spec.help) for name, spec in settings.specs().items()},
    ),
    "accounts": Body(
        {
            "code": (STRING, "the account code"),
            "home_url": (STRING, "the base URL of the server it lives on, when not this one"),
        },
        ("code",),
    ),
    "clients": Body(
        {
            "client_id": (STRING, "a GUID; generated when absent"),
            "client_secret": (STRING, "generated when absent"),
            "name": (STRING, "shown on the consent page"),
            "redirect_uris": (STRINGS, "the consent page's allowed redirect URIs (exact match)"),
        }
    ),
    "users": Body(
        {
            "account": (STRING, "an existing account's code (without case)"),
            "username": (STRING, "the sign-in name (without case); the same name replaces the user"),
            "password": (STRING, "the sign-in password"),
        },
        ("account", "username", "password"),
    ),
    "refresh_tokens": Body(
        {
            "client_id": (STRING, "the client it is issued to"),
            "account": (STRING, "the account it is for"),
            "token": (STRING, "20-512 URL-safe base64 characters; generated when absent"),
            "revoked": (BOOLEAN, "issue it revoked"),
            "expires_in_seconds": (
                NUMBER,
                "its lifetime (default: the refresh_token_lifetime_seconds setting)",
            ),
        },
        ("client_id",),
    ),
    "access_tokens": Body(
        {
            "client_id": (STRING, "the client it is issued to"),
            "refresh_token": (STRING, "the refresh token it comes from (revoking that revokes this)"),
            "account": (STRING, "the account it is for"),
            "token": (STRING, "the session ticket; generated when absent"),
        },
        ("client_id",),
    ),
    "authorization_codes": Body(
        {
            "client_id": (STRING, "the client it is issued to"),
            "redirect_uri": (STRING, "one of the client's redirect URIs"),
            "account": (STRING, "the account it is for"),
            "code_challenge": (STRING, "PKCE: 43-128 characters of A-Z a-z 0-9 - . _ ~"),
            "code_challenge_method": (STRING, "S256 or plain (default plain)"),
            "code": (STRING, "the code; generated when absent"),
        },
        ("client_id", "redirect_uri"),
    ),
    "clock": Body(
        {
            "advance_seconds": (NUMBER, "move the fake's time by this many seconds (negative: back)"),
            "freeze": (BOOLEAN, "true: stop time (at `at`, or now); false: let it run again"),
            "at": (STRING, "with freeze true: the instant, ISO 8601 with Z or an offset"),
        }
    ),
    "faults": Body(
        {
            "kind": (STRING, "one of " + ", ".join(faults.KINDS)),
            "operation": (STRING, "the operation it applies to (absent: all)"),
            "times": (INTEGER, "how many calls it applies to (absent: until cleared)"),
        },
        ("kind",),
        open=True,
    ),
    "stubs": Body(
        {
            "operation": (STRING, "an operation of the loaded WSDL (serve --wsdl)"),
            "respond": (ANY, "the result's fields, by their XML names (absent: the generated answer)"),
            "when": (ANY, "the request fields it applies to (absent: every call)"),
            "times": (ANY, "how many calls it answers (absent: until cleared)"),
            "status": (STRING, "Ok (default) or Fail"),
            "messages": (ANY, "with Fail: the error messages, [{number, code, text}]"),
        },
        ("operation",),
    ),
}

_OBJ = "object"


def _props(**props: Any) -> dict[str, Any]:
    return {"type": _OBJ, "properties": props, "required": list(props), "additionalProperties": False}


def _s(description: str = "", nullable: bool = False, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string", **extra}
    if description:
        schema["description"] = description
    return schema


_TIME = {"type": ["string", "null"], "format": "date-time", "description": "ISO 8601 UTC"}
_COUNT = {"type": "integer"}

#: The answers' shapes (OpenAPI 3.1 schemas, so JSON Schema's ``null`` type).
SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    "Message": _props(message=_s("what is wrong, and what to do")),
    "Cleared": _props(cleared=_COUNT),
    "Index": _props(service=_s(), endpoints={"type": "array", "items": {"type": "string"}}),
    "Health": _props(
        status=_s(),
        version=_s(),
        url=_s("the SOAP service URL"),
        wsdl_url=_s(),
        admin_url=_s(),
        dashboard_url=_s(),
        openapi_url=_s(),
        fixtures={"type": "array", "items": {"type": "string"}},
        counts={"type": _OBJ, "additionalProperties": _COUNT},
        journal_entries=_COUNT,
        faults=_COUNT,
        wsdl=_s("the loaded WSDL's service name (serve --wsdl)", nullable=True),
        stubs=_COUNT,
    ),
    "Reset": _props(status=_s(), counts={"type": _OBJ, "additionalProperties": _COUNT}),
    "Settings": {
        "type": _OBJ,
        "properties": {name: {"description": spec.help} for name, spec in settings.specs().items()},
    },
    "Clock": _props(now={"type": "string", "format": "date-time"}, frozen={"type": "boolean"}),
    "Account": _props(code=_s(), home_url=_s(nullable=True)),
    "Client": _props(
        client_id=_s(format="uuid"),
        name=_s(),
        redirect_uris={"type": "array", "items": {"type": "string"}},
    ),
    "NewClient": _props(
        client_id=_s(format="uuid"),
        client_secret=_s("shown here only: never in a list, a GET, the dashboard or the journal"),
        name=_s(),
        redirect_uris={"type": "array", "items": {"type": "string"}},
    ),
    "User": _props(account=_s(), username=_s()),
    "NewUser": _props(
        account=_s(), username=_s(), password=_s("shown here only, as the client secret of a new client")
    ),
    "RefreshToken": _props(
        token=_s(),
        state=_s(enum=list(TOKEN_STATES)),
        client_id=_s(),
        account=_s(nullable=True),
        issued_at=_TIME,
        expires_at=_TIME,
    ),
    "AccessToken": _props(
        token=_s("the session ticket"),
        state=_s(enum=list(TOKEN_STATES)),
        client_id=_s(),
        account=_s(nullable=True),
        refresh_token=_s(nullable=True),
        issued_at=_TIME,
        expires_at=_TIME,
    ),
    "AuthorizationCode": _props(
        code=_s(),
        state=_s(enum=list(CODE_STATES)),
        client_id=_s(),
        redirect_uri=_s(),
        account=_s(nullable=True),
        code_challenge=_s(nullable=True),
        code_challenge_method=_s(nullable=True),
        issued_at=_TIME,
        expires_at=_TIME,
    ),
    "SkippedElement": _props(
        path=_s("the element holding it, from the operation's wrapper or parameter"),
        name=_s(),
        namespace=_s(nullable=True),
        expected_namespace=_s(nullable=True),
        reason=_s(enum=["wrong namespace", "out of order", "unknown", "duplicate"]),
    ),
    "JournalEntry": _props(
        operation=_s(nullable=True),
        request_id={"type": ["integer", "null"]},
        status=_s(nullable=True),
        error_numbers={"type": "array", "items": _COUNT},
        error_code=_s("ErrorCode, or the SOAP fault's code", nullable=True),
        error_text=_s("ErrorText, or the SOAP fault's reason", nullable=True),
        fields={"type": _OBJ, "description": "the request's fields; secrets as ***"},
        time={"type": "string", "format": "date-time"},
        duration_ms={"type": "number"},
        http_status=_COUNT,
        fault=_s(nullable=True),
        skipped={"type": "array", "items": {"$ref": "#/components/schemas/SkippedElement"}},
        headers={"type": _OBJ, "additionalProperties": {"type": "string"}},
        body=_s("the request body, every secret and token replaced by ***", nullable=True),
        extra={"type": _OBJ, "description": "stub: the id of the stub that answered a loaded operation"},
    ),
    "Stub": _props(
        id=_COUNT,
        operation=_s(),
        respond={"type": _OBJ},
        when={"type": _OBJ},
        times={"type": ["integer", "null"]},
        status=_s(enum=["Ok", "Fail"]),
        messages={"type": "array", "items": {"type": _OBJ}},
        applied=_COUNT,
    ),
    "Fault": {
        "type": _OBJ,
        "properties": {
            "id": _COUNT,
            "kind": _s(enum=list(faults.KINDS)),
            "operation": _s(nullable=True),
            "times": {"type": ["integer", "null"]},
            "applied": _COUNT,
        },
        "required": ["id", "kind", "operation", "times", "applied"],
        "additionalProperties": True,
    },
}


@dataclass(frozen=True)
class Op:
    """One method of one route: what it does and what it answers (``list_of``: an array of it)."""

    summary: str
    status: int
    answer: str | None = None
    list_of: str | None = None


#: (endpoint, method) -> the operation. Every route of :data:`fakeprojector.urls.ADMIN_ROUTES`
#: has its entries here, and nothing else does (:func:`document` refuses to drift).
OPERATIONS: Final[dict[tuple[str, str], Op]] = {
    ("index", "GET"): Op("List the endpoints", 200, "Index"),
    ("health", "GET"): Op("Is it up, where is everything, how many records", 200, "Health"),
    ("openapi", "GET"): Op("This document", 200),
    ("reset", "POST"): Op("Back to the loaded fixtures: records, journal, faults, clock", 200, "Reset"),
    ("settings", "GET"): Op("The current settings", 200, "Settings"),
    ("settings", "POST"): Op("Change settings until the next reset", 200, "Settings"),
    ("clock", "GET"): Op("The fake's time, and whether it is frozen", 200, "Clock"),
    ("clock", "POST"): Op("Advance, freeze (at an instant) or unfreeze the fake's time", 200, "Clock"),
    ("accounts", "GET"): Op("The accounts", 200, list_of="Account"),
    ("accounts", "POST"): Op("Add an account", 201, "Account"),
    ("clients", "GET"): Op("The clients, without their secrets", 200, list_of="Client"),
    ("clients", "POST"): Op(
        "Register a client; the answer is the only one with its secret", 201, "NewClient"
    ),
    ("users", "GET"): Op("The consent page's users, without their passwords", 200, list_of="User"),
    ("users", "POST"): Op("Add a user who can sign in on an account's consent page", 201, "NewUser"),
    ("refresh_tokens", "GET"): Op("The refresh tokens with their states", 200, list_of="RefreshToken"),
    ("refresh_tokens", "POST"): Op("Issue a refresh token, as if a user had consented", 201, "RefreshToken"),
    ("refresh_token", "GET"): Op("One refresh token and its state", 200, "RefreshToken"),
    ("access_tokens", "GET"): Op(
        "The access tokens (session tickets) with their states", 200, list_of="AccessToken"
    ),
    ("access_tokens", "POST"): Op(
        "Issue a session ticket, as PwsAcquireOauth2Token would", 201, "AccessToken"
    ),
    ("access_token", "GET"): Op("One session ticket and its state (URL-encode / and +)", 200, "AccessToken"),
    ("authorization_codes", "GET"): Op(
        "The authorization codes with their states", 200, list_of="AuthorizationCode"
    ),
    ("authorization_codes", "POST"): Op(
        "Issue an authorization code, as if a user had approved the consent page", 201, "AuthorizationCode"
    ),
    ("requests", "GET"): Op("The request journal, oldest first", 200, list_of="JournalEntry"),
    ("requests", "DELETE"): Op("Empty the journal", 200, "Cleared"),
    ("faults", "GET"): Op("The active faults, oldest first", 200, list_of="Fault"),
    ("faults", "POST"): Op(
        "Make calls misbehave: delay, http_status, soap_fault, drop, redirect", 201, "Fault"
    ),
    ("faults", "DELETE"): Op("Clear every fault", 200, "Cleared"),
    ("fault", "GET"): Op("One active fault", 200, "Fault"),
    ("fault", "DELETE"): Op("Clear one fault", 200, "Cleared"),
    ("stubs", "GET"): Op(
        "The active stubs of the loaded WSDL's operations, oldest first", 200, list_of="Stub"
    ),
    ("stubs", "POST"): Op("Answer a loaded operation with these fields, or fail it", 201, "Stub"),
    ("stubs", "DELETE"): Op("Clear every stub", 200, "Cleared"),
    ("stub", "GET"): Op("One active stub", 200, "Stub"),
    ("stub", "DELETE"): Op("Clear one stub", 200, "Cleared"),
}

_ERRORS = {
    "400": "a bad body, field, value or query parameter",
    "401": "the admin token is required and was not sent (servers started with --admin-token)",
    "403": "not a loopback caller or Host, or a cross-origin request",
    "404": "no such record",
    "415": "a POST or DELETE without Content-Type: application/json",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _field_schema(kind: str, description: str) -> dict[str, Any]:
    if kind == STRINGS:
        return {"type": "array", "items": {"type": "string"}, "description": description}
    if kind == ANY:
        return {"description": description}
    return {"type": kind, "description": description}


def _operation(endpoint: str, method: str, path_params: list[str]) -> dict[str, Any]:
    op = OPERATIONS[(endpoint, method)]
    answer: dict[str, Any]
    if op.list_of is not None:
        answer = {"type": "array", "items": _ref(op.list_of)}
    elif op.answer is not None:
        answer = _ref(op.answer)
    else:
        answer = {"type": "object"}
    out: dict[str, Any] = {
        "operationId": f"{method.lower()}_{endpoint}",
        "summary": op.summary,
        "responses": {
            str(op.status): {"description": op.summary, "content": {"application/json": {"schema": answer}}},
            **{
                code: {"description": text, "content": {"application/json": {"schema": _ref("Message")}}}
                for code, text in _ERRORS.items()
            },
        },
    }
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in path_params
    ]
    if method == "GET":
        for param in QUERY.get(endpoint, ()):
            schema: dict[str, Any] = {"type": "string"}
            if param.enum:
                schema["enum"] = list(param.enum)
            parameters.append(
                {
                    "name": param.name,
                    "in": "query",
                    "required": False,
                    "description": param.description,
                    "schema": schema,
                }
            )
    if parameters:
        out["parameters"] = parameters
    body = BODIES.get(endpoint) if method == "POST" else None
    if body is not None:
        schema = {
            "type": "object",
            "properties": {name: _field_schema(kind, text) for name, (kind, text) in body.fields.items()},
            "additionalProperties": body.open,
        }
        if body.required:
            schema["required"] = list(body.required)
        out["requestBody"] = {
            "required": bool(body.required),
            "content": {"application/json": {"schema": schema}},
        }
    return out


def document(server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the admin API served at ``server_url`` (its base URL)."""
    routed = {(name, method) for _, name, methods in ADMIN_ROUTES for method in methods}
    stray = sorted(set(OPERATIONS) - routed)
    if stray:  # pragma: no cover - a table entry for a route that no longer exists
        raise LookupError(f"fakeprojector.openapi documents routes that do not exist: {stray}")
    paths: dict[str, Any] = {}
    for path, name, methods in ADMIN_ROUTES:
        shown = ADMIN_PREFIX + display(path)
        path_params = [p.strip("{}") for p in shown.split("/") if p.startswith("{")]
        paths[shown] = {m.lower(): _operation(name, m, path_params) for m in methods}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fakeprojector admin API",
            "version": __version__,
            "description": (
                "Set up, inspect and break a running fakeprojector. Without an admin token only loopback "
                "callers addressing localhost, 127.0.0.1 or [::1] are answered; POST and DELETE need "
                "Content-Type: application/json; a request with another site's Origin is refused."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
        },
    }
