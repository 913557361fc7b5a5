"""Session tickets on the operations of a loaded WSDL, and the vendor's user sign-in: the rules.

Free of XML and HTTP, like :mod:`fakeprojector.rules`. Every operation whose request carries
``SessionTicket`` (all 147 of the 2019 snapshot but ``PwsAuthenticate``, which opens one)
runs :func:`check_ticket` first: the ticket must be an access token of the store (issued by
``PwsAcquireOauth2Token`` or ``PwsAuthenticate``, or added through fixtures, the Python or the
admin API) that is active, and its account must live on this server. A successful check is a
use: the ticket's idle timeout starts again (:meth:`Store.use_access_token`). The fake's clock
drives all of it [doc fields; choice that the fake enforces them].
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

from fakeprojector import errors
from fakeprojector.errors import OAuthError
from fakeprojector.records import AccessToken
from fakeprojector.store import Store

#: Why a ticket was refused, as the journal's ``extra`` says it.
MISSING: Final = "missing"
UNKNOWN: Final = "unknown"
OTHER_SERVER: Final = "other server"


class SessionInvalid(Exception):
    """A ticket that cannot be used: answered ``FailSessionInvalid`` with ``entry`` [choice]."""

    def __init__(self, entry: errors.CatalogueEntry, reason: str) -> None:
        super().__init__(f"{entry.number} {entry.code}: {reason}")
        self.entry, self.reason = entry, reason


def check_ticket(store: Store, ticket: str | None) -> AccessToken:
    """The ticket's record, now used; :class:`SessionInvalid` when it is missing (absent, nil
    or empty), unknown, revoked, expired (idle past ``TimeoutMinutes``, past
    ``MaxLifetimeMinutes`` or ``ExpiresInSeconds`` since its last use) or of an account that
    lives on another server (the 10004 text: "the correct instance of Projector")."""
    entry = errors.SESSION_ERRORS[store.settings.session_error]
    if not ticket:
        raise SessionInvalid(entry, MISSING)
    with store.lock:
        found = store.use_access_token(ticket)
        if found is None:
            raise SessionInvalid(entry, UNKNOWN)
        at, state = found
        if state != "active":
            raise SessionInvalid(entry, state)
        if store.remote_home(at.account) is not None:
            raise SessionInvalid(entry, OTHER_SERVER)
        return at


@dataclass(frozen=True)
class AuthenticateRequest:
    """The members of ``PwsAuthenticateRq`` the sign-in reads (``None``: absent or nil)."""

    account_code: str | None = None
    user_name: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class AuthenticateOutcome:
    """A new session (``session_ticket``, the account and user), or only ``redirect_url``
    when the account lives on another server [doc: as the OAuth operations]."""

    session_ticket: str | None = None
    account_code: str | None = None
    user_name: str | None = None
    redirect_url: str | None = None


def authenticate(store: Store, req: AuthenticateRequest) -> AuthenticateOutcome:
    """``PwsAuthenticate``: a ``users`` entry of the account signs in (names without case,
    the password compared in constant time); else :class:`OAuthError` INVALID_CREDENTIALS."""
    with store.lock:
        account = store.account(req.account_code) if req.account_code else None
        home = store.remote_home(account.code) if account is not None else None
        if home is not None:
            return AuthenticateOutcome(redirect_url=home)
        user = store.user(account.code, req.user_name or "") if account is not None else None
        expected = hashlib.sha256((user.password if user else "").encode()).digest()
        given = hashlib.sha256((req.password or "").encode()).digest()
        if user is None or not hmac.compare_digest(expected, given) or not req.password:
            raise OAuthError(errors.INVALID_CREDENTIALS)
        at = store.add_session(user.account, user.username)
        return AuthenticateOutcome(at.token, user.account, user.username)


def unauthenticate(store: Store, session: AccessToken) -> None:
    """``PwsUnauthenticate``: the (checked) session ends; its ticket is revoked."""
    store.revoke_access_token(session.token)
