"""The browser half end to end, in headless Chromium: a user signs in on the consent page,
the client app receives the code, exchanges it over SOAP, revokes, and the dashboard shows it.

Runs against the plugin's ``fake_projector`` (default fixtures: user sample.user /
sample-password on account SAMPLE). Skips without Playwright or Chromium (see conftest).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.parse

from tests.support.soapclient import acquire, revoke

USER, PASSWORD, ACCOUNT = "sample.user", "sample-password", "SAMPLE"


def authorize_url(fp, client_id: str, redirect_uri: str, **extra: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "read",
        **extra,
    }
    return f"{fp.base_url}/oauth2authorize/{ACCOUNT}?{urllib.parse.urlencode(query)}"


def sign_in(page, username: str = USER, password: str = PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#approve")


def test_sign_in_approve_exchange_revoke_and_see_it_on_the_dashboard(fake_projector, page, client_app):
    fp = fake_projector
    client = fp.add_client(name="E2E app", redirect_uris=[client_app.url])
    state = secrets.token_urlsafe(12)
    page.goto(authorize_url(fp, client.client_id, client_app.url, state=state))
    assert page.text_content("#client-name") == "E2E app"
    assert page.text_content("#account") == ACCOUNT
    sign_in(page)
    page.wait_for_url(client_app.url + "?*")
    assert page.text_content("#done") == "Client app got the callback"
    [received] = client_app.received
    assert received["state"] == state
    code = received["code"]

    answer = acquire(
        fp.url,
        client.client_id,
        client.client_secret,
        GrantType="code",
        Code=code,
        RedirectUri=client_app.url,
    )
    assert answer.status_text == "Ok", answer.body
    refresh_token = answer.field("RefreshToken")
    assert fp.token_state(refresh_token) == "active"
    assert revoke(fp.url, refresh_token, client.client_id, client.client_secret).status_text == "Ok"

    page.goto(fp.base_url + "/_fakeprojector/dashboard")
    row = page.locator(f'#refresh-tokens tr[data-prefix="{refresh_token[:8]}"]')
    assert row.get_attribute("data-state") == "revoked"
    assert "revoked" in row.inner_text()
    assert refresh_token not in page.content()
    assert client.client_secret not in page.content()
    journal = page.locator("#journal tr.call")
    assert journal.nth(0).get_attribute("data-operation") == "PwsRevokeOauth2RefreshToken"
    assert journal.nth(1).get_attribute("data-operation") == "PwsAcquireOauth2Token"
    assert journal.nth(2).get_attribute("data-operation") == "oauth2authorize"


def test_the_dashboard_refreshes_itself(fake_projector, page):
    fp = fake_projector
    page.goto(
        fp.base_url + "/_fakeprojector/?refresh=1"
    )  # a browser's Accept: the dashboard, not the JSON index
    assert page.locator("#journal tr.call").count() == 0
    revoke(fp.url)  # the vendor's sample revoke, from outside the browser
    page.locator('#journal tr.call[data-operation="PwsRevokeOauth2RefreshToken"]').wait_for()


def test_deny_sends_access_denied_to_the_client(fake_projector, page, client_app):
    fp = fake_projector
    client = fp.add_client(redirect_uris=[client_app.url])
    page.goto(authorize_url(fp, client.client_id, client_app.url, state="deny-me"))
    page.click("#deny")  # no credentials needed to refuse
    page.wait_for_url(client_app.url + "?*")
    assert client_app.received == [
        {"error": "access_denied", "error_description": "the user denied access", "state": "deny-me"}
    ]
    assert fp.calls("oauth2authorize", status="Fail")[0].fields["Error"] == "access_denied"


def test_wrong_password_stays_on_the_page(fake_projector, page, client_app):
    fp = fake_projector
    client = fp.add_client(redirect_uris=[client_app.url])
    page.goto(authorize_url(fp, client.client_id, client_app.url, state="s"))
    sign_in(page, password="wrong")
    assert page.text_content("#error") == "Wrong username or password."
    assert client_app.received == []
    sign_in(page)  # the form came back with a fresh token
    page.wait_for_url(client_app.url + "?*")
    assert client_app.received[0]["state"] == "s"


def test_an_unregistered_redirect_uri_is_never_followed(fake_projector, page, client_app):
    fp = fake_projector
    client = fp.add_client(redirect_uris=["https://registered.example/cb"])
    response = page.goto(authorize_url(fp, client.client_id, client_app.url, state="s"))
    assert response.status == 400
    assert page.url.startswith(fp.base_url + "/oauth2authorize/")
    assert "not registered" in page.text_content("#error")
    assert page.locator("form").count() == 0
    assert client_app.received == []


def test_pkce_s256_through_the_browser(fake_projector, page, client_app):
    fp = fake_projector
    client = fp.add_client(redirect_uris=[client_app.url])
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    page.goto(
        authorize_url(
            fp, client.client_id, client_app.url, code_challenge=challenge, code_challenge_method="S256"
        )
    )
    sign_in(page)
    page.wait_for_url(client_app.url + "?*")
    code = client_app.received[0]["code"]
    fields = {"GrantType": "code", "Code": code, "RedirectUri": client_app.url}
    wrong = acquire(
        fp.url, client.client_id, client.client_secret, CodeVerifier=secrets.token_urlsafe(48), **fields
    )
    assert wrong.messages()[0]["ErrorNumber"] == "50631"
    ok = acquire(fp.url, client.client_id, client.client_secret, CodeVerifier=verifier, **fields)
    assert ok.status_text == "Ok", ok.body


def test_auto_approve_goes_straight_back(fake_projector, page, client_app):
    fp = fake_projector
    fp.configure(auto_approve=True)
    client = fp.add_client(redirect_uris=[client_app.url])
    page.goto(authorize_url(fp, client.client_id, client_app.url, state="auto"))
    page.wait_for_url(client_app.url + "?*")
    assert client_app.received[0]["state"] == "auto"
    assert client_app.received[0]["code"]
