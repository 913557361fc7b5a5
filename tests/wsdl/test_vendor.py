"""The vendor's May 2019 snapshot: every hard case of the brief, measured on the real thing.

Read in place from ../shared (never copied); skipped when it is absent.
"""

from __future__ import annotations

import pytest

from fakeprojector.contract import NS_XSD
from fakeprojector.wsdl import ComplexType, SimpleType, render_answer
from tests.wsdl.conftest import TIMESTAMP, schema_errors

SVC = "http://projectorpsa.com/PwsProjectorServices/"
REQ = "http://projectorpsa.com/DataContracts/Requests/"
COMMON = "http://projectorpsa.com/DataContracts/Shared/Common/"
MSG_NS = COMMON


def test_every_operation_is_modelled(vendor_contract):
    ops = vendor_contract.operations
    assert len(ops) == 147
    assert [n for n, op in ops.items() if op.parameter.name != "serviceRequest"] == ["PwsSubmitTimeCards"]
    assert ops["PwsSubmitTimeCards"].parameter.name == "rq"
    assert all(op.action == f"{SVC}IPwsProjectorServices/{n}" for n, op in ops.items())
    assert all(op.result.name == f"{n}Result" for n, op in ops.items())
    assert all([f.element for f in op.faults] == [(COMMON, "PwsFault")] for op in ops.values())
    assert all(op.session_ticket for op in ops.values())
    assert vendor_contract.requires_https


def test_seven_namespaces_and_the_request_base_elsewhere(vendor_contract):
    namespaces = set()
    split = 0
    for op in vendor_contract.operations.values():
        rq = vendor_contract.complex_type(op.parameter.type)
        rs = vendor_contract.complex_type(op.result.type)
        namespaces |= {rq.name[0], rs.name[0]}
        assert [(m.name, m.namespace) for m in rq.members[:2]] == [("RequestId", REQ), ("SessionTicket", REQ)]
        split += any(m.namespace != REQ for m in rq.members[2:])
    assert len(namespaces) == 7
    assert split == 104
    in_requests = [op.name for op in vendor_contract.operations.values() if op.result.type[0] == REQ]
    assert len(in_requests) == 4


def test_required_request_members(vendor_contract):
    """56 operations need a member; 20 declared required members are non-nillable values
    (``dateTime``, ``short``, ``double``, ``unsignedByte`` or an enumeration) a stub or a
    reader must get right (all ``dateTime`` in this snapshot, 14 of them directly in a request)."""
    ops = vendor_contract.operations.values()
    assert (
        sum(any(m.required for m in vendor_contract.complex_type(op.parameter.type).members) for op in ops)
        == 56
    )
    hard = 0
    for typ in vendor_contract.types.values():
        if not isinstance(typ, ComplexType):
            continue
        inherited = len(vendor_contract.complex_type(typ.bases[0]).members) if typ.bases else 0
        for m in typ.members[inherited:]:
            t = vendor_contract.types[m.type]
            value = isinstance(t, SimpleType) and (
                t.kind in {"dateTime", "short", "double", "unsignedByte"} or bool(t.enumeration)
            )
            hard += bool(m.required and not m.nillable and value)
    assert hard == 20


def test_deep_chains_and_recursive_types(vendor_contract):
    detail = vendor_contract.complex_type((COMMON, "PwsProjectDetail"))
    assert len(detail.bases) == 4
    for name in ("PwsValue", "PwsClientDescriptor", "PwsSearchResultItem", "PwsFlexSearchResult"):
        found = [
            t for t in vendor_contract.types.values() if isinstance(t, ComplexType) and t.name[1] == name
        ]
        assert found, name


def test_every_minimal_answer_validates_against_the_vendor_xsds(vendor_contract):
    failures = {}
    for op in vendor_contract.operations.values():
        errors = schema_errors(
            vendor_contract, render_answer(vendor_contract, op, request_id=9, timestamp=TIMESTAMP)
        )
        if errors:
            failures[op.name] = errors[:3]
    assert failures == {}


def test_every_session_failure_answer_validates_too(vendor_contract):
    message = {
        "AdditionalErrorText": "Error 10004: InvalidSessionTicket",
        "ErrorCode": "InvalidSessionTicket",
        "ErrorNumber": 10004,
        "ErrorText": "The specified session ticket is invalid.",
        "Type": "Error",
        "ReferenceId1": None,
        "ReferenceId2": None,
    }
    failures = {}
    for op in vendor_contract.operations.values():
        data = render_answer(
            vendor_contract,
            op,
            request_id=None,
            timestamp=TIMESTAMP,
            status="FailSessionInvalid",
            messages=[message],
        )
        assert b"<b:ErrorNumber>10004</b:ErrorNumber>" in data
        errors = schema_errors(vendor_contract, data)
        if errors:
            failures[op.name] = errors[:3]
    assert failures == {}


@pytest.mark.parametrize(
    "kind", ["dateTime", "short", "double", "unsignedByte", "boolean", "long", "decimal"]
)
def test_builtin_kinds_present(vendor_contract, kind):
    assert (NS_XSD, kind) in vendor_contract.types
