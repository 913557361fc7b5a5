"""The dashboard: ``GET /_fakeprojector/dashboard`` (and ``/_fakeprojector/`` from a browser).

One server-rendered page, reloading itself (``<meta http-equiv="refresh">``, every
:data:`DEFAULT_REFRESH_SECONDS`; ``?refresh=N`` changes it, ``0`` stops it): clients,
refresh and access tokens and authorization codes with their states, the loaded WSDL and
its stubs, and the request journal, newest first. Never a client secret, and every token, code or verifier only by
its first :data:`PREFIX_LENGTH` characters [choice]; so it answers any caller that can
reach the fake, unlike the admin API. Every value goes through ``html.escape``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from werkzeug.wrappers import Request, Response

from fakeprojector import coverage
from fakeprojector.backend import FakeBackend
from fakeprojector.contract import AUTHORIZE_PATH, SERVICE_PATH
from fakeprojector.journal import JournalEntry
from fakeprojector.records import AccessToken, AuthorizationCode, Client, RefreshToken
from fakeprojector.stubs import Stub
from fakeprojector.web.pages import esc, html_response

DEFAULT_REFRESH_SECONDS = 2
PREFIX_LENGTH = 8
JOURNAL_ROWS = 100
#: Journal fields whose values are credentials: shown by prefix (the secret is already ``***``).
SECRET_VALUES = frozenset({"Token", "RefreshToken", "Code", "CodeVerifier", "SessionTicket", "AccessToken"})


def prefix(value: str | None) -> str:
    """The first :data:`PREFIX_LENGTH` characters and an ellipsis: enough to tell tokens apart."""
    if not value:
        return ""
    return value[:PREFIX_LENGTH] + "\u2026"


def _time(ns: int | None) -> str:
    if ns is None:
        return "never"
    return datetime.fromtimestamp(ns / 1e9, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def _state(value: str | None) -> str:
    shown = value or "unknown"
    return f'<span class="state s-{esc(shown)}">{esc(shown)}</span>'


def _table(caption: str, anchor: str, headings: tuple[str, ...], rows: list[str], empty: str) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headings)
    body = "".join(rows) or f'<tr><td colspan="{len(headings)}" class="muted">{esc(empty)}</td></tr>'
    return (
        f'<section class="card" id="{esc(anchor)}"><h2>{esc(caption)}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>"
    )


class Dashboard:
    """``Request -> Response`` rendering one fake's state; no state of its own."""

    def __init__(self, backend: FakeBackend) -> None:
        self.backend = backend
        self.store = backend.store
        self.journal = backend.journal

    def __call__(self, request: Request) -> Response:
        try:
            refresh = max(0, min(3600, int(request.args.get("refresh", DEFAULT_REFRESH_SECONDS))))
        except ValueError:
            refresh = DEFAULT_REFRESH_SECONDS
        return html_response(
            "fakeprojector dashboard", self.render(request.host_url), refresh_seconds=refresh or None
        )

    def render(self, host_url: str) -> str:
        """The page body: a snapshot taken under the store lock."""
        store = self.store
        with store.lock:
            now = store.clock.time_ns()
            clients = list(store.clients.values())
            refresh = [(rt, store.refresh_token_state(rt.token)) for rt in store.refresh_tokens.values()]
            access = [(at, store.access_token_state(at.token)) for at in store.access_tokens.values()]
            codes = list(store.codes.values())
            settings = store.settings
            counts = store.counts()
        names = {c.client_id: c.name or c.client_id for c in clients}
        entries = self.journal.entries()[-JOURNAL_ROWS:][::-1]
        contract = self.backend.contract
        stubs = self.backend.stub_list()
        served = coverage.served(contract.operation_names)
        wsdl = (
            f"WSDL <code>{esc(contract.name)}</code>: {esc(served)}"
            if contract.name
            else f"No WSDL loaded: {esc(served)}"
        )
        base = host_url.rstrip("/")
        summary = (
            "".join(
                f"<div><b>{esc(counts[key])}</b>{esc(label)}</div>"
                for key, label in (
                    ("clients", "clients"),
                    ("refresh_tokens_active", "active refresh tokens"),
                    ("access_tokens_active", "active access tokens"),
                    ("authorization_codes", "authorization codes"),
                )
            )
            + f"<div><b>{esc(len(self.journal))}</b>journal entries</div>"
        )
        overview = (
            '<section class="card"><h1>fakeprojector dashboard</h1><div class="counts">' + summary + "</div>"
            f'<p class="muted">Fake clock {esc(_time(now))} &middot; auto-approve '
            f'<b id="auto-approve">{"on" if settings.auto_approve else "off"}</b> &middot; SOAP '
            f"<code>{esc(base)}{SERVICE_PATH}</code> &middot; consent "
            f"<code>{esc(base)}{AUTHORIZE_PATH}/{{accountCode}}</code></p>"
            f'<p class="muted" id="wsdl">{wsdl}</p></section>'
        )
        return (
            overview
            + _table(
                "Clients",
                "clients",
                ("name", "client id", "redirect URIs"),
                [_client_row(c) for c in clients],
                "no clients",
            )
            + _table(
                "Refresh tokens",
                "refresh-tokens",
                ("token", "state", "client", "account", "issued", "expires"),
                [_refresh_row(rt, state, names) for rt, state in refresh],
                "no refresh tokens",
            )
            + _table(
                "Access tokens (session tickets)",
                "access-tokens",
                ("token", "state", "client", "account", "refresh token", "expires"),
                [_access_row(at, state, names) for at, state in access],
                "no access tokens",
            )
            + _table(
                "Authorization codes",
                "codes",
                ("code", "state", "client", "account", "redirect URI", "PKCE"),
                [_code_row(c, now, names) for c in codes],
                "no authorization codes",
            )
            + (
                _table(
                    "Stubs (the newest matching one answers)",
                    "stubs",
                    ("id", "operation", "when", "status", "times left", "applied", "respond"),
                    [_stub_row(st) for st in reversed(stubs)],
                    "no stubs",
                )
                if contract.name
                else ""
            )
            + _table(
                f"Request journal (newest first, last {JOURNAL_ROWS})",
                "journal",
                ("time (fake clock)", "operation", "status", "errors", "HTTP", "fields"),
                [_journal_row(e) for e in entries],
                "no requests yet",
            )
        )


def _client_row(c: Client) -> str:
    uris = "<br>".join(f"<code>{esc(u)}</code>" for u in c.redirect_uris) or '<span class="muted">none</span>'
    return f"<tr><td>{esc(c.name)}</td><td><code>{esc(c.client_id)}</code></td><td>{uris}</td></tr>"


def _refresh_row(rt: RefreshToken, state: str | None, names: dict[str, str]) -> str:
    return (
        f'<tr class="token" data-prefix="{esc(rt.token[:PREFIX_LENGTH])}" data-state="{esc(state)}">'
        f"<td><code>{esc(prefix(rt.token))}</code></td><td>{_state(state)}</td>"
        f"<td>{esc(names.get(rt.client_id, rt.client_id))}</td><td>{esc(rt.account)}</td>"
        f"<td>{esc(_time(rt.issued_ns))}</td><td>{esc(_time(rt.expires_ns))}</td></tr>"
    )


def _access_row(at: AccessToken, state: str | None, names: dict[str, str]) -> str:
    return (
        f'<tr class="token" data-prefix="{esc(at.token[:PREFIX_LENGTH])}" data-state="{esc(state)}">'
        f"<td><code>{esc(prefix(at.token))}</code></td><td>{_state(state)}</td>"
        f"<td>{esc(names.get(at.client_id, at.client_id))}</td><td>{esc(at.account)}</td>"
        f"<td><code>{esc(prefix(at.refresh_token))}</code></td><td>{esc(_time(at.expires_ns))}</td></tr>"
    )


def _code_row(c: AuthorizationCode, now_ns: int, names: dict[str, str]) -> str:
    expired = c.expires_ns is not None and now_ns >= c.expires_ns
    state = "used" if c.used else "expired" if expired else "unused"
    return (
        f'<tr class="code" data-prefix="{esc(c.code[:PREFIX_LENGTH])}" data-state="{state}">'
        f"<td><code>{esc(prefix(c.code))}</code></td><td>{_state(state)}</td>"
        f"<td>{esc(names.get(c.client_id, c.client_id))}</td><td>{esc(c.account)}</td>"
        f"<td><code>{esc(c.redirect_uri)}</code></td><td>{esc(c.code_challenge_method or '')}</td></tr>"
    )


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "\u2026"


def _stub_row(st: Stub) -> str:
    times = "until removed" if st.times is None else str(st.times)
    return (
        f'<tr class="stub" data-operation="{esc(st.operation)}">'
        f"<td>{esc(st.id)}</td><td>{esc(st.operation)}</td><td><code>{esc(_short(dict(st.spec.when)))}</code></td>"
        f"<td>{esc(st.spec.status)}</td><td>{esc(times)}</td><td>{esc(st.applied)}</td>"
        f"<td><code>{esc(_short(dict(st.spec.respond)))}</code></td></tr>"
    )


def _field(name: str, value: Any) -> str:
    text = prefix(str(value)) if name in SECRET_VALUES and value else str(value)
    if len(text) > 80:
        text = text[:80] + "\u2026"
    return f"{esc(name)}=<code>{esc(text)}</code>"


def _journal_row(e: JournalEntry) -> str:
    fields = " ".join(_field(k, v) for k, v in e.fields.items() if v is not None)
    if "stub" in e.extra:
        fields += f' <span class="stubbed">stub {esc(e.extra["stub"])}</span>'
    status = e.status or "-"
    return (
        f'<tr class="call" data-operation="{esc(e.operation)}" data-status="{esc(status)}">'
        f"<td>{esc(e.time.astimezone(timezone.utc).strftime('%H:%M:%S.%f')[:-3])}</td>"
        f"<td>{esc(e.operation or '-')}</td><td>{_state(status)}</td>"
        f"<td>{esc(', '.join(map(str, e.error_numbers)) or '-')}</td><td>{esc(e.http_status)}</td>"
        f"<td>{fields}</td></tr>"
    )
