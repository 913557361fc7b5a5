"""The JSON admin API under ``/_fakeprojector/``: set up, inspect and break a running fake.

Every answer is JSON, indented and ending with a newline, errors included (``{"message": ...}``
with a 4xx status, never an HTML page). Who may call is :mod:`fakeprojector.access`'s rule
(loopback callers and Host names without a token; the token with one; never another site's
``Origin``; ``Content-Type: application/json`` on every POST and DELETE). The query
parameters and bodies accepted are :mod:`fakeprojector.openapi`'s tables, which also make
``GET /_fakeprojector/openapi.json``. Admin calls are not journaled. Each handler uses the
same operation ``FakeProjector`` offers in Python. Secrets (a client's secret, a user's
password) appear only in the answer that created them.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from fakeprojector import access, openapi
from fakeprojector.backend import FakeBackend
from fakeprojector.contract import SERVICE_PATH
from fakeprojector.openapi import BODIES, QUERY
from fakeprojector.records import AccessToken, AuthorizationCode, Client, RefreshToken, User
from fakeprojector.store import SetupError
from fakeprojector.urls import ADMIN_PREFIX, ADMIN_ROUTES, DASHBOARD_PATH, OPENAPI_PATH, Route, display
from fakeprojector.version import __version__

log = logging.getLogger("fakeprojector.admin")
JSON = "application/json"


class AdminError(Exception):
    """An admin request that cannot be served: answered as ``{"message": ...}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# --- JSON shapes ----------------------------------------------------------------------
def iso(ns: int | None) -> str | None:
    """An instant in nanoseconds as ISO 8601 UTC (``2030-01-01T00:00:00Z``)."""
    if ns is None:
        return None
    return datetime.fromtimestamp(ns / 1e9, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def client_json(client: Client, *, with_secret: bool = False) -> dict[str, Any]:
    """A client; its secret only in the answer that created it."""
    out: dict[str, Any] = {"client_id": client.client_id}
    if with_secret:
        out["client_secret"] = client.client_secret
    out.update(name=client.name, redirect_uris=list(client.redirect_uris))
    return out


def user_json(user: User, *, with_password: bool = False) -> dict[str, Any]:
    out = {"account": user.account, "username": user.username}
    if with_password:
        out["password"] = user.password
    return out


def refresh_token_json(rt: RefreshToken, state: str | None) -> dict[str, Any]:
    return {
        "token": rt.token,
        "state": state,
        "client_id": rt.client_id,
        "account": rt.account,
        "issued_at": iso(rt.issued_ns),
        "expires_at": iso(rt.expires_ns),
    }


def access_token_json(at: AccessToken, state: str | None) -> dict[str, Any]:
    return {
        "token": at.token,
        "state": state,
        "client_id": at.client_id,
        "account": at.account,
        "refresh_token": at.refresh_token,
        "issued_at": iso(at.issued_ns),
        "expires_at": iso(at.expires_ns),
    }


def code_json(code: AuthorizationCode, state: str) -> dict[str, Any]:
    return {
        "code": code.code,
        "state": state,
        "client_id": code.client_id,
        "redirect_uri": code.redirect_uri,
        "account": code.account,
        "code_challenge": code.code_challenge,
        "code_challenge_method": code.code_challenge_method,
        "issued_at": iso(code.issued_ns),
        "expires_at": iso(code.expires_ns),
    }


# --- request bodies -------------------------------------------------------------------
_SAID = {
    openapi.STRING: "a string",
    openapi.BOOLEAN: "true or false",
    openapi.NUMBER: "a number",
    openapi.INTEGER: "a whole number",
    openapi.STRINGS: "a list of strings",
}


def _check_type(name: str, value: Any, kind: str) -> None:
    ok = {
        openapi.STRING: isinstance(value, str),
        openapi.BOOLEAN: isinstance(value, bool),
        openapi.NUMBER: isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value),
        openapi.INTEGER: isinstance(value, int) and not isinstance(value, bool),
        openapi.STRINGS: isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[kind]
    if not ok:
        raise AdminError(400, f"field '{name}' must be {_SAID[kind]}, not {json.dumps(value)}")


def _json_body(request: Request) -> dict[str, Any]:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise AdminError(400, f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise AdminError(400, "the request body must be a JSON object")
    return body


def _fields(request: Request, endpoint: str) -> dict[str, Any]:
    """The JSON object's fields, typed per :data:`fakeprojector.openapi.BODIES`; unknown or
    missing ones are a 400. A ``null`` counts as absent."""
    spec = BODIES[endpoint]
    body = _json_body(request)
    unknown = sorted(set(body) - set(spec.fields))
    if unknown and not spec.open:
        raise AdminError(400, f"unknown field(s) {', '.join(unknown)}; accepted: {', '.join(spec.fields)}")
    out = {k: v for k, v in body.items() if v is not None}
    missing = [name for name in spec.required if name not in out]
    if missing:
        raise AdminError(400, f"missing field(s): {', '.join(missing)}")
    if spec.open:  # the operation checks its values, with its own messages
        return out
    for name, value in out.items():
        kind = spec.fields[name][0]
        if kind:
            _check_type(name, value, kind)
    return out


def _query(request: Request, endpoint: str) -> dict[str, str]:
    """The query parameters of a request, per :data:`fakeprojector.openapi.QUERY`: an unknown
    one (a typo would otherwise match everything) or a repeated one is a 400."""
    known = [p.name for p in QUERY.get(endpoint, ())] if request.method in ("GET", "HEAD") else []
    unknown = sorted(set(request.args) - set(known))
    if unknown:
        accepted = f"accepted: {', '.join(known)}" if known else "it accepts none"
        where = f"{request.method} {request.path}"
        raise AdminError(400, f"unknown query parameter(s) {', '.join(unknown)} for {where}; {accepted}")
    out: dict[str, str] = {}
    for name in known:
        values = request.args.getlist(name)
        if len(values) > 1:
            raise AdminError(400, f"query parameter '{name}' given {len(values)} times; give it once")
        if values:
            out[name] = values[0]
    return out


_INSTANT = re.compile(
    r"(?P<base>\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(?:\.(?P<fraction>\d+))?(?P<zone>Z|z|[+-]\d\d:?\d\d)"
)
#: The fake's clock stays within what every platform's ``datetime`` can show.
_EARLIEST, _LATEST = datetime(1970, 1, 1, tzinfo=timezone.utc), datetime(9999, 1, 1, tzinfo=timezone.utc)


def parse_instant(text: str) -> datetime:
    """ISO 8601 with ``Z`` or an offset (``2030-01-01T00:00:00Z``); a time without a zone
    is refused rather than guessed."""
    match = _INSTANT.fullmatch(text.strip())
    if match is None:
        raise AdminError(
            400,
            f"field 'at' must be an ISO 8601 instant with Z or an offset (2030-01-01T00:00:00Z), not {text!r}",
        )
    zone = match["zone"].upper().replace("Z", "+00:00")
    if ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    base = match["base"] if match["base"].count(":") == 2 else match["base"] + ":00"
    try:
        return datetime.fromisoformat(f"{base}.{fraction}{zone}").astimezone(timezone.utc)
    except ValueError as exc:
        raise AdminError(400, f"field 'at': {exc}") from None


# --- the API --------------------------------------------------------------------------
Handler = Callable[..., tuple[Any, int]]


def _loggable(path: str) -> str:
    """``path`` as the log shows it: a token in it only by a short prefix."""
    for kind in ("/refresh-tokens/", "/access-tokens/"):
        head, sep, token = path.partition(kind)
        if sep and token:
            return f"{head}{sep}{token[:6]}..."
    return path


class AdminAPI:
    """The admin API of one :class:`~fakeprojector.backend.FakeBackend`, a WSGI-free
    ``(Request, Route) -> Response`` callable the app calls for :mod:`fakeprojector.urls`'
    admin routes. Store refusals (:class:`~fakeprojector.store.SetupError`) and bad values
    (``ValueError``) become a 400 in one place, below."""

    def __init__(self, backend: FakeBackend, token: str | None = None) -> None:
        self.fake = backend
        self.token = token or None

    def __call__(self, request: Request, route: Route) -> Response:
        try:
            denial = access.check(request, self.token)
            if denial is not None:
                raise AdminError(denial.status, denial.message, denial.headers)
            if route.allowed:
                raise AdminError(
                    405,
                    f"{request.method} is not allowed here; use {', '.join(route.allowed)}",
                    {"Allow": ", ".join(route.allowed)},
                )
            if route.endpoint is None:
                raise AdminError(404, f"no admin endpoint {request.path}; GET {ADMIN_PREFIX}/ lists them")
            denial = access.check_json_body(request)
            if denial is not None:
                raise AdminError(denial.status, denial.message, denial.headers)
            query = _query(request, route.endpoint)
            handler: Handler = getattr(self, f"_{route.endpoint}_{request.method.lower()}", None) or getattr(
                self, f"_{route.endpoint}_get"
            )  # HEAD is served as GET
            try:
                body, status = handler(request, **query, **(route.values or {}))
            except (SetupError, ValueError, TypeError) as exc:
                raise AdminError(400, str(exc)) from None
            response = _json(body, status)
        except AdminError as exc:
            response = _json({"message": exc.message}, exc.status)
            response.headers.update(exc.headers)
        except HTTPException as exc:  # 413 from the body limit, and the like
            response = _json({"message": exc.description or exc.name}, exc.code or 400)
        log.debug("admin %s %s -> %d", request.method, _loggable(request.path), response.status_code)
        return response

    # --- endpoints -------------------------------------------------------------------
    def _index_get(self, request: Request) -> tuple[Any, int]:
        endpoints = [
            f"{m} {ADMIN_PREFIX}{display(p)}" for p, _, methods in ADMIN_ROUTES if p != "/" for m in methods
        ]
        return {"service": "fakeprojector admin API", "endpoints": endpoints}, 200

    def _health_get(self, request: Request) -> tuple[Any, int]:
        base = request.host_url.rstrip("/")
        return {
            "status": "ok",
            "version": __version__,
            "url": base + SERVICE_PATH,
            "wsdl_url": base + SERVICE_PATH + "?wsdl",
            "admin_url": base + ADMIN_PREFIX + "/",
            "dashboard_url": base + DASHBOARD_PATH,
            "openapi_url": base + OPENAPI_PATH,
            "fixtures": list(self.fake.fixture_sources),
            "counts": self.fake.counts(),
            "journal_entries": len(self.fake.journal),
            "faults": len(self.fake.faults),
            "wsdl": self.fake.contract.name or None,
            "stubs": len(self.fake.stubs),
        }, 200

    def _openapi_get(self, request: Request) -> tuple[Any, int]:
        return openapi.document(request.host_url), 200

    def _reset_post(self, request: Request) -> tuple[Any, int]:
        self.fake.reset()
        return {"status": "reset", "counts": self.fake.counts()}, 200

    def _settings_get(self, request: Request) -> tuple[Any, int]:
        return self.fake.settings.as_dict(), 200

    def _settings_post(self, request: Request) -> tuple[Any, int]:
        return self.fake.configure(**_fields(request, "settings")).as_dict(), 200

    def _clock_get(self, request: Request) -> tuple[Any, int]:
        clock = self.fake.clock
        return {"now": iso(clock.time_ns()), "frozen": clock.frozen}, 200

    def _clock_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, "clock")
        if not f:
            raise AdminError(400, "nothing to do: give advance_seconds, freeze (and at), or both")
        freeze = f.get("freeze")
        if "at" in f and freeze is not True:
            raise AdminError(400, "field 'at' goes with \"freeze\": true")
        at = parse_instant(f["at"]) if "at" in f else None
        start = at or self.fake.clock.now()
        try:
            end = start + timedelta(seconds=f.get("advance_seconds", 0))
        except OverflowError:
            end = _LATEST
        if not _EARLIEST <= end < _LATEST:
            raise AdminError(400, f"the fake's clock must stay between {_EARLIEST.year} and {_LATEST.year}")
        clock = self.fake.clock
        if freeze is True:
            clock.freeze(at)
        elif freeze is False:
            clock.unfreeze()
        if "advance_seconds" in f:
            clock.advance(f["advance_seconds"])
        return self._clock_get(request)

    def _accounts_get(self, request: Request) -> tuple[Any, int]:
        return [{"code": a.code, "home_url": a.home_url} for a in self.fake.accounts()], 200

    def _accounts_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, "accounts")
        account = self.fake.add_account(f["code"], f.get("home_url"))
        return {"code": account.code, "home_url": account.home_url}, 201

    def _clients_get(self, request: Request, client_id: str | None = None) -> tuple[Any, int]:
        return [client_json(c) for c in self.fake.clients(client_id)], 200

    def _clients_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, "clients")
        client = self.fake.add_client(
            f.get("client_id"), f.get("client_secret"), f.get("name", ""), f.get("redirect_uris", ())
        )
        return client_json(client, with_secret=True), 201

    def _users_get(self, request: Request, account: str | None = None) -> tuple[Any, int]:
        return [user_json(u) for u in self.fake.users(account)], 200

    def _users_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, "users")
        user = self.fake.add_user(f["account"], f["username"], f["password"])
        return user_json(user, with_password=True), 201

    def _refresh_tokens_get(self, request: Request, **filters: str) -> tuple[Any, int]:
        return [refresh_token_json(rt, state) for rt, state in self.fake.refresh_tokens(**filters)], 200

    def _refresh_tokens_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, "refresh_tokens")
        rt = self.fake.add_refresh_token(
            f["client_id"],
            f.get("account"),
            f.get("token"),
            f.get("revoked", False),
            f.get("expires_in_seconds"),
        )
        return refresh_token_json(rt, self.fake.token_state(rt.token)), 201

    def _refresh_token_get(self, request: Request, token: str) -> tuple[Any, int]:
        found = self.fake.refresh_token(token)
        if found is None:
            raise AdminError(404, "unknown refresh token")
        return refresh_token_json(*found), 200

    def _access_tokens_get(self, request: Request, **filters: str) -> tuple[Any, int]:
        return [access_token_json(at, state) for at, state in self.fake.access_tokens(**filters)], 200

    def _access_tokens_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, "access_tokens")
        at = self.fake.add_access_token(
            f["client_id"], f.get("refresh_token"), f.get("account"), f.get("token")
        )
        return access_token_json(at, self.fake.access_token_state(at.token)), 201

    def _access_token_get(self, request: Request, token: str) -> tuple[Any, int]:
        found = self.fake.access_token(token)
        if found is None:
            raise AdminError(404, "unknown access token")
        return access_token_json(*found), 200

    def _authorization_codes_get(self, request: Request, **filters: str) -> tuple[Any, int]:
        return [code_json(c, state) for c, state in self.fake.authorization_codes(**filters)], 200

    def _authorization_codes_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, "authorization_codes")
        code = self.fake.add_authorization_code(
            f["client_id"],
            f["redirect_uri"],
            f.get("account"),
            f.get("code_challenge"),
            f.get("code_challenge_method"),
            f.get("code"),
        )
        return code_json(code, self.fake.store.code_state(code)), 201

    def _requests_get(
        self, request: Request, operation: str | None = None, status: str | None = None
    ) -> tuple[Any, int]:
        return [
            e.as_dict()
            for e in self.fake.requests
            if (operation is None or e.operation == operation) and (status is None or e.status == status)
        ], 200

    def _requests_delete(self, request: Request) -> tuple[Any, int]:
        count = len(self.fake.journal)
        self.fake.journal.clear()
        return {"cleared": count}, 200

    def _faults_get(self, request: Request) -> tuple[Any, int]:
        return [f.as_dict() for f in self.fake.faults], 200

    def _faults_post(self, request: Request) -> tuple[Any, int]:
        fault = self.fake.add_fault(**_fields(request, "faults"))
        return fault.as_dict(), 201

    def _faults_delete(self, request: Request) -> tuple[Any, int]:
        return {"cleared": self.fake.clear_faults()}, 200

    def _fault_get(self, request: Request, fault_id: int) -> tuple[Any, int]:
        fault = self.fake.faults.get(fault_id)
        if fault is None:
            raise AdminError(404, f"no active fault {fault_id}")
        return fault.as_dict(), 200

    def _fault_delete(self, request: Request, fault_id: int) -> tuple[Any, int]:
        if not self.fake.remove_fault(fault_id):
            raise AdminError(404, f"no active fault {fault_id}")
        return {"cleared": 1}, 200

    def _stubs_get(self, request: Request) -> tuple[Any, int]:
        return [s.as_dict() for s in self.fake.stub_list()], 200

    def _stubs_post(self, request: Request) -> tuple[Any, int]:
        """The fields of ``fp.stub``; a stub the loaded WSDL refuses is a 400 naming the path."""
        f = _fields(request, "stubs")
        stub_id = self.fake.stub(
            f["operation"],
            respond=f.get("respond"),
            when=f.get("when"),
            times=f.get("times"),
            status=f.get("status", "Ok"),
            messages=f.get("messages", ()),
        )
        found = self.fake.stubs.get(stub_id)
        return (found.as_dict() if found is not None else {"id": stub_id}), 201

    def _stubs_delete(self, request: Request) -> tuple[Any, int]:
        return {"cleared": self.fake.clear_stubs()}, 200

    def _stub_get(self, request: Request, stub_id: int) -> tuple[Any, int]:
        found = self.fake.stubs.get(stub_id)
        if found is None:
            raise AdminError(404, f"no active stub {stub_id}")
        return found.as_dict(), 200

    def _stub_delete(self, request: Request, stub_id: int) -> tuple[Any, int]:
        if not self.fake.remove_stub(stub_id):
            raise AdminError(404, f"no active stub {stub_id}")
        return {"cleared": 1}, 200


def _plain(value: Any) -> Any:
    """JSON for the values a loaded operation's request holds (journal fields): decimals as
    numbers, bytes as base64, anything else as its text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _json(body: Any, status: int) -> Response:
    """Indented for a reader at a terminal, and ending with a newline so a shell prompt
    does not follow it on the same line; the values of a loaded operation's request by
    :func:`_plain`."""
    return Response(json.dumps(body, indent=2, default=_plain) + "\n", status=status, content_type=JSON)
