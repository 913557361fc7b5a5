"""The shipped suite's ``test_consent`` (fakeprojector/contract_suite/test_consent.py), collected here."""

from fakeprojector.contract_suite.test_consent import *  # noqa: F403
