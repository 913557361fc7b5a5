"""The shipped suite's ``test_revoke`` (fakeprojector/contract_suite/test_revoke.py), collected here."""

from fakeprojector.contract_suite.test_revoke import *  # noqa: F403
