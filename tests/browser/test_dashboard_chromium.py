"""The dashboard's buttons and links, and the consent page's sign-in hint, in headless Chromium
(issue 15). The buttons run with JavaScript switched off: the page must work without it.
Runs against the plugin's ``fake_projector``; skips without Playwright or Chromium (see conftest).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_e2e_chromium import authorize_url
from tests.support.soapclient import revoke

REVOKE = "PwsRevokeOauth2RefreshToken"


@pytest.fixture
def no_js_page(browser: Any) -> Iterator[Any]:
    """A page of a browser context with JavaScript disabled."""
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def dashboard(fp: Any) -> str:
    return fp.base_url + "/_fakeprojector/dashboard?refresh=0"


def press(page: Any, selector: str) -> None:
    """Click a dashboard button and wait for the page it comes back to (the same URL)."""
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.choice("dashboard.page")
def test_clear_one_fault_then_all_from_the_dashboard_without_javascript(fake_projector, no_js_page):
    fp = fake_projector
    first = fp.add_fault("delay", delay_ms=1)
    second = fp.add_fault("soap_fault", operation=REVOKE, times=2)
    page = no_js_page
    page.goto(dashboard(fp))
    rows = page.locator("#faults tr.fault")
    assert rows.count() == 2
    assert page.text_content("#fault-count") == "2"
    assert page.locator(f'#faults tr[data-fault-id="{second.id}"]').get_attribute("data-kind") == "soap_fault"

    press(page, f"#clear-fault-{first.id}")
    assert page.url == dashboard(fp)
    assert [f.id for f in fp.faults] == [second.id]
    assert rows.count() == 1
    assert page.text_content("#fault-count") == "1"

    press(page, "#clear-faults")
    assert len(fp.faults) == 0
    assert rows.count() == 0
    assert "no active faults" in page.text_content("#faults")
    assert revoke(fp.url).status_text == "Ok"  # calls are answered normally again


@pytest.mark.choice("dashboard.page")
def test_the_reset_button_goes_back_to_the_fixtures(fake_projector, no_js_page):
    fp = fake_projector
    client = fp.add_client(name="Added in the test")
    revoke(fp.url)
    fp.add_fault("drop", times=5)
    fp.configure(auto_approve=True)
    fp.clock.freeze()
    page = no_js_page
    page.goto(dashboard(fp))
    assert "Added in the test" in page.text_content("#clients")
    assert page.text_content("#clock-state") == "frozen"
    assert page.text_content("#auto-approve") == "on"

    press(page, "#reset")
    assert client.client_id not in {c.client_id for c in fp.clients()}
    assert (len(fp.faults), len(fp.requests), fp.clock.frozen, fp.settings.auto_approve) == (
        0,
        0,
        False,
        False,
    )
    assert "Added in the test" not in page.text_content("#clients")
    assert page.locator("#journal tr.call").count() == 0
    assert page.text_content("#clock-state") == "running"
    assert page.text_content("#auto-approve") == "off"


@pytest.mark.choice("dashboard.page")
def test_full_tokens_on_demand_and_a_consent_link_to_click(fake_projector, no_js_page, client_app):
    fp = fake_projector
    token = fp.add_refresh_token(fp.clients()[0].client_id, account="SAMPLE").token
    client = fp.add_client(name="Linked app", redirect_uris=[client_app.url])
    page = no_js_page
    page.goto(dashboard(fp))
    assert token not in page.content()
    page.click("#tokens-toggle")
    assert page.locator(f'#refresh-tokens code.full:text-is("{token}")').count() == 1
    page.click("#tokens-toggle")
    assert token not in page.content()

    page.locator("#clients tr", has_text="Linked app").locator("a.consent").first.click()
    assert page.text_content("#client-name") == "Linked app"
    assert page.text_content("#account") == "SAMPLE"
    assert client.client_id in page.url


@pytest.mark.choice("consent.hint")
def test_the_sign_in_hint_for_an_account_without_users(fake_projector, page, client_app):
    fp = fake_projector
    fp.add_account("EMPTY")
    client = fp.add_client(name="Hinted app", redirect_uris=[client_app.url])
    page.goto(authorize_url(fp, client.client_id, client_app.url).replace("/SAMPLE?", "/EMPTY?"))
    hint = page.text_content("#hint") or ""
    assert "account EMPTY has no users to sign in with" in hint
    assert "POST /_fakeprojector/users" in hint
    assert "fp.add_user" in hint
    assert "auto-approve" in hint
    assert "sample.user" not in hint

    fp.add_user("EMPTY", "erin", "erins-password")
    page.reload()
    hint = page.text_content("#hint") or ""
    assert "sign in as a user of account EMPTY: erin" in hint
    assert "erins-password" not in page.content()
    page.fill("#username", "erin")
    page.fill("#password", "erins-password")
    page.click("#approve")
    page.wait_for_url(client_app.url + "?*")
    assert "code" in client_app.received[0]
