"""The consent page ``/oauth2authorize/{accountCode}`` and the dashboard, over plain HTTP
(docs/behaviour.md ``consent.*`` and ``dashboard.*`` rows). Signing in as a fixture user is in
the repository's ``tests/browser/``; these need only the contract fixtures. All fake-only: they read codes
from the fake, change its settings, or rely on its clients' registered redirect URIs.
"""

from __future__ import annotations

import urllib.parse

import pytest

from fakeprojector.contract_suite.soapclient import acquire, revoke
from fakeprojector.contract_suite.support import (
    ACQUIRE,
    OTHER_CLIENT_ID,
    OTHER_REDIRECT_URI,
    PKCE_VERIFIER,
    REDIRECT_URI,
    REVOKE,
    assert_ok,
    s256,
)
from fakeprojector.contract_suite.webclient import Browserish, Reply, post_form, request

pytestmark = pytest.mark.fake_only


def _authorize_url(target, account="SAMPLE", **params) -> str:
    query = {
        "response_type": "code",
        "client_id": target.client_id,
        "redirect_uri": REDIRECT_URI,
        "state": "st-1",
        **params,
    }
    return f"{target.base_url}/oauth2authorize/{account}?" + urllib.parse.urlencode(
        {k: v for k, v in query.items() if v is not None}
    )


def _assert_refused(reply: Reply) -> None:
    """An HTML error page and no redirect [choice: never an open redirect]."""
    assert reply.status == 400, (reply.status, reply.headers)
    assert "location" not in reply.headers
    assert reply.headers["content-type"].startswith("text/html")
    assert "Sign-in cannot continue" in reply.text


@pytest.mark.contract("consent.redirect")
def test_auto_approve_redirects_with_code_and_state(target, fake):
    fake.configure(auto_approve=True)
    reply = request("GET", _authorize_url(target, state="xyz/=&"))
    assert reply.status == 302
    assert reply.location.startswith(REDIRECT_URI + "?")
    params = reply.redirect_params()
    assert params["state"] == "xyz/=&"
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="code",
        Code=params["code"],
        RedirectUri=REDIRECT_URI,
    )
    assert_ok(answer, ACQUIRE)


@pytest.mark.choice("consent.auto-approve")
def test_auto_approve_is_off_by_default_and_then_shows_the_form(target, fake):
    reply = request("GET", _authorize_url(target), headers={"Accept": "text/html"})
    assert reply.status == 200
    assert 'name="form_token"' in reply.text
    assert 'id="username"' in reply.text
    assert fake.calls("oauth2authorize") == []  # showing the form is not an outcome
    fake.configure(auto_approve=True)
    assert request("GET", _authorize_url(target)).status == 302
    assert [c.status for c in fake.calls("oauth2authorize")] == ["Ok"]


@pytest.mark.choice("consent.no-open-redirect")
@pytest.mark.parametrize(
    "params",
    [
        {"client_id": None},
        {"client_id": "00000000-0000-0000-0000-000000000000"},
        {"client_id": "not-a-guid"},
        {"redirect_uri": None},
        {"redirect_uri": "https://evil.example/callback"},
        {"redirect_uri": REDIRECT_URI + "/"},  # exact match only (RFC 6749 §3.1.2.3)
        {"redirect_uri": OTHER_REDIRECT_URI},  # registered, but for another client
    ],
    ids=[
        "no-client",
        "unknown-client",
        "bad-client",
        "no-redirect",
        "unregistered",
        "near-miss",
        "other-clients",
    ],
)
def test_untrusted_client_or_redirect_gets_an_error_page(target, fake, params):
    fake.configure(auto_approve=True)  # even then
    _assert_refused(request("GET", _authorize_url(target, **params)))
    _assert_refused(request("GET", _authorize_url(target, response_type="token", **params)))


@pytest.mark.choice("consent.no-open-redirect")
def test_a_client_without_registered_uris_gets_no_redirect(target, fake):
    client = fake.add_client(redirect_uris=())
    _assert_refused(request("GET", _authorize_url(target, client_id=client.client_id)))


@pytest.mark.choice("consent.errors")
@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"response_type": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "S512"}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"account": "NOSUCHACCOUNT"}, "invalid_request"),
    ],
    ids=[
        "no-response-type",
        "token-response-type",
        "method-without-challenge",
        "bad-method",
        "bad-challenge",
        "unknown-account",
    ],
)
def test_bad_parameters_go_back_to_the_client_with_an_error(target, fake, params, error):
    fake.configure(auto_approve=True)
    account = params.pop("account", "SAMPLE")
    reply = request("GET", _authorize_url(target, account=account, **params))
    got = reply.redirect_params()
    assert reply.location.startswith(REDIRECT_URI + "?")
    assert (got["error"], got["state"]) == (error, "st-1")
    assert got["error_description"]
    assert "code" not in got
    assert [c.fields["Error"] for c in fake.calls("oauth2authorize")] == [error]


@pytest.mark.choice("consent.errors")
def test_a_repeated_parameter_is_invalid_request(target, fake):
    fake.configure(auto_approve=True)
    reply = request("GET", _authorize_url(target) + "&scope=a&scope=b")
    assert reply.redirect_params()["error"] == "invalid_request"


@pytest.mark.choice("consent.pkce")
@pytest.mark.parametrize("method", ["S256", "plain", None])
def test_the_code_carries_the_challenge(target, fake, method):
    fake.configure(auto_approve=True)
    challenge = s256(PKCE_VERIFIER) if method == "S256" else PKCE_VERIFIER
    code = request(
        "GET", _authorize_url(target, code_challenge=challenge, code_challenge_method=method)
    ).redirect_params()["code"]
    missing = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="code",
        Code=code,
        RedirectUri=REDIRECT_URI,
    )
    assert missing.messages()[0]["ErrorNumber"] == "50631"
    ok = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="code",
        Code=code,
        RedirectUri=REDIRECT_URI,
        CodeVerifier=PKCE_VERIFIER,
    )
    assert_ok(ok, ACQUIRE)


@pytest.mark.choice("consent.csrf")
def test_the_form_needs_its_token_and_its_browser(target, fake):
    browser = Browserish()
    page = browser.get(_authorize_url(target))
    assert page.status == 200
    cookie = next(c for c in page.cookies if c.startswith("fakeprojector_consent="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    token = page.hidden("form_token")
    post_url = target.base_url + "/oauth2authorize/SAMPLE"
    # no cookie (a cross-site post would carry none): refused, and the form is used up
    _assert_refused(
        post_form(post_url, {"form_token": token, "decision": "deny"}, headers={"Accept": "text/html"})
    )
    _assert_refused(browser.post(post_url, {"form_token": token, "decision": "deny"}))
    # a forged token with the right cookie: refused
    _assert_refused(browser.post(post_url, {"form_token": "forged", "decision": "deny"}))
    # a fresh form, used once: the deny goes back to the client; a replay does not
    token = browser.get(_authorize_url(target)).hidden("form_token")
    denied = browser.post(post_url, {"form_token": token, "decision": "deny"})
    assert denied.redirect_params() == {
        "error": "access_denied",
        "error_description": "the user denied access",
        "state": "st-1",
    }
    _assert_refused(browser.post(post_url, {"form_token": token, "decision": "deny"}))


@pytest.mark.choice("consent.csrf")
def test_posted_parameters_cannot_change_the_request(target, fake):
    browser = Browserish()
    token = browser.get(_authorize_url(target)).hidden("form_token")
    reply = browser.post(
        target.base_url + "/oauth2authorize/SAMPLE",
        {
            "form_token": token,
            "decision": "deny",
            "redirect_uri": "https://evil.example/cb",
            "client_id": OTHER_CLIENT_ID,
        },
    )
    assert reply.location.startswith(REDIRECT_URI + "?")


@pytest.mark.choice("consent.csrf")
def test_a_form_of_a_client_removed_by_reset_is_refused(target, fake):
    client = fake.add_client(redirect_uris=["https://app.example/cb"])
    browser = Browserish()
    token = browser.get(
        _authorize_url(target, client_id=client.client_id, redirect_uri="https://app.example/cb")
    ).hidden("form_token")
    fake.reset()
    _assert_refused(
        browser.post(target.base_url + "/oauth2authorize/SAMPLE", {"form_token": token, "decision": "deny"})
    )


# --- the dashboard ------------------------------------------------------------------------------
@pytest.mark.choice("dashboard.page")
def test_dashboard_shows_states_by_prefix_and_no_secret(target, fake, refresh_token):
    fake.configure(auto_approve=True)
    code = request("GET", _authorize_url(target)).redirect_params()["code"]
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="code",
        Code=code,
        RedirectUri=REDIRECT_URI,
    )
    issued = assert_ok(answer, ACQUIRE)
    assert_ok(revoke(target.url, refresh_token, target.client_id, target.client_secret), REVOKE)
    page = request("GET", target.base_url + "/_fakeprojector/dashboard")
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<meta http-equiv="refresh" content="2">' in page.text
    html = page.text
    for client in fake.clients():
        assert client.client_id in html
        assert client.client_secret not in html
    for secret in (refresh_token, issued["RefreshToken"], issued["AccessToken"], code):
        assert secret not in html
        assert secret[:8] in html
    assert f'data-prefix="{refresh_token[:8]}" data-state="revoked"' in html
    assert f'data-prefix="{issued["RefreshToken"][:8]}" data-state="active"' in html
    assert f'data-prefix="{code[:8]}" data-state="used"' in html
    assert 'data-operation="PwsAcquireOauth2Token" data-status="Ok"' in html
    assert 'data-operation="oauth2authorize" data-status="Ok"' in html


@pytest.mark.choice("dashboard.page")
def test_dashboard_escapes_everything(target, fake):
    fake.add_client(name="<script>alert(1)</script>", redirect_uris=['https://x.example/"><b>'])
    html = request("GET", target.base_url + "/_fakeprojector/dashboard?refresh=0").text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '"><b>' not in html
    assert 'http-equiv="refresh"' not in html


@pytest.mark.choice("dashboard.page")
def test_the_admin_index_stays_json_unless_a_browser_asks(target):
    index = target.base_url + "/_fakeprojector/"
    assert "endpoints" in request("GET", index).json
    assert "endpoints" in request("GET", index, headers={"Accept": "*/*"}).json
    page = request("GET", index, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "fakeprojector dashboard" in page.text


@pytest.mark.choice("home.index")
def test_the_base_url_is_an_html_index_of_the_fake(target):
    for accept in ("text/html", "*/*"):
        page = request("GET", target.base_url + "/", headers={"Accept": accept})
        assert page.status == 200
        assert page.headers["content-type"].startswith("text/html")
        for link in (
            target.url,
            target.url + "?wsdl",
            target.base_url + "/_fakeprojector/dashboard",
            target.base_url + "/_fakeprojector/",
            target.base_url + "/_fakeprojector/openapi.json",
        ):
            assert f'href="{link}"' in page.text
    assert request("POST", target.base_url + "/", body=b"x").status == 405


@pytest.mark.choice("home.index")
def test_the_index_escapes_the_host_it_echoes(target):
    page = request("GET", target.base_url + "/", headers={"Host": 'x"><script>alert(1)</script>'})
    assert page.status == 200
    assert "<script>alert" not in page.text


@pytest.mark.choice("consent.hint")
def test_the_sign_in_hint_names_the_account_s_users_never_a_password(fake_projector):
    base = fake_projector.base_url
    cid = fake_projector.clients()[0].client_id
    query = urllib.parse.urlencode(
        {"response_type": "code", "client_id": cid, "redirect_uri": "https://localhost/callback"}
    )
    sample = request("GET", f"{base}/oauth2authorize/SAMPLE?{query}").text
    assert "sign in as a user of account SAMPLE: <b>sample.user</b>" in sample
    assert "sample-password" not in sample
    fake_projector.add_account("EMPTY")
    empty = request("GET", f"{base}/oauth2authorize/empty?{query}").text
    assert "account <b>EMPTY</b> has no users to sign in with" in empty
    assert "<code>POST /_fakeprojector/users</code>" in empty
    assert "sample.user" not in empty
    for i in range(7):
        fake_projector.add_user("EMPTY", f"user{i}", "pw")
    many = request("GET", f"{base}/oauth2authorize/EMPTY?{query}").text
    assert "<b>user0, user1, user2, user3, user4</b> and 2 more" in many


@pytest.mark.choice("consent.sign-in")
def test_sign_in_as_a_fixture_user_of_the_account(fake_projector):
    """On the default fixtures (the contract fixtures hold no user): sample.user on SAMPLE."""
    base = fake_projector.base_url
    cid = fake_projector.clients()[0].client_id
    url = f"{base}/oauth2authorize/sample?" + urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": cid,
            "redirect_uri": "https://localhost/callback",
            "state": "s",
        }
    )
    browser = Browserish()
    post_url = f"{base}/oauth2authorize/sample"
    token = browser.get(url).hidden("form_token")
    wrong = browser.post(
        post_url, {"form_token": token, "decision": "approve", "username": "sample.user", "password": "nope"}
    )
    assert wrong.status == 200
    assert "Wrong username or password." in wrong.text
    assert 'value="sample.user"' in wrong.text
    ok = browser.post(
        post_url,
        {
            "form_token": wrong.hidden("form_token"),
            "decision": "approve",
            "username": "Sample.User",
            "password": "sample-password",
        },
    )
    params = ok.redirect_params()
    assert params["state"] == "s"
    call = fake_projector.calls("oauth2authorize")[-1]
    assert (call.status, call.fields["Username"], call.fields["Account"]) == ("Ok", "sample.user", "sample")
    code = fake_projector.store.codes[params["code"]]
    assert code.account == "SAMPLE"


@pytest.mark.choice("consent.csrf")
def test_an_oversized_form_gets_an_error_page(target, fake):
    browser = Browserish()
    token = browser.get(_authorize_url(target)).hidden("form_token")
    reply = browser.post(
        target.base_url + "/oauth2authorize/SAMPLE",
        {"form_token": token, "decision": "deny", "pad": "x" * 70_000},
    )
    assert reply.status == 413
    assert "location" not in reply.headers
    assert "Sign-in cannot continue" in reply.text
