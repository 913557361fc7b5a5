"""Property-based fuzzing: the request parser and reader, the whole WSGI app in-process,
and the OAuth rules on a real Store.

About 2,000 generated requests and 3,000 rule steps in all (derandomized, so CI sees the
same ones every run). Invariants: nothing but the documented answers (no unhandled
exception, no internal-error fault, nothing leaked); a revoked token never becomes active
again; a client never changes another client's tokens; neither the journal nor the log
ever holds a client secret.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from lxml import etree
from werkzeug.test import Client

from fakeprojector import rules
from fakeprojector.app import FakeProjectorApp
from fakeprojector.backend import FakeBackend
from fakeprojector.errors import OAuthError
from fakeprojector.rules import OPERATIONS
from fakeprojector.soap import wire
from fakeprojector.soap.models import request_type
from fakeprojector.store import Store
from tests.hostile.corpus import ACQUIRE, CASES, PATH, REVOKE, SAMPLE
from tests.hostile.rawhttp import LEAK_MARKERS
from tests.support.paths import CONTRACT_FIXTURES
from tests.support.soapclient import ACTION, ENV, REQ, SVC, XSI

FUZZ = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)

CLIENT_A = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
SECRET_A = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"
CLIENT_B = "6f1c2b7e-8d44-4f0a-9b3e-5c2d1a0e9f88"
SECRET_B = "second-client-secret-Zq8vN2pL5kR7tW1yB4dF6hJ9mQ3sX0cV"
SECRETS = {CLIENT_A: SECRET_A, CLIENT_B: SECRET_B}
TOKENS = (
    "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA",
    "RevokedRefreshToken-0000000000000000000000000000000000000001",
    "ElsewhereRefreshToken-000000000000000000000000000000000000001",
    "OtherClientRefreshToken-0000000000000000000000000000000000001",
)
CODES = ("SampleAuthorizationCode-0001", "PkceAuthorizationCode-0001", "ElsewhereAuthorizationCode-0001")
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636's example, the PKCE code's
REDIRECT = "https://localhost/callback"
REDIRECTS = {CLIENT_A: REDIRECT, CLIENT_B: "https://other.example/callback"}

# --- generated XML ----------------------------------------------------------------------
NAMESPACES = (ENV, SVC, REQ, XSI, "http://www.w3.org/2003/05/soap-envelope", "urn:other", "")
NAMES = (
    "Envelope",
    "Header",
    "Body",
    REVOKE,
    ACQUIRE,
    "serviceRequest",
    "RequestId",
    "SessionTicket",
    "ClientIdentifier",
    "ClientSecret",
    "Token",
    "TokenType",
    "Code",
    "CodeVerifier",
    "GrantType",
    "RedirectUri",
    "RefreshToken",
    "nil",
    "x",
)
FIELD_VALUES = st.one_of(
    st.sampled_from(
        (
            CLIENT_A,
            CLIENT_B,
            SECRET_A,
            SECRET_B,
            *TOKENS,
            *CODES,
            VERIFIER,
            REDIRECT,
            "code",
            "refresh_token",
            "42",
            "",
            "true",
        )
    ),
    st.text(max_size=40),
    st.text(alphabet="-_0123456789abcdefABCDEF{}()", max_size=600),
)


def _xml_text(value: str) -> str:
    value = "".join(
        c for c in value if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd")
    )
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def elements(draw: Any, depth: int = 0) -> str:
    ns = draw(st.sampled_from(NAMESPACES))
    name = draw(st.sampled_from(NAMES))
    attrs = ""
    if draw(st.booleans()):
        attrs += f' xmlns="{ns}"' if ns else ' xmlns=""'
    if draw(st.integers(0, 6)) == 0:
        attrs += f' xmlns:i="{XSI}" i:nil="{draw(st.sampled_from(["true", "false", "1", "x"]))}"'
    if depth < 4 and draw(st.integers(0, 2)) == 0:
        children = draw(st.lists(elements(depth + 1), max_size=4))
        inner = "".join(children)
    else:
        inner = _xml_text(draw(FIELD_VALUES))
    return f"<{name}{attrs}>{inner}</{name}>"


@st.composite
def envelopes(draw: Any) -> bytes:
    """Envelopes near the real shape: right or wrong wrappers, fields in any order and namespace."""
    operation = draw(st.sampled_from((REVOKE, ACQUIRE, "PwsLogin", "Other")))
    fields = []
    for _ in range(draw(st.integers(0, 10))):
        if draw(st.integers(0, 4)) == 0:
            fields.append(draw(elements(2)))
            continue
        name = draw(st.sampled_from(NAMES[6:17]))
        prefix = draw(st.sampled_from(("req", "req", "req", "pws", "other")))
        if draw(st.integers(0, 8)) == 0:
            fields.append(f'<{prefix}:{name} i:nil="true"/>')
        else:
            fields.append(f"<{prefix}:{name}>{_xml_text(draw(FIELD_VALUES))}</{prefix}:{name}>")
    envelope_ns = draw(st.sampled_from((ENV, ENV, ENV, "http://www.w3.org/2003/05/soap-envelope")))
    text = (
        f'<s:Envelope xmlns:s="{envelope_ns}" xmlns:pws="{SVC}" xmlns:req="{REQ}" xmlns:other="urn:other" xmlns:i="{XSI}">'
        f"{draw(st.sampled_from(('', '<s:Header/>', '<s:Header><x/></s:Header>')))}"
        f"<s:Body><pws:{operation}><pws:serviceRequest>{''.join(fields)}</pws:serviceRequest></pws:{operation}></s:Body></s:Envelope>"
    )
    data = text.encode(draw(st.sampled_from(("utf-8", "utf-8", "utf-16"))))
    return data


@st.composite
def mutated(draw: Any) -> bytes:
    """The sample, or a corpus body, with bytes flipped, cut, spliced or inserted."""
    base = bytearray(
        draw(st.sampled_from([SAMPLE] + [c.body for c in CASES if c.body and len(c.body) < 4096]))
    )
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("flip", "cut", "insert", "delete")))
        if not base:
            break
        i = draw(st.integers(0, len(base) - 1))
        if op == "flip":
            base[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del base[i:]
        elif op == "insert":
            base[i:i] = draw(
                st.sampled_from(
                    (
                        b"<",
                        b">",
                        b"&",
                        b"]]>",
                        b"<!--",
                        b"\x00",
                        b"\xff",
                        b"&#0;",
                        b"<!DOCTYPE x>",
                        b"xmlns:a='b'",
                        b'"',
                    )
                )
            )
        else:
            del base[i : i + draw(st.integers(1, 20))]
    return bytes(base)


BODIES = st.one_of(envelopes(), mutated(), st.binary(max_size=300))


def _read_all(body: bytes) -> None:
    """What the protocol layer does with a body: parse, find the wrapper, read every operation's fields."""
    envelope = wire.parse_envelope(body)
    wrapper = wire.body_element(envelope)
    for operation in OPERATIONS.values():
        wire.read_request(wrapper, request_type(operation))


@FUZZ
@given(BODIES)
def test_the_wire_reader_only_ever_raises_wire_errors(body):
    try:
        _read_all(body)
    except wire.WireError as exc:
        text = wire.render_fault(exc.entry, exc.params)
        etree.fromstring(text)  # every refusal renders as a well-formed fault


# --- the whole app, in-process ------------------------------------------------------------
class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


_BACKEND = FakeBackend(CONTRACT_FIXTURES)
_APP = FakeProjectorApp(_BACKEND)
_CLIENT = Client(_APP)
_OK_STATUSES = {200, 400, 405, 411, 413, 415, 500}


@st.composite
def http_requests(draw: Any) -> dict[str, Any]:
    method = draw(st.sampled_from(("POST",) * 8 + ("GET", "PUT", "DELETE", "HEAD", "OPTIONS")))
    headers: dict[str, str] = {}
    content_type = draw(
        st.sampled_from(
            ("text/xml; charset=utf-8",) * 6
            + ("text/xml", "application/soap+xml", "application/json", "", "TEXT/XML; charset=latin-1")
        )
    )
    if content_type:
        headers["Content-Type"] = content_type
    action = draw(
        st.one_of(
            st.sampled_from(
                (
                    f'"{ACTION}{REVOKE}"',
                    f'"{ACTION}{ACQUIRE}"',
                    f"{ACTION}{REVOKE}",
                    f'"{ACTION}PwsLogin"',
                    '""',
                    "",
                )
            ),
            st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=60),
        )
    )
    if action or draw(st.booleans()):
        headers["SOAPAction"] = action
    return {"method": method, "headers": headers, "data": draw(BODIES)}


@FUZZ
@given(http_requests())
def test_the_app_answers_every_request_cleanly_and_keeps_secrets(request):
    capture = _Capture()
    logger = logging.getLogger("fakeprojector")
    logger.addHandler(capture)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        response = _CLIENT.open(PATH, **request)
    finally:
        logger.removeHandler(capture)
        logger.setLevel(old_level)
    body = response.get_data()
    assert response.status_code in _OK_STATUSES, (response.status_code, body[:300])
    assert not _BACKEND.errors, _BACKEND.errors
    assert not [m for m in LEAK_MARKERS if m in body], body[:500]
    assert b"internal error" not in body
    if response.mimetype == "text/xml" and request["method"] != "HEAD" and body:
        doc = etree.fromstring(body)
        assert doc.tag == f"{{{ENV}}}Envelope"
    journal = json.dumps([e.as_dict() for e in _BACKEND.journal.entries()[-3:]])
    logged = "\n".join(capture.lines)
    for secret in SECRETS.values():
        assert secret not in journal
        assert secret not in logged


# --- the OAuth rules on a real store --------------------------------------------------------
ANY_CLIENT = st.sampled_from((CLIENT_A, CLIENT_B))


class OAuthRules(RuleBasedStateMachine):
    """Random revokes, exchanges and refreshes by two clients, right and wrong secrets."""

    def __init__(self) -> None:
        super().__init__()
        self.store = Store(CONTRACT_FIXTURES)
        self.store.clock.freeze()  # time moves only in time_passes
        self.ever_revoked: set[str] = {t for t, rt in self.store.refresh_tokens.items() if rt.revoked}
        self.used_codes: set[str] = set()
        self.issued_codes: list[str] = list(CODES)
        self.exchanges: dict[str, int] = {}

    # -- helpers
    def _states(self) -> dict[str, tuple[str, str | None]]:
        s = self.store
        out = {t: (rt.client_id, s.refresh_token_state(t)) for t, rt in s.refresh_tokens.items()}
        out.update({t: (at.client_id, s.access_token_state(t)) for t, at in s.access_tokens.items()})
        return out

    def _act(self, client: str, call: Any) -> Any:
        before = self._states()
        try:
            outcome = call()
        except OAuthError as exc:
            outcome = exc
        if isinstance(outcome, OAuthError):
            assert outcome.entry.number in (50629, 50630, 50631, 50632, 50635)
        after = self._states()
        for token, (owner, state) in before.items():
            if owner != client:
                assert after[token] == (owner, state), f"client {client} changed {owner}'s token {token[:8]}"
        for token, (owner, _state) in after.items():
            if token not in before:
                assert owner == client, "a token was issued to a client that did not ask"
        return outcome

    # -- rules
    @rule(
        client=ANY_CLIENT,
        right_secret=st.booleans(),
        token=st.one_of(st.sampled_from(TOKENS), st.text(max_size=80)),
        token_type=st.sampled_from((None, "", "refresh_token", "access_token")),
    )
    def revoke(self, client, right_secret, token, token_type):
        secret = SECRETS[client] if right_secret else SECRETS[client] + "x"
        req = rules.RevokeRequest(
            client_identifier=client, client_secret=secret, token=token, token_type=token_type
        )
        self._act(client, lambda: rules.revoke(self.store, req))

    @rule(client=ANY_CLIENT, data=st.data())
    def revoke_issued(self, client, data):
        tokens = sorted(self.store.refresh_tokens)
        token = data.draw(st.sampled_from(tokens))
        req = rules.RevokeRequest(client_identifier=client, client_secret=SECRETS[client], token=token)
        self._act(client, lambda: rules.revoke(self.store, req))

    @rule(
        client=ANY_CLIENT,
        right_redirect=st.sampled_from((True, True, True, False)),
        verifier=st.sampled_from((None, VERIFIER, VERIFIER, "wrong-verifier-0000000000000000000000000000")),
        data=st.data(),
    )
    def exchange_code(self, client, right_redirect, verifier, data):
        code = data.draw(st.sampled_from(self.issued_codes))
        redirect = REDIRECTS[client] if right_redirect else "https://evil.example/cb"
        req = rules.AcquireRequest(
            client_identifier=client,
            client_secret=SECRETS[client],
            grant_type="code",
            code=code,
            redirect_uri=redirect,
            code_verifier=verifier,
        )
        outcome = self._act(client, lambda: rules.acquire(self.store, req))
        if isinstance(outcome, rules.AcquireOutcome) and outcome.access_token:
            assert code not in self.used_codes, "a code was exchanged twice"
            self.used_codes.add(code)
            self.exchanges[code] = self.exchanges.get(code, 0) + 1

    @rule(
        client=ANY_CLIENT,
        data=st.data(),
        grant=st.sampled_from(("refresh_token",) * 4 + ("authorization_code", "")),
    )
    def refresh(self, client, data, grant):
        token = data.draw(st.sampled_from(sorted(self.store.refresh_tokens)))
        req = rules.AcquireRequest(
            client_identifier=client, client_secret=SECRETS[client], grant_type=grant, refresh_token=token
        )
        outcome = self._act(client, lambda: rules.acquire(self.store, req))
        if isinstance(outcome, rules.AcquireOutcome) and outcome.access_token:
            assert token not in self.ever_revoked, "a revoked refresh token was honoured"

    @rule(client=ANY_CLIENT)
    def issue_code(self, client):
        self.issued_codes.append(
            self.store.add_authorization_code(client, REDIRECTS[client], account="SAMPLE").code
        )

    @precondition(lambda self: len(self.issued_codes) > 0)
    @rule(
        fields=st.fixed_dictionaries(
            {},
            optional={
                n: st.one_of(
                    st.none(),
                    st.text(max_size=30),
                    st.sampled_from((CLIENT_A, SECRET_A, "code", "refresh_token", *TOKENS)),
                )
                for n in (
                    "session_ticket",
                    "client_identifier",
                    "client_secret",
                    "code",
                    "code_verifier",
                    "grant_type",
                    "redirect_uri",
                    "refresh_token",
                )
            },
        )
    )
    def acquire_anything(self, fields):
        client = fields.get("client_identifier") or ""
        req = rules.AcquireRequest(**fields)
        # Only a caller holding a client's secret may change that client's tokens.
        acting = client if fields.get("client_secret") == SECRETS.get(client) else "nobody"
        self._act(acting if acting in SECRETS else "nobody", lambda: rules.acquire(self.store, req))

    @rule(seconds=st.sampled_from((1, 59, 61, 3600)))
    def time_passes(self, seconds):
        self.store.clock.advance(seconds)

    # -- invariants
    @invariant()
    def revoked_stays_revoked(self):
        for token, rt in self.store.refresh_tokens.items():
            if rt.revoked:
                self.ever_revoked.add(token)
        for token in self.ever_revoked:
            assert self.store.refresh_token_state(token) == "revoked"

    @invariant()
    def access_tokens_end_with_their_refresh_token(self):
        for at in self.store.access_tokens.values():
            if at.refresh_token in self.ever_revoked:
                assert self.store.access_token_state(at.token) == "revoked"


OAuthRules.TestCase.settings = settings(
    max_examples=120,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
test_oauth_rules_keep_their_invariants = OAuthRules.TestCase


@FUZZ
@given(
    client=st.sampled_from((CLIENT_A, CLIENT_B, CLIENT_A.upper(), "{" + CLIENT_A + "}", "not-a-guid", "")),
    secret=st.one_of(st.text(max_size=200), st.binary(max_size=100).map(lambda b: b.decode("latin-1"))),
)
def test_a_wrong_secret_of_any_length_or_alphabet_is_50630(client, secret):
    store = _BACKEND.store
    if secret == SECRETS.get(client.strip("{}").lower()):
        return
    req = rules.RevokeRequest(client_identifier=client, client_secret=secret, token=TOKENS[0])
    with pytest.raises(OAuthError) as caught:
        rules.revoke(store, req)
    # 50632 when a required field is empty, else always 50630, however long the secret
    assert caught.value.entry.number == (50630 if client and secret else 50632)
