"""The contract suite, shipped with the package: every documented behaviour of the OAuth2
operations (and the fake's own choices) as pytest tests that speak raw HTTP to a target.

Run it with ``fakeprojector contract-test [--projector-url URL] [pytest options]``: against a
fake it starts on the contract fixtures, or against any endpoint (your Projector tenant). The
test modules and their helpers import nothing of the fake but the golden envelopes' loader
(import-linter checks it), so they judge the fake from the outside; only :mod:`.plugin`
starts one. The repository's ``tests/contract/`` collects these same modules.

This module stays free of pytest: the command line imports it before it knows whether the
``contract`` extra (pytest) is installed.
"""

from __future__ import annotations

from pathlib import Path

#: the suite's folder: its test modules, and the pytest configuration it runs with
DIRECTORY = Path(__file__).resolve().parent
#: the suite's own pytest configuration (``-c``): the caller's project configuration stays out
CONFIG = DIRECTORY / "pytest.ini"
#: the pytest plugin with the target selection (``--projector-url``) and the suite's fixtures
PLUGIN = "fakeprojector.contract_suite.plugin"

__all__ = ["CONFIG", "DIRECTORY", "PLUGIN"]
