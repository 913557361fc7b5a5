"""Any WCF service from its WSDL: load it, answer every operation, read its requests, check stubs.

The engine beside the spyne-driven OAuth operations, at the same wire layer: lxml only (no
spyne, no werkzeug, no OAuth rules or store; import-linter checks it). Not imported by
``fakeprojector`` itself, so a fake without a WSDL starts no slower.

Modules, one job each: :mod:`~.load` (files to a :class:`Contract`), :mod:`~.schema` (XML
Schema to types), :mod:`~.model` (the typed model), :mod:`~.contract` (the loaded whole),
:mod:`~.values` (simple values both ways), :mod:`~.writer` (WCF's bytes), :mod:`~.answers`
(minimal answers), :mod:`~.reader` (requests under WCF's rules), :mod:`~.stubs` (checking
and matching a test's stubs).
"""

from fakeprojector.wsdl.answers import (
    STATUS_OK,
    STATUS_SESSION_INVALID,
    base_values,
    pws_message,
    render_answer,
)
from fakeprojector.wsdl.contract import Contract
from fakeprojector.wsdl.load import load_contract
from fakeprojector.wsdl.model import ComplexType, ContractError, Fault, Member, Operation, QName, SimpleType
from fakeprojector.wsdl.reader import ReadError, Request, Skipped, read_request
from fakeprojector.wsdl.schema import SchemaDocument
from fakeprojector.wsdl.stubs import StubError, matches, validate_respond, validate_when
from fakeprojector.wsdl.writer import write_response

__all__ = [
    "STATUS_OK",
    "STATUS_SESSION_INVALID",
    "ComplexType",
    "Contract",
    "ContractError",
    "Fault",
    "Member",
    "Operation",
    "QName",
    "ReadError",
    "Request",
    "SchemaDocument",
    "SimpleType",
    "Skipped",
    "StubError",
    "base_values",
    "load_contract",
    "matches",
    "pws_message",
    "read_request",
    "render_answer",
    "validate_respond",
    "validate_when",
    "write_response",
]
