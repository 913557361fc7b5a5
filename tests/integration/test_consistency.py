"""Behaviour that used to differ between twins, or between runs (issue: 'Behaviour that
differs between twins, or between runs'). Each test failed before its fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from fakeprojector import FakeProjector, FixtureError, SettingsError
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, acquire, revoke
from tests.support.webclient import post_form, request

REVOKE = "PwsRevokeOauth2RefreshToken"


def test_rest_and_soap_authorities_both_name_the_host_the_client_used(fake_projector):
    """The REST twin answered the bound address (127.0.0.1) where SOAP named the Host used."""
    host = f"localhost:{fake_projector.port}"
    soap = acquire(
        fake_projector.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN, headers={"Host": host}
    )
    rest = post_form(
        fake_projector.base_url + "/oauth2token",
        {
            "grant_type": "refresh_token",
            "refresh_token": SAMPLE_TOKEN,
            "client_id": SAMPLE_CLIENT,
            "client_secret": SAMPLE_SECRET,
        },
        headers={"Host": host},
    )
    body = json.loads(rest.body)
    assert soap.field("RestServiceAuthority") == soap.field("SoapServiceAuthority") == f"http://{host}"
    assert body["rest_service_authority"] == body["soap_service_authority"] == f"http://{host}"


def test_reset_replays_a_seeded_token_sequence():
    """The first token after reset() differed from the first after start."""
    with FakeProjector(seed=7) as fp:
        first = [fp.add_client().client_id, fp.add_refresh_token(SAMPLE_CLIENT).token]
        first.append(
            acquire(fp.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN).field("AccessToken")
        )
        fp.reset()
        again = [fp.add_client().client_id, fp.add_refresh_token(SAMPLE_CLIENT).token]
        again.append(
            acquire(fp.url, GrantType="refresh_token", RefreshToken=SAMPLE_TOKEN).field("AccessToken")
        )
    assert first == again
    with FakeProjector(seed=8) as other:
        assert other.add_client().client_id != first[0]


@pytest.mark.parametrize("challenge", ["abc", "x" * 42, "x" * 129, "has space" + "x" * 40])
def test_one_pkce_challenge_rule_for_every_way_in(fake_projector, challenge):
    """issue_authorization_code took a 3-character challenge the consent page refuses."""
    with pytest.raises(ValueError, match=r"code_challenge must be 43-128 characters .*RFC 7636"):
        fake_projector.issue_authorization_code(
            SAMPLE_CLIENT,
            "https://localhost/callback",
            code_challenge=challenge,
            code_challenge_method="plain",
        )
    doc = {
        "authorization_codes": [
            {"code": "c", "client_id": SAMPLE_CLIENT, "redirect_uri": "u", "code_challenge": challenge}
        ]
    }
    with pytest.raises(FixtureError, match=r"field 'code_challenge': must be 43-128 characters"):
        FakeProjector(doc)
    ok = fake_projector.issue_authorization_code(
        SAMPLE_CLIENT, "https://localhost/callback", code_challenge="x" * 43
    )
    assert ok


def test_assert_called_takes_every_request_field_by_its_snake_case_name(fake_projector):
    revoke(fake_projector.url, TokenType="refresh_token")
    fake_projector.assert_called(REVOKE, token_type="refresh_token")
    fake_projector.assert_called(REVOKE, client_identifier=SAMPLE_CLIENT, token=SAMPLE_TOKEN)
    fake_projector.assert_called(REVOKE, client_id=SAMPLE_CLIENT, TokenType="refresh_token")
    assert fake_projector.calls(REVOKE, token_type="access_token") == []


def test_an_unknown_field_name_is_refused_with_the_known_ones(fake_projector):
    revoke(fake_projector.url)
    with pytest.raises(
        TypeError, match=r"no journal field 'tokn_type' \(did you mean 'token_type'\?\); fields: .*grant_type"
    ):
        fake_projector.assert_called(REVOKE, tokn_type="refresh_token")
    with pytest.raises(TypeError, match="no journal field 'operaton'"):
        fake_projector.calls(operaton=REVOKE)


def test_configure_with_a_bad_setting_says_so_once_with_a_suggestion(fake_projector):
    with pytest.raises(SettingsError) as caught:
        fake_projector.configure(timeout_minute=5)
    message = str(caught.value)
    assert message.startswith("setting 'timeout_minute': no such setting (did you mean 'timeout_minutes'?)")
    assert "settings: settings" not in message
    with pytest.raises(
        ValueError, match=r"^setting 'timeout_minutes': must be a whole number >= 0, not str 'x'$"
    ):
        fake_projector.configure(timeout_minutes="x")
    assert fake_projector.settings.timeout_minutes == 60  # nothing changed


def test_the_old_strict_setting_explains_itself(fake_projector):
    with pytest.raises(SettingsError, match="strict SOAPAction dispatch is now the default"):
        fake_projector.configure(strict_soap_action=True)


def test_the_help_page_escapes_the_host(fake_projector):
    """The service URL's help page put the Host-derived URL into HTML as it came. werkzeug
    (3.x) blanks a Host holding markup before the app sees it, so the page is checked both
    over HTTP and with such a URL directly."""
    from fakeprojector.app import _help_page

    reply = request("GET", fake_projector.url, headers={"Host": 'x"><script>alert(1)</script>'})
    assert reply.status == 200
    assert b"<script>" not in reply.body
    page = _help_page('http://x"><script>alert(1)</script>/OpsProjectorWcfSvc/PwsProjectorServices.svc')
    assert "<script>" not in page
    assert "&quot;&gt;&lt;script&gt;" in page


def test_contract_suite_passes_against_a_plain_serve(cli_server):
    """The shipped suite run with `fakeprojector contract-test --projector-url` against
    `fakeprojector serve --port 0` with no options, as a user would point it, fails nothing
    (the default is strict, as WCF)."""
    env = {
        "PROJECTOR_CLIENT_ID": SAMPLE_CLIENT,
        "PROJECTOR_CLIENT_SECRET": SAMPLE_SECRET,
        "PROJECTOR_REFRESH_TOKEN": SAMPLE_TOKEN,
    }
    result = subprocess.run(
        [sys.executable, "-m", "fakeprojector", "contract-test", "-q", "-p", "no:xdist",
         "--projector-url", cli_server.url],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, **env},
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-3000:]
    assert "failed" not in summary, summary
    assert "error" not in summary, summary
    assert " passed" in summary
