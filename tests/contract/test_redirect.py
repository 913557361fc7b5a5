"""The shipped suite's ``test_redirect`` (fakeprojector/contract_suite/test_redirect.py), collected here."""

from fakeprojector.contract_suite.test_redirect import *  # noqa: F403
