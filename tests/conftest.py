"""Shared test configuration: the project's own suite uses its own pytest plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_FIXTURES = ROOT / "fixtures" / "contract.json"
ENVELOPES = ROOT / "fixtures" / "envelopes"


@pytest.fixture
def contract_fake(fake_projector_factory):  # type: ignore[no-untyped-def]
    """A fake on fixtures/contract.json (second client, revoked token, remote account, codes)."""
    return fake_projector_factory(CONTRACT_FIXTURES)
