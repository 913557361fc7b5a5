"""Where things are in the checkout (and beside it), for every part of the suite. The package's
own data (the contract fixtures, the golden envelopes, the contract suite) is found through
the package, which spells those paths once."""

from __future__ import annotations

from pathlib import Path

from fakeprojector import envelopes
from fakeprojector.contract_suite import DIRECTORY as CONTRACT_SUITE

ROOT = Path(__file__).resolve().parents[2]
#: The fixtures the contract suite and the golden envelopes run against (package data).
CONTRACT_FIXTURES = envelopes.fixtures()
#: The vendor's pages the project was seeded from, beside the checkout (absent in a bare clone).
SEED = ROOT.parent / "shared" / "seed"
#: The vendor's 2019 WSDL and XSDs, read in place beside the checkout (absent in a bare clone).
VENDOR_WSDL_DIR = ROOT.parent / "shared" / "reference" / "projector-wsdl-2019"
#: The project's own small WCF-style WSDL bundle for the engine's tests.
FIXTURE_WSDL = ROOT / "fixtures" / "wsdl" / "Fixture.wsdl"

#: CONTRACT_SUITE: the shipped contract suite's folder (``tests/contract`` collects its modules)
__all__ = ["CONTRACT_FIXTURES", "CONTRACT_SUITE", "FIXTURE_WSDL", "ROOT", "SEED", "VENDOR_WSDL_DIR"]
