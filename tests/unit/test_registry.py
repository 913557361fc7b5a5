"""Adding an operation is one registry entry (plus its fields): the WSDL, the dispatch, the
faults and the coverage list all follow. A throwaway operation proves it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from lxml import etree

from fakeprojector import coverage
from fakeprojector.contract import ACTION_PREFIX, STRING
from fakeprojector.faults import FaultInjector
from fakeprojector.rules import OPERATIONS, CallContext, Operation
from fakeprojector.soap.endpoint import SoapEndpoint
from fakeprojector.soap.mapping import Udc
from fakeprojector.store import Store
from tests.support.soapclient import envelope

NAME = "PwsEchoTest"


@dataclass(frozen=True)
class EchoRequest:
    request_id: int | None = None
    session_ticket: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class EchoOutcome:
    echo: str | None = None


def echo(store: Store, request: EchoRequest, context: CallContext) -> EchoOutcome:
    return EchoOutcome(echo=(request.text or "").upper())


ECHO = Operation(NAME, (("Text", STRING),), (("Echo", STRING),), EchoRequest, EchoOutcome, echo)
REGISTRY = {**OPERATIONS, NAME: ECHO}


def test_a_registered_operation_is_in_the_wsdl_the_dispatch_and_the_coverage():
    endpoint = SoapEndpoint(REGISTRY)
    wsdl = etree.fromstring(endpoint.metadata.single_wsdl("http://fake.example/svc"))
    ops = wsdl.xpath("//*[local-name()='portType']/*[local-name()='operation']/@name")
    assert NAME in ops
    assert wsdl.xpath("//*[local-name()='complexType'][@name='PwsEchoTestRq']")
    answer = endpoint.handle(envelope(NAME, [("Text", "hello")]), f'"{ACTION_PREFIX}{NAME}"', Udc(Store()))
    assert answer.status == 200, answer.body
    assert b"<a:Echo>HELLO</a:Echo>" in answer.body
    assert b">Ok</Status>" in answer.body
    assert f"`{NAME}`" in coverage.paragraph(REGISTRY)
    assert FaultInjector(lambda: REGISTRY).add("delay", NAME, delay_ms=1).operation == NAME


def test_the_default_endpoint_does_not_know_it():
    answer = SoapEndpoint().handle(envelope(NAME, [("Text", "x")]), f'"{ACTION_PREFIX}{NAME}"', Udc(Store()))
    assert answer.status == 500
    assert b"ActionNotSupported" in answer.body


def test_fields_and_dataclasses_that_disagree_are_refused_at_registration():
    with pytest.raises(
        TypeError, match=r"PwsEchoTest: request fields \['text', 'txt'\] differ from EchoRequest"
    ):
        Operation(NAME, (("Txt", STRING),), (("Echo", STRING),), EchoRequest, EchoOutcome, echo)
