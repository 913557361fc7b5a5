"""The client app's sign-in tested against fakeprojector's ``fake_projector`` fixture.

Each test gets a live fake on its default fixtures (the vendor's sample client on account
SAMPLE), reset before the test, so nothing leaks between tests.
"""

from __future__ import annotations

import pytest
import zeep.exceptions
from projector_client import ProjectorError, ProjectorSession

import fakeprojector

CLIENT_ID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"  # the default fixtures' sample client
SECRET = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"
REDIRECT = "https://localhost/callback"


@pytest.fixture
def session(fake_projector: fakeprojector.FakeProjector) -> ProjectorSession:
    return ProjectorSession(fake_projector.wsdl_url, CLIENT_ID, SECRET, REDIRECT)


def consent(fake_projector: fakeprojector.FakeProjector) -> tuple[str, str]:
    """What the browser step gives the app: a code bound to the app's PKCE challenge."""
    verifier, challenge = fakeprojector.pkce_pair()
    code = fake_projector.issue_authorization_code(
        CLIENT_ID, REDIRECT, account="SAMPLE", code_challenge=challenge, code_challenge_method="S256"
    )
    return code, verifier


def test_login_with_code_and_pkce_gives_an_active_session_ticket(fake_projector, session):
    code, verifier = consent(fake_projector)
    ticket = session.login(code, verifier)
    assert fake_projector.access_token_state(ticket) == "active"
    assert session.refresh_token is not None
    assert fake_projector.token_state(session.refresh_token) == "active"
    fake_projector.assert_called(
        "PwsAcquireOauth2Token", count=1, status="Ok", grant_type="code", code=code, code_verifier=verifier
    )


def test_the_code_is_single_use(fake_projector, session):
    code, verifier = consent(fake_projector)
    session.login(code, verifier)
    with pytest.raises(ProjectorError) as failure:
        session.login(code, verifier)
    assert failure.value.number == 50631  # OauthInvalidGrant


def test_a_wrong_pkce_verifier_is_refused(fake_projector, session):
    code, _ = consent(fake_projector)
    other_verifier, _ = fakeprojector.pkce_pair()
    with pytest.raises(ProjectorError) as failure:
        session.login(code, other_verifier)
    assert failure.value.number == 50631
    assert session.session_ticket is None


def test_refresh_gives_a_new_session_ticket(fake_projector, session):
    first = session.login(*consent(fake_projector))
    second = session.refresh()
    assert second != first
    assert fake_projector.access_token_state(second) == "active"
    fake_projector.assert_called("PwsAcquireOauth2Token", count=1, grant_type="refresh_token")


def test_the_session_ticket_expires_on_the_fakes_clock(fake_projector, session):
    ticket = session.login(*consent(fake_projector))
    assert session.expires_in_seconds is not None
    fake_projector.clock.advance(session.expires_in_seconds - 1)
    assert fake_projector.access_token_state(ticket) == "active"
    fake_projector.clock.advance(1)
    assert fake_projector.access_token_state(ticket) == "expired"
    assert fake_projector.access_token_state(session.refresh()) == "active"  # refresh still works


def test_logout_revokes_the_refresh_token(fake_projector, session):
    session.login(*consent(fake_projector))
    refresh_token = session.refresh_token
    assert refresh_token is not None
    session.logout()
    fake_projector.assert_revoked(refresh_token)
    assert fake_projector.token_state(refresh_token) == "revoked"
    session.refresh_token = refresh_token  # a buggy app that keeps using it is refused
    with pytest.raises(ProjectorError) as failure:
        session.refresh()
    assert failure.value.number == 50631


def test_a_wrong_secret_is_an_invalid_client(fake_projector):
    session = ProjectorSession(fake_projector.wsdl_url, CLIENT_ID, "not-the-secret", REDIRECT)
    with pytest.raises(ProjectorError) as failure:
        session.login(*consent(fake_projector))
    assert (failure.value.number, failure.value.code) == (50630, "OauthInvalidClient")
    [entry] = fake_projector.calls("PwsAcquireOauth2Token")
    assert entry.fields["ClientSecret"] == "***"  # the journal never keeps a secret


def test_an_injected_fault_then_recovery(fake_projector, session):
    session.login(*consent(fake_projector))
    fake_projector.add_fault("soap_fault", operation="PwsAcquireOauth2Token", times=1)
    with pytest.raises(zeep.exceptions.Fault):
        session.refresh()
    assert fake_projector.access_token_state(session.refresh()) == "active"
    statuses = [entry.status for entry in fake_projector.calls("PwsAcquireOauth2Token")]
    assert statuses == ["Ok", "soap_fault", "Ok"]  # a fault row is named by its kind
