"""Names of the Projector PWS wire contract: namespaces, paths, actions and field order.

Everything here is data copied from the vendor's documentation and 2019 WSDL [doc]
(see docs/behaviour.md). Other modules import these constants instead of
spelling namespaces or field names themselves, so a wire name is fixed in one place.
Standard library only: this module sits at the bottom of the import layers.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Final, Literal

# --- namespaces [doc] -------------------------------------------------------------------
NS_SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SOAP12_ENV: Final = "http://www.w3.org/2003/05/soap-envelope"
NS_SERVICE: Final = "http://projectorpsa.com/PwsProjectorServices/"
NS_REQUESTS: Final = "http://projectorpsa.com/DataContracts/Requests/"
NS_COMMON_SERVICES: Final = "http://projectorpsa.com/CommonServices/"
NS_RESPONSES: Final = "http://projectorpsa.com/DataContracts/Responses/"
NS_SHARED_COMMON: Final = "http://projectorpsa.com/DataContracts/Shared/Common/"
NS_XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
#: WCF's fault-code namespaces [wcf].
NS_WCF_ADDRESSING_NONE: Final = "http://schemas.microsoft.com/ws/2005/05/addressing/none"
NS_WCF_DISPATCHER: Final = (
    "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher"
)

# --- metadata namespaces: what WCF's ?wsdl declares [wcf, doc: the 2019 snapshot] ---------
NS_WSDL: Final = "http://schemas.xmlsoap.org/wsdl/"
NS_WSDL_SOAP: Final = "http://schemas.xmlsoap.org/wsdl/soap/"
NS_WSDL_SOAP12: Final = "http://schemas.xmlsoap.org/wsdl/soap12/"
NS_XSD: Final = "http://www.w3.org/2001/XMLSchema"
NS_WSAW: Final = "http://www.w3.org/2006/05/addressing/wsdl"
NS_WSAP: Final = "http://schemas.xmlsoap.org/ws/2004/08/addressing/policy"
NS_WSA10: Final = "http://www.w3.org/2005/08/addressing"
NS_MSC: Final = "http://schemas.microsoft.com/ws/2005/12/wsdl/contract"
NS_SOAP_ENCODING: Final = "http://schemas.xmlsoap.org/soap/encoding/"
NS_WSX: Final = "http://schemas.xmlsoap.org/ws/2004/09/mex"
NS_WSP: Final = "http://schemas.xmlsoap.org/ws/2004/09/policy"
NS_WSAM: Final = "http://www.w3.org/2007/05/addressing/metadata"
NS_WSA: Final = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
NS_WSU: Final = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
NS_SP: Final = "http://schemas.xmlsoap.org/ws/2005/07/securitypolicy"
#: WCF's own schema: ``guid``, ``char``, ``duration`` and the serialization attributes.
NS_SER: Final = "http://schemas.microsoft.com/2003/10/Serialization/"
#: The SOAP-over-HTTP transport URI of ``soap:binding`` (an identifier, not a namespace).
SOAP_HTTP_TRANSPORT: Final = "http://schemas.xmlsoap.org/soap/http"

# --- transport [doc] --------------------------------------------------------------------
SERVICE_PATH: Final = "/OpsProjectorWcfSvc/PwsProjectorServices.svc"
#: The REST twins and the browser consent page [doc].
REST_TOKEN_PATH: Final = "/oauth2token"  # noqa: S105 - a URL path, not a password
REST_REVOKE_PATH: Final = "/oauth2revoketoken"
AUTHORIZE_PATH: Final = "/oauth2authorize"
SERVICE_NAME: Final = "PwsProjectorServices"
PORT_TYPE: Final = "IPwsProjectorServices"
BINDING_NAME: Final = "BasicHttpBinding_IPwsProjectorServices"
ACTION_PREFIX: Final = f"{NS_SERVICE}{PORT_TYPE}/"
CONTENT_TYPE: Final = "text/xml; charset=utf-8"
VENDOR_HOSTS: Final = ("https://secure.projectorpsa.com", "https://secure2.projectorpsa.com")

# --- operations -------------------------------------------------------------------------
REVOKE: Final = "PwsRevokeOauth2RefreshToken"
ACQUIRE: Final = "PwsAcquireOauth2Token"
REQUEST_PARAM: Final = "serviceRequest"
#: The vendor's sign-in and sign-out with a user name and password [doc: the 2019 WSDL]: on a
#: loaded WSDL they open and end real sessions (:mod:`fakeprojector.sessions`).
AUTHENTICATE: Final = "PwsAuthenticate"
UNAUTHENTICATE: Final = "PwsUnauthenticate"
#: The ``RequestStatus`` of an answer refused for its session ticket [doc].
STATUS_SESSION_INVALID: Final = "FailSessionInvalid"

#: A data member's XML Schema type, as far as the two OAuth operations need: ``xs:string``
#: (nillable) or ``xs:int`` (never nil) [doc].
FieldType = Literal["string", "int"]
STRING: Final = "string"
INT: Final = "int"
Fields = tuple[tuple[str, FieldType], ...]


def names(fields: Fields) -> tuple[str, ...]:
    """The member names of a typed field list, in order."""
    return tuple(name for name, _ in fields)


#: ``PwsRequest``'s members, first in every request [doc].
REQUEST_BASE: Final[Fields] = (("RequestId", INT), ("SessionTicket", STRING))
REQUEST_BASE_FIELDS: Final = names(REQUEST_BASE)
#: Each operation's own request members, in schema order, after the base [doc].
REQUEST_FIELDS: Final[dict[str, Fields]] = {
    REVOKE: (
        ("ClientIdentifier", STRING),
        ("ClientSecret", STRING),
        ("Token", STRING),
        ("TokenType", STRING),
    ),
    ACQUIRE: (
        ("ClientIdentifier", STRING),
        ("ClientSecret", STRING),
        ("Code", STRING),
        ("CodeVerifier", STRING),
        ("GrantType", STRING),
        ("RedirectUri", STRING),
        ("RefreshToken", STRING),
    ),
}

#: Response fields in schema order: the ``PwsResponse`` base, then each result's own [doc].
RESPONSE_BASE_FIELDS: Final = ("Messages", "ResponseId", "Status", "ServerTimestampUtc")
RESULT_FIELDS: Final[dict[str, Fields]] = {
    REVOKE: (("RedirectUrl", STRING),),
    ACQUIRE: (
        ("AccessToken", STRING),
        ("ExpiresInSeconds", INT),
        ("MaxLifetimeMinutes", INT),
        ("RedirectUrl", STRING),
        ("RefreshToken", STRING),
        ("RestServiceAuthority", STRING),
        ("SoapServiceAuthority", STRING),
        ("TimeoutMinutes", INT),
        ("TokenType", STRING),
    ),
}

#: The fields of a consent page journal entry (``oauth2authorize``) [choice].
CONSENT_FIELDS: Final = ("Account", "ClientIdentifier", "RedirectUri", "Username", "Outcome", "Code", "Error")

#: ``PwsMessage`` members in schema order [doc].
MESSAGE_FIELDS: Final = (
    "AdditionalErrorText",
    "ErrorCode",
    "ErrorNumber",
    "ErrorText",
    "Type",
    "ReferenceId1",
    "ReferenceId2",
)

REQUEST_STATUSES: Final = ("Ok", "OkWithWarnings", "Fail", "FailSessionInvalid")
MESSAGE_TYPES: Final = ("Information", "Warning", "Error", "FatalError")

#: Grant types PwsAcquireOauth2Token accepts (``code``, not ``authorization_code``) [doc].
GRANT_CODE: Final = "code"
GRANT_REFRESH_TOKEN: Final = "refresh_token"  # noqa: S105 - a grant type name, not a secret
TOKEN_TYPE_REFRESH: Final = "refresh_token"  # noqa: S105 - a token type name, not a secret
PKCE_METHODS: Final = ("S256", "plain")


@cache
def vendor_operations() -> frozenset[str]:
    """Every operation name of the vendor's ``IPwsProjectorServices`` [doc], names only
    (``data/vendor_operations.txt``, written by ``scripts/vendor_operations.py``)."""
    text = (Path(__file__).resolve().parent / "data" / "vendor_operations.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def snake(name: str) -> str:
    """A wire name as Python spells it: ``ClientIdentifier`` -> ``client_identifier``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def soap_action(operation: str) -> str:
    """The WCF SOAPAction of ``operation`` [doc]."""
    return ACTION_PREFIX + operation


def action_operation(action: str) -> str | None:
    """The operation name a SOAPAction header value (quoted or not) names under the
    service's action prefix, whether or not the fake answers it; else ``None``."""
    value = action.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if value.startswith(ACTION_PREFIX) and len(value) > len(ACTION_PREFIX):
        return value[len(ACTION_PREFIX) :]
    return None


# --- value forms ------------------------------------------------------------------------
_URLSAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
REFRESH_TOKEN_MIN_LEN: Final = 20
REFRESH_TOKEN_MAX_LEN: Final = 512
_HEX = frozenset("0123456789abcdefABCDEF")


def is_refresh_token_form(value: str) -> bool:
    """20-512 characters of the URL-safe base64 alphabet, like the vendor's samples [choice]."""
    return REFRESH_TOKEN_MIN_LEN <= len(value) <= REFRESH_TOKEN_MAX_LEN and _URLSAFE.issuperset(value)


#: RFC 7636 §4.2: a ``code_challenge`` is 43-128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~".
CODE_CHALLENGE_RULE: Final = "must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)"
_CODE_CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def is_code_challenge_form(value: str) -> bool:
    """The one PKCE challenge rule: the consent page, the fixtures, the Python and admin APIs."""
    return _CODE_CHALLENGE.fullmatch(value) is not None


def parse_guid(value: str) -> str | None:
    """Canonical lower-case form of a GUID as .NET ``Guid.Parse`` reads it, else ``None``.

    Accepts the ``D`` (hyphenated), ``N`` (32 digits), ``B`` ({...}) and ``P`` ((...))
    forms, with surrounding whitespace, like .NET does [wcf].
    """
    text = value.strip()
    if len(text) == 38 and (text[0], text[-1]) in (("{", "}"), ("(", ")")):
        text = text[1:-1]
    if len(text) == 36:
        if any(text[i] != "-" for i in (8, 13, 18, 23)):
            return None
        digits = text.replace("-", "")
    elif len(text) == 32:
        digits = text
    else:
        return None
    if len(digits) != 32 or not _HEX.issuperset(digits):
        return None
    d = digits.lower()
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"
