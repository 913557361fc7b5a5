"""The shipped suite's ``test_wire`` (fakeprojector/contract_suite/test_wire.py), collected here."""

from fakeprojector.contract_suite.test_wire import *  # noqa: F403
