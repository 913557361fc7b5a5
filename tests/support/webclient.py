"""The browser-side HTTP client of the shipped contract suite
(:mod:`fakeprojector.contract_suite.webclient`), under the name the rest of the suite uses.
One module, not a copy: forms in, JSON or HTML out, cookies kept, none of the fake's code."""

from fakeprojector.contract_suite.webclient import *  # noqa: F403
