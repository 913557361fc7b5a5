"""Shared test configuration: the project's own suite uses its own pytest plugin (its
``fake_projector`` fixtures), plus one standalone server (``fakeprojector serve``) for the tests that drive it over HTTP only.
The shipped contract suite's plugin (``--projector-url``, the ``target`` fixtures, its markers)
is loaded for ``tests/contract``, which collects the suite's modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakeprojector.contract_suite import PLUGIN
from tests.support.cliserver import CliServer

pytest_plugins = [PLUGIN]


@pytest.fixture(scope="module")
def cli_server_process() -> Iterator[CliServer]:
    """A default ``fakeprojector serve --port 0`` subprocess, one per test module (so each
    module reads a stderr of its own). Ask for :func:`cli_server` instead."""
    server = CliServer()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def cli_server(cli_server_process: CliServer) -> CliServer:
    """The module's standalone server, reset over the admin API before the test: its fixtures
    again, no journal, no faults, real time. A test needing other ``serve`` flags starts its
    own :class:`~tests.support.cliserver.CliServer`."""
    status, body, _ = cli_server_process.admin("POST", "/reset")
    assert status == 200, body
    return cli_server_process
