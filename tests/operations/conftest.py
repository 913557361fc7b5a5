"""The loaded-WSDL tests: the session's ``fake_projector`` switched to the project's own
WCF-style bundle (fixtures/wsdl/, always present) by the plugin's ``wsdl=`` marker keyword,
and the vendor's 2019 snapshot, read in place from ../shared and skipped when absent."""

from __future__ import annotations

import pytest

from fakeprojector.wsdl import Contract, load_contract
from tests.support.paths import FIXTURE_WSDL, VENDOR_WSDL_DIR

VENDOR_WSDL = VENDOR_WSDL_DIR / "PwsProjectorServices.wsdl"
#: Every test of a module marked with it gets the fake serving the fixture bundle.
ON_FIXTURE_WSDL = pytest.mark.fake_projector(wsdl=str(FIXTURE_WSDL))


@pytest.fixture(scope="session")
def fixture_contract() -> Contract:
    """The bundle as read from disk, independently of what the fake serves."""
    return load_contract(FIXTURE_WSDL)


@pytest.fixture(scope="session")
def vendor_contract() -> Contract:
    if not VENDOR_WSDL.is_file():
        pytest.skip(f"the vendor's 2019 WSDL snapshot is not at {VENDOR_WSDL_DIR} (../shared absent)")
    return load_contract(VENDOR_WSDL)
