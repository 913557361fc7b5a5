"""Every planted bug of ``scripts/mutants.py`` still finds its snippet, exactly once: a refactor
that moves or doubles the code a mutant targets fails here, not the next mutation pass."""

from __future__ import annotations

import importlib.util
import sys

from tests.support.paths import ROOT


def test_every_mutant_snippet_occurs_exactly_once():
    spec = importlib.util.spec_from_file_location("fakeprojector_mutants", ROOT / "scripts" / "mutants.py")
    assert spec is not None
    assert spec.loader is not None
    mutants = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mutants  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(mutants)
    finally:
        del sys.modules[spec.name]
    assert len(mutants.MUTANTS) >= 50
    assert mutants._check_snippets(mutants.MUTANTS) == []
    # a planted mutant changes its snippet: the pass must not count this test as catching it
    assert "--ignore=tests/unit/test_mutant_snippets.py" in mutants.SUITE
