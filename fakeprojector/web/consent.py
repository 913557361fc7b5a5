"""The browser consent page: ``GET/POST /oauth2authorize/{accountCode}`` (RFC 6749 §4.1.1).

``GET`` checks the authorization request and shows a sign-in form (a fixture user of that
account, approve or deny); the form ``POST``\\s back here and the browser is redirected to
the client's ``redirect_uri`` with ``code`` and ``state``, or with an OAuth ``error``.
With the ``auto_approve`` setting the ``GET`` itself redirects with a code (headless tests).

Safety rules [choice, docs/behaviour.md ``consent.*`` rows]:

* never an open redirect: an unknown ``client_id``, or a ``redirect_uri`` missing or not
  registered for the client (exact string match, RFC 6749 §3.1.2.3), gets an HTML error
  page and no redirect; only then do other problems go back to the client as ``error``;
* the form carries a single-use token bound to a browser cookie (``SameSite=Lax``, so a
  cross-site POST never carries it); the authorization parameters live on the server
  with that token, so a form post cannot change them;
* pending forms live for :data:`FORM_LIFETIME_SECONDS` of real time (not the fake's clock,
  which tests move) and at most :data:`MAX_PENDING` at once, oldest dropped first.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from fakeprojector.backend import FakeBackend
from fakeprojector.contract import AUTHORIZE_PATH, CODE_CHALLENGE_RULE, PKCE_METHODS, is_code_challenge_form
from fakeprojector.records import Client
from fakeprojector.urls import ADMIN_PREFIX
from fakeprojector.web.pages import esc, html_response

AUTHORIZE_PREFIX = AUTHORIZE_PATH + "/"
OPERATION = "oauth2authorize"
COOKIE = "fakeprojector_consent"
FORM_LIFETIME_SECONDS = 600
MAX_PENDING = 1000
#: How many usernames the sign-in hint names.
HINT_USERS = 5
PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


@dataclass(frozen=True)
class Authorization:
    """A checked authorization request: what the code will carry."""

    account: str
    client: Client
    redirect_uri: str
    scope: str | None
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None


@dataclass(frozen=True)
class _Pending:
    auth: Authorization
    browser: str
    created: float


class _Refusal(Exception):
    """A request that must not be redirected: answered with an HTML error page."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


class _Redirect(Exception):
    """An OAuth error to send back to a checked ``redirect_uri`` (RFC 6749 §4.1.2.1)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


def redirect_url(redirect_uri: str, params: dict[str, str | None]) -> str:
    """``redirect_uri`` with ``params`` added to its query (keeping what it has), ``None`` dropped."""
    parts = urllib.parse.urlsplit(redirect_uri)
    extra = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit(parts._replace(query=query, fragment=""))


class ConsentPages:
    """The consent page of one fake. Holds only pending forms; codes go to the store."""

    def __init__(self, backend: FakeBackend) -> None:
        self.store = backend.store
        self.journal = backend.journal
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, _Pending] = OrderedDict()

    def __call__(self, request: Request) -> Response:
        started = time.perf_counter()
        account = request.path[len(AUTHORIZE_PREFIX) :]  # werkzeug has decoded the path once
        fields: dict[str, Any] = {"Account": account}
        try:
            if request.method in ("GET", "HEAD"):
                response = self._get(request, account, fields)
            elif request.method == "POST":
                response = self._post(request, account, fields)
            else:
                response = self._refuse(
                    _Refusal(f"{request.method} is not allowed here: use GET, then the form.", 405)
                )
                response.headers["Allow"] = "GET, POST"
        except RequestEntityTooLarge:
            fields["Error"] = "error_page"
            response = self._refuse(_Refusal("The form was larger than this server accepts.", 413))
        except _Refusal as exc:
            fields["Error"] = "error_page"
            response = self._refuse(exc)
        outcome = fields.get("Outcome")
        if outcome is not None or "Error" in fields:
            status = "Ok" if outcome == "code" else "Fail"
            self.journal.record(
                OPERATION, status, started=started, fields=fields, http_status=response.status_code
            )
        return response

    # --- GET: check the request, then the form (or a code at once) --------------------
    def _get(self, request: Request, account: str, fields: dict[str, Any]) -> Response:
        args = request.args
        client, redirect_uri = self._client_and_redirect(
            args.getlist("client_id"), args.getlist("redirect_uri")
        )
        fields.update(ClientIdentifier=client.client_id, RedirectUri=redirect_uri)
        state_values = args.getlist("state")
        state = state_values[0] if len(state_values) == 1 else None
        try:
            auth = self._check(args, account, client, redirect_uri)
        except _Redirect as exc:
            return self._error_redirect(redirect_uri, exc.error, exc.description, state, fields)
        if self.store.settings.auto_approve:
            fields["Username"] = None
            return self._issue(auth, fields)
        browser = request.cookies.get(COOKIE) or secrets.token_urlsafe(24)
        response = self._form(request, auth, browser)
        return response

    def _client_and_redirect(self, client_ids: list[str], redirect_uris: list[str]) -> tuple[Client, str]:
        """The checks that decide whether redirecting is safe; a failure is an error page."""
        if len(client_ids) != 1 or not client_ids[0]:
            raise _Refusal("The request has no client_id (or more than one): this sign-in link is broken.")
        client = self.store.client(client_ids[0])
        if client is None:
            raise _Refusal(f"Unknown client_id {client_ids[0]!r}: no application is registered with this id.")
        if len(redirect_uris) != 1 or not redirect_uris[0]:
            raise _Refusal("The request has no redirect_uri (or more than one): this sign-in link is broken.")
        if redirect_uris[0] not in client.redirect_uris:
            raise _Refusal(
                f"The redirect_uri {redirect_uris[0]!r} is not registered for this application, "
                "so fakeprojector will not send you there."
            )
        return client, redirect_uris[0]

    def _check(self, args: Any, account: str, client: Client, redirect_uri: str) -> Authorization:
        """RFC 6749 §4.1.2.1 errors, sent back to the client once its redirect_uri is trusted."""
        repeated = [name for name in PARAMETERS if len(args.getlist(name)) > 1]
        if repeated:
            raise _Redirect("invalid_request", f"parameter sent more than once: {', '.join(repeated)}")
        response_type = args.get("response_type")
        if not response_type:
            raise _Redirect("invalid_request", "response_type is missing")
        if response_type != "code":
            raise _Redirect("unsupported_response_type", "only response_type=code is supported")
        challenge = args.get("code_challenge") or None
        method = args.get("code_challenge_method") or None
        if method is not None and challenge is None:
            raise _Redirect("invalid_request", "code_challenge_method without code_challenge")
        if method is not None and method not in PKCE_METHODS:
            raise _Redirect("invalid_request", "code_challenge_method must be S256 or plain")
        if challenge is not None and not is_code_challenge_form(challenge):
            raise _Redirect("invalid_request", f"code_challenge {CODE_CHALLENGE_RULE}")
        known = self.store.account_code(account)
        if known is None:
            raise _Redirect("invalid_request", f"unknown account code {account!r}")
        return Authorization(
            account=known,
            client=client,
            redirect_uri=redirect_uri,
            scope=args.get("scope") or None,
            state=args.get("state"),
            code_challenge=challenge,
            code_challenge_method=(method or "plain") if challenge else None,
        )

    # --- POST: the form's answer ------------------------------------------------------
    def _post(self, request: Request, account: str, fields: dict[str, Any]) -> Response:
        form = request.form
        pending = self._take(form.get("form_token", ""), request.cookies.get(COOKIE, ""))
        auth = pending.auth
        fields.update(ClientIdentifier=auth.client.client_id, RedirectUri=auth.redirect_uri)
        if auth.account.lower() != account.lower():
            raise _Refusal("This form belongs to another account's sign-in page; start again.")
        client, redirect_uri = self._client_and_redirect([auth.client.client_id], [auth.redirect_uri])
        auth = replace(auth, client=client)  # still registered after a reset in between?
        decision = form.get("decision")
        if decision == "deny":
            return self._error_redirect(
                redirect_uri, "access_denied", "the user denied access", auth.state, fields
            )
        if decision != "approve":
            raise _Refusal("The form was sent without a decision; start again.")
        username = form.get("username", "")
        user = self.store.user(auth.account, username)
        password_ok = user is not None and hmac.compare_digest(
            user.password.encode(), form.get("password", "").encode()
        )
        if user is None or not password_ok:
            return self._form(
                request, auth, pending.browser, error="Wrong username or password.", username=username
            )
        fields["Username"] = user.username
        return self._issue(auth, fields)

    def _take(self, token: str, browser: str) -> _Pending:
        """The pending form of ``token`` if this browser rendered it; single use."""
        with self._lock:
            self._expire()
            pending = self._pending.pop(token, None) if token else None
        if (
            pending is None
            or not browser
            or not hmac.compare_digest(pending.browser.encode(), browser.encode())
        ):
            raise _Refusal(
                "This sign-in form has expired, was already used, or was not opened in this browser. "
                "Go back to the application and start again."
            )
        return pending

    def _expire(self) -> None:
        now = time.monotonic()
        while self._pending:
            token, oldest = next(iter(self._pending.items()))
            if now - oldest.created < FORM_LIFETIME_SECONDS and len(self._pending) <= MAX_PENDING:
                break
            del self._pending[token]

    def _hint(self, account: str) -> str:
        """Who can sign in here: the account's usernames (never a password), or, when it
        has none, how to add one or skip the page."""
        users = self.store.users_of(account)
        if users:
            names = ", ".join(u.username for u in users[:HINT_USERS])
            more = f" and {len(users) - HINT_USERS} more" if len(users) > HINT_USERS else ""
            return (
                f'<p class="muted" id="hint">fakeprojector: sign in as a user of account {esc(account)}: '
                f"<b>{esc(names)}</b>{esc(more)} (with the password set in the fixtures or the admin API).</p>"
            )
        return (
            f'<p class="muted" id="hint">fakeprojector: account <b>{esc(account)}</b> has no users to sign in '
            f"with. Add one in the fixtures (<code>users</code>), with <code>POST {ADMIN_PREFIX}/users</code> "
            "or <code>fp.add_user(...)</code>; or turn on auto-approve (<code>--auto-approve</code>, the "
            "<code>auto_approve</code> setting) to skip this page.</p>"
        )

    # --- answers ----------------------------------------------------------------------
    def _issue(self, auth: Authorization, fields: dict[str, Any]) -> Response:
        try:
            code = self.store.add_authorization_code(
                auth.client.client_id,
                auth.redirect_uri,
                auth.account,
                auth.code_challenge,
                auth.code_challenge_method,
            )
        except ValueError as exc:  # the client or its redirect_uri went away meanwhile
            raise _Refusal(str(exc)) from None
        fields.update(Outcome="code", Code=code.code)
        return _redirect(redirect_url(auth.redirect_uri, {"code": code.code, "state": auth.state}))

    def _error_redirect(
        self, redirect_uri: str, error: str, description: str, state: str | None, fields: dict[str, Any]
    ) -> Response:
        fields.update(Outcome=error, Error=error)
        return _redirect(
            redirect_url(redirect_uri, {"error": error, "error_description": description, "state": state})
        )

    def _refuse(self, exc: _Refusal) -> Response:
        body = (
            '<div class="card narrow"><h1>Sign-in cannot continue</h1>'
            f'<p class="error" id="error">{esc(exc.message)}</p>'
            '<p class="muted">You were not sent back to the application, because the request could not be '
            "trusted to name it correctly.</p></div>"
        )
        return html_response("Sign-in cannot continue", body, exc.status)

    def _form(
        self,
        request: Request,
        auth: Authorization,
        browser: str,
        *,
        error: str | None = None,
        username: str = "",
    ) -> Response:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._pending[token] = _Pending(auth, browser, time.monotonic())
            self._expire()
        client_name = auth.client.name or auth.client.client_id
        target = urllib.parse.urlsplit(auth.redirect_uri)
        problem = f'<p class="error" id="error" role="alert">{esc(error)}</p>' if error else ""
        body = (
            '<div class="card narrow">'
            f"<h1>Sign in to Projector</h1>"
            f'<p><b id="client-name">{esc(client_name)}</b> would like to access your Projector account '
            f'<b id="account">{esc(auth.account)}</b>.</p>'
            "<dl>"
            f"<dt>Scope</dt><dd>{esc(auth.scope or '(none requested)')}</dd>"
            f"<dt>Returns to</dt><dd>{esc(target.scheme)}://{esc(target.netloc)}</dd>"
            "</dl>"
            f"{problem}"
            f'<form method="post" action="{esc(request.path)}" autocomplete="off">'
            f'<input type="hidden" name="form_token" value="{esc(token)}">'
            '<label for="username">Username</label>'
            f'<input type="text" id="username" name="username" value="{esc(username)}" required autofocus>'
            '<label for="password">Password</label>'
            '<input type="password" id="password" name="password" required>'
            '<div class="buttons">'
            '<button type="submit" class="primary" id="approve" name="decision" value="approve">Sign in and allow</button>'
            '<button type="submit" class="secondary" id="deny" name="decision" value="deny" formnovalidate>Deny</button>'
            "</div></form>"
            f"{self._hint(auth.account)}</div>"
        )
        response = html_response("Sign in to Projector", body)
        response.set_cookie(
            COOKIE,
            browser,
            path=AUTHORIZE_PREFIX.rstrip("/"),
            httponly=True,
            samesite="Lax",
            secure=request.scheme == "https",
        )
        return response


def _redirect(location: str) -> Response:
    response = Response(status=302, headers={"Location": location, "Cache-Control": "no-store"})
    response.autocorrect_location_header = False
    return response
