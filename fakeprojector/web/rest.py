"""The REST twins of the two SOAP operations: ``POST /oauth2token`` and ``POST /oauth2revoketoken``.

Form-encoded in (RFC 6749 §4.1.3, §6; RFC 7009 §2.1), JSON out. Each request becomes the
same :class:`~fakeprojector.rules.AcquireRequest` / :class:`~fakeprojector.rules.RevokeRequest`
the SOAP layer builds, and goes through :mod:`fakeprojector.rules` on the same store: one
token, one state, whichever twin issued or revoked it [doc: the vendor's REST twins].

Where the vendor is silent [choice, docs/behaviour.md ``rest.*`` rows]:

* a rules error answers RFC 6749 §5.2's ``error`` / ``error_description`` plus the vendor's
  ``ErrorNumber``, ``ErrorCode``, ``ErrorText`` (the SOAP operation's text, byte for byte)
  and ``AdditionalErrorText``; HTTP 400, or 401 for ``invalid_client``;
* ``grant_type`` ``code`` (the vendor's value) and ``authorization_code`` (RFC 6749's) are
  the same grant; the journal keeps what was sent;
* client credentials in the form or in HTTP Basic (RFC 6749 §2.3.1), not both;
* a parameter sent twice is 50632 ``Improper`` (RFC 6749 §3.2), unlike SOAP's first-wins.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from fakeprojector import errors, rules
from fakeprojector.backend import FakeBackend
from fakeprojector.contract import ACQUIRE, GRANT_CODE, REST_TOKEN_PATH, REVOKE
from fakeprojector.errors import CatalogueEntry, OAuthError
from fakeprojector.journal import journal_fields

log = logging.getLogger("fakeprojector")

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

#: RFC 6749 §5.2 / RFC 7009 §2.2.1 ``error`` and the HTTP status for each catalogue entry [choice].
RFC_ERRORS: dict[CatalogueEntry, tuple[str, int]] = {
    errors.OAUTH_UNSUPPORTED_GRANT_TYPE: ("unsupported_grant_type", 400),
    errors.OAUTH_INVALID_CLIENT: ("invalid_client", 401),
    errors.OAUTH_INVALID_GRANT: ("invalid_grant", 400),
    errors.OAUTH_INVALID_REQUEST: ("invalid_request", 400),
    errors.OAUTH_UNSUPPORTED_TOKEN_TYPE: ("unsupported_token_type", 400),
}

#: form parameter -> (rules request attribute, SOAP field name), in the SOAP schema's order.
TOKEN_FIELDS = (
    ("client_id", "client_identifier", "ClientIdentifier"),
    ("client_secret", "client_secret", "ClientSecret"),
    ("code", "code", "Code"),
    ("code_verifier", "code_verifier", "CodeVerifier"),
    ("grant_type", "grant_type", "GrantType"),
    ("redirect_uri", "redirect_uri", "RedirectUri"),
    ("refresh_token", "refresh_token", "RefreshToken"),
)
REVOKE_FIELDS = (
    ("client_id", "client_identifier", "ClientIdentifier"),
    ("client_secret", "client_secret", "ClientSecret"),
    ("token", "token", "Token"),
    ("token_type_hint", "token_type", "TokenType"),
)
#: RFC 6749 names ``authorization_code`` what the vendor calls ``code`` [choice].
GRANT_ALIASES = {"authorization_code": GRANT_CODE}
#: RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (no ``"`` and no ``\``).
_NOT_DESCRIPTION = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")


def error_description(text: str) -> str:
    """The vendor's ``ErrorText`` in RFC 6749's alphabet: ``"`` -> ``'``, others outside it -> ``?``."""
    return _NOT_DESCRIPTION.sub("?", text.replace('"', "'"))


def error_body(exc: OAuthError) -> tuple[dict[str, Any], int]:
    """The JSON answer for a rules error: RFC fields first, then the vendor's own."""
    rfc_error, status = RFC_ERRORS.get(exc.entry, ("invalid_request", 400))
    return {
        "error": rfc_error,
        "error_description": error_description(exc.text),
        "ErrorNumber": exc.entry.number,
        "ErrorCode": exc.entry.code,
        "ErrorText": exc.text,
        "AdditionalErrorText": exc.entry.additional_text,
    }, status


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    response = Response(json.dumps(body), status=status, content_type=JSON)
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1
    response.headers["Pragma"] = "no-cache"
    return response


class RestTwins:
    """``Request -> Response`` for the two POST endpoints; no state of its own."""

    def __init__(self, backend: FakeBackend) -> None:
        self.store = backend.store
        self.journal = backend.journal

    def __call__(self, request: Request) -> Response:
        if request.method != "POST":
            response = json_response(
                {
                    "error": "invalid_request",
                    "error_description": f"{request.method} is not allowed: POST a form",
                },
                405,
            )
            response.headers["Allow"] = "POST"
            return response
        if (request.mimetype or "").lower() != FORM:
            got = request.content_type or "(none)"
            return json_response(
                {"error": "invalid_request", "error_description": f"Content-Type must be {FORM}, not {got}"},
                415,
            )
        try:
            form = request.form
        except RequestEntityTooLarge:
            return json_response(
                {"error": "invalid_request", "error_description": "request body too large"}, 413
            )
        if request.path.lower() == REST_TOKEN_PATH:
            return self._call(request, form, ACQUIRE, TOKEN_FIELDS, "oauth2token", self._acquire)
        return self._call(request, form, REVOKE, REVOKE_FIELDS, "oauth2revoketoken", self._revoke)

    def _call(
        self,
        request: Request,
        form: Any,
        context: str,
        spec: tuple[tuple[str, str, str], ...],
        operation: str,
        run: Callable[[dict[str, str | None], str], dict[str, Any]],
    ) -> Response:
        started = time.perf_counter()
        values: dict[str, str | None] = {attr: form.get(name) for name, attr, _ in spec}
        sent = {wire: form.get(name) for name, _, wire in spec if name in form}
        improper = [wire for name, _, wire in spec if len(form.getlist(name)) > 1]
        basic = _basic_credentials(request)
        if basic is not None:
            if "client_id" in form or "client_secret" in form:  # RFC 6749 §2.3: one method only
                improper.append("ClientSecret")
            values["client_identifier"], values["client_secret"] = basic
            sent.update({"ClientIdentifier": basic[0], "ClientSecret": basic[1]})
        fields = journal_fields(sent)
        try:
            if improper:
                order = [wire for *_, wire in spec]
                names = ", ".join(sorted(set(improper), key=order.index))
                raise OAuthError(
                    errors.OAUTH_INVALID_REQUEST, {"Context": context, "Missing": "", "Improper": names}
                )
            # the authorities name the address the client used, as the SOAP operation's do
            body, status = run(values, request.host_url.rstrip("/")), 200
            numbers: tuple[int, ...] = ()
        except OAuthError as exc:
            body, status = error_body(exc)
            numbers = (exc.entry.number,)
        response = json_response(body, status)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Basic realm="fakeprojector"'
        self.journal.record(
            operation,
            "Fail" if numbers else "Ok",
            started=started,
            error_numbers=numbers,
            fields=fields,
            http_status=status,
            secrets=self.store.secret_values(),
        )
        return response

    def _acquire(self, values: dict[str, str | None], authority: str) -> dict[str, Any]:
        grant = values.get("grant_type")
        values["grant_type"] = GRANT_ALIASES.get(grant or "", grant)
        outcome = rules.acquire(
            self.store,
            rules.AcquireRequest(
                client_identifier=values["client_identifier"],
                client_secret=values["client_secret"],
                code=values["code"],
                code_verifier=values["code_verifier"],
                grant_type=values["grant_type"],
                redirect_uri=values["redirect_uri"],
                refresh_token=values["refresh_token"],
            ),
            rules.CallContext(authority),
        )
        if outcome.access_token is None:  # the account lives on another server [doc]
            return {"redirect_url": outcome.redirect_url}
        return {
            "access_token": outcome.access_token,
            "token_type": outcome.token_type,
            "expires_in": outcome.expires_in_seconds,
            "refresh_token": outcome.refresh_token,
            "timeout_minutes": outcome.timeout_minutes,
            "max_lifetime_minutes": outcome.max_lifetime_minutes,
            "rest_service_authority": outcome.rest_service_authority,
            "soap_service_authority": outcome.soap_service_authority,
        }

    def _revoke(self, values: dict[str, str | None], authority: str) -> dict[str, Any]:
        outcome = rules.revoke(
            self.store,
            rules.RevokeRequest(
                client_identifier=values["client_identifier"],
                client_secret=values["client_secret"],
                token=values["token"],
                token_type=values["token_type"],
            ),
        )
        return {} if outcome.redirect_url is None else {"redirect_url": outcome.redirect_url}


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """HTTP Basic client credentials, each form-urlencoded first (RFC 6749 §2.3.1)."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")  # unreadable credentials: the rules answer 50632 Missing
    user, _, password = decoded.partition(":")
    return urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(password)
