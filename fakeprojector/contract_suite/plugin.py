"""Target selection for the contract suite: a fake by default, or any endpoint.

* default: a :class:`fakeprojector.FakeProjector` on the contract fixtures (the state the
  golden envelopes assume), started once per session (per xdist worker) and reset before
  every test. This is the only module of the suite that imports the fake; the tests speak raw
  HTTP to ``target.url``.
* ``--projector-url URL`` (the full service URL, ``.../PwsProjectorServices.svc``) with
  ``PROJECTOR_CLIENT_ID``, ``PROJECTOR_CLIENT_SECRET`` and, for the token lifecycle tests, a
  disposable ``PROJECTOR_REFRESH_TOKEN`` in the environment: the same tests against any
  endpoint. Tests marked ``fake_only`` (they need state a real service cannot be given)
  skip there, with the reason.

Loaded with ``-p fakeprojector.contract_suite.plugin`` by ``fakeprojector contract-test``, and
by the repository's ``tests/conftest.py``. It registers the suite's markers itself, so both
runs know them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from fakeprojector.contract_suite.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN
from fakeprojector.contract_suite.target import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    URL,
    Target,
    real_target,
)

MARKERS = (
    "contract(key): the test checks a documented behaviour (doc/wcf): a key of the behaviour table",
    "choice(key): the test pins a fakeprojector choice, not a documented vendor fact (a behaviour key)",
    "fake_only: needs state a real Projector cannot be given (fixture clients, frozen time); "
    "skips against --projector-url",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract suite")
    group.addoption(
        "--projector-url",
        action="store",
        default=os.environ.get(URL) or None,
        metavar="URL",
        help=f"run the contract suite against this Projector service URL (.../OpsProjectorWcfSvc/PwsProjectorServices.svc) "
        f"instead of a fake (default: ${URL}); credentials from {CLIENT_ID}, {CLIENT_SECRET}, {REFRESH_TOKEN}",
    )


_REAL_TARGET = pytest.StashKey[Target | None]()


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    url = config.getoption("--projector-url")
    try:  # a bad URL or missing credentials stop the run before anything is collected
        config.stash[_REAL_TARGET] = real_target(url, os.environ) if url else None
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # a test that uses up the disposable refresh token runs after every test that needs it alive
    items.sort(key=lambda item: "disposable_refresh_token" in getattr(item, "fixturenames", ()))
    if not config.getoption("--projector-url"):
        return
    skip = pytest.mark.skip(
        reason="fake_only: needs state a real Projector cannot be given (fixture clients, codes, another "
        "client's token, a frozen clock or changed settings)"
    )
    for item in items:
        if item.get_closest_marker("fake_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _contract_target(pytestconfig: pytest.Config) -> Iterator[Target]:
    real = pytestconfig.stash[_REAL_TARGET]
    if real is not None:
        yield real
        return
    from fakeprojector import envelopes
    from fakeprojector.server import FakeProjector  # the one use of the fake in the suite

    with FakeProjector(envelopes.fixtures()) as fake:
        yield Target(fake.url, SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, fake)


@pytest.fixture
def target(_contract_target: Target) -> Iterator[Target]:
    """The endpoint under test; a fake is back at its fixtures (and real time) for each test."""
    t = _contract_target
    if t.fake is not None:
        t.fake.reset()
        t.refresh_token = SAMPLE_TOKEN
    yield t
    if t.fake is not None:
        t.fake.check()


@pytest.fixture
def fake(target: Target) -> Any:
    """The FakeProjector behind ``target``, for fake-only tests (skips against a real endpoint)."""
    if target.fake is None:
        pytest.skip("fake_only: needs the fake's handle")
    return target.fake


@pytest.fixture
def refresh_token(target: Target) -> str:
    """The disposable refresh token of the target (the fake's: the vendor's sample token)."""
    if not target.refresh_token:
        pytest.skip(f"needs a disposable {REFRESH_TOKEN} in the environment")
    return target.refresh_token


@pytest.fixture
def disposable_refresh_token(refresh_token: str, target: Target) -> Iterator[str]:
    """The refresh token for a test that revokes it. Such tests run last; against a real
    endpoint the token is then used up and later tests needing one skip."""
    yield refresh_token
    if target.fake is None:
        target.refresh_token = None
