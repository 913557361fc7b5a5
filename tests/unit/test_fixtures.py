"""Fixtures files: valid ones load, bad ones fail naming file, entry and field."""

from __future__ import annotations

import json
import re

import pytest

from fakeprojector.fixtures import DEFAULT_FIXTURES, FixtureError, load_fixtures
from tests.support.paths import CONTRACT_FIXTURES, ROOT, SEED

CID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
SEED_PAGE = SEED / "PwsRevokeOauth2RefreshToken.txt"


def test_the_checkouts_default_fixtures_are_the_packaged_file():
    """``fixtures/default.json`` is a link to the packaged file, not a copy that could drift,
    and it is the file a fake without fixtures loads."""
    link = ROOT / "fixtures" / "default.json"
    assert link.is_symlink(), f"{link} must be a symlink to {DEFAULT_FIXTURES}"
    assert link.resolve() == DEFAULT_FIXTURES.resolve()
    assert load_fixtures(None).sources == (str(DEFAULT_FIXTURES),)


def _vendor_sample() -> dict[str, str]:
    """The values of the sample request on the vendor's page (the seed), read in place."""
    if not SEED_PAGE.is_file():
        pytest.skip(f"the vendor's page is not beside this checkout ({SEED_PAGE}): nothing to compare with")
    text = SEED_PAGE.read_text(encoding="utf-8")
    found = {
        name: re.findall(rf"<req:{name}>([^<]+)</req:{name}>", text)
        for name in ("ClientIdentifier", "ClientSecret", "Token")
    }
    assert all(len(values) == 1 for values in found.values()), found  # one sample request on the page
    return {name: values[0] for name, values in found.items()}


def test_the_default_fixtures_hold_exactly_the_vendors_sample():
    """The vendor's sample request works against a fake on its default fixtures as is: they
    hold its client, secret and refresh token, and no other client or token."""
    sample = _vendor_sample()
    f = load_fixtures(None)
    assert [(c.client_id, c.client_secret) for c in f.clients] == [
        (sample["ClientIdentifier"], sample["ClientSecret"])
    ]
    assert [(t.token, t.client_id, t.revoked, t.lifetime_ns) for t in f.refresh_tokens] == [
        (sample["Token"], sample["ClientIdentifier"], False, None)
    ]
    assert f.access_tokens == ()
    assert f.authorization_codes == ()


def test_contract_fixtures_load():
    f = load_fixtures(CONTRACT_FIXTURES)
    assert len(f.clients) == 2
    assert len(f.authorization_codes) == 3


def _write(tmp_path, doc):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"clients": [{"client_id": CID}]},
            "bad.json: clients[0] (client_id '24748faf-e239-d132-167a-6e4d3e1bd0fb'): field 'client_secret': is required",
        ),
        (
            {"clients": [{"client_id": "nope", "client_secret": "s"}]},
            "clients[0] (client_id 'nope'): field 'client_id': must be a GUID",
        ),
        (
            {"clients": [{"client_id": CID, "client_secret": "s", "colour": 1}]},
            "field 'colour': unknown field",
        ),
        ({"clients": {}}, "bad.json: clients: must be a list"),
        ({"clientz": []}, "bad.json: clientz: unknown section"),
        (
            {"refresh_tokens": [{"token": "short", "client_id": CID}]},
            "refresh_tokens[0] (token 'short'): field 'token': must be 20-512",
        ),
        (
            {"refresh_tokens": [{"token": "a" * 30, "client_id": CID}]},
            "refresh_tokens[0]: field 'client_id': names no client",
        ),
        (
            {
                "clients": [
                    {"client_id": CID, "client_secret": "s"},
                    {"client_id": CID.upper(), "client_secret": "t"},
                ]
            },
            "clients[1]: field 'client_id'",
        ),
        (
            {
                "authorization_codes": [
                    {
                        "code": "c",
                        "client_id": CID,
                        "redirect_uri": "u",
                        "code_challenge_method": "S512",
                        "code_challenge": "x",
                    }
                ]
            },
            "field 'code_challenge_method'",
        ),
        ({"accounts": [{"code": "A", "home_url": "ftp://x"}]}, "accounts[0] (code 'A'): field 'home_url'"),
        ({"settings": {"error_style": "loud"}}, "settings: field 'error_style'"),
        (
            {"settings": {"rotate_refresh_tokens": "yes"}},
            "field 'rotate_refresh_tokens': must be true or false",
        ),
        (
            {"settings": {"code_lifetime_seconds": -1}},
            "field 'code_lifetime_seconds': must be a number >= 0",
        ),
        ("{not json", "bad.json: is not valid JSON"),
        ([], "bad.json: must hold a JSON object"),
    ],
)
def test_bad_fixtures_name_file_entry_and_field(tmp_path, doc, message):
    with pytest.raises(FixtureError) as info:
        load_fixtures(_write(tmp_path, doc))
    assert message in str(info.value)
    assert str(tmp_path / "bad.json") in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(FixtureError, match="file not found"):
        load_fixtures(tmp_path / "absent.json")


def test_several_files_merge_and_clash(tmp_path):
    a = tmp_path / "a.json"
    a.write_text(json.dumps({"clients": [{"client_id": CID, "client_secret": "s"}]}))
    b = tmp_path / "b.json"
    b.write_text(
        json.dumps(
            {
                "refresh_tokens": [{"token": "b" * 30, "client_id": CID}],
                "settings": {"rotate_refresh_tokens": True},
            }
        )
    )
    merged = load_fixtures([a, b])
    assert merged.refresh_tokens[0].token == "b" * 30
    assert merged.settings.rotate_refresh_tokens
    with pytest.raises(FixtureError, match=r"already defined in .*a\.json"):
        load_fixtures([a, a])
