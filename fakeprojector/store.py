"""The in-memory state of one fake: accounts, client apps, codes and tokens.

One :class:`threading.RLock` guards everything; :mod:`fakeprojector.rules` runs each
whole operation under it, so a code is consumed exactly once however many threads race.
:meth:`Store.reset` goes back to the loaded fixtures by rebuilding the same empty state
the constructor defines (moto's pattern), so "empty" has one definition. No XML, no HTTP.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from typing import Any

from fakeprojector.clock import AdjustableClock, TokenSource
from fakeprojector.contract import (
    CODE_CHALLENGE_RULE,
    PKCE_METHODS,
    is_code_challenge_form,
    is_refresh_token_form,
    parse_guid,
)
from fakeprojector.fixtures import FixturesSource, load_fixtures
from fakeprojector.records import (
    AccessToken,
    Account,
    AuthorizationCode,
    Client,
    CodeState,
    Fixtures,
    RefreshToken,
    TokenState,
    User,
)
from fakeprojector.settings import Settings


class SetupError(ValueError):
    """State the store refuses to take (an unknown client, a token of the wrong form, an
    unregistered ``redirect_uri``...): the Python API raises it, the admin API answers 400."""


class Store:
    """Accounts, clients, authorization codes and tokens, reset to loaded fixtures.

    ``clock`` and ``tokens`` are injected so tests control time and randomness.
    ``base_url`` is this fake's own address (set by the server once bound); an account
    whose ``home_url`` differs from it lives on another server.
    """

    def __init__(
        self,
        fixtures: FixturesSource | Sequence[FixturesSource] = None,
        *,
        clock: AdjustableClock | None = None,
        tokens: TokenSource | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock or AdjustableClock()
        self.tokens = tokens or TokenSource()
        self.base_url: str | None = None
        self.fixtures: Fixtures = load_fixtures(fixtures)
        if settings:
            self.fixtures = dataclasses.replace(
                self.fixtures, settings=self.fixtures.settings.replace(**settings)
            )
        self.reset()

    # --- lifecycle -----------------------------------------------------------------
    def _clear(self) -> None:
        """The one definition of an empty store."""
        self.settings: Settings = self.fixtures.settings
        self.accounts: dict[str, Account] = {}
        self.clients: dict[str, Client] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.users: dict[tuple[str, str], User] = {}
        self._secrets: tuple[str, ...] | None = None
        #: refresh token -> access tokens issued from it (revocation cascades) [choice].
        self.access_by_refresh: dict[str, list[str]] = {}
        #: authorization code -> tokens first issued for it (replay revocation).
        self.tokens_by_code: dict[str, list[str]] = {}

    def reset(self) -> None:
        """Back to the loaded fixtures: everything added since is gone."""
        with self.lock:
            self._clear()
            now = self.clock.time_ns()
            f = self.fixtures
            self.accounts = {a.code: a for a in f.accounts}
            self.clients = {c.client_id: c for c in f.clients}
            self.users = {(u.account.lower(), u.username.lower()): u for u in f.users}
            self._secrets = None
            for rt in f.refresh_tokens:
                self._put_refresh(_stamp(rt, now))
            for at in f.access_tokens:
                self._put_access(dataclasses.replace(_stamp(at, now), last_used_ns=now))
            for code in f.authorization_codes:
                if code.lifetime_ns is None:
                    code = dataclasses.replace(
                        code, lifetime_ns=round(self.settings.code_lifetime_seconds * 1e9)
                    )
                self.codes[code.code] = _stamp(code, now)

    def load(self, fixtures: FixturesSource | Sequence[FixturesSource]) -> None:
        """Replace the loaded fixtures (validated first: a bad file changes nothing)."""
        loaded = load_fixtures(fixtures)
        with self.lock:
            self.fixtures = loaded
            self.reset()

    def configure(self, **changes: Any) -> Settings:
        """Change settings until the next reset; :class:`~fakeprojector.settings.SettingsError`
        (a ``ValueError``) names a bad one and changes nothing."""
        with self.lock:
            self.settings = self.settings.replace(**changes)
            return self.settings

    # --- accounts ------------------------------------------------------------------
    def add_account(self, code: str, home_url: str | None = None) -> Account:
        account = Account(code=code, home_url=home_url.rstrip("/") if home_url else None)
        with self.lock:
            self.accounts[code] = account
        return account

    def account(self, code: str) -> Account | None:
        """The account called ``code``, whatever its case (sign-in names it as the user typed it)."""
        with self.lock:
            found = self.accounts.get(code)
            if found is None:
                found = next((a for a in self.accounts.values() if a.code.lower() == code.lower()), None)
            return found

    def remote_home(self, account: str | None) -> str | None:
        """The base URL of the server hosting ``account``, when that is not this one."""
        if account is None:
            return None
        record = self.accounts.get(account)
        if record is None or record.home_url is None:
            return None
        if self.base_url is not None and record.home_url == self.base_url.rstrip("/"):
            return None
        return record.home_url

    # --- clients -------------------------------------------------------------------
    def add_client(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        name: str = "",
        redirect_uris: Sequence[str] = (),
    ) -> Client:
        cid = parse_guid(client_id) if client_id is not None else self.tokens.guid()
        if cid is None:
            raise SetupError(f"client_id must be a GUID, not {client_id!r}")
        if client_secret is not None and not client_secret:
            raise SetupError("client_secret must not be empty")
        client = Client(
            client_id=cid,
            client_secret=client_secret or self.tokens.client_secret(),
            name=name,
            redirect_uris=tuple(redirect_uris),
        )
        with self.lock:
            self.clients[cid] = client
            self._secrets = None
        return client

    def client(self, client_id: str) -> Client | None:
        guid = parse_guid(client_id)
        return self.clients.get(guid) if guid else None

    def _require_client(self, client_id: str) -> Client:
        client = self.client(client_id)
        if client is None:
            raise SetupError(f"unknown client_id {client_id!r}: add it first")
        return client

    # --- refresh tokens ------------------------------------------------------------
    def _put_refresh(self, rt: RefreshToken) -> RefreshToken:
        self.refresh_tokens[rt.token] = rt
        if rt.from_code:
            self.tokens_by_code.setdefault(rt.from_code, []).append(rt.token)
        return rt

    def add_refresh_token(
        self,
        client_id: str,
        account: str | None = None,
        token: str | None = None,
        revoked: bool = False,
        expires_in_seconds: float | None = None,
        *,
        from_code: str | None = None,
    ) -> RefreshToken:
        """Issue a refresh token directly, as if a user had consented earlier."""
        if token is not None and not is_refresh_token_form(token):
            raise SetupError("token must be 20-512 URL-safe base64 characters")
        with self.lock:
            client = self._require_client(client_id)
            now = self.clock.time_ns()
            lifetime = expires_in_seconds
            if lifetime is None:
                lifetime = self.settings.refresh_token_lifetime_seconds
            rt = RefreshToken(
                token=token or self.tokens.refresh_token(),
                client_id=client.client_id,
                account=account,
                revoked=revoked,
                issued_ns=now,
                expires_ns=None if lifetime is None else now + round(lifetime * 1e9),
                from_code=from_code,
            )
            return self._put_refresh(rt)

    def refresh_token_with_state(self, token: str) -> tuple[RefreshToken, TokenState] | None:
        with self.lock:
            rt = self.refresh_tokens.get(token)
            return None if rt is None else (rt, _state(rt, self.clock.time_ns()))

    def refresh_token_state(self, token: str) -> TokenState | None:
        with self.lock:
            rt = self.refresh_tokens.get(token)
            return None if rt is None else _state(rt, self.clock.time_ns())

    def revoke_refresh_token(self, token: str) -> bool:
        """Revoke a refresh token and the access tokens issued from it [choice, RFC 7009]."""
        with self.lock:
            rt = self.refresh_tokens.get(token)
            if rt is None:
                return False
            if not rt.revoked:
                self.refresh_tokens[token] = dataclasses.replace(rt, revoked=True)
            for at in self.access_by_refresh.get(token, ()):
                self.revoke_access_token(at)
            return True

    # --- access tokens -------------------------------------------------------------
    def _put_access(self, at: AccessToken) -> AccessToken:
        self.access_tokens[at.token] = at
        if at.refresh_token:
            self.access_by_refresh.setdefault(at.refresh_token, []).append(at.token)
        if at.from_code:
            self.tokens_by_code.setdefault(at.from_code, []).append(at.token)
        return at

    def add_access_token(
        self,
        client_id: str,
        refresh_token: str | None = None,
        account: str | None = None,
        token: str | None = None,
        *,
        from_code: str | None = None,
    ) -> AccessToken:
        with self.lock:
            client = self._require_client(client_id)
            now = self.clock.time_ns()
            at = AccessToken(
                token=token or self.tokens.access_token(),
                client_id=client.client_id,
                account=account,
                refresh_token=refresh_token,
                issued_ns=now,
                expires_ns=self._access_expiry_ns(now),
                from_code=from_code,
                last_used_ns=now,
            )
            return self._put_access(at)

    def _access_expiry_ns(self, now: int) -> int:
        """When a session ticket issued at ``now`` expires (``ExpiresInSeconds`` later), for
        tickets from client apps and from sign-ins alike."""
        return now + self.settings.access_token_lifetime_seconds * 1_000_000_000

    def add_session(self, account: str, username: str) -> AccessToken:
        """A session ticket opened by a user's sign-in (``PwsAuthenticate``): no client app."""
        with self.lock:
            now = self.clock.time_ns()
            at = AccessToken(
                token=self.tokens.access_token(),
                client_id="",
                account=account,
                issued_ns=now,
                expires_ns=self._access_expiry_ns(now),
                last_used_ns=now,
                username=username,
            )
            return self._put_access(at)

    def access_token_with_state(self, token: str) -> tuple[AccessToken, TokenState] | None:
        with self.lock:
            at = self.access_tokens.get(token)
            return None if at is None else (at, self._access_state(at, self.clock.time_ns()))

    def access_token_state(self, token: str) -> TokenState | None:
        with self.lock:
            at = self.access_tokens.get(token)
            return None if at is None else self._access_state(at, self.clock.time_ns())

    def use_access_token(self, token: str) -> tuple[AccessToken, TokenState] | None:
        """The ticket's record and state, as :meth:`access_token_with_state`; an active one is
        used now, so its idle timeout (and ``expires_ns``) starts again [choice]."""
        with self.lock:
            at = self.access_tokens.get(token)
            if at is None:
                return None
            now = self.clock.time_ns()
            state = self._access_state(at, now)
            if state == "active":
                moved = None if at.expires_ns is None else at.expires_ns + (now - at.last_used_ns)
                at = self.access_tokens[token] = dataclasses.replace(at, last_used_ns=now, expires_ns=moved)
            return at, state

    def session_deadline(self, at: AccessToken) -> int:
        """When ``at`` expires unless used again: the earliest of ``expires_ns``, its last use
        plus ``TimeoutMinutes`` and its issue plus ``MaxLifetimeMinutes`` [choice]."""
        s = self.settings
        deadline = min(
            at.last_used_ns + s.timeout_minutes * _NS_PER_MINUTE,
            at.issued_ns + s.max_lifetime_minutes * _NS_PER_MINUTE,
        )
        return deadline if at.expires_ns is None else min(deadline, at.expires_ns)

    def _access_state(self, at: AccessToken, now_ns: int) -> TokenState:
        if at.revoked:
            return "revoked"
        return "expired" if now_ns >= self.session_deadline(at) else "active"

    def revoke_access_token(self, token: str) -> None:
        with self.lock:
            at = self.access_tokens.get(token)
            if at is not None and not at.revoked:
                self.access_tokens[token] = dataclasses.replace(at, revoked=True)

    # --- authorization codes -------------------------------------------------------
    def add_authorization_code(
        self,
        client_id: str,
        redirect_uri: str,
        account: str | None = None,
        code_challenge: str | None = None,
        code_challenge_method: str | None = None,
        code: str | None = None,
    ) -> AuthorizationCode:
        """Record a consent, as the browser flow would, and return the code."""
        if code_challenge_method is not None and code_challenge_method not in PKCE_METHODS:
            raise SetupError(f"code_challenge_method must be one of {PKCE_METHODS}")
        if code_challenge_method is not None and not code_challenge:
            raise SetupError("code_challenge_method needs a code_challenge")
        if code_challenge and not is_code_challenge_form(code_challenge):
            raise SetupError(f"code_challenge {CODE_CHALLENGE_RULE}")
        with self.lock:
            client = self._require_client(client_id)
            if client.redirect_uris and redirect_uri not in client.redirect_uris:
                raise SetupError(
                    f"redirect_uri {redirect_uri!r} is not registered for client {client.client_id}"
                )
            now = self.clock.time_ns()
            record = AuthorizationCode(
                code=code or self.tokens.authorization_code(),
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                account=account,
                code_challenge=code_challenge or None,
                code_challenge_method=(code_challenge_method or "plain") if code_challenge else None,
                issued_ns=now,
                expires_ns=now + round(self.settings.code_lifetime_seconds * 1e9),
            )
            self.codes[record.code] = record
            return record

    def mark_code_used(self, code: str) -> None:
        with self.lock:
            self.codes[code] = dataclasses.replace(self.codes[code], used=True)

    def revoke_tokens_of_code(self, code: str) -> None:
        """RFC 6749 §4.1.2: a replayed code revokes what was first issued for it."""
        with self.lock:
            for token in self.tokens_by_code.get(code, ()):
                if token in self.refresh_tokens:
                    self.revoke_refresh_token(token)
                else:
                    self.revoke_access_token(token)

    def code_state(self, code: AuthorizationCode) -> CodeState:
        """``used`` once exchanged, else ``expired`` past its lifetime, else ``unused``."""
        if code.used:
            return "used"
        if code.expires_ns is not None and self.clock.time_ns() >= code.expires_ns:
            return "expired"
        return "unused"

    # --- users ---------------------------------------------------------------------
    def user(self, account: str, username: str) -> User | None:
        return self.users.get((account.lower(), username.lower()))

    def account_code(self, code: str) -> str | None:
        """The account's code as it was added (matched without case, as the consent page
        matches it), or ``None``."""
        with self.lock:
            for known in self.accounts:
                if known.lower() == code.lower():
                    return known
        return None

    def add_user(self, account: str, username: str, password: str) -> User:
        """A user who can sign in on ``account``'s consent page; the same username (without
        case) on that account is replaced. The account must exist: a user of an unknown
        account could never sign in, so it is refused rather than kept in silence."""
        if not username:
            raise SetupError("username must not be empty")
        if not password:
            raise SetupError("password must not be empty")
        with self.lock:
            known = self.account_code(account)
            if known is None:
                raise SetupError(f"unknown account {account!r}: add it first (add_account, POST accounts)")
            user = User(account=known, username=username, password=password)
            self.users[(known.lower(), username.lower())] = user
            self._secrets = None
            return user

    def secret_values(self) -> list[str]:
        """Every client secret and user password: what a journaled body must never show,
        wherever a client put it."""
        with self.lock:
            return [c.client_secret for c in self.clients.values()] + [
                u.password for u in self.users.values()
            ]

    def users_of(self, account: str) -> list[User]:
        """The users who can sign in on ``account`` (without case), in the order added."""
        with self.lock:
            return [u for (acc, _), u in self.users.items() if acc == account.lower()]

    # --- summaries -----------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """How many records of each kind, and how many tokens are active."""
        with self.lock:
            now = self.clock.time_ns()
            return {
                "clients": len(self.clients),
                "accounts": len(self.accounts),
                "authorization_codes": len(self.codes),
                "refresh_tokens": len(self.refresh_tokens),
                "refresh_tokens_active": sum(
                    _state(t, now) == "active" for t in self.refresh_tokens.values()
                ),
                "access_tokens": len(self.access_tokens),
                "access_tokens_active": sum(
                    self._access_state(t, now) == "active" for t in self.access_tokens.values()
                ),
            }


_NS_PER_MINUTE = 60_000_000_000


def _state(record: RefreshToken, now_ns: int) -> TokenState:
    if record.revoked:
        return "revoked"
    if record.expires_ns is not None and now_ns >= record.expires_ns:
        return "expired"
    return "active"


def _stamp(record: Any, now_ns: int) -> Any:
    """A fixtures record as issued now: its lifetime counts from this (re)load."""
    lifetime = record.lifetime_ns
    return dataclasses.replace(
        record,
        issued_ns=now_ns,
        expires_ns=None if lifetime is None else now_ns + lifetime,
    )
