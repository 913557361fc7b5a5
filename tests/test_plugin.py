"""The pytest plugin in a fresh project (pytester): install-and-go, options, markers, xdist."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ["pytester"]

CID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
SECRET = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"
TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"

CLIENT_TEST = f'''
import http.client, urllib.parse, threading
ENV = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="http://projectorpsa.com/PwsProjectorServices/" '
    'xmlns:r="http://projectorpsa.com/DataContracts/Requests/"><s:Body><p:PwsRevokeOauth2RefreshToken><p:serviceRequest>'
    '<r:ClientIdentifier>{{cid}}</r:ClientIdentifier><r:ClientSecret>{{secret}}</r:ClientSecret><r:Token>{{token}}</r:Token>'
    '</p:serviceRequest></p:PwsRevokeOauth2RefreshToken></s:Body></s:Envelope>'
)

def revoke(url, token="{TOKEN}", cid="{CID}", secret="{SECRET}"):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.request("POST", u.path, ENV.format(cid=cid, secret=secret, token=token).encode(), {{"Content-Type": "text/xml", "SOAPAction": "http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsRevokeOauth2RefreshToken"}})
    r = c.getresponse(); body = r.read(); c.close()
    return body.decode()
'''


@pytest.fixture
def project(pytester):
    pytester.makepyfile(client=CLIENT_TEST)
    return pytester


def test_fixture_works_without_any_conftest_and_resets_between_tests(project):
    project.makepyfile(
        test_app=f"""
        from client import revoke

        def test_first(fake_projector):
            assert ">Ok<" in revoke(fake_projector.url)
            assert fake_projector.token_state("{TOKEN}") == "revoked"
            fake_projector.assert_revoked("{TOKEN}")

        def test_second_starts_fresh(fake_projector):
            assert fake_projector.token_state("{TOKEN}") == "active"
            assert fake_projector.requests == []
        """
    )
    project.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_assertion_failure_lists_the_calls_made(project):
    project.makepyfile(
        test_app="""
        from client import revoke

        def test_wrong_token(fake_projector):
            revoke(fake_projector.url, token="SomeOtherTokenOfTheRightForm_123")
            fake_projector.assert_called("PwsRevokeOauth2RefreshToken", count=1, token="ExpectedToken_0123456789")
        """
    )
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected exactly 1 PwsRevokeOauth2RefreshToken call(s) with token='ExpectedToken_0123456789', found 0*",
            "*PwsRevokeOauth2RefreshToken status=Ok*SomeOtherTokenOfTheRightForm_123*",
        ]
    )
    assert SECRET not in result.stdout.str()


def _fixtures_file(project, name="my.json", token="MyOwnRefreshToken_000000000001"):  # noqa: S107 - test data
    doc = {
        "clients": [{"client_id": CID, "client_secret": "mine"}],
        "refresh_tokens": [{"token": token, "client_id": CID}],
    }
    path = project.path / name
    path.write_text(json.dumps(doc))
    return path


def test_option_ini_and_marker_choose_fixtures(project):
    _fixtures_file(project)
    _fixtures_file(project, "marker.json", "MarkerRefreshToken_0000000001")
    project.makepyfile(
        test_app=f"""
        import pytest
        from client import revoke

        def test_session_fixtures(fake_projector):
            assert fake_projector.token_state("MyOwnRefreshToken_000000000001") == "active"
            assert fake_projector.token_state("{TOKEN}") is None

        @pytest.mark.fake_projector(fixtures="marker.json", rotate_refresh_tokens=True)
        def test_marker(fake_projector):
            assert fake_projector.token_state("MarkerRefreshToken_0000000001") == "active"
            assert fake_projector.settings.rotate_refresh_tokens

        def test_back_to_session_fixtures(fake_projector):
            assert fake_projector.token_state("MarkerRefreshToken_0000000001") is None
            assert not fake_projector.settings.rotate_refresh_tokens
        """
    )
    project.runpytest("-p", "no:cacheprovider", "--fake-projector-fixtures", "my.json").assert_outcomes(
        passed=3
    )
    project.makeini("[pytest]\nfake_projector_fixtures = my.json\n")
    project.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_bad_fixtures_file_stops_the_run_with_a_clear_message(project):
    (project.path / "bad.json").write_text('{"clients": [{"client_id": "x"}]}')
    project.makepyfile(test_app="def test_x(fake_projector):\n    pass\n")
    result = project.runpytest("-p", "no:cacheprovider", "--fake-projector-fixtures", "bad.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # the run stops before any test
    output = result.stdout.str() + result.stderr.str()
    assert "bad.json: clients[0] (client_id 'x'): field 'client_id': must be a GUID" in output
    assert "--fake-projector-fixtures" in output


def test_a_test_that_stops_the_shared_server_is_told_what_to_do(project):
    project.makepyfile(
        test_app="""
        from client import revoke

        def test_stops_it(fake_projector):
            fake_projector.stop()

        def test_next_still_works(fake_projector):
            assert ">Ok<" in revoke(fake_projector.url)
        """
    )
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*use fake_projector_factory for a server you control*"])


def test_factory_runs_more_servers_and_stops_them(project):
    project.makepyfile(
        test_app="""
        from client import revoke

        def test_two(fake_projector_factory):
            a = fake_projector_factory()
            b = fake_projector_factory({"clients": []})
            assert a.port != b.port
            assert ">Ok<" in revoke(a.url)
            assert "50630" in revoke(b.url)
        """
    )
    project.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_teardown_leaves_no_threads_or_listening_sockets(project):
    project.makepyfile(
        test_app="""
        def test_uses(fake_projector, fake_projector_factory):
            fake_projector_factory()
        """,
        conftest="""
        import threading, os
        BEFORE = {}

        def pytest_sessionstart(session):
            BEFORE["threads"] = threading.active_count()
            BEFORE["fds"] = len(os.listdir("/proc/self/fd"))

        def pytest_unconfigure(config):
            leftover = [t.name for t in threading.enumerate() if t.name.startswith("fakeprojector")]
            assert not leftover, leftover
            assert len(os.listdir("/proc/self/fd")) <= BEFORE["fds"], "file descriptors leaked"
            print("CLEAN-EXIT-CHECKED")
        """,
    )
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    assert "CLEAN-EXIT-CHECKED" in result.stdout.str()


def test_xdist_gives_each_worker_its_own_server(project):
    project.makepyfile(
        test_app=f"""
        import pytest
        from client import revoke

        @pytest.mark.parametrize("i", range(20))
        def test_revoke(fake_projector, i, worker_id):
            assert fake_projector.token_state("{TOKEN}") == "active"
            assert ">Ok<" in revoke(fake_projector.url)
            assert len(fake_projector.requests) == 1
            with open("ports.txt", "a") as f:
                f.write(f"{{worker_id}} {{fake_projector.port}}\\n")
        """
    )
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=20)
    pairs = {tuple(line.split()) for line in (project.path / "ports.txt").read_text().splitlines()}
    workers = {w for w, _ in pairs}
    assert workers == {"gw0", "gw1"}
    assert len({p for _, p in pairs}) == 2  # one server per worker, each always the same
    assert len(pairs) == 2


def test_500_tests_using_the_fixture(project):
    project.makepyfile(
        test_many=f"""
        import pytest
        from client import revoke

        @pytest.mark.parametrize("i", range(500))
        def test_revoke(fake_projector, i):
            assert ">Ok<" in revoke(fake_projector.url)
            assert fake_projector.token_state("{TOKEN}") == "revoked"
        """
    )
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=500)
    print(result.stdout.lines[-1])  # the duration, for the record (no timing assertion)
