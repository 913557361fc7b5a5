"""The shipped suite's ``test_rest_twins`` (fakeprojector/contract_suite/test_rest_twins.py), collected here."""

from fakeprojector.contract_suite.test_rest_twins import *  # noqa: F403
