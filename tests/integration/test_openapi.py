"""``GET /_fakeprojector/openapi.json`` describes the admin API that actually exists (issue 15):
a valid OpenAPI 3 document whose paths and methods are exactly the routes of
``fakeprojector/urls.py``, whose query parameters and body fields are exactly what the server
accepts, and whose answer schemas match what every operation answers, over HTTP against the
real ``fakeprojector serve``. Any drift fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from fakeprojector.urls import ADMIN_PREFIX, ADMIN_ROUTES, display
from tests.support.cliserver import CliServer, http_json, quote
from tests.support.paths import FIXTURE_WSDL
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_TOKEN, revoke

CALLBACK = "https://localhost/callback"
TICKET = "abc+def/ghijklmnopqrst=="

#: A valid body for each POST, to call every documented operation for real.
BODIES: dict[str, dict[str, Any]] = {
    "/reset": {},
    "/settings": {"timeout_minutes": 30},
    "/clock": {"advance_seconds": 1},
    "/accounts": {"code": "ACME", "home_url": "https://secure2.projectorpsa.com"},
    "/clients": {"name": "doc", "redirect_uris": [CALLBACK]},
    "/users": {"account": "SAMPLE", "username": "doc.user", "password": "pw"},
    "/refresh-tokens": {"client_id": SAMPLE_CLIENT, "account": "SAMPLE"},
    "/access-tokens": {"client_id": SAMPLE_CLIENT, "refresh_token": SAMPLE_TOKEN, "token": TICKET},
    "/authorization-codes": {"client_id": SAMPLE_CLIENT, "redirect_uri": CALLBACK, "account": "SAMPLE"},
    "/faults": {"kind": "delay", "delay_ms": 1, "operation": "PwsAcquireOauth2Token"},
    "/stubs": {"operation": "PwsPing", "respond": {"Echo": "hi"}, "times": 2},
}


@pytest.fixture(scope="module")
def wsdl_server() -> Iterator[CliServer]:
    """A server with a WSDL loaded, so the stub endpoints have operations to stub."""
    server = CliServer("--wsdl", str(FIXTURE_WSDL))
    yield server
    server.cleanup()


@pytest.fixture(scope="module")
def doc(cli_server_process: CliServer) -> dict[str, Any]:
    status, body, _ = http_json("GET", cli_server_process.admin_url + "/openapi.json")
    assert status == 200
    return body


def test_it_is_a_valid_openapi_3_document_naming_this_server(doc, cli_server):
    validator = pytest.importorskip(
        "openapi_spec_validator",
        reason="pip install -e '.[test]' (openapi-spec-validator) checks the document",
    )
    validator.validate(doc)
    assert doc["openapi"].startswith("3.")
    assert doc["servers"] == [{"url": cli_server.base_url}]


def test_its_paths_and_methods_are_exactly_the_routes_in_urls_py(doc):
    routed = {
        (ADMIN_PREFIX + display(path), method.lower())
        for path, _, methods in ADMIN_ROUTES
        for method in methods
    }
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert documented == routed


def test_every_route_is_documented_with_an_answer_and_errors(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op["summary"], (path, method)
            assert {"400", "401", "403", "415"} <= set(op["responses"]), (path, method)
            [success] = [code for code in op["responses"] if code.startswith("2")]
            assert "application/json" in op["responses"][success]["content"]


def _concrete(path: str, created: dict[str, str]) -> str:
    path = path.removeprefix(ADMIN_PREFIX)
    return (
        path.replace(
            "{token}", quote(created["refresh_token"]) if path.startswith("/refresh") else quote(TICKET)
        )
        .replace("{fault_id}", created["fault_id"])
        .replace("{stub_id}", created.get("stub_id", ""))
    )


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> Any:
    jsonschema = pytest.importorskip("jsonschema", reason="comes with openapi-spec-validator")
    return jsonschema.Draft202012Validator({**schema, "components": doc["components"]})


def test_every_operation_answers_what_its_schema_says(doc, wsdl_server):
    """Calls each documented operation (POSTs first, so every list has an entry) and checks the
    answer against its schema: every documented field present, no undocumented one."""
    cli_server = wsdl_server
    revoke(cli_server.url)  # a journal entry
    order = sorted(
        ((path, method, op) for path, item in doc["paths"].items() for method, op in item.items()),
        key=lambda t: (t[1] != "post", t[1] == "delete", "{" not in t[0]),  # one fault, then all
    )
    created: dict[str, str] = {}
    checked = []
    for path, method, op in order:
        if method == "post" and path.endswith("/reset"):
            continue  # last, below
        url = (
            cli_server.admin_url + _concrete(path, created)
            if "{" in path
            else cli_server.admin_url + path.removeprefix(ADMIN_PREFIX)
        )
        body = BODIES.get(path.removeprefix(ADMIN_PREFIX)) if method == "post" else None
        status, answer, _ = http_json(method.upper(), url, body if method == "post" else None)
        [success] = [code for code in op["responses"] if code.startswith("2")]
        assert str(status) == success, (method, path, answer)
        schema = op["responses"][success]["content"]["application/json"]["schema"]
        _validator(doc, schema).validate(answer)
        if method == "post" and path.endswith("/refresh-tokens"):
            created["refresh_token"] = answer["token"]
        if method == "post" and path.endswith("/faults"):
            created["fault_id"] = str(answer["id"])
        if method == "post" and path.endswith("/stubs"):
            created["stub_id"] = str(answer["id"])
        if isinstance(answer, list):
            assert answer, f"{method} {path}: an empty list checks nothing"
        checked.append((method, path))
    status, answer, _ = http_json("POST", cli_server.admin_url + "/reset", {})
    _validator(
        doc,
        doc["paths"][ADMIN_PREFIX + "/reset"]["post"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
    ).validate(answer)
    assert len(checked) + 1 == sum(len(item) for item in doc["paths"].values())


def test_the_query_parameters_are_the_ones_the_server_accepts(doc, cli_server):
    for path, item in doc["paths"].items():
        if "get" not in item or "{" in path:
            continue
        documented = [p["name"] for p in item["get"].get("parameters", []) if p["in"] == "query"]
        status, answer, _ = http_json(
            "GET", cli_server.admin_url + path.removeprefix(ADMIN_PREFIX) + "?zz_not_a_parameter=1"
        )
        assert status == 400, path
        found = re.search(r"; (?:accepted: (.*)|it accepts none)$", answer["message"])
        assert found, answer["message"]
        accepted = found.group(1).split(", ") if found.group(1) else []
        assert accepted == documented, path


def test_the_body_fields_are_the_ones_the_server_accepts(doc, cli_server):
    for path, item in doc["paths"].items():
        body = item.get("post", {}).get("requestBody")
        if body is None:
            continue
        schema = body["content"]["application/json"]["schema"]
        url = cli_server.admin_url + path.removeprefix(ADMIN_PREFIX)
        status, answer, _ = http_json("POST", url, {"zz_not_a_field": 1})
        assert status == 400, path
        if schema["additionalProperties"] is False:
            found = re.search(r"unknown field\(s\) zz_not_a_field; accepted: (.*)$", answer["message"])
            assert found, (path, answer)
            assert found.group(1).split(", ") == list(schema["properties"]), path
        required = schema.get("required", [])
        if required:
            status, answer, _ = http_json("POST", url, {})
            assert (status, answer) == (400, {"message": f"missing field(s): {', '.join(required)}"}), path
    http_json("POST", cli_server.admin_url + "/reset", {})
