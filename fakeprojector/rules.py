"""The OAuth rules of the two operations, and :data:`OPERATIONS`, the registry of every
operation the fake implements. Free of XML and HTTP.

Every rule has one signature, ``rule(store, request, context) -> outcome``: the store, a
plain request dataclass, and the :class:`CallContext` of the call; it returns an outcome
dataclass or raises :class:`~fakeprojector.errors.OAuthError`. Checks run in the documented order (docs/behaviour.md):
(1) common shape, (2) supported token/grant type, (3) grant-dependent shape, (4) client,
(5) grant; the first failing step answers, with one message. Each call runs whole under
the store lock, so a code is consumed at most once however many requests race.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from fakeprojector import errors
from fakeprojector.contract import (
    ACQUIRE,
    GRANT_CODE,
    GRANT_REFRESH_TOKEN,
    REQUEST_BASE,
    REQUEST_FIELDS,
    RESULT_FIELDS,
    REVOKE,
    TOKEN_TYPE_REFRESH,
    Fields,
    is_refresh_token_form,
    snake,
)
from fakeprojector.errors import OAuthError
from fakeprojector.pkce import s256
from fakeprojector.records import AuthorizationCode, Client, RefreshToken
from fakeprojector.store import Store


@dataclass(frozen=True)
class CallContext:
    """What a rule may know of the call besides its request: ``authority`` is the base URL
    the client reached the fake through (its ``Host``), for the service authorities."""

    authority: str | None = None


@dataclass(frozen=True)
class RevokeRequest:
    """``PwsRevokeOauth2RefreshTokenRq``: ``None`` is absent or nil, ``""`` is empty."""

    request_id: int | None = None
    session_ticket: str | None = None
    client_identifier: str | None = None
    client_secret: str | None = None
    token: str | None = None
    token_type: str | None = None


@dataclass(frozen=True)
class AcquireRequest:
    """``PwsAcquireOauth2TokenRq``."""

    request_id: int | None = None
    session_ticket: str | None = None
    client_identifier: str | None = None
    client_secret: str | None = None
    code: str | None = None
    code_verifier: str | None = None
    grant_type: str | None = None
    redirect_uri: str | None = None
    refresh_token: str | None = None


@dataclass(frozen=True)
class RevokeOutcome:
    """Success; ``redirect_url`` set when the token's account lives on another server."""

    redirect_url: str | None = None


@dataclass(frozen=True)
class AcquireOutcome:
    """Success (tokens set) or a redirect to the account's server (only ``redirect_url``)."""

    access_token: str | None = None
    expires_in_seconds: int = 0
    max_lifetime_minutes: int = 0
    redirect_url: str | None = None
    refresh_token: str | None = None
    rest_service_authority: str | None = None
    soap_service_authority: str | None = None
    timeout_minutes: int = 0
    token_type: str | None = None


def _blank(value: str | None) -> bool:
    return value is None or value == ""


def _shape_error(context: str, missing: list[str], improper: list[str]) -> OAuthError | None:
    """50632 listing every offending name of one check step, comma-and-space separated."""
    if not missing and not improper:
        return None
    return OAuthError(
        errors.OAUTH_INVALID_REQUEST,
        {"Context": context, "Missing": ", ".join(missing), "Improper": ", ".join(improper)},
    )


def _check_client(store: Store, client_identifier: str, client_secret: str) -> Client:
    """50630 for a non-GUID, unknown id or wrong secret.

    The secret is compared in constant time over fixed-length digests, so neither its
    length nor whether the client exists shows in the time taken.
    """
    client = store.client(client_identifier)
    expected = hashlib.sha256((client.client_secret if client else "").encode()).digest()
    secret_ok = hmac.compare_digest(expected, hashlib.sha256(client_secret.encode()).digest())
    if client is None or not secret_ok:
        raise OAuthError(errors.OAUTH_INVALID_CLIENT)
    return client


def revoke(store: Store, req: RevokeRequest, context: CallContext | None = None) -> RevokeOutcome:
    """RFC 7009 revocation: success for any well-formed token; only the caller's active
    token changes, and its access tokens end with it [doc, choice]."""
    missing = [
        name
        for name, value in (
            ("ClientIdentifier", req.client_identifier),
            ("ClientSecret", req.client_secret),
            ("Token", req.token),
        )
        if _blank(value)
    ]
    improper = [] if _blank(req.session_ticket) else ["SessionTicket"]
    if not _blank(req.token) and not is_refresh_token_form(req.token or ""):
        improper.append("Token")
    error = _shape_error(REVOKE, missing, improper)
    if error:
        raise error
    if not _blank(req.token_type) and req.token_type != TOKEN_TYPE_REFRESH:
        raise OAuthError(errors.OAUTH_UNSUPPORTED_TOKEN_TYPE, {"TokenType": req.token_type or ""})
    with store.lock:  # the shape check above guarantees the three strings are non-empty
        client = _check_client(store, req.client_identifier or "", req.client_secret or "")
        rt = store.refresh_tokens.get(req.token or "")
        if rt is None or rt.client_id != client.client_id:
            return RevokeOutcome()  # unknown or another client's: success, nothing changes
        home = store.remote_home(rt.account)
        if home is not None:
            return RevokeOutcome(redirect_url=home)
        store.revoke_refresh_token(rt.token)
        return RevokeOutcome()


def acquire(store: Store, req: AcquireRequest, context: CallContext | None = None) -> AcquireOutcome:
    """Exchange an authorization code or a refresh token for a session ticket.

    ``RestServiceAuthority``/``SoapServiceAuthority`` name ``context.authority`` (the
    address the client used), else the bound address.
    """
    authority = context.authority if context is not None else None
    missing = [
        name
        for name, value in (
            ("ClientIdentifier", req.client_identifier),
            ("ClientSecret", req.client_secret),
            ("GrantType", req.grant_type),
        )
        if _blank(value)
    ]
    error = _shape_error(ACQUIRE, missing, [] if _blank(req.session_ticket) else ["SessionTicket"])
    if error:
        raise error
    if req.grant_type not in (GRANT_CODE, GRANT_REFRESH_TOKEN):
        raise OAuthError(errors.OAUTH_UNSUPPORTED_GRANT_TYPE, {"GrantType": req.grant_type or ""})
    if req.grant_type == GRANT_CODE:
        missing = [n for n, v in (("Code", req.code), ("RedirectUri", req.redirect_uri)) if _blank(v)]
        improper: list[str] = []
    else:
        missing = [] if not _blank(req.refresh_token) else ["RefreshToken"]
        improper = [n for n, v in (("Code", req.code), ("CodeVerifier", req.code_verifier)) if not _blank(v)]
    error = _shape_error(ACQUIRE, missing, improper)
    if error:
        raise error
    with store.lock:
        client = _check_client(store, req.client_identifier or "", req.client_secret or "")
        if req.grant_type == GRANT_CODE:
            return _exchange_code(store, client, req, authority)
        return _refresh(store, client, req, authority)


def _pkce_ok(code: AuthorizationCode, verifier: str) -> bool:
    if code.code_challenge_method == "S256":
        computed = s256(verifier)
    else:
        computed = verifier
    return hmac.compare_digest(computed.encode(), (code.code_challenge or "").encode())


def _exchange_code(
    store: Store, client: Client, req: AcquireRequest, authority: str | None
) -> AcquireOutcome:
    code = store.codes.get(req.code or "")
    if code is None:
        raise errors.invalid_grant("code_unknown")
    if code.client_id != client.client_id:
        raise errors.invalid_grant("code_other_client")
    home = store.remote_home(code.account)
    if home is not None:
        return AcquireOutcome(redirect_url=home)  # nothing consumed [doc]
    if code.used:
        store.revoke_tokens_of_code(code.code)
        raise errors.invalid_grant("code_used")
    if code.expires_ns is not None and store.clock.time_ns() >= code.expires_ns:
        raise errors.invalid_grant("code_expired")
    if req.redirect_uri != code.redirect_uri:
        raise errors.invalid_grant("redirect_uri_mismatch")
    if code.code_challenge:
        if _blank(req.code_verifier):
            raise errors.invalid_grant("verifier_missing")
        if not _pkce_ok(code, req.code_verifier or ""):
            raise errors.invalid_grant("verifier_mismatch")
    store.mark_code_used(code.code)
    rt = store.add_refresh_token(client.client_id, account=code.account, from_code=code.code)
    return _issue(store, client, rt, code.code, authority)


def _refresh(store: Store, client: Client, req: AcquireRequest, authority: str | None) -> AcquireOutcome:
    rt = store.refresh_tokens.get(req.refresh_token or "")
    if rt is None:
        raise errors.invalid_grant("refresh_unknown")
    if rt.client_id != client.client_id:
        raise errors.invalid_grant("refresh_other_client")
    home = store.remote_home(rt.account)
    if home is not None:
        return AcquireOutcome(redirect_url=home)
    state = store.refresh_token_state(rt.token)
    if state == "revoked":
        raise errors.invalid_grant("refresh_revoked")
    if state == "expired":
        raise errors.invalid_grant("refresh_expired")
    if store.settings.rotate_refresh_tokens:
        store.refresh_tokens[rt.token] = dataclasses.replace(rt, revoked=True)
        rt = store.add_refresh_token(client.client_id, account=rt.account)
    return _issue(store, client, rt, None, authority)


def _issue(
    store: Store, client: Client, rt: RefreshToken, from_code: str | None, authority: str | None
) -> AcquireOutcome:
    at = store.add_access_token(
        client.client_id, refresh_token=rt.token, account=rt.account, from_code=from_code
    )
    s = store.settings
    base = authority or store.base_url
    return AcquireOutcome(
        access_token=at.token,
        expires_in_seconds=s.access_token_lifetime_seconds,
        max_lifetime_minutes=s.max_lifetime_minutes,
        redirect_url=None,
        refresh_token=rt.token,
        rest_service_authority=base,
        soap_service_authority=base,
        timeout_minutes=s.timeout_minutes,
        token_type=s.token_type,
    )


# --- the registry ---------------------------------------------------------------------
Rule = Callable[[Store, Any, CallContext], Any]


@dataclass(frozen=True, eq=False)  # identity: one entry per operation, a cheap dict key
class Operation:
    """One implemented operation: its wire fields (from :mod:`fakeprojector.contract`), the
    rule's request and outcome dataclasses, and the rule. The SOAP models, the service's
    methods, the mapping between them, fault targets and the coverage list are all derived
    from :data:`OPERATIONS`; adding an operation is one entry here plus its fields in contract."""

    name: str
    request_fields: Fields
    result_fields: Fields
    request_type: type
    outcome_type: type
    rule: Rule

    def __post_init__(self) -> None:
        wire = {snake(n) for n, _ in (*REQUEST_BASE, *self.request_fields)}
        own = {f.name for f in fields(self.request_type)}
        if wire != own:  # a field list and its dataclass that disagree would drop values silently
            raise TypeError(
                f"{self.name}: request fields {sorted(wire ^ own)} differ from {self.request_type.__name__}"
            )
        results = {snake(n) for n, _ in self.result_fields}
        outcome = {f.name for f in fields(self.outcome_type)}
        if results != outcome:
            raise TypeError(
                f"{self.name}: result fields {sorted(results ^ outcome)} differ from {self.outcome_type.__name__}"
            )


OPERATIONS: dict[str, Operation] = {
    REVOKE: Operation(
        REVOKE, REQUEST_FIELDS[REVOKE], RESULT_FIELDS[REVOKE], RevokeRequest, RevokeOutcome, revoke
    ),
    ACQUIRE: Operation(
        ACQUIRE, REQUEST_FIELDS[ACQUIRE], RESULT_FIELDS[ACQUIRE], AcquireRequest, AcquireOutcome, acquire
    ),
}
