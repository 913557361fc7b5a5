"""Shared pieces of the engine's unit tests: the fixture bundle, the vendor snapshot, validation.

The fixture WSDL (fixtures/wsdl/) always runs. The vendor's 2019 snapshot is read in place
from ../shared/reference/ beside the checkout and never copied; its tests skip without it.
"""

from __future__ import annotations

import pytest
from lxml import etree

from fakeprojector.wsdl import Contract, load_contract
from tests.support.paths import FIXTURE_WSDL
from tests.support.paths import VENDOR_WSDL_DIR as VENDOR_DIR

VENDOR_WSDL = VENDOR_DIR / "PwsProjectorServices.wsdl"
NS_SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TIMESTAMP = "2021-12-08T16:19:04.5684513Z"


@pytest.fixture(scope="session")
def fixture_contract() -> Contract:
    return load_contract(FIXTURE_WSDL)


@pytest.fixture(scope="session")
def vendor_contract() -> Contract:
    if not VENDOR_WSDL.is_file():
        pytest.skip(f"the vendor's 2019 WSDL snapshot is not at {VENDOR_DIR} (../shared absent)")
    return load_contract(VENDOR_WSDL)


def response_element(envelope: bytes) -> etree._Element:
    """``<Op>Response`` out of a SOAP envelope, as the root of its own document."""
    root = etree.fromstring(envelope)
    assert root.tag == f"{{{NS_SOAP_ENV}}}Envelope"
    body = root[0]
    assert body.tag == f"{{{NS_SOAP_ENV}}}Body"
    return etree.fromstring(etree.tostring(body[0]))


def schema_errors(contract: Contract, envelope: bytes) -> list[str]:
    """Validation errors of the answer's ``<Op>Response`` against the contract's own XSDs."""
    schema = contract.xml_schema()
    if schema.validate(etree.ElementTree(response_element(envelope))):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
