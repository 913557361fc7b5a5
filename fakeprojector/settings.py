"""The behaviour settings: every undocumented behaviour the fake lets you choose [choice].

One registry. Each setting is declared once below, with its default, its type and its
help text; everything else is derived from that declaration: the ``settings`` section of
a fixtures file, ``configure()``, the admin API's ``/settings``, the ``fake_projector``
marker's keywords and the ``serve`` flags (``--timeout-minutes M``,
``--lenient-soap-action``) with their ``--help`` lines. Standard library only.
"""

from __future__ import annotations

import difflib
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any, Final, Literal

ErrorStyle = Literal["inband", "fault"]
#: The ``ErrorCode`` an invalid session ticket is answered with (``errors.SESSION_ERRORS``).
SessionError = Literal["InvalidSessionTicket", "InvalidSession"]


def _setting(default: Any, help: str, *, metavar: str | None = None) -> Any:
    return field(default=default, metadata={"help": help, "metavar": metavar})


@dataclass(frozen=True)
class Settings:
    """The defaults are the documented ones (docs/behaviour.md). ``error_style`` and ``lenient_soap_action`` shape the
    wire; ``auto_approve`` the consent page; the rest the OAuth rules. Frozen: change them
    with :meth:`replace` (validated), ``fp.configure(...)`` or a fixtures file."""

    code_lifetime_seconds: float = _setting(
        60.0, "authorization code lifetime (a third-party client reports about a minute)", metavar="S"
    )
    access_token_lifetime_seconds: int = _setting(
        3600,
        "ExpiresInSeconds, and how long a session ticket lives unused (each successful call "
        "with it starts that again)",
        metavar="S",
    )
    timeout_minutes: int = _setting(
        60,
        "TimeoutMinutes returned by PwsAcquireOauth2Token: a session ticket idle that long expires",
        metavar="M",
    )
    max_lifetime_minutes: int = _setting(
        1440,
        "MaxLifetimeMinutes returned by PwsAcquireOauth2Token: no session ticket outlives it",
        metavar="M",
    )
    refresh_token_lifetime_seconds: float | None = _setting(
        None, "refresh token lifetime (default: none, they never expire)", metavar="S"
    )
    rotate_refresh_tokens: bool = _setting(
        False, "on refresh, issue a new refresh token and revoke the old one"
    )
    token_type: str = _setting(
        "projector_session_ticket",  # a token type name, not a secret
        "TokenType returned by PwsAcquireOauth2Token",
        metavar="NAME",
    )
    error_style: ErrorStyle = _setting(  # noqa: RUF009 - a field() spec, not a shared default
        "inband",
        "OAuth errors as in-band PwsMessage with HTTP 200 (inband, documented) or as HTTP 500 "
        "SOAP Faults with a PwsFault detail (fault)",
    )
    session_error: SessionError = _setting(  # noqa: RUF009 - a field() spec, not a shared default
        "InvalidSessionTicket",
        "the message an invalid session ticket gets on a WSDL-loaded operation, with Status "
        "FailSessionInvalid: 10004 InvalidSessionTicket (the default) or -101 InvalidSession",
    )
    lenient_soap_action: bool = _setting(
        False,
        "dispatch a request without SOAPAction on its body element; real WCF (and the default) "
        "answers it with ActionNotSupported",
    )
    auto_approve: bool = _setting(
        False,
        "the consent page /oauth2authorize/{account} redirects with a code at once, without "
        "sign-in (headless tests)",
    )

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def replace(self, **changes: Any) -> Settings:
        """These settings with ``changes``, each checked: :class:`SettingsError` names the
        first bad one (an unknown name gets a "did you mean")."""
        return replace(self, **{name: check(name, value) for name, value in changes.items()})


#: Settings that no longer exist, and what to do instead.
RETIRED: Final = {
    "strict_soap_action": "was removed: WCF's strict SOAPAction dispatch is now the default; "
    "set lenient_soap_action to true for the old lenient one",
}


class SettingsError(ValueError):
    """A setting that does not exist or a value it cannot take.

    ``setting`` is the name, ``problem`` what is wrong with it; the message joins them
    once: ``setting 'timeout_minutes': must be a whole number >= 0, not str 'x'``.
    """

    def __init__(self, setting: str, problem: str) -> None:
        self.setting, self.problem = setting, problem
        super().__init__(f"setting '{setting}': {problem}")


@dataclass(frozen=True)
class Spec:
    """One setting as the CLI and the docs see it."""

    name: str
    kind: Literal["bool", "int", "float", "optional_float", "choice", "str"]
    default: Any
    help: str
    metavar: str | None
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


@cache
def specs() -> dict[str, Spec]:
    """Every setting, in declaration order."""
    hints = typing.get_type_hints(Settings)
    out: dict[str, Spec] = {}
    for f in fields(Settings):
        hint = hints[f.name]
        choices: tuple[str, ...] = ()
        kind: Any
        if typing.get_origin(hint) is Literal:
            kind, choices = "choice", tuple(typing.get_args(hint))
        elif hint is bool:
            kind = "bool"
        elif hint is int:
            kind = "int"
        elif hint is float:
            kind = "float"
        elif hint is str:
            kind = "str"
        elif set(typing.get_args(hint)) == {float, type(None)}:
            kind = "optional_float"
        else:  # pragma: no cover - a new setting of a type nobody taught this module
            raise TypeError(f"setting {f.name}: unsupported type {hint!r}")
        out[f.name] = Spec(f.name, kind, f.default, f.metadata["help"], f.metadata["metavar"], choices)
    return out


def _shown(value: Any) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r}"[:80]


def check(name: str, value: Any) -> Any:
    """``value`` as setting ``name`` holds it, or :class:`SettingsError`."""
    spec = specs().get(name)
    if spec is None:
        if name in RETIRED:
            raise SettingsError(name, RETIRED[name])
        close = difflib.get_close_matches(name, specs(), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise SettingsError(name, f"no such setting{hint}; settings: {', '.join(specs())}")
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise SettingsError(name, f"must be true or false, not {_shown(value)}")
    elif spec.kind == "int":
        if not number or value != int(value) or value < 0:
            raise SettingsError(name, f"must be a whole number >= 0, not {_shown(value)}")
        value = int(value)
    elif spec.kind in ("float", "optional_float"):
        if value is None and spec.kind == "optional_float":
            return None
        if not number or value < 0:
            allowed = "a number >= 0" + (" or null" if spec.kind == "optional_float" else "")
            raise SettingsError(name, f"must be {allowed}, not {_shown(value)}")
        value = float(value)
    elif spec.kind == "choice":
        if value not in spec.choices:
            raise SettingsError(name, f"must be one of {', '.join(spec.choices)}, not {_shown(value)}")
    elif not isinstance(value, str) or not value:
        raise SettingsError(name, f"must be a non-empty string, not {_shown(value)}")
    return value


def settings_from(values: Mapping[str, Any], base: Settings | None = None) -> Settings:
    """``base`` (the defaults) with ``values`` applied, each checked."""
    return (base or Settings()).replace(**dict(values))
