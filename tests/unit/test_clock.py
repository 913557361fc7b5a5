from __future__ import annotations

from datetime import datetime, timezone

from fakeprojector.clock import AdjustableClock, TokenSource
from fakeprojector.soap.wire import format_wcf_datetime


def test_wcf_datetime_format_trims_trailing_zeros():
    ns = 1638980344_568451300
    assert format_wcf_datetime(ns) == "2021-12-08T16:19:04.5684513Z"
    assert format_wcf_datetime(1638980344_500000000) == "2021-12-08T16:19:04.5Z"
    assert format_wcf_datetime(1638980344_000000000) == "2021-12-08T16:19:04Z"


def test_clock_freeze_advance_unfreeze_reset():
    clock = AdjustableClock()
    clock.freeze(datetime(2030, 1, 1, tzinfo=timezone.utc))
    start = clock.time()
    clock.advance(61)
    assert clock.time() - start == 61
    clock.unfreeze()
    assert clock.time() >= start + 61
    clock.reset()
    assert not clock.frozen
    assert abs(clock.time() - AdjustableClock().time()) < 5


def test_seeded_tokens_repeat_and_have_vendor_forms():
    a, b = TokenSource(7), TokenSource(7)
    assert [a.refresh_token() for _ in range(3)] == [b.refresh_token() for _ in range(3)]
    assert len(a.refresh_token()) == 58
    assert len(a.access_token()) == 24
    assert a.access_token().endswith("==")
    assert TokenSource().refresh_token() != TokenSource().refresh_token()
