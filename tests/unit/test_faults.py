"""Fault injection's policy, without HTTP: ``faults.validate`` (every kind's parameters,
defaults and bounds) and ``FaultInjector.take`` (which fault a call gets)."""

from __future__ import annotations

import random
import re

import pytest

from fakeprojector import faults
from fakeprojector.faults import FaultInjector

REVOKE = "PwsRevokeOauth2RefreshToken"
ACQUIRE = "PwsAcquireOauth2Token"
OPERATIONS = (REVOKE, ACQUIRE)


def validate(kind, operation=None, times=None, **params):
    return faults.validate(kind, operation, times, operations=OPERATIONS, **params)


# --- validate: defaults ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        ("delay", {"delay_ms": 0}, {"delay_ms": 0}),
        ("delay", {"delay_ms": 10, "delay_max_ms": 10}, {"delay_ms": 10, "delay_max_ms": 10}),
        (
            "delay",
            {"delay_ms": 300_000, "delay_max_ms": 300_000},
            {"delay_ms": 300_000, "delay_max_ms": 300_000},
        ),
        ("http_status", {}, {"status": 503, "body": "html"}),
        ("http_status", {"status": 200, "body": "empty"}, {"status": 200, "body": "empty"}),
        (
            "http_status",
            {"status": 599, "body": "busy"},
            {"status": 599, "body": "busy", "content_type": "text/html"},
        ),
        (
            "http_status",
            {"body": "{}", "content_type": "application/json"},
            {"status": 503, "body": "{}", "content_type": "application/json"},
        ),
        (
            "soap_fault",
            {},
            {
                "error_number": 10016,
                "error_code": "RequestExceededRateLimit",
                "error_text": "Request exceeded rate limit.",
            },
        ),
        (
            "soap_fault",
            {"error_number": 50630},
            {
                "error_number": 50630,
                "error_code": "OauthInvalidClient",
                "error_text": "Invalid Oauth2 Client.",
            },
        ),
        (
            "soap_fault",
            {"error_number": 50632, "error_text": "Own text."},
            {"error_number": 50632, "error_code": "OauthInvalidRequest", "error_text": "Own text."},
        ),
        (
            "soap_fault",
            {"error_number": -5, "error_code": "Own", "error_text": "Own text."},
            {"error_number": -5, "error_code": "Own", "error_text": "Own text."},
        ),
        ("drop", {}, {}),
        ("redirect", {}, {"redirect_url": "https://secure2.projectorpsa.com"}),
        ("redirect", {"redirect_url": "https://far.example/"}, {"redirect_url": "https://far.example"}),
    ],
)
def test_valid_faults_get_their_defaults(kind, params, expected):
    assert validate(kind, **params) == (kind, None, None, expected)


def test_operation_and_times_pass_through():
    assert validate("drop", REVOKE, 3) == ("drop", REVOKE, 3, {})
    assert validate("drop", None, 1) == ("drop", None, 1, {})


# --- validate: refusals ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "operation", "times", "params", "message"),
    [
        ("explode", None, None, {}, "kind must be one of delay, http_status, soap_fault, drop, redirect, not 'explode'"),
        (None, None, None, {}, "kind must be one of"),
        ("drop", "PwsGetUser", None, {}, "operation must be one of PwsAcquireOauth2Token, PwsRevokeOauth2RefreshToken (or absent for all), not 'PwsGetUser'"),
        ("drop", None, 0, {}, "times must be at least 1, not 0"),
        ("drop", None, "2", {}, "times must be an integer, not '2'"),
        ("drop", None, True, {}, "times must be an integer, not True"),
        ("drop", None, 1.5, {}, "times must be an integer, not 1.5"),
        ("drop", None, None, {"delay_ms": 5}, "delay_ms: not a parameter of kind 'drop' (it takes no parameters)"),
        ("delay", None, None, {"delay_ms": 5, "status": 503}, "status: not a parameter of kind 'delay' (it takes delay_ms, delay_max_ms)"),
        ("redirect", None, None, {"status": 1, "body": "x"}, "body, status: not a parameter of kind 'redirect' (it takes redirect_url)"),
        ("delay", None, None, {}, "kind 'delay' needs delay_ms"),
        ("delay", None, None, {"delay_ms": -1}, "delay_ms must be between 0 and 300000, not -1"),
        ("delay", None, None, {"delay_ms": 300_001}, "delay_ms must be between 0 and 300000, not 300001"),
        ("delay", None, None, {"delay_ms": "5"}, "delay_ms must be an integer, not '5'"),
        ("delay", None, None, {"delay_ms": 100, "delay_max_ms": 99}, "delay_max_ms must be between 100 and 300000, not 99"),
        ("delay", None, None, {"delay_ms": 100, "delay_max_ms": 300_001}, "delay_max_ms must be between 100 and 300000"),
        ("http_status", None, None, {"status": 199}, "status must be between 200 and 599, not 199"),
        ("http_status", None, None, {"status": 600}, "status must be between 200 and 599, not 600"),
        ("http_status", None, None, {"status": False}, "status must be an integer, not False"),
        ("http_status", None, None, {"body": 5}, "body must be 'html', 'empty' or the text to answer, not 5"),
        ("http_status", None, None, {"content_type": ""}, "content_type must be a non-empty string, not ''"),
        ("soap_fault", None, None, {"error_number": 1}, "error_number 1 is not in the catalogue: give error_code and error_text"),
        ("soap_fault", None, None, {"error_number": 1, "error_code": "X"}, "error_number 1 needs an error_text"),
        ("soap_fault", None, None, {"error_number": 50632}, "error_number 50632 needs an error_text (its catalogue text has placeholders)"),
        ("soap_fault", None, None, {"error_number": 2**31}, "error_number must be between"),
        ("soap_fault", None, None, {"error_code": ""}, "error_code must be a non-empty string"),
        ("soap_fault", None, None, {"error_text": ""}, "error_text must be a non-empty string"),
        ("redirect", None, None, {"redirect_url": ""}, "redirect_url must be a non-empty string"),
    ],
)  # fmt: skip
def test_invalid_faults_say_what_is_wrong(kind, operation, times, params, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        validate(kind, operation, times, **params)


def test_an_injector_refuses_what_validate_refuses_and_keeps_nothing():
    injector = FaultInjector(lambda: OPERATIONS)
    with pytest.raises(ValueError, match="operation must be one of"):
        injector.add("drop", "PwsGetUser")
    assert injector.list() == []
    assert injector.add("drop", REVOKE).operation == REVOKE


# --- take -------------------------------------------------------------------------------------
@pytest.fixture
def injector():
    return FaultInjector(lambda: OPERATIONS)


def test_no_fault_no_decision(injector):
    assert injector.take(REVOKE) is None
    assert injector.take(None) is None


def test_the_newest_matching_fault_applies_first(injector):
    general = injector.add("http_status")
    for_acquire = injector.add("delay", ACQUIRE, delay_ms=1)
    once = injector.add("drop", REVOKE, times=1)
    assert injector.take(REVOKE).id == once.id
    assert injector.take(REVOKE).id == general.id  # the one-off is used up: the standing one resumes
    assert injector.take(ACQUIRE).id == for_acquire.id
    assert injector.take(None).id == general.id  # a call naming no operation: only faults for all
    assert [f.id for f in injector] == [general.id, for_acquire.id]


def test_times_counts_down_and_the_fault_goes_at_zero(injector):
    fault = injector.add("drop", times=3)
    taken = [injector.take(REVOKE) for _ in range(3)]
    assert [(f.times, f.applied) for f in taken] == [(2, 1), (1, 2), (0, 3)]
    assert [f.id for f in taken] == [fault.id] * 3
    assert len(injector) == 0
    assert injector.take(REVOKE) is None


def test_without_times_a_fault_stays_and_counts(injector):
    fault = injector.add("drop")
    for _ in range(5):
        assert injector.take(ACQUIRE).id == fault.id
    (left,) = injector.list()
    assert (left.times, left.applied) == (None, 5)


def test_a_redirect_is_skipped_for_a_call_without_an_operation(injector):
    under = injector.add("http_status", status=502)
    redirect = injector.add("redirect")
    assert injector.take(None).id == under.id
    assert injector.take(REVOKE).id == redirect.id
    injector.clear()
    injector.add("redirect")
    assert injector.take(None) is None


def test_taken_and_listed_faults_are_copies(injector):
    injector.add("drop", times=2)
    taken = injector.take(REVOKE)
    taken.times = 99
    listed = injector.list()
    listed[0].applied = 99
    (fault,) = injector.list()
    assert (fault.times, fault.applied) == (1, 1)


def test_ids_remove_get_and_clear(injector):
    a, b = injector.add("drop"), injector.add("delay", delay_ms=1)
    assert (a.id, b.id) == (1, 2)
    assert injector.get(a.id) == a
    assert injector.remove(a.id) is True
    assert injector.remove(a.id) is False
    assert injector.get(a.id) is None
    assert injector.add("drop").id == 3  # ids are never reused
    assert injector.clear() == 2
    assert not injector
    c = injector.add("drop")
    assert injector[0] == c
    assert c.as_dict() == {"id": c.id, "kind": "drop", "operation": None, "times": None, "applied": 0}


def test_delay_seconds_fixed_or_between_the_bounds():
    injector = FaultInjector(lambda: OPERATIONS, rng=random.Random(1))  # noqa: S311 - test delays
    fixed = injector.add("delay", delay_ms=250)
    assert injector.delay_seconds(fixed) == 0.25
    ranged = injector.add("delay", delay_ms=100, delay_max_ms=200)
    waits = [injector.delay_seconds(ranged) for _ in range(50)]
    assert all(0.1 <= w <= 0.2 for w in waits)
    assert len(set(waits)) > 1
