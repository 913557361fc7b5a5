"""pytest plugin: a live fake Projector in one fixture. Registered through ``pytest11``.

* ``fake_projector`` (function scope): the session's server, reset to its fixtures with an
  empty journal before each test (resetting is far cheaper than restarting), checked
  for internal errors after it. With pytest-xdist every worker has its own server.
* ``fake_projector_factory`` (function scope): ``factory(fixtures=..., **kwargs)`` starts
  more fakes (another server for an account hosted elsewhere); all stop at teardown.
* ``fake_projector_fixtures`` (session scope): the fixtures source; override it, or set
  ``--fake-projector-fixtures FILE`` / ini ``fake_projector_fixtures``.
* ``fake_projector_wsdl`` (session scope): a WSDL whose every operation the server answers
  too (``--fake-projector-wsdl PATH`` / ini ``fake_projector_wsdl``; default: none).
* ``--fake-projector-tls`` / ini ``fake_projector_tls = true``: the session server (and the
  factory's, unless told ``tls=False``) serve HTTPS; trust ``fake_projector.ca_file``.
* ``@pytest.mark.fake_projector(fixtures=..., wsdl=..., **settings)``: one test's own
  fixtures, WSDL or settings; the session server goes back to its own afterwards.
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
        "--fake-projector-wsdl",
        action="store",
        default=None,
        metavar="PATH",
        help="a WSDL whose every operation the fake_projector fixture answers too (default: none)",
    )
    parser.addini(
        "fake_projector_wsdl",
        "a WSDL whose every operation the fake_projector fixture answers too (relative to rootdir)",
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
    wsdl = _configured_wsdl(config)
    if wsdl is not None:  # loaded (and cached for the session server) now: a bad one stops the run
        _check_wsdl(wsdl)
    if _configured_tls(config):  # no certificate can be made: stop the run at once, saying why
        try:
            Tls(True)
        except OptionError as exc:
            raise pytest.UsageError(
                f"fakeprojector: --fake-projector-tls / fake_projector_tls: {exc.problem}"
            ) from None
    config.addinivalue_line(
        "markers",
        "fake_projector(fixtures=None, wsdl=None, **settings): give this test its own fixtures file/dict, "
        "WSDL and/or settings (rotate_refresh_tokens=True, error_style='fault', ...) on the fake_projector fixture",
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


def _configured_wsdl(config: pytest.Config) -> str | None:
    option = config.getoption("--fake-projector-wsdl")
    if option:
        return str(Path(option).resolve())
    ini = config.getini("fake_projector_wsdl")
    if ini:
        return str((Path(str(config.rootpath)) / str(ini)).resolve())
    return None


def _check_wsdl(wsdl: str) -> None:
    try:
        FakeProjector.check_wsdl(wsdl)
    except ValueError as exc:
        raise pytest.UsageError(
            f"fakeprojector cannot load its WSDL: {exc}\n"
            "Fix it, or point --fake-projector-wsdl / the fake_projector_wsdl ini key at another one."
        ) from None


def _configured_tls(config: pytest.Config) -> bool:
    return bool(config.getoption("--fake-projector-tls") or config.getini("fake_projector_tls"))


@pytest.fixture(scope="session")
def fake_projector_fixtures(pytestconfig: pytest.Config) -> FixturesSource:
    """The fixtures the session server loads; override this fixture to choose in code."""
    return _configured_fixtures(pytestconfig)


@pytest.fixture(scope="session")
def fake_projector_wsdl(pytestconfig: pytest.Config) -> str | None:
    """The WSDL the session server answers every operation of (``None``: only the OAuth
    operations); override this fixture to choose in code."""
    return _configured_wsdl(pytestconfig)


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
    fake_projector_fixtures: FixturesSource, fake_projector_wsdl: str | None, pytestconfig: pytest.Config
) -> Iterator[FakeProjector]:
    """The one live server of this session (of this xdist worker)."""
    if fake_projector_wsdl is not None:
        _check_wsdl(fake_projector_wsdl)
    fake = _start(fake_projector_fixtures, wsdl=fake_projector_wsdl, tls=_configured_tls(pytestconfig))
    yield fake
    fake.stop()
    if fake in _RUNNING:
        _RUNNING.remove(fake)


@pytest.fixture
def fake_projector(
    request: pytest.FixtureRequest,
    fake_projector_server: FakeProjector,
    fake_projector_fixtures: FixturesSource,
    fake_projector_wsdl: str | None,
) -> Iterator[FakeProjector]:
    """A live fake Projector, reset to its fixtures, with an empty request journal."""
    fake = fake_projector_server
    if not fake.running:  # an earlier test stopped it: bring it back for this one
        fake.start()
    marker = request.node.get_closest_marker("fake_projector")
    own_fixtures = marker is not None and bool("fixtures" in marker.kwargs or marker.args)
    own_wsdl = marker is not None and "wsdl" in marker.kwargs
    if marker is not None and (own_fixtures or own_wsdl):
        source = marker.kwargs.get("fixtures", marker.args[0] if marker.args else None)
        try:
            fixtures = load_fixtures(source) if own_fixtures else None
            if own_wsdl:
                fake.load_wsdl(marker.kwargs["wsdl"], fixtures)
            else:
                fake.load_fixtures(fixtures)
        except ValueError as exc:  # FixtureError, or a WSDL the engine cannot use (ContractError)
            pytest.fail(f"@pytest.mark.fake_projector: {exc}", pytrace=False)
    else:
        fake.reset()
    if marker is not None:
        settings = {k: v for k, v in marker.kwargs.items() if k not in ("fixtures", "wsdl")}
        if settings:
            try:
                fake.configure(**settings)
            except (ValueError, TypeError) as exc:  # SettingsError names the setting, with a "did you mean"
                pytest.fail(f"@pytest.mark.fake_projector: {exc}", pytrace=False)
    yield fake
    stopped = not fake.running
    if own_wsdl:
        fake.load_wsdl(fake_projector_wsdl, load_fixtures(fake_projector_fixtures))
    elif own_fixtures:
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
