"""Helpers shared by every part of the suite: raw SOAP and form clients (those of the shipped
contract suite, :mod:`fakeprojector.contract_suite`), the CLI server as a subprocess, and the
checkout's paths. None of them uses the fake's code: they talk to it over HTTP."""
