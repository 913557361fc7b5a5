"""The README's coverage paragraph is the one the registry of implemented operations writes."""

from __future__ import annotations

from fakeprojector import coverage
from fakeprojector.contract import vendor_operations
from fakeprojector.rules import OPERATIONS
from tests.support.paths import ROOT


def test_readme_coverage_is_written_from_the_registry():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert coverage.block() in text, f"README's coverage block is stale; replace it with:\n{coverage.block()}"
    assert set(OPERATIONS) <= vendor_operations()


def test_the_paragraph_follows_the_registry():
    assert "**3 of the" in coverage.paragraph([*OPERATIONS, "PwsAuthenticate"])
    assert "`PwsAuthenticate`, `PwsRevokeOauth2RefreshToken`" not in coverage.paragraph(OPERATIONS)
