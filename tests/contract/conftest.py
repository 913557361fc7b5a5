"""Target selection for the contract suite: our own fake by default, or any endpoint.

* default: a :class:`fakeprojector.FakeProjector` on ``fixtures/contract.json``, started once
  per session (per xdist worker) and reset before every test. This is the only module of
  ``tests/contract/`` that imports fakeprojector; the tests speak raw HTTP to ``target.url``.
* ``--projector-url URL`` (the full service URL, ``.../PwsProjectorServices.svc``) with
  ``PROJECTOR_CLIENT_ID``, ``PROJECTOR_CLIENT_SECRET`` and, for the token lifecycle tests, a
  disposable ``PROJECTOR_REFRESH_TOKEN`` in the environment: the same tests against any
  endpoint. Tests marked ``fake_only`` (they need state a real service cannot be given)
  skip there, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import CONTRACT_FIXTURES
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN


@dataclass
class Target:
    """Where the suite sends its requests, and with which credentials.

    ``fake`` is the FakeProjector handle (``None`` against a real endpoint): fake-only tests
    use it to freeze the clock, add state or change settings. ``refresh_token`` follows
    rotation: a test that gets a new refresh token back stores it here.
    """

    url: str
    client_id: str
    client_secret: str
    refresh_token: str | None
    fake: Any = None

    @property
    def is_fake(self) -> bool:
        return self.fake is not None

    @property
    def base_url(self) -> str:
        scheme, rest = self.url.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0]}"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract suite")
    group.addoption(
        "--projector-url",
        action="store",
        default=os.environ.get("PROJECTOR_URL") or None,
        metavar="URL",
        help="run tests/contract against this Projector service URL (.../OpsProjectorWcfSvc/PwsProjectorServices.svc) "
        "instead of a fake; credentials from PROJECTOR_CLIENT_ID, PROJECTOR_CLIENT_SECRET, PROJECTOR_REFRESH_TOKEN",
    )


def _real_target(config: pytest.Config) -> Target | None:
    url = config.getoption("--projector-url")
    if not url:
        return None
    client_id = os.environ.get("PROJECTOR_CLIENT_ID", "")
    secret = os.environ.get("PROJECTOR_CLIENT_SECRET", "")
    if not client_id or not secret:
        raise pytest.UsageError(
            "--projector-url needs PROJECTOR_CLIENT_ID and PROJECTOR_CLIENT_SECRET in the environment "
            "(and a disposable PROJECTOR_REFRESH_TOKEN for the token lifecycle tests)"
        )
    return Target(url.split("?", 1)[0], client_id, secret, os.environ.get("PROJECTOR_REFRESH_TOKEN") or None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # a test that uses up the disposable refresh token runs after every test that needs it alive
    items.sort(key=lambda item: "disposable_refresh_token" in getattr(item, "fixturenames", ()))
    if not config.getoption("--projector-url"):
        return
    skip = pytest.mark.skip(
        reason="fake_only: needs state a real Projector cannot be given (fixture clients, codes, another "
        "client's token, a frozen clock or changed settings)"
    )
    here = Path(__file__).parent
    for item in items:
        if item.get_closest_marker("fake_only") and here in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _contract_target(pytestconfig: pytest.Config) -> Iterator[Target]:
    real = _real_target(pytestconfig)
    if real is not None:
        yield real
        return
    from fakeprojector import FakeProjector  # the one import of fakeprojector in tests/contract

    with FakeProjector(CONTRACT_FIXTURES) as fake:
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
        pytest.skip("needs a disposable PROJECTOR_REFRESH_TOKEN in the environment")
    return target.refresh_token


@pytest.fixture
def disposable_refresh_token(refresh_token: str, target: Target) -> Iterator[str]:
    """The refresh token for a test that revokes it. Such tests run last; against a real
    endpoint the token is then used up and later tests needing one skip."""
    yield refresh_token
    if target.fake is None:
        target.refresh_token = None
