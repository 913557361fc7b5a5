"""The records the store keeps.

Frozen dataclasses only, standard library only: the store replaces a record to change
it, so a record handed out (``fp.clients()``) never changes under the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fakeprojector.settings import Settings

TokenState = Literal["active", "revoked", "expired"]
#: An authorization code's state: not yet exchanged, exchanged once, or past its lifetime.
CodeState = Literal["unused", "used", "expired"]
TOKEN_STATES: tuple[TokenState, ...] = ("active", "revoked", "expired")
CODE_STATES: tuple[CodeState, ...] = ("unused", "used", "expired")


@dataclass(frozen=True)
class Account:
    code: str
    home_url: str | None = None


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str
    name: str = ""
    redirect_uris: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefreshToken:
    token: str
    client_id: str
    account: str | None = None
    revoked: bool = False
    issued_ns: int = 0
    expires_ns: int | None = None
    #: Fixtures only: a lifetime counted from each (re)load; the store sets ``expires_ns``.
    lifetime_ns: int | None = None
    #: The authorization code it was first issued for (RFC 6749 §4.1.2 replay revocation).
    from_code: str | None = None


@dataclass(frozen=True)
class AccessToken:
    token: str
    client_id: str
    account: str | None = None
    refresh_token: str | None = None
    revoked: bool = False
    issued_ns: int = 0
    expires_ns: int | None = None
    #: Fixtures only: a lifetime counted from each (re)load; the store sets ``expires_ns``.
    lifetime_ns: int | None = None
    from_code: str | None = None
    #: The last successful call made with it (its issue until then): the idle timeout
    #: counts from here, and ``expires_ns`` moves with it.
    last_used_ns: int = 0
    #: The ``users`` entry that opened it with ``PwsAuthenticate`` (``client_id`` is then ``""``).
    username: str | None = None


@dataclass(frozen=True)
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    account: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    issued_ns: int = 0
    expires_ns: int | None = None
    #: Fixtures only: a lifetime counted from each (re)load; the store sets ``expires_ns``.
    lifetime_ns: int | None = None
    used: bool = False


@dataclass(frozen=True)
class User:
    account: str
    username: str
    password: str


@dataclass(frozen=True)
class StubSpec:
    """A stub as a fixtures file or a test gives it, before the loaded contract checks it:
    what ``operation`` answers (``respond``), when (``when``), how often (``times``)."""

    operation: str
    respond: Mapping[str, Any] = field(default_factory=dict)
    when: Mapping[str, Any] = field(default_factory=dict)
    times: int | None = None
    status: str = "Ok"
    messages: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Fixtures:
    """A whole fixtures document, validated: what ``reset()`` returns the store to."""

    accounts: tuple[Account, ...] = ()
    clients: tuple[Client, ...] = ()
    refresh_tokens: tuple[RefreshToken, ...] = ()
    access_tokens: tuple[AccessToken, ...] = ()
    authorization_codes: tuple[AuthorizationCode, ...] = ()
    users: tuple[User, ...] = ()
    stubs: tuple[StubSpec, ...] = ()
    settings: Settings = field(default_factory=Settings)
    sources: tuple[str, ...] = ()
