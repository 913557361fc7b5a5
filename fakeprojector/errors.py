"""The error catalogue: every vendor error number, code and text, as data.

Texts are byte for byte those of the vendor's documentation [doc]; placeholders in
braces are filled by :meth:`CatalogueEntry.render`. No other module spells an error
text: rules raise :class:`OAuthError` with an entry and its parameters, and the wire
layer renders it. SOAP Fault texts copy what WCF itself answers [wcf].
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Final

from fakeprojector.contract import NS_WCF_ADDRESSING_NONE, NS_WCF_DISPATCHER


@dataclass(frozen=True)
class CatalogueEntry:
    """One documented in-band error: ``ErrorNumber``, ``ErrorCode``, ``ErrorText``, ``Type``."""

    number: int
    code: str
    template: str
    type: str = "Error"

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Names of the ``{Placeholder}`` fields of the template, in order."""
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.template) if f)

    def render(self, **params: str) -> str:
        """The ``ErrorText`` with every placeholder filled (a missing one is a bug: KeyError)."""
        return self.template.format(**params)

    @property
    def additional_text(self) -> str:
        """``AdditionalErrorText`` as the vendor writes it: ``Error 50630: OauthInvalidClient``."""
        return f"Error {self.number}: {self.code}"


OAUTH_UNSUPPORTED_GRANT_TYPE: Final = CatalogueEntry(
    50629, "OauthUnsupportedGrantType", 'Unsupported OAuth2 Grant Type "{GrantType}".'
)
OAUTH_INVALID_CLIENT: Final = CatalogueEntry(50630, "OauthInvalidClient", "Invalid Oauth2 Client.")
OAUTH_INVALID_GRANT: Final = CatalogueEntry(
    50631, "OauthInvalidGrant", 'Invalid Grant for Oauth2 Token: "{InvalidReason}".'
)
OAUTH_INVALID_REQUEST: Final = CatalogueEntry(
    50632,
    "OauthInvalidRequest",
    'Invalid OAuth2 Request in Context "{Context}". Null or missing parameters "{Missing}". '
    'Improper parameters "{Improper}".',
)
OAUTH_UNSUPPORTED_TOKEN_TYPE: Final = CatalogueEntry(
    50635, "OauthUnsupportedTokenType", 'Unsupported OAuth2 Token Type "{TokenType}".'
)
#: Named by the vendor's documentation for its PwsFault (rate limiting); the text is
#: not published, so this one is fakeprojector's wording [choice].
REQUEST_EXCEEDED_RATE_LIMIT: Final = CatalogueEntry(
    10016, "RequestExceededRateLimit", "Request exceeded rate limit."
)
#: A session ticket that is missing, unknown, revoked or expired [doc: the PwsMessage page's
#: example]; answered with ``Status`` ``FailSessionInvalid`` [choice: the pages show the
#: message and the status separately].
INVALID_SESSION_TICKET: Final = CatalogueEntry(
    10004,
    "InvalidSessionTicket",
    "The specified session ticket is invalid. Please verify you are issuing this request against "
    "the correct instance of Projector.",
)
#: What ``PwsUnauthenticate``'s page documents for a session no longer valid [doc]: the
#: ``session_error`` setting's alternative to 10004.
INVALID_SESSION: Final = CatalogueEntry(
    -101,
    "InvalidSession",
    "The specified session is not valid or is no longer valid. Please re-establish a session.",
)
#: ``PwsAuthenticate`` with a user name and password no ``users`` entry of the account has.
#: The vendor documents no number for it: number and code are fakeprojector's, the text is
#: the vendor's sign-in page's [choice].
INVALID_CREDENTIALS: Final = CatalogueEntry(
    -100, "InvalidCredentials", "The credentials you entered are not valid."
)

CATALOGUE: Final[dict[int, CatalogueEntry]] = {
    e.number: e
    for e in (
        OAUTH_UNSUPPORTED_GRANT_TYPE,
        OAUTH_INVALID_CLIENT,
        OAUTH_INVALID_GRANT,
        OAUTH_INVALID_REQUEST,
        OAUTH_UNSUPPORTED_TOKEN_TYPE,
        REQUEST_EXCEEDED_RATE_LIMIT,
        INVALID_SESSION_TICKET,
        INVALID_SESSION,
        INVALID_CREDENTIALS,
    )
}

#: The ``session_error`` setting's values: the message an invalid session ticket gets.
SESSION_ERRORS: Final[dict[str, CatalogueEntry]] = {
    INVALID_SESSION_TICKET.code: INVALID_SESSION_TICKET,
    INVALID_SESSION.code: INVALID_SESSION,
}

#: Short ``InvalidReason`` values for 50631 [choice]: the vendor documents the
#: placeholder, not its values.
GRANT_REASONS: Final[dict[str, str]] = {
    "code_unknown": "authorization code is unknown",
    "code_other_client": "authorization code was issued to another client",
    "code_expired": "authorization code has expired",
    "code_used": "authorization code has already been used",
    "redirect_uri_mismatch": "redirect_uri does not match the authorization request",
    "verifier_missing": "code_verifier is required for this authorization code",
    "verifier_mismatch": "code_verifier does not match the code challenge",
    "refresh_unknown": "refresh token is unknown",
    "refresh_other_client": "refresh token was issued to another client",
    "refresh_revoked": "refresh token has been revoked",
    "refresh_expired": "refresh token has expired",
}


@dataclass(frozen=True)
class OAuthError(Exception):
    """A documented in-band error: the catalogue entry plus its placeholder values.

    Holds no XML: the wire layer turns it into a ``PwsMessage``.
    """

    entry: CatalogueEntry
    params: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(self.entry.placeholders) - set(self.params)
        if missing:
            raise ValueError(f"{self.entry.code} needs {sorted(missing)}")

    @property
    def text(self) -> str:
        return self.entry.render(**self.params)

    def __str__(self) -> str:
        return f"{self.entry.number} {self.entry.code}: {self.text}"


def invalid_grant(reason_key: str) -> OAuthError:
    """50631 with one of the :data:`GRANT_REASONS`."""
    return OAuthError(OAUTH_INVALID_GRANT, {"InvalidReason": GRANT_REASONS[reason_key]})


# --- SOAP Faults [wcf] ------------------------------------------------------------------
@dataclass(frozen=True)
class FaultEntry:
    """A SOAP 1.1 Fault the service answers with HTTP 500: code (qualified) and string."""

    code_ns: str | None
    code: str
    template: str

    def render(self, **params: str) -> str:
        return self.template.format(**params)


#: WCF's answer to a SOAPAction that names no operation, word for word [wcf].
ACTION_NOT_SUPPORTED: Final = FaultEntry(
    NS_WCF_ADDRESSING_NONE,
    "ActionNotSupported",
    "The message with Action '{action}' cannot be processed at the receiver, due to a "
    "ContractFilter mismatch at the EndpointDispatcher. This may be because of either a "
    "contract mismatch (mismatched Actions between sender and receiver) or a binding/security "
    "mismatch between the sender and the receiver.  Check that sender and receiver have the "
    "same contract and the same binding (including security requirements, e.g. Message, "
    "Transport, None).",
)
#: The SOAP Fault a ``PwsFault`` detail travels in: the reason is the message's ErrorText [doc].
PWS_FAULT: Final = FaultEntry(None, "Client", "{text}")
#: A request WCF's DataContractSerializer cannot read (bad int, wrong wrapper) [wcf].
DESERIALIZATION_FAILED: Final = FaultEntry(
    NS_WCF_DISPATCHER,
    "DeserializationFailed",
    "The formatter threw an exception while trying to deserialize the message: {detail}",
)
#: Malformed XML, a non-SOAP-1.1 envelope, a missing body [choice: SOAP 1.1 Client fault].
CLIENT_MALFORMED: Final = FaultEntry(None, "Client", "{detail}")
#: An operation of the real WSDL that the fake does not implement [choice].
NOT_IMPLEMENTED: Final = FaultEntry(
    None,
    "Client",
    "fakeprojector does not implement operation '{operation}'; implemented: {implemented}.",
)
#: An unexpected error inside the fake: the body never carries a traceback [choice].
INTERNAL_ERROR: Final = FaultEntry(
    None, "Server", "fakeprojector internal error ({kind}); see the server log."
)

# --- reading any operation's request (fakeprojector.wsdl.reader) [wcf] ------------------------
# The ``{detail}`` of DESERIALIZATION_FAILED. The value and child-element texts are the ones
# soap/wire.py writes for the OAuth operations; the enum and "Expecting element" texts are
# DataContractSerializer's own (InvalidEnumValueOnRead, UnexpectedElementExpectingElements),
# inside the dispatcher's "error while trying to deserialize parameter" wrapper.
READ_PARAMETER: Final = "There was an error while trying to deserialize parameter {namespace}:{parameter}. "
READ_BAD_VALUE: Final = (
    READ_PARAMETER + "The value '{text}' of element '{name}' cannot be parsed as the type '{clr_type}'."
)
READ_CHILD_ELEMENTS: Final = (
    READ_PARAMETER + "Element '{name}' holds child elements where a {clr_type} was expected."
)
READ_INNER: Final = (
    READ_PARAMETER + "The InnerException message was '{inner}'.  Please see InnerException for more details."
)
READ_BAD_ENUM: Final = (
    "Invalid enum value '{text}' cannot be deserialized into type '{type_name}'. Ensure that the "
    "necessary enum values are present and are marked with EnumMemberAttribute attribute if the "
    "type has DataContractAttribute attribute."
)
READ_EXPECTING: Final = "'{node_type}' '{local_name}' from namespace '{namespace}' is not expected. Expecting element '{expected}'."
