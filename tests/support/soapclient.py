"""The raw-HTTP SOAP client of the shipped contract suite
(:mod:`fakeprojector.contract_suite.soapclient`), under the name the rest of the suite uses.
One module, not a copy: it builds envelopes, posts them and reads answers without any of the
fake's code."""

from fakeprojector.contract_suite.soapclient import *  # noqa: F403
