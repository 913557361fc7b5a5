"""pytest plugin: a live fake Projector in one fixture. Registered through ``pytest11``.

* ``fake_projector`` (function scope): the session's server, reset to its fixtures with an
  empty journal before each test (resetting is far cheaper than restarting), checked
  for internal errors after it. With pytest-xdist every worker has its own server.
* ``fake_projector_factory`` (function scope): ``factory(fixtures=..., **kwargs)`` starts
  more fakes (another server for an account hosted elsewhere); all stop at teardown.
* ``fake_projector_fixtures`` (session scope): the fixtures source; override it, or set
  ``--fake-projector-fixtures FILE`` / ini ``fake_projector_fixtures``.
* ``@pytest.mark.fake_projector(fixtures=..., **settings)``: one test's own fixtures or
  settings; the session server goes back to its own afterwards.
* ``--fake-projector-tls`` / ini ``fake_projector_tls = true``: the session server (and the
  factory's, unless told ``tls=False``) serve HTTPS; trust ``fake_projector.ca_file``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fakeprojector.fixtures import FixtureError, FixturesSource, load_fixtures
from fakeprojector.options import OptionError
from fakeprojector.server import FakeProjector
from fakeprojector.tls import Tls

_RUNNING: list[FakeProjector] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fakeprojector")
    group.addoption(
        "--fake-projector-fixtures",
        action="store",
        default=None,
        metavar="FILE",
        help="fixtures JSON for the fake_projector fixture (default: fakeprojector's packaged fixtures)",
    )
    parser.addini(
        "fake_projector_fixtures",
        "fixtures JSON for the fake_projector fixture (relative to rootdir)",
        default=None,
    )
    group.addoption(
        "--fake-projector-tls",
        action="store_true",
        default=False,
        help="serve the fake_projector fixture over HTTPS with a generated certificate "
        "(trust fake_projector.ca_file); needs 'fakeprojector[tls]'",
    )
    parser.addini(
        "fake_projector_tls",
        "serve the fake_projector fixture over HTTPS (true/false)",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    configured = _configured_fixtures(config)
    if configured is not None:  # a bad file named by option or ini stops the run at once
        try:
            load_fixtures(configured)
        except FixtureError as exc:
            raise pytest.UsageError(
                f"fakeprojector cannot load its fixtures: {exc}\n"
                "Fix the file, or point --fake-projector-fixtures / the fake_projector_fixtures ini key at another one."
            ) from None
    if _configured_tls(config):  # no certificate can be made: stop the run at once, saying why
        try:
            Tls(True)
        except OptionError as exc:
            raise pytest.UsageError(
                f"fakeprojector: --fake-projector-tls / fake_projector_tls: {exc.problem}"
            ) from None
    config.addinivalue_line(
        "markers",
        "fake_projector(fixtures=None, **settings): give this test its own fixtures file/dict and/or "
        "settings (rotate_refresh_tokens=True, error_style='fault', ...) on the fake_projector fixture",
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop any fake a test forgot, so no thread or port outlives the session."""
    while _RUNNING:
        _RUNNING.pop().stop()


def _configured_fixtures(config: pytest.Config) -> FixturesSource:
    option = config.getoption("--fake-projector-fixtures")
    if option:
        return str(Path(option).resolve())
    ini = config.getini("fake_projector_fixtures")
    if ini:
        return str((Path(str(config.rootpath)) / str(ini)).resolve())
    return None


def _configured_tls(config: pytest.Config) -> bool:
    return bool(config.getoption("--fake-projector-tls") or config.getini("fake_projector_tls"))


@pytest.fixture(scope="session")
def fake_projector_fixtures(pytestconfig: pytest.Config) -> FixturesSource:
    """The fixtures the session server loads; override this fixture to choose in code."""
    return _configured_fixtures(pytestconfig)


def _start(fixtures: Any, **kwargs: Any) -> FakeProjector:
    try:
        fake = FakeProjector(fixtures, **kwargs)
    except FixtureError as exc:
        raise pytest.UsageError(
            f"fakeprojector cannot load its fixtures: {exc}\n"
            "Fix the file, or point --fake-projector-fixtures / the fake_projector_fixtures ini key at another one."
        ) from None
    fake.start()
    _RUNNING.append(fake)
    return fake


@pytest.fixture(scope="session")
def fake_projector_server(
    fake_projector_fixtures: FixturesSource, pytestconfig: pytest.Config
) -> Iterator[FakeProjector]:
    """The one live server of this session (of this xdist worker)."""
    fake = _start(fake_projector_fixtures, tls=_configured_tls(pytestconfig))
    yield fake
    fake.stop()
    if fake in _RUNNING:
        _RUNNING.remove(fake)


@pytest.fixture
def fake_projector(
    request: pytest.FixtureRequest,
    fake_projector_server: FakeProjector,
    fake_projector_fixtures: FixturesSource,
) -> Iterator[FakeProjector]:
    """A live fake Projector, reset to its fixtures, with an empty request journal."""
    fake = fake_projector_server
    if not fake.running:  # an earlier test stopped it: bring it back for this one
        fake.start()
    marker = request.node.get_closest_marker("fake_projector")
    own_fixtures = marker is not None and bool("fixtures" in marker.kwargs or marker.args)
    if marker is not None and own_fixtures:
        source = marker.kwargs.get("fixtures", marker.args[0] if marker.args else None)
        try:
            fake.load_fixtures(load_fixtures(source))
        except FixtureError as exc:
            pytest.fail(f"@pytest.mark.fake_projector: {exc}", pytrace=False)
    else:
        fake.reset()
    if marker is not None:
        settings = {k: v for k, v in marker.kwargs.items() if k != "fixtures"}
        if settings:
            try:
                fake.configure(**settings)
            except (ValueError, TypeError) as exc:  # SettingsError names the setting, with a "did you mean"
                pytest.fail(f"@pytest.mark.fake_projector: {exc}", pytrace=False)
    yield fake
    stopped = not fake.running
    if own_fixtures:
        fake.load_fixtures(load_fixtures(fake_projector_fixtures))
    if stopped:
        fake.start()
        pytest.fail(
            "this test stopped the shared fake_projector server; it was restarted for the next test. "
            "Don't call stop() on fake_projector: use fake_projector_factory for a server you control.",
            pytrace=False,
        )
    fake.check()


@pytest.fixture
def fake_projector_factory(pytestconfig: pytest.Config) -> Iterator[Callable[..., FakeProjector]]:
    """Start extra fakes: ``factory(fixtures=None, **FakeProjector kwargs)``; stopped at teardown.
    They serve HTTPS when the session's does (``fake_projector_tls``), unless given ``tls=False``."""
    started: list[FakeProjector] = []
    tls = _configured_tls(pytestconfig)

    def factory(fixtures: Any = None, **kwargs: Any) -> FakeProjector:
        if tls and "tls_cert" not in kwargs:
            kwargs.setdefault("tls", True)
        fake = _start(fixtures, **kwargs)
        started.append(fake)
        return fake

    yield factory
    for fake in started:
        fake.stop()
        if fake in _RUNNING:
            _RUNNING.remove(fake)
    for fake in started:
        fake.check()
