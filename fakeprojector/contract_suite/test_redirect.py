"""``RedirectUrl``: nil on a real success; the right server's base URL, and nothing done,
when the account lives elsewhere [doc]."""

from __future__ import annotations

import pytest

from fakeprojector.contract_suite.soapclient import acquire, revoke
from fakeprojector.contract_suite.support import (
    ACQUIRE,
    CODE,
    ELSEWHERE_CODE,
    ELSEWHERE_TOKEN,
    ELSEWHERE_URL,
    REDIRECT_URI,
    REVOKE,
    UNKNOWN_TOKEN,
    assert_ok,
    check_shape,
    messages,
)


def assert_redirect(answer, operation):
    fields = check_shape(answer, operation)
    assert fields["Status"] == "Ok", answer.body
    assert messages(answer, operation) == []
    assert fields["RedirectUrl"] == ELSEWHERE_URL
    for name, value in fields.items():
        if name in (
            "AccessToken",
            "RefreshToken",
            "RestServiceAuthority",
            "SoapServiceAuthority",
            "TokenType",
        ):
            assert value is None, (name, answer.body)
    return fields


@pytest.mark.contract("redirect.success-nil")
def test_revoke_success_has_nil_redirect_url(target):
    assert (
        assert_ok(revoke(target.url, UNKNOWN_TOKEN, target.client_id, target.client_secret), REVOKE)[
            "RedirectUrl"
        ]
        is None
    )


@pytest.mark.contract("redirect.success-nil")
def test_acquire_success_has_nil_redirect_url(target, refresh_token):
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="refresh_token",
        RefreshToken=refresh_token,
    )
    fields = assert_ok(answer, ACQUIRE)
    target.refresh_token = fields["RefreshToken"]


@pytest.mark.fake_only
@pytest.mark.contract("redirect.other-server")
def test_revoke_of_a_token_on_another_server_redirects_and_changes_nothing(target):
    assert_redirect(revoke(target.url, ELSEWHERE_TOKEN, target.client_id, target.client_secret), REVOKE)
    # nothing changed: the same request still redirects (the token is still alive over there)
    assert_redirect(revoke(target.url, ELSEWHERE_TOKEN, target.client_id, target.client_secret), REVOKE)
    assert target.fake.token_state(ELSEWHERE_TOKEN) == "active"


@pytest.mark.fake_only
@pytest.mark.contract("redirect.other-server")
def test_refresh_on_another_server_redirects(target):
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="refresh_token",
        RefreshToken=ELSEWHERE_TOKEN,
    )
    assert_redirect(answer, ACQUIRE)


@pytest.mark.fake_only
@pytest.mark.contract("redirect.other-server")
def test_code_on_another_server_redirects_and_is_not_consumed(target):
    for _ in range(2):
        answer = acquire(
            target.url,
            target.client_id,
            target.client_secret,
            GrantType="code",
            Code=ELSEWHERE_CODE,
            RedirectUri=REDIRECT_URI,
        )
        assert_redirect(answer, ACQUIRE)
    assert target.fake.store.codes[ELSEWHERE_CODE].used is False
    # and a code of this server still exchanges normally
    answer = acquire(
        target.url,
        target.client_id,
        target.client_secret,
        GrantType="code",
        Code=CODE,
        RedirectUri=REDIRECT_URI,
    )
    assert assert_ok(answer, ACQUIRE)["RedirectUrl"] is None
