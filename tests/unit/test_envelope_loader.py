"""fakeprojector.envelopes, the golden envelopes' loader: what it lists is what is on disk, it
returns the files' bytes, and an unknown name is an error that lists the known ones."""

from __future__ import annotations

import pytest

from fakeprojector import envelopes, load_fixtures

ACQUIRE, REVOKE = "PwsAcquireOauth2Token", "PwsRevokeOauth2RefreshToken"


def test_operations_and_cases_are_the_files_on_disk():
    assert envelopes.operations() == (ACQUIRE, REVOKE)
    for operation in envelopes.operations():
        on_disk = sorted(
            p.name.removesuffix(".response.xml")
            for p in (envelopes.DIRECTORY / operation).glob("*.response.xml")
        )
        assert list(envelopes.cases(operation)) == on_disk
    assert "50631-code-expired" in envelopes.cases(ACQUIRE)
    assert "success" in envelopes.cases(REVOKE)


def test_load_returns_the_response_bytes_and_on_request_the_request():
    response = envelopes.load(ACQUIRE, "50631-code-expired")
    assert isinstance(response, bytes)
    assert response == (envelopes.DIRECTORY / ACQUIRE / "50631-code-expired.response.xml").read_bytes()
    assert b"<b:ErrorNumber>50631</b:ErrorNumber>" in response
    request = envelopes.load(ACQUIRE, "50631-code-expired", "request")
    assert request == (envelopes.DIRECTORY / ACQUIRE / "50631-code-expired.request.xml").read_bytes()
    assert b"<req:GrantType>code</req:GrantType>" in request


def test_case_says_what_it_needs():
    case = envelopes.case(ACQUIRE, "50631-code-used")
    assert case.id == f"{ACQUIRE}/50631-code-used"
    assert case.before == (f"{ACQUIRE}/code-exchange",)
    assert envelopes.case(ACQUIRE, "50631-code-expired").advance_seconds > 60
    assert case.behaviour
    assert case.description


def test_an_unknown_case_names_the_known_ones():
    with pytest.raises(envelopes.UnknownEnvelope) as caught:
        envelopes.load(ACQUIRE, "50631-code-expird")
    message = str(caught.value)
    assert message.startswith(
        f"no golden envelope {ACQUIRE}/50631-code-expird (did you mean '50631-code-expired'?)"
    )
    assert f"known cases of {ACQUIRE}: " + ", ".join(envelopes.cases(ACQUIRE)) in message
    assert isinstance(caught.value, LookupError)


def test_an_unknown_operation_names_the_known_ones():
    with pytest.raises(envelopes.UnknownEnvelope, match=f"known operations: {ACQUIRE}, {REVOKE}$"):
        envelopes.cases("PwsAcquireOauthToken")
    with pytest.raises(envelopes.UnknownEnvelope, match=r"^no golden envelopes for operation 'Nope'; known"):
        envelopes.load("Nope", "success")


def test_a_bad_kind_is_a_value_error():
    with pytest.raises(ValueError, match=r"^kind: must be 'request' or 'response', not 'body'$"):
        envelopes.load(REVOKE, "success", "body")  # type: ignore[arg-type]


def test_the_fixtures_every_case_assumes_load():
    fixtures = load_fixtures(envelopes.fixtures())
    assert fixtures.clients
    assert fixtures.authorization_codes
