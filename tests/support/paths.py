"""Where things are in the checkout (and beside it), for every part of the suite."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_FIXTURES = ROOT / "fixtures" / "contract.json"
ENVELOPES = ROOT / "fixtures" / "envelopes"
#: The vendor's pages the project was seeded from, beside the checkout (absent in a bare clone).
SEED = ROOT.parent / "shared" / "seed"
#: The vendor's 2019 WSDL and XSDs, read in place beside the checkout (absent in a bare clone).
VENDOR_WSDL_DIR = ROOT.parent / "shared" / "reference" / "projector-wsdl-2019"
#: The project's own small WCF-style WSDL bundle for the engine's tests.
FIXTURE_WSDL = ROOT / "fixtures" / "wsdl" / "Fixture.wsdl"
