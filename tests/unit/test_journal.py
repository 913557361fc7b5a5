"""The request journal on its own: ``Journal.record`` (bounded, stamped by the fake's clock,
one log line per call) and ``journal_fields`` (secrets redacted, tokens whole)."""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime, timezone

import pytest

from fakeprojector.clock import AdjustableClock
from fakeprojector.journal import (
    DEFAULT_MAX_ENTRIES,
    MAX_BODY_CHARS,
    REDACTED,
    Journal,
    SentBody,
    journal_fields,
    redact_body,
)

REVOKE = "PwsRevokeOauth2RefreshToken"
TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"
SECRET = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"


def test_journal_fields_redact_secrets_drop_absent_and_keep_tokens_whole():
    sent = {
        "RequestId": 4,
        "SessionTicket": None,
        "ClientIdentifier": "24748faf-e239-d132-167a-6e4d3e1bd0fb",
        "ClientSecret": SECRET,
        "Token": TOKEN,
        "Password": "sample-password",
        "TokenType": "",
    }
    assert journal_fields(sent) == {
        "RequestId": 4,
        "ClientIdentifier": "24748faf-e239-d132-167a-6e4d3e1bd0fb",
        "ClientSecret": REDACTED,
        "Token": TOKEN,
        "Password": REDACTED,
        "TokenType": "",
    }
    assert REDACTED == "***"
    assert journal_fields({"ClientSecret": ""}) == {"ClientSecret": ""}  # nothing to hide: sent empty
    assert sent["ClientSecret"] == SECRET  # the caller's dict is left alone


def test_record_builds_the_entry_with_the_fakes_time():
    clock = AdjustableClock()
    clock.freeze(1638980344.5)
    journal = Journal(clock)
    entry = journal.record(
        REVOKE,
        "Fail",
        started=time.perf_counter(),
        request_id=12,
        error_numbers=(50630,),
        fields={"Token": TOKEN},
        http_status=200,
    )
    assert entry.time == datetime(2021, 12, 8, 16, 19, 4, 500000, tzinfo=timezone.utc)
    assert (entry.operation, entry.request_id, entry.status, entry.error_numbers) == (
        REVOKE,
        12,
        "Fail",
        (50630,),
    )
    assert entry.fields == {"Token": TOKEN}
    assert (entry.http_status, entry.fault) == (200, None)
    assert 0 <= entry.duration_ms < 60_000
    assert journal.entries() == [entry]
    assert entry.as_dict()["time"] == "2021-12-08T16:19:04.500000Z"
    assert entry.as_dict()["error_numbers"] == [50630]


def test_duration_counts_from_started():
    journal = Journal()
    entry = journal.record(REVOKE, "Ok", started=time.perf_counter() - 0.25)
    assert entry.duration_ms >= 250
    assert entry.fields == {}


def test_the_journal_is_bounded_oldest_first_out():
    journal = Journal(max_entries=3)
    for request_id in range(5):
        journal.record(REVOKE, "Ok", started=time.perf_counter(), request_id=request_id)
    assert [e.request_id for e in journal.entries()] == [2, 3, 4]
    assert len(journal) == 3
    assert journal.max_entries == 3
    assert Journal().max_entries == DEFAULT_MAX_ENTRIES == 10_000
    journal.clear()
    assert list(journal) == []


@pytest.mark.parametrize(
    ("kwargs", "line"),
    [
        ({"status": "Ok"}, rf"^{REVOKE} status=Ok errors=- http=200 \d+\.\dms$"),
        (
            {"status": "Fail", "error_numbers": (50632, 50630)},
            rf"^{REVOKE} status=Fail errors=50632,50630 http=200 \d+\.\dms$",
        ),
        (
            {"status": "soap_fault", "error_numbers": (10016,), "http_status": 500, "fault": "soap_fault"},
            rf"^{REVOKE} status=soap_fault errors=10016 http=500 \d+\.\dms fault=soap_fault$",
        ),
        (
            {"status": "drop", "http_status": 0, "fault": "drop", "operation": None},
            r"^- status=drop errors=- http=0 ",
        ),
    ],
)
def test_one_info_line_per_call_and_no_field_in_it(caplog, kwargs, line):
    journal = Journal()
    operation = kwargs.pop("operation", REVOKE)
    with caplog.at_level(logging.DEBUG, logger="fakeprojector"):
        journal.record(
            operation, started=time.perf_counter(), fields={"Token": TOKEN, "ClientSecret": "***"}, **kwargs
        )
    (record,) = caplog.records
    assert (record.name, record.levelno) == ("fakeprojector", logging.INFO)
    assert re.match(line, record.getMessage()), record.getMessage()
    assert TOKEN not in record.getMessage()


@pytest.mark.parametrize(
    ("body", "redacted"),
    [
        ("<r:ClientSecret>s</r:ClientSecret>", "<r:ClientSecret>***</r:ClientSecret>"),
        ('<ClientSecret a="1">s</ClientSecret >', '<ClientSecret a="1">***</ClientSecret >'),
        ("<Token></Token><Code/>", "<Token></Token><Code/>"),
        ("<TokenType>refresh_token</TokenType>", "<TokenType>refresh_token</TokenType>"),
        ("<ErrorCode>x</ErrorCode>", "<ErrorCode>x</ErrorCode>"),
        ("<code>c</code><codeVerifier>v</codeVerifier>", "<code>***</code><codeVerifier>***</codeVerifier>"),
        (
            "<NewPassword>p</NewPassword><UserSecret>s</UserSecret>",
            "<NewPassword>***</NewPassword><UserSecret>***</UserSecret>",
        ),
        (
            "<p:RevokeToken><Token>t</Token></p:RevokeToken>",
            "<p:RevokeToken><Token>***</Token></p:RevokeToken>",
        ),
        ("<Password>p", "<Password>***"),
        ("<Password>p<Next>n</Next>", "<Password>***<Next>n</Next>"),
        ("<Password><![CDATA[p]]></Password>", "<Password>***</Password>"),
    ],
)
def test_redact_body_hides_every_secret_and_token(body, redacted):
    assert redact_body(body) == redacted


def test_a_journaled_body_shows_a_bounded_prefix():
    text = str(SentBody("<a>" + "x" * (MAX_BODY_CHARS + 10) + "</a>"))
    assert text.endswith("... (17 more characters sent)")
    assert len(text) < MAX_BODY_CHARS + 40


def test_a_secret_across_the_cut_is_hidden_whole():
    secret = "Known-Secret-0123456789"
    body = "<a>" + "x" * (MAX_BODY_CHARS - 10) + secret + "</a>" + "y" * 100_000
    text = str(SentBody(body, [secret]))
    assert text.startswith("<a>xxx")
    assert secret[:10] not in text
    assert text.endswith(f"... ({len(body) - MAX_BODY_CHARS} more characters sent)")


def test_a_journaled_body_is_shown_redacted_even_in_a_repr():
    sent = SentBody("<ClientSecret>s3cret-value</ClientSecret>", ["unrelated"])
    assert repr(sent) == repr("<ClientSecret>***</ClientSecret>")


def test_a_journaled_body_is_decoded_as_its_byte_order_mark_says():
    body = "<Token>t</Token><Name>Zoë</Name>"
    assert str(SentBody(body.encode("utf-16"))) == "<Token>***</Token><Name>Zoë</Name>"
    assert str(SentBody(body.encode("utf-8"))) == "<Token>***</Token><Name>Zoë</Name>"
    assert str(SentBody(b"<Name>\xff</Name>")) == "<Name>\ufffd</Name>"
