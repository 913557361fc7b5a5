"""What the contract suite knows, written from the vendor's documentation and
WCF's observed behaviour (docs/behaviour.md lists each row), not from fakeprojector's code.

The catalogue texts, field lists and namespaces here are the vendor's documentation copied
into the tests on purpose: if fakeprojector's own copy drifts, these tests catch it. Also the
state of the contract fixtures (``envelopes.fixtures()``) the fake-only tests rely on, and
shape/error assertions that every test applies to every answer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from lxml import etree

from fakeprojector import envelopes
from fakeprojector.contract_suite.soapclient import COM, ENV, RSP, SHR, SVC, XSI, Answer

REVOKE = "PwsRevokeOauth2RefreshToken"
ACQUIRE = "PwsAcquireOauth2Token"
OPERATIONS = (REVOKE, ACQUIRE)

BASE_FIELDS = ("Messages", "ResponseId", "Status", "ServerTimestampUtc")
#: each result's own fields in schema order, and which of them are Int32 (never nil) [doc]
OWN_FIELDS = {
    REVOKE: ("RedirectUrl",),
    ACQUIRE: (
        "AccessToken",
        "ExpiresInSeconds",
        "MaxLifetimeMinutes",
        "RedirectUrl",
        "RefreshToken",
        "RestServiceAuthority",
        "SoapServiceAuthority",
        "TimeoutMinutes",
        "TokenType",
    ),
}
INT_FIELDS = frozenset({"ExpiresInSeconds", "MaxLifetimeMinutes", "TimeoutMinutes"})
MESSAGE_FIELDS = (
    "AdditionalErrorText",
    "ErrorCode",
    "ErrorNumber",
    "ErrorText",
    "Type",
    "ReferenceId1",
    "ReferenceId2",
)
STATUSES = ("Ok", "OkWithWarnings", "Fail", "FailSessionInvalid")
MESSAGE_TYPES = ("Information", "Warning", "Error", "FatalError")

#: The OAuth2 error catalogue, from the vendor's page (seed/PwsRevokeOauth2RefreshToken.txt) [doc].
CATALOGUE = {
    50629: ("OauthUnsupportedGrantType", 'Unsupported OAuth2 Grant Type "{GrantType}".'),
    50630: ("OauthInvalidClient", "Invalid Oauth2 Client."),
    50631: ("OauthInvalidGrant", 'Invalid Grant for Oauth2 Token: "{InvalidReason}".'),
    50632: (
        "OauthInvalidRequest",
        'Invalid OAuth2 Request in Context "{Context}". Null or missing parameters "{Missing}". '
        'Improper parameters "{Improper}".',
    ),
    50635: ("OauthUnsupportedTokenType", 'Unsupported OAuth2 Token Type "{TokenType}".'),
}

#: WCF's fault for an action that names no operation [wcf].
NS_ADDRESSING_NONE = "http://schemas.microsoft.com/ws/2005/05/addressing/none"
ACTION_NOT_SUPPORTED_TEXT = (
    "The message with Action '{action}' cannot be processed at the receiver, due to a ContractFilter "
    "mismatch at the EndpointDispatcher. This may be because of either a contract mismatch (mismatched "
    "Actions between sender and receiver) or a binding/security mismatch between the sender and the "
    "receiver.  Check that sender and receiver have the same contract and the same binding (including "
    "security requirements, e.g. Message, Transport, None)."
)

#: ``yyyy-MM-ddTHH:mm:ss[.FFFFFFF]Z`` [doc]: UTC, ``Z``, up to seven fractional digits, no trailing zero.
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?Z$")
#: the access token is a session ticket: 24 characters of standard base64 [doc]
SESSION_TICKET = re.compile(r"^[A-Za-z0-9+/]{22}==$")
#: a refresh token of the right form that no service has issued: revoking it is harmless [doc]
UNKNOWN_TOKEN = "UnknownButWellFormedRefreshToken-0123456789_abcdefghijklmn"


def catalogue_text(number: int, **params: str) -> str:
    return CATALOGUE[number][1].format(**params)


def invalid_request_text(operation: str, missing: str = "", improper: str = "") -> str:
    return catalogue_text(50632, Context=operation, Missing=missing, Improper=improper)


def s256(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(verifier)) without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


# --- the state of the contract fixtures (fake-only tests) ------------------------------------
_FIXTURES = json.loads(envelopes.fixtures().read_text(encoding="utf-8"))
_CLIENTS = _FIXTURES["clients"]
_TOKENS = _FIXTURES["refresh_tokens"]
_CODES = _FIXTURES["authorization_codes"]
_HOMES = {a["code"]: a.get("home_url") for a in _FIXTURES["accounts"]}

SAMPLE_CLIENT_ID = _CLIENTS[0]["client_id"]
REDIRECT_URI = _CLIENTS[0]["redirect_uris"][0]
OTHER_CLIENT_ID = _CLIENTS[1]["client_id"]
OTHER_CLIENT_SECRET = _CLIENTS[1]["client_secret"]
OTHER_REDIRECT_URI = _CLIENTS[1]["redirect_uris"][0]
REVOKED_TOKEN = next(t["token"] for t in _TOKENS if t.get("revoked"))
OTHER_CLIENT_TOKEN = next(t["token"] for t in _TOKENS if t["client_id"] == OTHER_CLIENT_ID)
ELSEWHERE_TOKEN = next(t["token"] for t in _TOKENS if _HOMES.get(t.get("account")))
ELSEWHERE_URL = next(u for u in _HOMES.values() if u)
CODE = next(c["code"] for c in _CODES if not c.get("code_challenge") and not _HOMES.get(c.get("account")))
PKCE_CODE = next(c["code"] for c in _CODES if c.get("code_challenge_method") == "S256")
ELSEWHERE_CODE = next(c["code"] for c in _CODES if _HOMES.get(c.get("account")))
#: RFC 7636 appendix B's verifier; its S256 challenge is the one the fixture's PKCE code carries
PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
assert s256(PKCE_VERIFIER) == next(c["code_challenge"] for c in _CODES if c["code"] == PKCE_CODE)


# --- assertions -----------------------------------------------------------------------------
def _nil(el: etree._Element) -> bool:
    return bool(el.get(f"{{{XSI}}}nil") == "true")


def result_of(answer: Answer, operation: str) -> etree._Element:
    """``Envelope/Body/<Op>Response/<Op>Result``, checked element by element."""
    root = answer.xml
    assert root.tag == f"{{{ENV}}}Envelope", answer.body
    body = [el for el in root if el.tag == f"{{{ENV}}}Body"]
    assert len(body) == 1, answer.body
    (response,) = list(body[0])
    assert response.tag == f"{{{SVC}}}{operation}Response", answer.body
    (result,) = list(response)
    assert result.tag == f"{{{SVC}}}{operation}Result", answer.body
    return result


def check_shape(answer: Answer, operation: str) -> dict[str, str | None]:
    """The documented answer shape [doc, wcf]; returns ``{field: text or None for nil}``.

    HTTP 200, ``text/xml``, ``<Op>Response``/``<Op>Result`` declaring ``a`` and ``i``, the four
    base fields (CommonServices) then the operation's own (Responses), in schema order, ints
    never nil, nils written ``i:nil="true"`` and empty.
    """
    assert answer.status == 200, (answer.status, answer.body)
    assert answer.headers.get("content-type", "").split(";")[0].strip() == "text/xml", answer.headers
    result = result_of(answer, operation)
    assert result.nsmap.get("a") == RSP, answer.body
    assert result.nsmap.get("i") == XSI, answer.body
    expected = [f"{{{COM}}}{n}" for n in BASE_FIELDS] + [f"{{{RSP}}}{n}" for n in OWN_FIELDS[operation]]
    assert [el.tag for el in result] == expected, answer.body
    out: dict[str, str | None] = {}
    for el in result:
        name = etree.QName(el).localname
        if _nil(el):
            assert len(el) == 0, answer.body
            assert not el.text, answer.body
            out[name] = None
        elif name != "Messages":
            assert len(el) == 0, answer.body
            out[name] = el.text or ""
    messages = result[0]
    assert messages.nsmap.get("b") == SHR, answer.body
    assert not _nil(messages), answer.body
    assert re.fullmatch(r"-?\d+", out["ResponseId"] or ""), answer.body
    assert out["Status"] in STATUSES, answer.body
    assert TIMESTAMP.match(out["ServerTimestampUtc"] or ""), answer.body
    for name in INT_FIELDS & set(OWN_FIELDS[operation]):
        assert re.fullmatch(r"-?\d+", out[name] or ""), (name, answer.body)
    return out


def messages(answer: Answer, operation: str) -> list[dict[str, str | None]]:
    """The ``b:PwsMessage`` entries, each with its seven fields checked for order and namespace."""
    found = []
    for message in result_of(answer, operation)[0]:
        assert message.tag == f"{{{SHR}}}PwsMessage", answer.body
        assert [el.tag for el in message] == [f"{{{SHR}}}{n}" for n in MESSAGE_FIELDS], answer.body
        found.append({etree.QName(el).localname: None if _nil(el) else (el.text or "") for el in message})
    return found


def assert_ok(answer: Answer, operation: str) -> dict[str, str | None]:
    """Success: ``Status`` ``Ok``, an empty ``Messages``, nil ``RedirectUrl`` [doc]."""
    fields = check_shape(answer, operation)
    assert fields["Status"] == "Ok", answer.body
    assert messages(answer, operation) == [], answer.body
    assert fields["RedirectUrl"] is None, answer.body
    return fields


def assert_error(
    answer: Answer, operation: str, number: int, text: str | re.Pattern[str] | None = None
) -> dict[str, str | None]:
    """An in-band error [doc]: HTTP 200, ``Fail``, exactly one message with the catalogue's number,
    code, ``AdditionalErrorText``, ``Type`` ``Error`` and nil references; the result's strings nil
    and ints ``0`` [wcf]. ``text``: the exact ``ErrorText`` (or a pattern)."""
    fields = check_shape(answer, operation)
    assert fields["Status"] == "Fail", answer.body
    msgs = messages(answer, operation)
    assert len(msgs) == 1, msgs
    (msg,) = msgs
    code = CATALOGUE[number][0]
    assert msg["ErrorNumber"] == str(number), msg
    assert msg["ErrorCode"] == code, msg
    assert msg["AdditionalErrorText"] == f"Error {number}: {code}", msg
    assert msg["Type"] == "Error", msg
    assert msg["ReferenceId1"] is None, msg
    assert msg["ReferenceId2"] is None, msg
    if isinstance(text, re.Pattern):
        assert text.fullmatch(msg["ErrorText"] or ""), msg
    elif text is not None:
        assert msg["ErrorText"] == text, msg
    else:
        template = re.escape(CATALOGUE[number][1])
        pattern = re.sub(r"\\\{\w+\\\}", '[^"]*', template)
        assert re.fullmatch(pattern, msg["ErrorText"] or ""), msg
    for name in OWN_FIELDS[operation]:
        assert fields[name] == ("0" if name in INT_FIELDS else None), (name, answer.body)
    return msg


def grant_error_pattern() -> re.Pattern[str]:
    """50631 with some reason: the reasons are not documented [doc], only the template."""
    return re.compile(r'Invalid Grant for Oauth2 Token: "[^"]+"\.')


def fault(answer: Answer) -> tuple[str, str | None, str]:
    """(faultcode local part, its namespace, faultstring) of a SOAP 1.1 Fault."""
    root = answer.xml
    el = root.find(f"{{{ENV}}}Body/{{{ENV}}}Fault/faultcode")
    assert el is not None, answer.body
    prefix, _, local = (el.text or "").strip().rpartition(":")
    return (
        local,
        el.nsmap.get(prefix or None),
        root.findtext(f"{{{ENV}}}Body/{{{ENV}}}Fault/faultstring") or "",
    )
