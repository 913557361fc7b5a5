"""Loading a WSDL from every entry point: ``serve --wsdl``, ``check-fixtures --wsdl``,
``wsdl-save`` (tested against the fake's own metadata), and the pytest plugin's option, ini key
and marker keyword. A WSDL that cannot be used is exit status 2 / a usage error naming the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fakeprojector.wsdl import load_contract
from tests.operations.support import envelope
from tests.support.cliserver import CliServer, run_cli
from tests.support.paths import FIXTURE_WSDL
from tests.support.soapclient import post

pytest_plugins = ["pytester"]
OAUTH = {"PwsAcquireOauth2Token", "PwsRevokeOauth2RefreshToken"}


@pytest.fixture(scope="module")
def wsdl_server() -> CliServer:
    server = CliServer("--wsdl", str(FIXTURE_WSDL))
    yield server
    server.cleanup()


def test_serve_with_a_wsdl_answers_its_operations(wsdl_server):
    members = "<w:WidgetCode>W</w:WidgetCode>"
    answer = post(wsdl_server.url, envelope("PwsGetWidget", members), action="PwsGetWidget")
    assert answer.status_text == "FailSessionInvalid"
    log = wsdl_server.log_with("every operation of")
    assert "every operation of" in log
    assert "Fixture.wsdl" in log


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.wsdl", "--wsdl: missing.wsdl: cannot be read"),
        (lambda d: _write(d / "bad.wsdl", "<nope"), "--wsdl: bad.wsdl: not well-formed XML"),
        (lambda d: _write(d / "x.wsdl", "<a/>"), "--wsdl: x.wsdl: not a WSDL 1.1 document"),
        (
            lambda d: _without_schema(d, "Fixture.xsd7.xsd"),
            "--wsdl: no schema for namespace http://fakeprojector.example/DataContracts/Widgets/",
        ),
    ],
)
def test_a_wsdl_that_cannot_be_used_stops_serve_with_status_2(tmp_path, make, message):
    path = make(tmp_path)
    done = run_cli("serve", "--port", "0", "--wsdl", str(path))
    assert done.returncode == 2
    assert done.stderr.startswith(f"fakeprojector: {message}"), done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _without_schema(folder: Path, name: str) -> Path:
    for source in FIXTURE_WSDL.parent.iterdir():
        if source.name != name:
            shutil.copy(source, folder / source.name)
    return folder / FIXTURE_WSDL.name


def test_check_fixtures_with_a_wsdl_checks_the_stubs_against_it(tmp_path):
    good = _write(
        tmp_path / "good.json", json.dumps({"stubs": [{"operation": "PwsPing", "respond": {"Echo": "hi"}}]})
    )
    bad = _write(
        tmp_path / "bad.json", json.dumps({"stubs": [{"operation": "PwsPing", "respond": {"Ecco": "hi"}}]})
    )
    done = run_cli("check-fixtures", "--wsdl", str(FIXTURE_WSDL))
    assert (done.returncode, done.stdout) == (
        0,
        f"ok: {FIXTURE_WSDL}: 5 operations, 71 types, 8 schema documents\n",
    )
    done = run_cli("check-fixtures", "--wsdl", str(FIXTURE_WSDL), str(good), str(bad))
    assert done.returncode == 2
    assert f"ok: {good}: 0 clients," in done.stdout
    assert done.stderr == (
        f"invalid: {bad}: stubs[0] (operation 'PwsPing'): PwsPing: respond.Ecco: unknown member of PwsPingRs; "
        "did you mean 'Echo'? Known members: Messages, ResponseId, Status, ServerTimestampUtc, Echo, ServerUid\n"
    )
    done = run_cli("check-fixtures", str(bad))
    assert done.returncode == 0
    assert done.stdout.endswith("1 stubs (stubs not checked: give --wsdl)\n")
    done = run_cli("check-fixtures", "--wsdl", str(tmp_path / "nope.wsdl"))
    assert (done.returncode, done.stderr) == (
        2,
        "invalid: nope.wsdl: cannot be read: No such file or directory\n",
    )


def test_wsdl_save_captures_the_fakes_own_metadata_for_offline_use(wsdl_server, tmp_path):
    done = run_cli("wsdl-save", wsdl_server.url, str(tmp_path / "saved"))
    assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in (tmp_path / "saved").iterdir())
    assert files[0] == "PwsProjectorServices.wsdl"
    assert files[1:] == [f"PwsProjectorServices.xsd{n}.xsd" for n in sorted(range(8), key=str)]
    assert (
        done.stdout
        == f"saved: {tmp_path / 'saved' / 'PwsProjectorServices.wsdl'} and 8 schema documents beside it\n"
    )
    text = (tmp_path / "saved" / "PwsProjectorServices.wsdl").read_text()
    assert 'schemaLocation="PwsProjectorServices.xsd0.xsd"' in text
    assert "?xsd=" not in text
    saved = load_contract(tmp_path / "saved" / "PwsProjectorServices.wsdl")
    assert set(saved.operations) == set(load_contract(FIXTURE_WSDL).operations) | OAUTH
    again = CliServer("--wsdl", str(tmp_path / "saved" / "PwsProjectorServices.wsdl"))
    try:  # the saved bundle serves as the original did
        answer = post(again.url, envelope("PwsPing", "<r:Echo>x</r:Echo>"), action="PwsPing")
        assert answer.status_text == "Ok"
    finally:
        again.cleanup()


def test_wsdl_save_says_why_it_cannot(tmp_path, wsdl_server):
    done = run_cli("wsdl-save", "http://127.0.0.1:9/nothing.svc", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith(
        "fakeprojector: wsdl-save: http://127.0.0.1:9/nothing.svc?wsdl: cannot be fetched:"
    )
    done = run_cli("wsdl-save", wsdl_server.admin_url + "/dashboard", str(tmp_path))
    assert done.returncode == 2
    assert "not well-formed XML" in done.stderr or "not a WSDL" in done.stderr
    done = run_cli("wsdl-save", "file:///etc/passwd", str(tmp_path))
    assert done.returncode == 2
    assert "only http and https addresses are fetched" in done.stderr


# --- the pytest plugin ---------------------------------------------------------------------
PLUGIN_TEST = """
import pytest

def test_session_wsdl(fake_projector):
    assert fake_projector.wsdl is not None and fake_projector.wsdl.name == "Fixture.wsdl"
    assert "PwsGetWidget" in fake_projector.operation_names()
    fake_projector.stub("PwsPing", respond={"Echo": "stubbed"})

@pytest.mark.fake_projector(wsdl=None)
def test_marker_unloads_it(fake_projector):
    assert fake_projector.wsdl is None
    assert "PwsGetWidget" not in fake_projector.operation_names()

def test_back_to_the_session_wsdl(fake_projector):
    assert fake_projector.wsdl.name == "Fixture.wsdl"
    assert fake_projector.stub_list() == []
"""


def test_plugin_option_ini_and_marker_choose_the_wsdl(pytester):
    pytester.makepyfile(test_app=PLUGIN_TEST)
    # A path relative to the project, as a user writes it: an absolute path into this checkout
    # would make pytest take this checkout (and its pyproject.toml) as the inner run's rootdir.
    for part in FIXTURE_WSDL.parent.iterdir():  # the WSDL and its schemas
        shutil.copy(part, pytester.path / part.name)
    pytester.runpytest("-p", "no:cacheprovider", "--fake-projector-wsdl", "Fixture.wsdl").assert_outcomes(
        passed=3
    )
    pytester.makeini("[pytest]\nfake_projector_wsdl = Fixture.wsdl\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_plugin_stops_the_run_on_a_wsdl_it_cannot_use(pytester):
    (pytester.path / "bad.wsdl").write_text("<nope")
    pytester.makepyfile(test_app="def test_x(fake_projector):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--fake-projector-wsdl", "bad.wsdl")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert "fakeprojector cannot load its WSDL: bad.wsdl: not well-formed XML" in output
    assert "--fake-projector-wsdl" in output


def test_plugin_marker_with_a_bad_wsdl_fails_that_test_only(pytester):
    (pytester.path / "bad.wsdl").write_text("<a/>")
    pytester.makepyfile(
        test_app="""
        import pytest

        @pytest.mark.fake_projector(wsdl="bad.wsdl")
        def test_bad(fake_projector):
            pass

        def test_fine(fake_projector):
            assert fake_projector.wsdl is None
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    assert "@pytest.mark.fake_projector: bad.wsdl: not a WSDL 1.1 document" in result.stdout.str()
