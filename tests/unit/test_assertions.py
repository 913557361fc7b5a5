"""Assertions over the journal (``fp.calls``, ``fp.assert_called``, ``fp.assert_revoked``):
what matches, the spellings of field names, and the failure texts."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from fakeprojector import assertions
from fakeprojector.journal import JournalEntry

REVOKE = "PwsRevokeOauth2RefreshToken"
ACQUIRE = "PwsAcquireOauth2Token"
CID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"
OTHER = "AnotherRefreshToken-00000000000000000001"


def entry(operation, status="Ok", **fields):
    return JournalEntry(
        operation=operation,
        request_id=fields.pop("RequestId", None),
        status=status,
        error_numbers=(),
        fields=fields,
        time=datetime(2026, 1, 1, tzinfo=timezone.utc),
        duration_ms=1.0,
    )


ENTRIES = [
    entry(REVOKE, ClientIdentifier=CID, Token=TOKEN, RequestId=1),
    entry(ACQUIRE, "Fail", ClientIdentifier=CID, GrantType="refresh_token", RefreshToken=TOKEN, RequestId=2),
    entry(REVOKE, "Fail", ClientIdentifier=CID, Token=OTHER, TokenType="bearer", RequestId=3),
    entry("oauth2authorize", "code", Account="SAMPLE", Outcome="approved", RequestId=4),
]


# --- field names ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "wire"),
    [
        ("TokenType", "TokenType"),
        ("token_type", "TokenType"),
        ("token", "Token"),
        ("client_id", "ClientIdentifier"),
        ("client_identifier", "ClientIdentifier"),
        ("ClientIdentifier", "ClientIdentifier"),
        ("refresh_token", "RefreshToken"),
        ("code_verifier", "CodeVerifier"),
        ("request_id", "RequestId"),
        ("session_ticket", "SessionTicket"),
        ("outcome", "Outcome"),  # the consent page's
    ],
)
def test_field_name_spellings(name, wire):
    assert assertions.field_name(name) == wire


def test_an_unknown_field_name_is_a_type_error_with_a_hint_and_the_list():
    with pytest.raises(TypeError) as caught:
        assertions.field_name("tokn")
    message = str(caught.value)
    assert message.startswith("no journal field 'tokn' (did you mean 'token'?); fields: ")
    listed = message.split("; fields: ", 1)[1].split(", ")
    assert listed == sorted(listed)
    assert {"token", "token_type", "client_identifier", "grant_type", "refresh_token"} <= set(listed)
    with pytest.raises(TypeError, match=r"^no journal field 'zzzzzz'; fields: "):
        assertions.field_name("zzzzzz")


def test_extra_known_fields_come_from_a_loaded_contract():
    known = assertions.known_fields(["ProjectCode"])
    assert assertions.field_name("project_code", known) == "ProjectCode"
    with pytest.raises(TypeError):
        assertions.field_name("project_code")


# --- matching ---------------------------------------------------------------------------------
def test_matching_by_operation_status_and_fields():
    assert assertions.matching(ENTRIES) == ENTRIES
    assert [e.request_id for e in assertions.matching(ENTRIES, REVOKE)] == [1, 3]
    assert [e.request_id for e in assertions.matching(ENTRIES, status="Fail")] == [2, 3]
    assert [e.request_id for e in assertions.matching(ENTRIES, None, None, client_id=CID)] == [1, 2, 3]
    assert [e.request_id for e in assertions.matching(ENTRIES, REVOKE, token=TOKEN)] == [1]
    assert [e.request_id for e in assertions.matching(ENTRIES, REVOKE, Token=OTHER, token_type="bearer")] == [
        3
    ]
    assert assertions.matching(ENTRIES, REVOKE, "Ok", token=OTHER) == []
    assert [e.request_id for e in assertions.matching(ENTRIES, ACQUIRE, refresh_token=TOKEN)] == [2]
    with pytest.raises(TypeError, match="no journal field 'colour'"):
        assertions.matching(ENTRIES, REVOKE, colour="red")
    with pytest.raises(TypeError):
        assertions.matching([], REVOKE, colour="red")  # even with nothing to match against


# --- assert_called ----------------------------------------------------------------------------
def test_assert_called_returns_the_matches():
    assert [e.request_id for e in assertions.assert_called(ENTRIES, REVOKE)] == [1, 3]
    assert [e.request_id for e in assertions.assert_called(ENTRIES, REVOKE, count=1, token=TOKEN)] == [1]
    assert assertions.assert_called(ENTRIES, ACQUIRE, count=0, status="Ok") == []


def test_assert_called_failure_lists_the_calls_made_oldest_first():
    with pytest.raises(AssertionError) as caught:
        assertions.assert_called(ENTRIES, REVOKE, count=3, status="Ok", token=TOKEN)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"expected exactly 3 {REVOKE} call(s) with status Ok with token={TOKEN!r}, found 1."
    assert lines[1] == "Calls made (oldest first):"
    assert [re.match(r"  (\d+)\. (\S+) status=(\S+)", line).groups() for line in lines[2:]] == [
        ("1", REVOKE, "Ok"),
        ("2", ACQUIRE, "Fail"),
        ("3", REVOKE, "Fail"),
        ("4", "oauth2authorize", "code"),
    ]
    assert f"'Token': '{TOKEN}'" in lines[2]


def test_assert_called_at_least_one_and_no_calls_at_all():
    with pytest.raises(AssertionError) as caught:
        assertions.assert_called([], ACQUIRE)
    assert str(caught.value) == (
        f"expected at least one {ACQUIRE} call(s), found 0.\nCalls made (oldest first):\n  (no SOAP calls were made)"
    )


def test_a_long_journal_shows_its_last_ten_calls_numbered_as_they_were_made():
    many = [entry(REVOKE, Token=f"T{i:03}" + "x" * 20, RequestId=i) for i in range(1, 26)]
    with pytest.raises(AssertionError) as caught:
        assertions.assert_called(many, ACQUIRE)
    listed = str(caught.value).splitlines()[2:]
    assert [line.split(".")[0].strip() for line in listed] == [str(i) for i in range(16, 26)]
    assert "T016" in listed[0]
    assert "T025" in listed[-1]


# --- assert_revoked ---------------------------------------------------------------------------
def test_assert_revoked_returns_the_last_revoke_of_the_token():
    twice = [*ENTRIES, entry(REVOKE, Token=TOKEN, RequestId=9)]
    assert assertions.assert_revoked(ENTRIES, TOKEN, "revoked").request_id == 1
    assert assertions.assert_revoked(twice, TOKEN, "revoked", count=2).request_id == 9
    assert assertions.assert_revoked(ENTRIES, TOKEN, None).request_id == 1  # unknown to the fake: fine


def test_assert_revoked_fails_on_a_wrong_count_or_a_token_still_active():
    with pytest.raises(AssertionError, match=rf"expected exactly 1 {REVOKE} call\(s\) with token='Nope"):
        assertions.assert_revoked(ENTRIES, "Nope" + "x" * 20, None)
    with pytest.raises(AssertionError, match=r"exactly 2 "):
        assertions.assert_revoked(ENTRIES, TOKEN, "revoked", count=2)
    with pytest.raises(AssertionError) as caught:
        assertions.assert_revoked(ENTRIES, OTHER, "active")
    assert str(caught.value) == (
        f"{OTHER[:8]}... was sent to {REVOKE} but is still active (another client's token?)"
    )
