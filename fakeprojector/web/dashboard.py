"""The dashboard: ``/_fakeprojector/dashboard`` (and ``/_fakeprojector/`` from a browser).

One server-rendered page, no scripts and no build step, reloading itself (``<meta
http-equiv="refresh">`` every :data:`DEFAULT_REFRESH_SECONDS`; ``?refresh=N`` changes it,
``0`` stops it): first the active faults (the first thing to check when every call fails),
then the clock and the settings, the loaded WSDL and its stubs, the clients with consent links ready to click, the refresh
and access tokens and authorization codes with their states, and the request journal,
newest first, with each failed call's error code and reason, the elements its reader
skipped, and what was sent. Tokens show by their first :data:`PREFIX_LENGTH` characters;
``?tokens=full`` shows them whole (copyable). Never a client secret or a password.

Its buttons (reset, clear the faults, clear one fault) are plain HTML forms that POST here
and come back with a 303, so it all works without JavaScript. Who may open it is
:mod:`fakeprojector.access`'s rule, as for the admin API; a form also carries a token bound
to a ``SameSite=Strict`` cookie of this browser, so no other site can post it. Every value
goes through ``html.escape``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.parse
from datetime import datetime, timezone
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from fakeprojector import access, coverage
from fakeprojector.backend import FakeBackend
from fakeprojector.contract import AUTHORIZE_PATH, SERVICE_PATH
from fakeprojector.faults import Fault
from fakeprojector.journal import JournalEntry
from fakeprojector.records import AccessToken, AuthorizationCode, Client, RefreshToken
from fakeprojector.stubs import Stub
from fakeprojector.urls import ADMIN_PREFIX, DASHBOARD_PATH, OPENAPI_PATH
from fakeprojector.web.pages import esc, html_response

DEFAULT_REFRESH_SECONDS = 2
PREFIX_LENGTH = 8
JOURNAL_ROWS = 100
#: How much of a journaled request body the page shows (the journal keeps more).
BODY_CHARS = 4096
#: Consent links per redirect URI: one per account, up to this many.
CONSENT_ACCOUNTS = 3
#: Journal fields whose values are credentials: shown by prefix (the secret is already ``***``).
SECRET_VALUES = frozenset({"Token", "RefreshToken", "Code", "CodeVerifier", "SessionTicket", "AccessToken"})
COOKIE = "fakeprojector_dashboard"
ACTIONS = ("reset", "clear_faults", "clear_fault")


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


def _table(
    caption: str, anchor: str, headings: tuple[str, ...], rows: list[str], empty: str, extra: str = ""
) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headings)
    body = "".join(rows) or f'<tr><td colspan="{len(headings)}" class="muted">{esc(empty)}</td></tr>'
    return (
        f'<section class="card" id="{esc(anchor)}"><h2>{esc(caption)}</h2>{extra}'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>"
    )


class Dashboard:
    """``Request -> Response`` rendering one fake's state and running its buttons; its only
    state is the key that binds form tokens to browsers."""

    def __init__(self, backend: FakeBackend, token: str | None = None) -> None:
        self.backend = backend
        self.store = backend.store
        self.journal = backend.journal
        self.token = token or None
        self._key = secrets.token_bytes(32)

    def __call__(self, request: Request) -> Response:
        denial = access.check(request, self.token, page=True)
        if denial is not None:
            return self._refuse(denial)
        if request.method == "POST":
            return self._post(request)
        if request.method not in ("GET", "HEAD"):
            response = self._refuse(
                access.Denial(405, f"{request.method} is not allowed here: use GET, or the page's buttons")
            )
            response.headers["Allow"] = "GET, POST"
            return response
        try:
            refresh = max(0, min(3600, int(request.args.get("refresh", DEFAULT_REFRESH_SECONDS))))
        except ValueError:
            refresh = DEFAULT_REFRESH_SECONDS
        browser = request.cookies.get(COOKIE) or secrets.token_urlsafe(24)
        view = _View(
            request.host_url, request.args.get("tokens") == "full", refresh, self._form_token(browser)
        )
        response = html_response(
            "fakeprojector dashboard", self.render(view), refresh_seconds=refresh or None
        )
        # Not no-referrer: under it a browser sends "Origin: null" with the page's own form
        # posts, which the Origin rule must refuse (a sandboxed frame on any site sends it too).
        response.headers["Referrer-Policy"] = "same-origin"
        response.set_cookie(
            COOKIE,
            browser,
            path=ADMIN_PREFIX,
            httponly=True,
            samesite="Strict",
            secure=request.scheme == "https",
        )
        return response

    # --- the buttons ----------------------------------------------------------------
    def _form_token(self, browser: str) -> str:
        return hmac.new(self._key, browser.encode(), hashlib.sha256).hexdigest()

    def _post(self, request: Request) -> Response:
        try:
            form = request.form
        except RequestEntityTooLarge:
            return self._refuse(access.Denial(413, "The form was larger than this server accepts."))
        browser = request.cookies.get(COOKIE, "")
        given = form.get("csrf", "")
        if not browser or not hmac.compare_digest(given.encode(), self._form_token(browser).encode()):
            return self._refuse(
                access.Denial(
                    403,
                    "This button did not come from this browser's dashboard (or the server restarted): "
                    "reload the dashboard and try again.",
                )
            )
        action = form.get("action")
        if action == "reset":
            self.backend.reset()
        elif action == "clear_faults":
            self.backend.clear_faults()
        elif action == "clear_fault" and form.get("fault_id", "").isdigit():
            self.backend.remove_fault(int(form["fault_id"]))  # already gone: nothing to do
        else:
            return self._refuse(
                access.Denial(400, f"Unknown dashboard action {action!r}; reload the dashboard.")
            )
        query = request.query_string.decode("latin-1")
        location = DASHBOARD_PATH + (f"?{query}" if query else "")
        return Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})

    def _refuse(self, denial: access.Denial) -> Response:
        body = (
            '<div class="card narrow"><h1>fakeprojector dashboard</h1>'
            f'<p class="error" id="error">{esc(denial.message)}</p></div>'
        )
        response = html_response("fakeprojector dashboard", body, denial.status)
        response.headers.update(denial.headers)
        return response

    # --- the page -------------------------------------------------------------------
    def render(self, view: _View) -> str:
        """The page body: a snapshot taken under the store lock."""
        store = self.store
        backend = self.backend
        with store.lock:
            now = store.clock.time_ns()
            frozen = store.clock.frozen
            clients = list(store.clients.values())
            accounts = [a.code for a in store.accounts.values()]
            refresh = backend.refresh_tokens()
            access_tokens = backend.access_tokens()
            codes = backend.authorization_codes()
            settings = store.settings
            counts = store.counts()
        faults = list(backend.faults)
        names = {c.client_id: c.name or c.client_id for c in clients}
        entries = self.journal.entries()[-JOURNAL_ROWS:][::-1]
        contract = backend.contract
        stubs = backend.stub_list()
        return (
            self._overview(view, counts, now, frozen, settings.auto_approve)
            + _faults_card(view, faults)
            + _settings_card(now, frozen, settings.as_dict())
            + _wsdl_card(contract.name, coverage.served(contract.operation_names), stubs)
            + _table(
                "Clients",
                "clients",
                ("name", "client id", "redirect URIs and consent links"),
                [_client_row(c, accounts) for c in clients],
                "no clients",
            )
            + _table(
                "Refresh tokens",
                "refresh-tokens",
                ("token", "state", "client", "account", "issued", "expires"),
                [_refresh_row(view, rt, state, names) for rt, state in refresh],
                "no refresh tokens",
                _tokens_toggle(view),
            )
            + _table(
                "Access tokens (session tickets)",
                "access-tokens",
                ("token", "state", "client", "account", "refresh token", "expires"),
                [_access_row(view, at, state, names) for at, state in access_tokens],
                "no access tokens",
            )
            + _table(
                "Authorization codes",
                "codes",
                ("code", "state", "client", "account", "redirect URI", "PKCE"),
                [_code_row(view, c, state, names) for c, state in codes],
                "no authorization codes",
            )
            + _table(
                f"Request journal (newest first, last {JOURNAL_ROWS})",
                "journal",
                ("time (fake clock)", "operation", "status", "error", "HTTP", "what was sent"),
                [_journal_row(e) for e in entries],
                "no requests yet",
            )
        )

    def _overview(
        self, view: _View, counts: dict[str, int], now: int, frozen: bool, auto_approve: bool
    ) -> str:
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
            + f'<div><b id="fault-count">{esc(len(self.backend.faults))}</b>active faults</div>'
        )
        base = view.base
        refresh = (
            f'reloads every {view.refresh} s (<a href="{esc(view.link(refresh=0))}">stop</a>)'
            if view.refresh
            else f'not reloading (<a href="{esc(view.link(refresh=DEFAULT_REFRESH_SECONDS))}">reload every {DEFAULT_REFRESH_SECONDS} s</a>)'
        )
        return (
            '<section class="card"><h1>fakeprojector dashboard</h1><div class="counts">' + summary + "</div>"
            f'<p class="muted">Fake clock {esc(_time(now))}{" (frozen)" if frozen else ""} &middot; auto-approve '
            f'<b id="auto-approve">{"on" if auto_approve else "off"}</b> &middot; SOAP '
            f'<code>{esc(base)}{SERVICE_PATH}</code> (<a href="{esc(base)}{SERVICE_PATH}?wsdl">WSDL</a>) &middot; '
            f'<a href="{ADMIN_PREFIX}/">admin API</a> (<a href="{OPENAPI_PATH}">OpenAPI</a>) &middot; {refresh}</p>'
            + _button(view, "reset", "Reset to the fixtures", "reset", "danger")
            + '<span class="muted"> records, journal, faults and clock back to the loaded fixtures</span></section>'
        )


class _View:
    """How this rendering shows things: the base URL, tokens whole or by prefix, the reload
    period, and the form token of this browser."""

    def __init__(self, host_url: str, full_tokens: bool, refresh: int, csrf: str) -> None:
        self.base = host_url.rstrip("/")
        self.full_tokens = full_tokens
        self.refresh = refresh
        self.csrf = csrf

    def query(self, **changes: Any) -> str:
        params: dict[str, Any] = {"refresh": self.refresh}
        if self.full_tokens:
            params["tokens"] = "full"
        params.update(changes)
        params = {k: v for k, v in params.items() if v is not None}
        return urllib.parse.urlencode(params)

    def link(self, **changes: Any) -> str:
        return f"{DASHBOARD_PATH}?{self.query(**changes)}"

    def token(self, value: str | None) -> str:
        """A token or code: whole and easy to select (``?tokens=full``), else its prefix."""
        if not value:
            return ""
        if self.full_tokens:
            return f'<code class="full">{esc(value)}</code>'
        return f"<code>{esc(prefix(value))}</code>"


def _button(view: _View, action: str, label: str, element_id: str, style: str, **hidden: str) -> str:
    fields = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in hidden.items())
    return (
        f'<form method="post" action="{esc(view.link())}" class="inline">'
        f'<input type="hidden" name="csrf" value="{esc(view.csrf)}">'
        f'<input type="hidden" name="action" value="{esc(action)}">{fields}'
        f'<button type="submit" class="{esc(style)}" id="{esc(element_id)}">{esc(label)}</button></form>'
    )


def _tokens_toggle(view: _View) -> str:
    if view.full_tokens:
        return f'<p class="muted"><a id="tokens-toggle" href="{esc(view.link(tokens=None))}">show tokens by prefix</a></p>'
    return (
        f'<p class="muted"><a id="tokens-toggle" href="{esc(view.link(tokens="full"))}">show full tokens</a> '
        "(to copy one; never a client secret or password)</p>"
    )


def _faults_card(view: _View, faults: list[Fault]) -> str:
    rows = []
    for f in faults:
        params = " ".join(f"{esc(k)}=<code>{esc(json.dumps(v))}</code>" for k, v in f.params.items())
        rows.append(
            f'<tr class="fault" data-fault-id="{esc(f.id)}" data-kind="{esc(f.kind)}">'
            f"<td>{esc(f.id)}</td><td><b>{esc(f.kind)}</b></td><td>{esc(f.operation or 'all operations')}</td>"
            f"<td>{esc('until cleared' if f.times is None else f.times)}</td><td>{esc(f.applied)}</td>"
            f"<td>{params}</td>"
            f"<td>{_button(view, 'clear_fault', 'Clear', f'clear-fault-{f.id}', 'secondary', fault_id=str(f.id))}</td></tr>"
        )
    clear_all = _button(view, "clear_faults", "Clear all faults", "clear-faults", "danger") if faults else ""
    return _table(
        "Active faults",
        "faults",
        ("id", "kind", "operation", "calls left", "applied", "parameters", ""),
        rows,
        "no active faults: calls are answered normally",
        clear_all,
    )


def _settings_card(now: int, frozen: bool, settings: dict[str, Any]) -> str:
    rows = "".join(
        f'<dt>{esc(name)}</dt><dd><code data-setting="{esc(name)}">{esc(json.dumps(value))}</code></dd>'
        for name, value in settings.items()
    )
    clock = "frozen" if frozen else "running"
    return (
        '<section class="card" id="settings"><h2>Clock and settings</h2>'
        f'<p>Fake clock <b id="clock">{esc(_time(now))}</b> <span class="state s-{clock}" id="clock-state">{clock}</span> '
        '<span class="muted">(POST /_fakeprojector/clock to advance, freeze or unfreeze it; '
        "POST /_fakeprojector/settings to change settings until the next reset)</span></p>"
        f"<dl>{rows}</dl></section>"
    )


def _consent_link(client: Client, redirect_uri: str, account: str) -> str:
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "state": "from-the-dashboard",
        }
    )
    href = f"{AUTHORIZE_PATH}/{urllib.parse.quote(account, safe='')}?{query}"
    return f'<a class="consent" href="{esc(href)}">sign in on {esc(account)}</a>'


def _client_row(c: Client, accounts: list[str]) -> str:
    uris = []
    for uri in c.redirect_uris:
        links = " ".join(_consent_link(c, uri, account) for account in accounts[:CONSENT_ACCOUNTS])
        uris.append(f"<div><code>{esc(uri)}</code> {links}</div>")
    shown = "".join(uris) or '<span class="muted">none (the consent page needs one)</span>'
    return f"<tr><td>{esc(c.name)}</td><td><code>{esc(c.client_id)}</code></td><td>{shown}</td></tr>"


def _refresh_row(view: _View, rt: RefreshToken, state: str | None, names: dict[str, str]) -> str:
    return (
        f'<tr class="token" data-prefix="{esc(rt.token[:PREFIX_LENGTH])}" data-state="{esc(state)}">'
        f"<td>{view.token(rt.token)}</td><td>{_state(state)}</td>"
        f"<td>{esc(names.get(rt.client_id, rt.client_id))}</td><td>{esc(rt.account)}</td>"
        f"<td>{esc(_time(rt.issued_ns))}</td><td>{esc(_time(rt.expires_ns))}</td></tr>"
    )


def _access_row(view: _View, at: AccessToken, state: str | None, names: dict[str, str]) -> str:
    return (
        f'<tr class="token" data-prefix="{esc(at.token[:PREFIX_LENGTH])}" data-state="{esc(state)}">'
        f"<td>{view.token(at.token)}</td><td>{_state(state)}</td>"
        f"<td>{esc(names.get(at.client_id, at.client_id))}</td><td>{esc(at.account)}</td>"
        f"<td>{view.token(at.refresh_token)}</td><td>{esc(_time(at.expires_ns))}</td></tr>"
    )


def _code_row(view: _View, c: AuthorizationCode, state: str, names: dict[str, str]) -> str:
    return (
        f'<tr class="code" data-prefix="{esc(c.code[:PREFIX_LENGTH])}" data-state="{state}">'
        f"<td>{view.token(c.code)}</td><td>{_state(state)}</td>"
        f"<td>{esc(names.get(c.client_id, c.client_id))}</td><td>{esc(c.account)}</td>"
        f"<td><code>{esc(c.redirect_uri)}</code></td><td>{esc(c.code_challenge_method or '')}</td></tr>"
    )


def _field(name: str, value: Any) -> str:
    text = prefix(str(value)) if name in SECRET_VALUES and value else str(value)
    if len(text) > 80:
        text = text[:80] + "\u2026"
    return f"{esc(name)}=<code>{esc(text)}</code>"


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "\u2026"


def _wsdl_card(name: str, served: str, stubs: list[Stub]) -> str:
    """Which operations answer, and (with a WSDL loaded) the stubs, newest first."""
    line = f"WSDL <code>{esc(name)}</code>: {esc(served)}" if name else f"No WSDL loaded: {esc(served)}"
    card = f'<section class="card"><h2>Operations</h2><p class="muted" id="wsdl">{line}</p></section>'
    if not name:
        return card
    return card + _table(
        "Stubs (the newest matching one answers)",
        "stubs",
        ("id", "operation", "when", "status", "times left", "applied", "respond"),
        [_stub_row(st) for st in reversed(stubs)],
        "no stubs",
    )


def _stub_row(st: Stub) -> str:
    times = "until removed" if st.times is None else str(st.times)
    return (
        f'<tr class="stub" data-operation="{esc(st.operation)}">'
        f"<td>{esc(st.id)}</td><td>{esc(st.operation)}</td><td><code>{esc(_short(dict(st.spec.when)))}</code></td>"
        f"<td>{esc(st.spec.status)}</td><td>{esc(times)}</td><td>{esc(st.applied)}</td>"
        f"<td><code>{esc(_short(dict(st.spec.respond)))}</code></td></tr>"
    )


def _journal_row(e: JournalEntry) -> str:
    fields = " ".join(_field(k, v) for k, v in e.fields.items() if v is not None)
    if "stub" in e.extra:
        fields += f' <span class="stubbed">stub {esc(e.extra["stub"])}</span>'
    status = e.status or "-"
    numbers = ", ".join(map(str, e.error_numbers))
    error = ""
    if numbers or e.error_code or e.error_text:
        code = " ".join(part for part in (numbers, e.error_code or "") if part)
        error = f'<b class="error-code">{esc(code)}</b>'
        if e.error_text:
            text = e.error_text if len(e.error_text) <= 300 else e.error_text[:300] + "\u2026"
            error += f'<div class="reason">{esc(text)}</div>'
    skipped = "".join(f'<li class="skipped">{esc(s)}</li>' for s in e.skipped)
    if skipped:
        skipped = (
            f'<div class="warn">Skipped by the reader (not in <code>fields</code>):<ul>{skipped}</ul></div>'
        )
    sent = ""
    if e.headers or e.body is not None:
        headers = "".join(f"<dt>{esc(k)}</dt><dd><code>{esc(v)}</code></dd>" for k, v in e.headers.items())
        body = e.body or ""
        if len(body) > BODY_CHARS:
            body = body[:BODY_CHARS] + "\u2026"
        shown_body = f"<pre>{esc(body)}</pre>" if e.body is not None else ""
        sent = f"<details><summary>headers and body</summary><dl>{headers}</dl>{shown_body}</details>"
    return (
        f'<tr class="call" data-operation="{esc(e.operation)}" data-status="{esc(status)}">'
        f"<td>{esc(e.time.astimezone(timezone.utc).strftime('%H:%M:%S.%f')[:-3])}</td>"
        f"<td>{esc(e.operation or '-')}</td><td>{_state(status)}</td>"
        f"<td>{error or '-'}</td><td>{esc(e.http_status)}</td>"
        f"<td>{fields}{skipped}{sent}</td></tr>"
    )
