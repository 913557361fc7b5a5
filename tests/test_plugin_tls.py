"""The plugin's TLS option in a fresh project (pytester): ``--fake-projector-tls`` and the ini key
``fake_projector_tls`` put the session server (and the factory's) on HTTPS, trusted through
``fake_projector.ca_file``; without the ``cryptography`` package the run stops, saying why."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TLS_TESTS = """
import requests
import zeep
import zeep.transports

def test_session_server_speaks_https(fake_projector):
    assert fake_projector.url.startswith("https://127.0.0.1:")
    session = requests.Session()
    session.verify, session.trust_env = fake_projector.ca_file, False
    service = zeep.Client(fake_projector.wsdl_url, transport=zeep.transports.Transport(session=session)).service
    answer = service.PwsRevokeOauth2RefreshToken(serviceRequest={
        "ClientIdentifier": "24748faf-e239-d132-167a-6e4d3e1bd0fb",
        "ClientSecret": "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB",
        "Token": "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA",
    })
    assert answer.Status == "Ok"
    assert answer.RedirectUrl is None

def test_factory_follows_unless_told(fake_projector_factory):
    other = fake_projector_factory()
    assert other.url.startswith("https://")
    assert requests.get(other.wsdl_url, verify=other.ca_file, timeout=10).status_code == 200
    plain = fake_projector_factory(tls=False)
    assert plain.url.startswith("http://") and plain.ca_file is None
"""


@pytest.mark.parametrize("how", ["option", "ini"])
def test_the_tls_option_puts_the_fixture_on_https(pytester, how):
    pytester.makepyfile(test_app=TLS_TESTS)
    args = ["-p", "no:cacheprovider"]
    if how == "option":
        args.append("--fake-projector-tls")
    else:
        pytester.makeini("[pytest]\nfake_projector_tls = true\nfilterwarnings =\n    error\n")
    # in a subprocess: in-process pytester re-imports modules, which trips requests' isinstance checks
    pytester.runpytest_subprocess(*args).assert_outcomes(passed=2)


def test_without_the_option_the_fixture_is_plain_http(pytester):
    pytester.makepyfile(
        test_app="def test_plain(fake_projector):\n"
        "    assert fake_projector.url.startswith('http://') and fake_projector.ca_file is None\n"
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_without_cryptography_the_run_stops_naming_the_option_and_the_extra(pytester):
    pytester.makeconftest(
        "import sys\nsys.modules['cryptography'] = None  # 'fakeprojector[tls]' not installed\n"
    )
    pytester.makepyfile(test_app="def test_x(fake_projector):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fake-projector-tls")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*fakeprojector: --fake-projector-tls / fake_projector_tls: making a certificate needs the 'cryptography' package*"
        ]
    )
    assert "pip install 'fakeprojector[tls]'" in result.stderr.str()


def test_the_plugin_pages_https_example_passes_as_written(pytester):
    from tests.support.paths import ROOT
    from tests.test_readme_examples import blocks

    (example,) = [b for b in blocks(ROOT / "docs" / "pytest-plugin.md", "python") if "ca_file" in b]
    pytester.makepyfile(test_example=example)
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fake-projector-tls").assert_outcomes(passed=1)
