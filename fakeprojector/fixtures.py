"""Reading and validating fixtures files (JSON) into :class:`~fakeprojector.records.Fixtures`.

A bad file fails at load, never at the first request, with a message that names the
file, the entry and the field: ``fixtures/x.json: clients[1] (client_id '...'): field
'client_secret': must be a non-empty string``. Several files merge in order; an id
defined twice is an error. Standard library only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from fakeprojector.contract import (
    CODE_CHALLENGE_RULE,
    PKCE_METHODS,
    is_code_challenge_form,
    is_refresh_token_form,
    parse_guid,
)
from fakeprojector.records import (
    AccessToken,
    Account,
    AuthorizationCode,
    Client,
    Fixtures,
    RefreshToken,
    StubSpec,
    User,
)
from fakeprojector.settings import Settings, SettingsError, settings_from

FixturesSource = Union[str, "os.PathLike[str]", Mapping[str, Any], Fixtures, None]

DEFAULT_FIXTURES = Path(__file__).resolve().parent / "data" / "default.json"
SECTIONS = (
    "accounts",
    "clients",
    "refresh_tokens",
    "access_tokens",
    "authorization_codes",
    "users",
    "stubs",
    "settings",
)


class FixtureError(ValueError):
    """A fixtures document that cannot be loaded; the message names file, entry and field."""

    def __init__(self, source: str, entry: str | None, field: str | None, problem: str) -> None:
        self.source, self.entry, self.field, self.problem = source, entry, field, problem
        where = source
        if entry:
            where += f": {entry}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {problem}")


class _Entry:
    """Typed accessors over one JSON object that raise :class:`FixtureError` with context."""

    def __init__(self, source: str, label: str, raw: Any, allowed: Iterable[str]) -> None:
        self.source, self.label = source, label
        if not isinstance(raw, dict):
            raise FixtureError(source, label, None, f"must be a JSON object, not {_kind(raw)}")
        self.raw = raw
        unknown = sorted(set(raw) - set(allowed))
        if unknown:
            raise FixtureError(source, label, unknown[0], f"unknown field (allowed: {', '.join(allowed)})")

    def fail(self, name: str, problem: str) -> FixtureError:
        return FixtureError(self.source, self.label, name, problem)

    def string(self, name: str, *, required: bool = False, default: str | None = None) -> Any:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return default
        if not isinstance(value, str) or (required and not value):
            raise self.fail(name, f"must be a non-empty string, not {_kind(value)}")
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"must be true or false, not {_kind(value)}")
        return value

    def number(self, name: str, default: float | None = None) -> float | None:
        value = self.raw.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.fail(name, f"must be a non-negative number, not {_kind(value)}")
        return float(value)

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(name, "must be a list of non-empty strings")
        return tuple(value)


def _kind(value: Any) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r}"[:80]


def _label(section: str, index: int, raw: Any, key: str) -> str:
    if isinstance(raw, dict) and isinstance(raw.get(key), str):
        return f"{section}[{index}] ({key} '{raw[key]}')"
    return f"{section}[{index}]"


def _guid(e: _Entry, name: str) -> str:
    value = e.string(name, required=True)
    guid = parse_guid(value)
    if guid is None:
        raise e.fail(name, f"must be a GUID like 24748faf-e239-d132-167a-6e4d3e1bd0fb, not {value!r}")
    return guid


def validate_settings(raw: Any, where: str) -> Settings:
    """Check a fixtures file's ``settings`` object and build :class:`Settings` from it
    and the defaults; a problem names the file and the setting."""
    if not isinstance(raw, dict):
        raise FixtureError(where, "settings", None, f"must be a JSON object, not {_kind(raw)}")
    try:
        return settings_from(raw)
    except SettingsError as exc:
        raise FixtureError(where, "settings", exc.setting, exc.problem) from None


def _parse_document(doc: Any, source: str) -> dict[str, list[Any]]:
    if not isinstance(doc, dict):
        raise FixtureError(source, None, None, f"must hold a JSON object, not {_kind(doc)}")
    unknown = sorted(set(doc) - set(SECTIONS) - {"$schema", "description"})
    if unknown:
        raise FixtureError(source, unknown[0], None, f"unknown section (known: {', '.join(SECTIONS)})")
    out: dict[str, list[Any]] = {s: [] for s in SECTIONS if s != "settings"}
    for section in out:
        items = doc.get(section, [])
        if not isinstance(items, list):
            raise FixtureError(source, section, None, f"must be a list, not {_kind(items)}")
        for i, raw in enumerate(items):
            label = _label(section, i, raw, _KEYS[section])
            out[section].append(_PARSERS[section](_Entry(source, label, raw, _FIELDS[section])))
    return out


def _account(e: _Entry) -> Account:
    home = e.string("home_url")
    if home is not None and not home.startswith(("http://", "https://")):
        raise e.fail("home_url", f"must be an http(s) base URL, not {home!r}")
    return Account(code=e.string("code", required=True), home_url=home.rstrip("/") if home else None)


def _client(e: _Entry) -> Client:
    return Client(
        client_id=_guid(e, "client_id"),
        client_secret=e.string("client_secret", required=True),
        name=e.string("name", default=""),
        redirect_uris=e.strings("redirect_uris"),
    )


def _refresh(e: _Entry) -> RefreshToken:
    token = e.string("token", required=True)
    if not is_refresh_token_form(token):
        raise e.fail("token", "must be 20-512 URL-safe base64 characters (A-Z a-z 0-9 - _)")
    lifetime = e.number("expires_in_seconds")
    return RefreshToken(
        token=token,
        client_id=_guid(e, "client_id"),
        account=e.string("account"),
        revoked=e.boolean("revoked"),
        lifetime_ns=None if lifetime is None else round(lifetime * 1e9),
    )


def _access(e: _Entry) -> AccessToken:
    lifetime = e.number("expires_in_seconds")
    return AccessToken(
        token=e.string("token", required=True),
        client_id=_guid(e, "client_id"),
        account=e.string("account"),
        refresh_token=e.string("refresh_token"),
        revoked=e.boolean("revoked"),
        lifetime_ns=None if lifetime is None else round(lifetime * 1e9),
    )


def _code(e: _Entry) -> AuthorizationCode:
    method = e.string("code_challenge_method")
    challenge = e.string("code_challenge")
    if method is not None and method not in PKCE_METHODS:
        raise e.fail("code_challenge_method", f"must be one of {', '.join(PKCE_METHODS)}")
    if method is not None and challenge is None:
        raise e.fail("code_challenge", "is required with code_challenge_method")
    if challenge is not None and not is_code_challenge_form(challenge):
        raise e.fail("code_challenge", CODE_CHALLENGE_RULE)
    lifetime = e.number("expires_in_seconds")
    return AuthorizationCode(
        code=e.string("code", required=True),
        client_id=_guid(e, "client_id"),
        redirect_uri=e.string("redirect_uri", required=True),
        account=e.string("account"),
        code_challenge=challenge,
        code_challenge_method=(method or "plain") if challenge else None,
        lifetime_ns=None if lifetime is None else round(lifetime * 1e9),
    )


def _stub(e: _Entry) -> StubSpec:
    """A stub's shape; what it says is checked against the loaded WSDL by the backend."""
    for name in ("respond", "when"):
        if not isinstance(e.raw.get(name, {}), dict):
            raise e.fail(name, f"must be a JSON object, not {_kind(e.raw[name])}")
    times = e.raw.get("times")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise e.fail("times", f"must be a whole number >= 1 or null, not {_kind(times)}")
    messages = e.raw.get("messages", [])
    if not isinstance(messages, list):
        raise e.fail("messages", f"must be a list, not {_kind(messages)}")
    return StubSpec(
        operation=e.string("operation", required=True),
        respond=e.raw.get("respond", {}),
        when=e.raw.get("when", {}),
        times=times,
        status=e.string("status", default="Ok"),
        messages=tuple(messages),
    )


def _user(e: _Entry) -> User:
    return User(
        account=e.string("account", required=True),
        username=e.string("username", required=True),
        password=e.string("password", required=True),
    )


_PARSERS: dict[str, Any] = {
    "accounts": _account,
    "clients": _client,
    "refresh_tokens": _refresh,
    "access_tokens": _access,
    "authorization_codes": _code,
    "users": _user,
    "stubs": _stub,
}
_KEYS = {
    "accounts": "code",
    "clients": "client_id",
    "refresh_tokens": "token",
    "access_tokens": "token",
    "authorization_codes": "code",
    "users": "username",
    "stubs": "operation",
}
_FIELDS: dict[str, tuple[str, ...]] = {
    "accounts": ("code", "home_url"),
    "clients": ("client_id", "client_secret", "name", "redirect_uris"),
    "refresh_tokens": ("token", "client_id", "account", "revoked", "expires_in_seconds"),
    "access_tokens": (
        "token",
        "client_id",
        "account",
        "refresh_token",
        "revoked",
        "expires_in_seconds",
    ),
    "authorization_codes": (
        "code",
        "client_id",
        "redirect_uri",
        "account",
        "code_challenge",
        "code_challenge_method",
        "expires_in_seconds",
    ),
    "users": ("account", "username", "password"),
    "stubs": ("operation", "respond", "when", "times", "status", "messages"),
}


def _read(source: FixturesSource) -> tuple[Any, str]:
    if source is None:
        source = DEFAULT_FIXTURES
    if isinstance(source, Mapping):
        return dict(source), "<fixtures dict>"
    if isinstance(source, Fixtures):
        raise TypeError("a Fixtures object cannot be merged with other sources")
    if not isinstance(source, (str, os.PathLike)):
        raise FixtureError(
            "fixtures", None, None, f"must be a path, a dict or a list of them, not {type(source).__name__}"
        )
    path = Path(os.fspath(source))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FixtureError(str(path), None, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(str(path), None, None, f"cannot be read: {exc}") from None
    try:
        return json.loads(text), str(path)
    except json.JSONDecodeError as exc:
        raise FixtureError(
            str(path), None, None, f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def load_fixtures(sources: FixturesSource | Sequence[FixturesSource] = None) -> Fixtures:
    """Load and merge fixtures: a path, a dict, a :class:`Fixtures`, or a list of them.

    ``None`` means the packaged defaults (the vendor's sample client and token).
    """
    if isinstance(sources, Fixtures):
        return sources
    items: Sequence[FixturesSource] = (
        list(sources) if isinstance(sources, (list, tuple)) else [sources]  # type: ignore[list-item]
    )
    merged: dict[str, list[Any]] = {s: [] for s in SECTIONS if s != "settings"}
    settings: dict[str, Any] = {}
    names: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for item in items:
        doc, name = _read(item)
        names.append(name)
        parsed = _parse_document(doc, name)
        if "settings" in doc:
            validate_settings(doc["settings"], name)
            settings.update(doc["settings"])
        for section, records in parsed.items():
            key = _KEYS[section]
            for index, record in enumerate(records):
                if section == "stubs":  # several stubs of one operation are the point (``when``)
                    merged[section].append(record)
                    continue
                ident = (section, str(getattr(record, key)))
                if ident in seen:
                    raise FixtureError(
                        name,
                        f"{section}[{index}]",
                        key,
                        f"{ident[1]!r} is already defined in {seen[ident]}",
                    )
                seen[ident] = name
                merged[section].append(record)
    fixtures = Fixtures(
        accounts=tuple(merged["accounts"]),
        clients=tuple(merged["clients"]),
        refresh_tokens=tuple(merged["refresh_tokens"]),
        access_tokens=tuple(merged["access_tokens"]),
        authorization_codes=tuple(merged["authorization_codes"]),
        users=tuple(merged["users"]),
        stubs=tuple(merged["stubs"]),
        settings=validate_settings(settings, ", ".join(names)),
        sources=tuple(names),
    )
    _check_references(fixtures)
    return fixtures


def _check_references(f: Fixtures) -> None:
    clients = {c.client_id for c in f.clients}
    source = ", ".join(f.sources)
    for section in ("refresh_tokens", "access_tokens", "authorization_codes"):
        for i, record in enumerate(getattr(f, section)):
            if record.client_id not in clients:
                raise FixtureError(
                    source,
                    f"{section}[{i}]",
                    "client_id",
                    f"names no client in 'clients' ({record.client_id})",
                )
