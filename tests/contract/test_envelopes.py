"""The shipped suite's ``test_envelopes`` (fakeprojector/contract_suite/test_envelopes.py), collected here."""

from fakeprojector.contract_suite.test_envelopes import *  # noqa: F403
