"""The JSON admin API under ``/_fakeprojector/``: set up, inspect and break a running fake.

Every answer is JSON, errors included (``{"message": ...}`` with a 4xx status, never an
HTML page). Only loopback callers are answered unless an admin token is set; then any
caller must send ``Authorization: Bearer <token>`` (compared in constant time). Admin calls
are not journaled. Each handler uses the same operation ``FakeProjector`` offers in Python.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.wrappers import Request, Response

from fakeprojector.contract import SERVICE_PATH
from fakeprojector.records import AuthorizationCode, Client, RefreshToken
from fakeprojector.version import __version__

if TYPE_CHECKING:
    from fakeprojector.server import FakeProjector

log = logging.getLogger("fakeprojector.admin")
PREFIX = "/_fakeprojector"
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

_ROUTES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/", "index", ("GET",)),
    ("/health", "health", ("GET",)),
    ("/reset", "reset", ("POST",)),
    ("/settings", "settings", ("GET", "POST")),
    ("/accounts", "accounts", ("GET", "POST")),
    ("/clients", "clients", ("GET", "POST")),
    ("/refresh-tokens", "refresh_tokens", ("POST",)),
    ("/refresh-tokens/<token:token>", "refresh_token", ("GET",)),
    ("/access-tokens/<token:token>", "access_token", ("GET",)),
    ("/authorization-codes", "authorization_codes", ("POST",)),
    ("/requests", "requests", ("GET", "DELETE")),
    ("/faults", "faults", ("GET", "POST", "DELETE")),
    ("/faults/<int:fault_id>", "fault", ("GET", "DELETE")),
)


class _TokenConverter(BaseConverter):
    """A whole token as one path value: session tickets are base64, so they may hold ``/``,
    start with it, or hold ``//`` (werkzeug's ``path`` converter refuses a leading slash)."""

    regex = ".+"
    part_isolating = False


def _loggable(path: str) -> str:
    """``path`` as the log shows it: a token in it only by a short prefix."""
    for kind in ("/refresh-tokens/", "/access-tokens/"):
        head, sep, token = path.partition(kind)
        if sep and token:
            return f"{head}{sep}{token[:6]}..."
    return path


def _display(path: str) -> str:
    """``/faults/<int:fault_id>`` -> ``/faults/{fault_id}``."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


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
    """The admin API of one :class:`~fakeprojector.server.FakeProjector`, a WSGI-free
    ``Request -> Response`` callable the app mounts under ``/_fakeprojector/``."""

    def __init__(self, fake: FakeProjector, token: str | None = None) -> None:
        self.fake = fake
        self.token = token or None
        self.map = Map(
            [Rule(PREFIX + path, endpoint=name, methods=list(methods)) for path, name, methods in _ROUTES],
            strict_slashes=False,
            merge_slashes=False,
            converters={"token": _TokenConverter},
        )

    def __call__(self, request: Request) -> Response:
        try:
            self._authorize(request)
            adapter = self.map.bind_to_environ(request.environ)
            endpoint, values = adapter.match()
            handler: Handler = getattr(self, f"_{endpoint}_{request.method.lower()}", None) or getattr(
                self, f"_{endpoint}_get"
            )  # HEAD is served as GET
            body, status = handler(request, **values)
            response = _json(body, status)
        except AdminError as exc:
            response = _json({"message": exc.message}, exc.status)
            if exc.status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="fakeprojector"'
        except MethodNotAllowed as exc:
            allowed = sorted(exc.valid_methods or ())
            response = _json(
                {"message": f"{request.method} is not allowed here; use {', '.join(allowed)}"}, 405
            )
            response.headers["Allow"] = ", ".join(allowed)
        except NotFound:
            response = _json({"message": f"no admin endpoint {request.path}; GET {PREFIX}/ lists them"}, 404)
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
        endpoints = [f"{m} {PREFIX}{_display(p)}" for p, _, methods in _ROUTES if p != "/" for m in methods]
        return {"service": "fakeprojector admin API", "endpoints": endpoints}, 200

    def _health_get(self, request: Request) -> tuple[Any, int]:
        base = request.host_url.rstrip("/")
        return {
            "status": "ok",
            "version": __version__,
            "url": base + SERVICE_PATH,
            "wsdl_url": base + SERVICE_PATH + "?wsdl",
            "admin_url": base + PREFIX + "/",
            "fixtures": list(self.fake.store.fixtures.sources),
            "counts": self.fake.store.counts(),
            "journal_entries": len(self.fake.journal),
            "faults": len(self.fake.faults),
        }, 200

    def _reset_post(self, request: Request) -> tuple[Any, int]:
        self.fake.reset()
        return {"status": "reset", "counts": self.fake.store.counts()}, 200

    def _settings_get(self, request: Request) -> tuple[Any, int]:
        return self.fake.settings.as_dict(), 200

    def _settings_post(self, request: Request) -> tuple[Any, int]:
        changes = _fields(request, dict.fromkeys(self.fake.settings.as_dict(), ""))
        try:
            return self.fake.configure(**changes).as_dict(), 200
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None

    def _accounts_get(self, request: Request) -> tuple[Any, int]:
        with self.fake.store.lock:
            accounts = list(self.fake.store.accounts.values())
        return [{"code": a.code, "home_url": a.home_url} for a in accounts], 200

    def _accounts_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, {"code": _STR, "home_url": _STR}, required=("code",))
        account = self.fake.add_account(f["code"], f.get("home_url"))
        return {"code": account.code, "home_url": account.home_url}, 201

    def _clients_get(self, request: Request) -> tuple[Any, int]:
        return [client_json(c) for c in self.fake.clients()], 200

    def _clients_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(request, {"client_id": _STR, "client_secret": _STR, "name": _STR, "redirect_uris": _LIST})
        try:
            client = self.fake.add_client(
                f.get("client_id"), f.get("client_secret"), f.get("name", ""), f.get("redirect_uris", ())
            )
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
        return client_json(client), 201

    def _refresh_tokens_post(self, request: Request) -> tuple[Any, int]:
        f = _fields(
            request,
            {"client_id": _STR, "account": _STR, "token": _STR, "revoked": _BOOL, "expires_in_seconds": _NUM},
            required=("client_id",),
        )
        try:
            rt = self.fake.add_refresh_token(
                f["client_id"],
                f.get("account"),
                f.get("token"),
                f.get("revoked", False),
                f.get("expires_in_seconds"),
            )
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
        return refresh_token_json(rt, self.fake.token_state(rt.token)), 201

    def _refresh_token_get(self, request: Request, token: str) -> tuple[Any, int]:
        store = self.fake.store
        with store.lock:
            rt = store.refresh_tokens.get(token)
            state = store.refresh_token_state(token)
        if rt is None:
            raise AdminError(404, "unknown refresh token")
        return refresh_token_json(rt, state), 200

    def _access_token_get(self, request: Request, token: str) -> tuple[Any, int]:
        store = self.fake.store
        with store.lock:
            at = store.access_tokens.get(token)
            state = store.access_token_state(token)
        if at is None:
            raise AdminError(404, "unknown access token")
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
        try:
            code = self.fake.store.add_authorization_code(
                f["client_id"],
                f["redirect_uri"],
                f.get("account"),
                f.get("code_challenge"),
                f.get("code_challenge_method"),
                f.get("code"),
            )
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
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
        try:
            fault = self.fake.add_fault(**{k: v for k, v in body.items() if v is not None})
        except (TypeError, ValueError) as exc:
            raise AdminError(400, str(exc)) from None
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


def _json(body: Any, status: int) -> Response:
    return Response(json.dumps(body) + "\n", status=status, content_type=JSON)
