"""The catalogue matches the vendor's documentation table, text for text."""

from __future__ import annotations

import pytest

from fakeprojector import errors

# The vendor's table (seed page "PwsRevokeOauth2RefreshToken", contract.md), copied by hand.
VENDOR_TABLE = """
50629 | OauthUnsupportedGrantType | Unsupported OAuth2 Grant Type "{GrantType}".
50630 | OauthInvalidClient | Invalid Oauth2 Client.
50631 | OauthInvalidGrant | Invalid Grant for Oauth2 Token: "{InvalidReason}".
50632 | OauthInvalidRequest | Invalid OAuth2 Request in Context "{Context}". Null or missing parameters "{Missing}". Improper parameters "{Improper}".
50635 | OauthUnsupportedTokenType | Unsupported OAuth2 Token Type "{TokenType}".
"""


def _rows():
    for line in VENDOR_TABLE.strip().splitlines():
        number, code, text = (part.strip() for part in line.split("|"))
        yield int(number), code, text


@pytest.mark.parametrize(("number", "code", "text"), list(_rows()))
def test_catalogue_entry_matches_vendor_table(number, code, text):
    entry = errors.CATALOGUE[number]
    assert (entry.number, entry.code, entry.template, entry.type) == (number, code, text, "Error")
    assert entry.additional_text == f"Error {number}: {code}"


def test_render_fills_placeholders_and_refuses_missing_ones():
    err = errors.OAuthError(
        errors.OAUTH_INVALID_REQUEST, {"Context": "Op", "Missing": "A, B", "Improper": ""}
    )
    assert (
        err.text
        == 'Invalid OAuth2 Request in Context "Op". Null or missing parameters "A, B". Improper parameters "".'
    )
    with pytest.raises(ValueError, match="needs"):
        errors.OAuthError(errors.OAUTH_INVALID_GRANT, {})


def test_every_grant_reason_is_short_and_plain():
    for reason in errors.GRANT_REASONS.values():
        assert 10 < len(reason) < 60
        assert '"' not in reason


def test_wcf_action_not_supported_text():
    text = errors.ACTION_NOT_SUPPORTED.render(action="urn:x")
    assert text.startswith(
        "The message with Action 'urn:x' cannot be processed at the receiver, due to a ContractFilter mismatch"
    )


def test_the_docs_catalogue_and_the_readme_list_are_the_catalogue():
    """docs/behaviour.md's table (number, code, text) and the README's list (number and code)
    name every entry of :data:`errors.CATALOGUE`, and nothing else."""
    import re

    from tests.support.paths import ROOT

    docs = (ROOT / "docs" / "behaviour.md").read_text(encoding="utf-8")
    table = docs[docs.index("## Error catalogue") :]
    rows = re.findall(r"^\| (-?\d+) \| (\w+) \| `([^`]*)`", table, flags=re.M)
    assert {int(n): (c, t) for n, c, t in rows} == {
        n: (e.code, e.template) for n, e in errors.CATALOGUE.items()
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Errors") : readme.index("## Operation coverage")]
    listed = re.findall(r"(-?\d+)\s+`(\w+)`", section)
    assert sorted((int(n), c) for n, c in listed) == sorted((n, e.code) for n, e in errors.CATALOGUE.items())
