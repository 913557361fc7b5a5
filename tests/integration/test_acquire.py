"""PwsAcquireOauth2Token over real HTTP, where only running servers will do: a client sent
to the wrong one of two servers follows ``RedirectUrl`` to the right one, and the service
authorities name the address (``Host``) the client used. Everything else a client can see of
acquire lives in tests/contract/test_acquire.py."""

from __future__ import annotations

from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_TOKEN, acquire, revoke

CB = "https://localhost/callback"


def test_two_servers_client_follows_redirect_to_the_right_one(fake_projector_factory):
    home = fake_projector_factory(None)
    away = fake_projector_factory(None)
    home.add_account("ACME")  # home hosts ACME itself
    away.add_account("ACME", home_url=home.base_url)  # away knows ACME lives on home
    for fp in (home, away):
        fp.issue_authorization_code(SAMPLE_CLIENT, CB, account="ACME", code="SharedCode-123")
    # the client starts at the wrong server
    url = away.url
    answer = acquire(url, GrantType="code", Code="SharedCode-123", RedirectUri=CB)
    assert answer.status_text == "Ok"
    assert answer.field("AccessToken") is None
    redirect = answer.field("RedirectUrl")
    assert redirect == home.base_url
    assert away.store.codes["SharedCode-123"].used is False  # nothing consumed at the wrong server
    answer = acquire(
        redirect + "/OpsProjectorWcfSvc/PwsProjectorServices.svc",
        GrantType="code",
        Code="SharedCode-123",
        RedirectUri=CB,
    )
    assert answer.status_text == "Ok"
    assert answer.field("RedirectUrl") is None
    rt = answer.field("RefreshToken")
    assert home.token_state(rt) == "active"
    assert away.token_state(rt) is None
    # refresh and revoke at the wrong server redirect too, and change nothing
    away.add_refresh_token(SAMPLE_CLIENT, account="ACME", token=rt)
    assert acquire(away.url, GrantType="refresh_token", RefreshToken=rt).field("RedirectUrl") == home.base_url
    assert revoke(away.url, token=rt).field("RedirectUrl") == home.base_url
    assert away.token_state(rt) == "active"
    assert revoke(home.url, token=rt).field("RedirectUrl") is None
    assert home.token_state(rt) == "revoked"


def test_service_authorities_name_the_address_the_client_used(fake_projector):
    answer = acquire(
        fake_projector.url,
        GrantType="refresh_token",
        RefreshToken=SAMPLE_TOKEN,
        headers={"Host": "fake.example:8080"},
    )
    assert answer.field("SoapServiceAuthority") == "http://fake.example:8080"
    assert answer.field("RestServiceAuthority") == "http://fake.example:8080"
