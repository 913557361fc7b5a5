"""Helpers of the loaded-WSDL tests: requests a generated client can send for any operation,
raw envelopes in any namespace, and validation of answers against the loaded XSDs.

The request values come from the engine's model of the WSDL read from disk (which members
are required, of which type); the answers are checked by lxml against the schema files
themselves, compiled independently of what the fake serves.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

import zeep
from lxml import etree
from zeep.plugins import HistoryPlugin

from fakeprojector.wsdl import ComplexType, Contract, Member, SimpleType
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SVC = "http://projectorpsa.com/PwsProjectorServices/"
REQ = "http://projectorpsa.com/DataContracts/Requests/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SAMPLE_USER = {"AccountCode": "SAMPLE", "UserName": "sample.user", "Password": "sample-password"}
INVALID_TICKET_TEXT = (
    "The specified session ticket is invalid. Please verify you are issuing this request against "
    "the correct instance of Projector."
)
#: A value a client would send for each kind of simple type.
_VALUES: dict[str, Any] = {
    "string": "x",
    "boolean": False,
    "dateTime": dt.datetime(2024, 1, 31, 9, 0, 0),
    "decimal": decimal.Decimal("1.5"),
    "double": 1.5,
    "float": 1.5,
    "guid": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "base64Binary": b"x",
    "duration": dt.timedelta(hours=1),
}


def sample(contract: Contract, member: Member) -> Any:
    """A value for ``member`` with every required member below it filled (arrays empty)."""
    typ = contract.types[member.type]
    if isinstance(typ, SimpleType):
        return typ.enumeration[0] if typ.enumeration else _VALUES.get(typ.kind, 1)
    if typ.array_item is not None:
        return None if member.nillable else []
    return {m.name: sample(contract, m) for m in typ.members if m.required}


def request_values(contract: Contract, operation: str, ticket: str | None) -> dict[str, Any]:
    """The parameter of ``operation`` as zeep takes it: required members, the ticket, and the
    default fixtures' user for ``PwsAuthenticate``."""
    op = contract.operations[operation]
    typ = contract.complex_type(op.parameter.type)
    values = {m.name: sample(contract, m) for m in typ.members if m.required}
    if ticket is not None and any(m.name == "SessionTicket" for m in typ.members):
        values["SessionTicket"] = ticket
    if operation == "PwsAuthenticate":
        values.update(SAMPLE_USER)
    return values


def ordered(names: Iterable[str]) -> list[str]:
    """Every operation, ``PwsUnauthenticate`` (which ends the session) last."""
    return sorted(names, key=lambda n: n == "PwsUnauthenticate")


def answer_element(envelope: etree._Element) -> etree._Element:
    """``<Op>Response`` (or ``s:Fault``) of a SOAP envelope, as the root of its own document."""
    body = envelope.find(f"{{{ENV}}}Body")
    assert body is not None
    return etree.fromstring(etree.tostring(next(c for c in body if isinstance(c.tag, str))))


def schema_errors(schema: etree.XMLSchema, envelope: etree._Element | bytes) -> list[str]:
    root = etree.fromstring(envelope) if isinstance(envelope, bytes) else envelope
    if schema.validate(etree.ElementTree(answer_element(root))):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


class ZeepClient:
    """A zeep client generated from the fake's ``?wsdl``, remembering the last answer's XML."""

    def __init__(self, wsdl_url: str) -> None:
        self.history = HistoryPlugin()
        self.client = zeep.Client(wsdl_url, plugins=[self.history])
        self.service = self.client.service

    def ticket(self) -> str:
        """A session ticket by the refresh grant, with the default fixtures' sample client."""
        answer = self.service.PwsAcquireOauth2Token(
            serviceRequest={
                "ClientIdentifier": SAMPLE_CLIENT,
                "ClientSecret": SAMPLE_SECRET,
                "GrantType": "refresh_token",
                "RefreshToken": SAMPLE_TOKEN,
            }
        )
        assert answer.Status == "Ok", answer
        return str(answer.AccessToken)

    def call(self, contract: Contract, operation: str, ticket: str | None) -> tuple[Any, etree._Element]:
        op = contract.operations[operation]
        result = getattr(self.service, operation)(
            **{op.parameter.name: request_values(contract, operation, ticket)}
        )
        return result, self.history.last_received["envelope"]

    def call_all(
        self, contract: Contract, ticket: str | None, names: Iterable[str]
    ) -> dict[str, tuple[str, list[int], list[str]]]:
        """``{operation: (Status, error numbers, schema errors)}`` of one call each."""
        schema = contract.xml_schema()
        out = {}
        for name in ordered(names):
            result, envelope = self.call(contract, name, ticket)
            messages = result.Messages.PwsMessage if result.Messages is not None else []
            out[name] = (result.Status, [m.ErrorNumber for m in messages], schema_errors(schema, envelope))
        return out


def session_operations(contract: Contract) -> list[str]:
    """The operations that check a session ticket: every one whose request carries one, but
    ``PwsAuthenticate``."""
    return [n for n, op in contract.operations.items() if op.session_ticket and n != "PwsAuthenticate"]


def envelope(operation: str, members: str, *, parameter: str = "serviceRequest", extra: str = "") -> bytes:
    """A raw request: ``members`` is the XML inside the parameter (prefixes ``r`` Requests,
    ``w`` the fixture's Widgets namespace, ``i`` XSI)."""
    return (
        f'<s:Envelope xmlns:s="{ENV}" xmlns:p="{SVC}" xmlns:r="{REQ}" xmlns:i="{XSI}" '
        'xmlns:w="http://fakeprojector.example/DataContracts/Widgets/"><s:Body>'
        f"<p:{operation}><p:{parameter}>{members}</p:{parameter}>{extra}</p:{operation}>"
        "</s:Body></s:Envelope>"
    ).encode()


def is_complex(contract: Contract, member: Member) -> bool:
    return isinstance(contract.types[member.type], ComplexType)
