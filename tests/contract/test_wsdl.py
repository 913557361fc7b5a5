"""The shipped suite's ``test_wsdl`` (fakeprojector/contract_suite/test_wsdl.py), collected here."""

from fakeprojector.contract_suite.test_wsdl import *  # noqa: F403
