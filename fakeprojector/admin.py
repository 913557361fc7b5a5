"""The JSON admin API under ``/_fakeprojector/``: set up, inspect and break a running fake.

Every answer is JSON, errors included (``{"message": ...}`` with a 4xx status, never an
HTML page). Only loopback callers are answered unless an admin token is set; then any
caller must send ``Authorization: Bearer <token>`` (compared in constant time). Admin calls
are not journaled. Each handler uses the same operation ``FakeProjector`` offers in Python.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from fakeprojector.backend import FakeBackend
from fakeprojector.contract import SERVICE_PATH
from fakeprojector.records import AuthorizationCode, Client, RefreshToken
from fakeprojector.store import SetupError
from fakeprojector.urls import ADMIN_PREFIX, ADMIN_ROUTES, Route, display
from fakeprojector.version import __version__

log = logging.getLogger("fakeprojector.admin")
JSON = "application/json"


class AdminError(Exception):
    """An admin request that cannot be served: answered as ``{"message": ...}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


# --- JSON shapes ----------------------------------------------------------------------
def _iso(ns: int | None) -> str | None:
    if ns is None:
        return None
    return datetime.fromtimestamp(ns / 1e9, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def client_json(client: Client) -> dict[str, Any]:
    return {
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "name": client.name,
        "redirect_uris": list(client.redirect_uris),
    }


def refresh_token_json(rt: RefreshToken, state: str | None) -> dict[str, Any]:
    return {
        "token": rt.token,
        "state": state,
        "client_id": rt.client_id,
        "account": rt.account,
        "issued_at": _iso(rt.issued_ns),
        "expires_at": _iso(rt.expires_ns),
    }


def code_json(code: AuthorizationCode) -> dict[str, Any]:
    return {
        "code": code.code,
        "client_id": code.client_id,
        "redirect_uri": code.redirect_uri,
        "account": code.account,
        "code_challenge": code.code_challenge,
        "code_challenge_method": code.code_challenge_method,
        "expires_at": _iso(code.expires_ns),
    }


# --- request bodies -------------------------------------------------------------------
_STR, _BOOL, _NUM, _LIST = "a string", "true or false", "a number", "a list of strings"


def _check_type(name: str, value: Any, kind: str) -> None:
    ok = {
        _STR: isinstance(value, str),
        _BOOL: isinstance(value, bool),
        _NUM: isinstance(value, (int, float)) and not isinstance(value, bool),
        _LIST: isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[kind]
    if not ok:
        raise AdminError(400, f"field '{name}' must be {kind}, not {json.dumps(value)}")


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


def _fields(request: Request, spec: dict[str, str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object's fields, typed per ``spec``; unknown or missing ones are a 400.
    A ``null`` counts as absent."""
    body = _json_body(request)
    unknown = sorted(set(body) - set(spec))
    if unknown:
        raise AdminError(400, f"unknown field(s) {', '.join(unknown)}; accepted: {', '.join(spec)}")
    out = {k: v for k, v in body.items() if v is not None}
    missing = [name for name in required if name not in out]
    if missing:
        raise AdminError(400, f"missing field(s): {', '.join(missing)}")
    for name, value in out.items():
        if spec[name]:
            _check_type(name, value, spec[name])
    return out


# --- the API --------------------------------------------------------------------------
Handler = Callable[..., tuple[Any, int]]


def _loggable(path: str) -> str:
    """``path`` as the log shows it: a token in it only by a short prefix."""
    for kind in ("/refresh-tokens/", "/access-tokens/"):
        head, sep, token = path.partition(kind)
        if sep and token:
            return f"{head}{sep}{token[:6]}..."
    return path


def _loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


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
            self._authorize(request)
            if route.allowed:
                raise AdminError(405, f"{request.method} is not allowed here; use {', '.join(route.allowed)}")
            if route.endpoint is None:
                raise AdminError(404, f"no admin endpoint {request.path}; GET {ADMIN_PREFIX}/ lists them")
            handler: Handler = getattr(self, f"_{route.endpoint}_{request.method.lower()}", None) or getattr(
                self, f"_{route.endpoint}_get"
            )  # HEAD is served as GET
            try:
                body, status = handler(request, **(route.values or {}))
            except (SetupError, ValueError, TypeError) as exc:
                raise AdminError(400, str(exc)) from None
            response = _json(body, status)
        except AdminError as exc:
            response = _json({"message": exc.message}, exc.status)
            if exc.status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="fakeprojector"'
            if exc.status == 405:
                response.headers["Allow"] = ", ".join(route.allowed)
        except HTTPException as exc:  # 413 from the body limit, and the like
            response = _json({"message": exc.description or exc.name}, exc.code or 400)
        log.debug("admin %s %s -> %d", request.method, _loggable(request.path), response.status_code)
        return response

    def _authorize(self, request: Request) -> None:
        if self.token is None:
            if not _loopback(request.remote_addr):
                raise AdminError(
                    403,
                    "the admin API answers loopback callers only; start the server with --admin-token to allow others",
                )
            return
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            raise AdminError(401, "the admin API needs the header 'Authorization: Bearer <admin token>'")

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
            "fixtures": list(self.fake.fixture_sources),
            "counts": self.fake.counts(),
            "journal_entries": len(self.fake.journal),
            "faults": len(self.fake.faults),
            "wsdl": self.fake.contract.name or None,
            "stubs": len(self.fake.stubs),
        }, 200

    def _reset_post(self, request: Request) -> tuple[Any, int]:
        self.fake.reset()
        return {"status": "reset", "counts": self.fake.counts()}, 200

    def _settings_get(self, request: Request) -> tuple[Any, int]:
        return self.fake.settings.as_dict(), 200

    def _settings_post(self, request: Request) -> tuple[Any, int]:
        changes = _fields(request, dict.fromkeys(self.fake.settings.as_dict(), ""))
        return self.fake.configure(**changes).as_dict(), 200

    def _accounts_get(self, request: Request) -> tuple[Any, int]:
        return [{"code": a.code, "home_url": a.home_url} for a in self.fake.accounts()], 200

    def _accounts_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, {"code": _STR, "home_url": _STR}, required=("code",))
        account = self.fake.add_account(f["code"], f.get("home_url"))
        return {"code": account.code, "home_url": account.home_url}, 201

    def _clients_get(self, request: Request) -> tuple[Any, int]:
        return [client_json(c) for c in self.fake.clients()], 200

    def _clients_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, {"client_id": _STR, "client_secret": _STR, "name": _STR, "redirect_uris": _LIST})
        client = self.fake.add_client(
            f.get("client_id"), f.get("client_secret"), f.get("name", ""), f.get("redirect_uris", ())
        )
        return client_json(client), 201

    def _refresh_tokens_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(
            request,
            {"client_id": _STR, "account": _STR, "token": _STR, "revoked": _BOOL, "expires_in_seconds": _NUM},
            required=("client_id",),
        )
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

    def _access_token_get(self, request: Request, token: str) -> tuple[Any, int]:
        found = self.fake.access_token(token)
        if found is None:
            raise AdminError(404, "unknown access token")
        at, state = found
        return {
            "token": at.token,
            "state": state,
            "client_id": at.client_id,
            "account": at.account,
            "refresh_token": at.refresh_token,
            "expires_at": _iso(at.expires_ns),
        }, 200

    def _authorization_codes_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(
            request,
            {
                "client_id": _STR,
                "redirect_uri": _STR,
                "account": _STR,
                "code_challenge": _STR,
                "code_challenge_method": _STR,
                "code": _STR,
            },
            required=("client_id", "redirect_uri"),
        )
        code = self.fake.add_authorization_code(
            f["client_id"],
            f["redirect_uri"],
            f.get("account"),
            f.get("code_challenge"),
            f.get("code_challenge_method"),
            f.get("code"),
        )
        return code_json(code), 201

    def _requests_get(self, request: Request) -> tuple[Any, int]:
        entries = self.fake.requests
        operation, status = request.args.get("operation"), request.args.get("status")
        return [
            e.as_dict()
            for e in entries
            if (operation is None or e.operation == operation) and (status is None or e.status == status)
        ], 200

    def _requests_delete(self, request: Request) -> tuple[Any, int]:
        count = len(self.fake.journal)
        self.fake.journal.clear()
        return {"cleared": count}, 200

    def _faults_get(self, request: Request) -> tuple[Any, int]:
        return [f.as_dict() for f in self.fake.faults], 200

    def _faults_post(self, request: Request) -> tuple[Any, int]:
        body = _json_body(request)
        if "kind" not in body:
            raise AdminError(400, "missing field(s): kind")
        fault = self.fake.add_fault(**{k: v for k, v in body.items() if v is not None})
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
        f = _fields(
            request,
            {"operation": _STR, "respond": "", "when": "", "times": "", "status": _STR, "messages": ""},
            required=("operation",),
        )
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
    return Response(json.dumps(body, default=_plain) + "\n", status=status, content_type=JSON)
