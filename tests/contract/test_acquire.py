"""The shipped suite's ``test_acquire`` (fakeprojector/contract_suite/test_acquire.py), collected here."""

from fakeprojector.contract_suite.test_acquire import *  # noqa: F403
