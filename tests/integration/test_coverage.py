"""The README's coverage paragraph matches the registry of implemented operations."""

from __future__ import annotations

import re

from fakeprojector.contract import vendor_operations
from fakeprojector.soap.service import IMPLEMENTED
from tests.conftest import ROOT


def test_readme_coverage_matches_registry():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index("<!-- coverage:start -->") : text.index("<!-- coverage:end -->")]
    implemented, total = map(
        int, re.search(r"implements \*\*(\d+) of the (\d+) operations\*\*", block).groups()
    )
    assert (implemented, total) == (len(IMPLEMENTED), len(vendor_operations()))
    assert set(re.findall(r"`(Pws\w+)`", block)) == set(IMPLEMENTED)
    assert set(IMPLEMENTED) <= vendor_operations()
