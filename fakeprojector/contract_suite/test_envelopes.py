"""The golden envelopes (:mod:`fakeprojector.envelopes`) stay what the fake answers (volatile
values masked), and each says what its name says. In a checkout, regenerate them on purpose
with ``scripts/regen_envelopes.py``, never here."""

from __future__ import annotations

import re

import pytest

from fakeprojector import envelopes
from fakeprojector.contract_suite.golden import GOLDEN_BASE_URL, GOLDEN_TIMESTAMP, canonical, for_file, replay
from fakeprojector.contract_suite.soapclient import Answer
from fakeprojector.contract_suite.support import OPERATIONS, assert_error, assert_ok, check_shape

CASES = envelopes.all_cases()


def _golden(case):
    return Answer(200, {"content-type": "text/xml; charset=utf-8"}, case.load())


@pytest.mark.fake_only
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden_response_is_what_the_fake_answers(target, fake, case):
    answer = replay(target.url, case, fake.clock.advance)
    assert answer.status == 200, answer.body
    request = case.load("request")
    live = canonical(for_file(answer.body, target.base_url), request)
    golden = canonical(case.load(), request)
    assert live == golden, (
        f"the golden {case.id} response no longer matches the fake; if the change is intended, run "
        f"scripts/regen_envelopes.py and review the diff.\nlive:   {live.decode()}\ngolden: {golden.decode()}"
    )
    # and byte for byte (C14N cannot tell <x/> from <x></x>, nor see prefixes): only the
    # generated tokens are masked, as the regenerating fake is seeded and this one is not
    sent = re.search(rb"<req:RefreshToken>([^<]*)</req:RefreshToken>", request)
    assert _mask_tokens(for_file(answer.body, target.base_url) + b"\n", sent) == _mask_tokens(
        case.load(), sent
    )


def _mask_tokens(body: bytes, sent: re.Match[bytes] | None) -> bytes:
    body = re.sub(rb"(<a:AccessToken>)[^<]+(</a:AccessToken>)", rb"\1*\2", body)
    keep = sent.group(1) if sent else None
    return re.sub(
        rb"(<a:RefreshToken>)([^<]+)(</a:RefreshToken>)",
        lambda m: m.group(0) if m.group(2) == keep else m.group(1) + b"*" + m.group(3),
        body,
    )


def test_every_file_belongs_to_a_case_and_every_case_has_both_files():
    on_disk = {p.relative_to(envelopes.DIRECTORY).as_posix() for p in envelopes.DIRECTORY.glob("*/*.xml")}
    expected = {f"{c.id}.{kind}.xml" for c in CASES for kind in ("request", "response")}
    assert on_disk == expected
    assert {c.operation for c in CASES} == set(OPERATIONS)
    assert len({c.id for c in CASES}) == len(CASES)
    ids = {c.id for c in CASES}
    assert all(b in ids for c in CASES for b in c.before)
    assert envelopes.operations() == tuple(sorted(OPERATIONS))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden_response_says_what_its_name_says(case):
    """``<number>-...`` holds that catalogue error; the others succeed (or redirect)."""
    answer = _golden(case)
    fields = check_shape(answer, case.operation)
    assert fields["ServerTimestampUtc"] == GOLDEN_TIMESTAMP
    number = re.match(r"^(\d{5})-", case.case)
    if number:
        assert_error(answer, case.operation, int(number.group(1)))
    elif case.case.startswith("redirect"):
        assert fields["Status"] == "Ok", answer.body
        assert fields["RedirectUrl"], answer.body
    else:
        assert_ok(answer, case.operation)
    for name in ("RestServiceAuthority", "SoapServiceAuthority"):
        assert fields.get(name) in (None, GOLDEN_BASE_URL)
