"""Fixtures files: valid ones load, bad ones fail naming file, entry and field."""

from __future__ import annotations

import json

import pytest

from fakeprojector.fixtures import DEFAULT_FIXTURES, FixtureError, load_fixtures
from tests.support.paths import CONTRACT_FIXTURES, ROOT

CID = "24748faf-e239-d132-167a-6e4d3e1bd0fb"


def test_default_fixtures_hold_the_vendor_sample():
    f = load_fixtures(None)
    assert [c.client_id for c in f.clients] == [CID]
    assert f.refresh_tokens[0].token == "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"
    assert (ROOT / "fixtures" / "default.json").read_bytes() == DEFAULT_FIXTURES.read_bytes()


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
