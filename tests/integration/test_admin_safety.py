"""The admin API and the dashboard are safe on a developer's machine (issue 15): a web page the
developer visits cannot drive or read a running fake. Each rule over real HTTP against the real
``fakeprojector serve``, with the headers a browser would send, and curl itself for the
requests that must keep working."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess

import pytest

from tests.support.cliserver import CliServer
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, acquire, revoke
from tests.support.webclient import Browserish, Reply, request

ADMIN_TOKEN = "s3cret-admin-token"


def _admin(server: CliServer, method: str, path: str, *, body: bytes | None = None, **headers: str) -> Reply:
    return request(method, server.admin_url + path, body=body, headers=headers)


def _fault_count(server: CliServer) -> int:
    return len(server.admin("GET", "/faults")[1])


# --- Host: a rebound DNS name is not this machine ------------------------------------------------
@pytest.mark.choice("admin.loopback-host")
@pytest.mark.parametrize("path", ["/clients", "/health", "/dashboard", "/requests"])
def test_a_foreign_host_is_refused_with_how_to_open_it(cli_server, path):
    port = cli_server.base_url.rsplit(":", 1)[1]
    reply = _admin(cli_server, "GET", path, Host=f"evil.example:{port}")
    assert reply.status == 403
    assert SAMPLE_SECRET not in reply.text
    assert SAMPLE_CLIENT not in reply.text
    assert "--admin-token" in reply.text
    assert "evil.example" in reply.text


@pytest.mark.choice("admin.loopback-host")
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "127.0.0.2", "LOCALHOST"])
def test_loopback_hosts_with_any_port_are_answered(cli_server, host):
    for port in ("", ":1", ":" + cli_server.base_url.rsplit(":", 1)[1]):
        reply = _admin(cli_server, "GET", "/clients", Host=host + port)
        assert reply.status == 200, (host, port, reply.text)
        assert reply.json[0]["client_id"] == SAMPLE_CLIENT


@pytest.mark.choice("admin.loopback-host")
def test_the_vendor_endpoints_answer_any_host(cli_server):
    host = {"Host": "projector.example.com"}
    assert revoke(cli_server.url, headers=host).status_text == "Ok"
    rest = request(
        "POST",
        cli_server.base_url + "/oauth2revoketoken",
        form={"token": SAMPLE_TOKEN, "client_id": SAMPLE_CLIENT, "client_secret": SAMPLE_SECRET},
        headers=host,
    )
    assert rest.status == 200
    wsdl = request("GET", cli_server.url + "?wsdl", headers=host)
    assert wsdl.status == 200
    assert b"http://projector.example.com/OpsProjectorWcfSvc" in wsdl.body
    assert request("GET", cli_server.base_url + "/", headers=host).status == 200


# --- Content-Type: no HTML form can post JSON ----------------------------------------------------
@pytest.mark.choice("admin.json-only")
@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json"],
)
def test_a_state_change_without_a_json_content_type_is_415(cli_server, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    reply = _admin(cli_server, "POST", "/faults", body=b'{"kind": "drop"}', **headers)
    assert reply.status == 415
    assert "Content-Type: application/json" in reply.json["message"]
    assert _fault_count(cli_server) == 0
    assert _admin(cli_server, "POST", "/reset", **headers).status == 415
    assert _admin(cli_server, "DELETE", "/faults", **headers).status == 415


@pytest.mark.choice("admin.json-only")
def test_a_plain_form_post_cannot_reset_or_inject(cli_server):
    cli_server.admin("POST", "/clients", {"name": "keep me"})
    form = request("POST", cli_server.admin_url + "/reset", form={"x": "1"})
    assert form.status == 415
    assert any(c["name"] == "keep me" for c in cli_server.admin("GET", "/clients")[1])


@pytest.mark.choice("admin.json-only")
def test_json_with_a_charset_and_an_empty_body_are_fine(cli_server):
    reply = _admin(
        cli_server,
        "POST",
        "/faults",
        body=b'{"kind": "drop"}',
        **{"Content-Type": "application/json; charset=utf-8"},
    )
    assert reply.status == 201
    assert _admin(cli_server, "DELETE", "/faults", **{"Content-Type": "application/json"}).json == {
        "cleared": 1
    }
    assert _admin(cli_server, "POST", "/reset", **{"Content-Type": "application/json"}).status == 200


# --- Origin: another site's page is refused, whatever it sends ------------------------------------
@pytest.mark.choice("admin.origin")
@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://127.0.0.1:1", "http://localhost.evil.example"]
)
def test_another_origin_is_refused_even_with_json(cli_server, origin):
    json_type = {"Content-Type": "application/json"}
    post = _admin(cli_server, "POST", "/faults", body=b'{"kind": "drop"}', Origin=origin, **json_type)
    assert post.status == 403
    assert "cross-origin" in post.json["message"]
    assert _fault_count(cli_server) == 0
    assert _admin(cli_server, "GET", "/clients", Origin=origin).status == 403
    assert _admin(cli_server, "GET", "/dashboard", Origin=origin).status == 403


@pytest.mark.choice("admin.origin")
def test_the_issue_s_attack_is_refused(cli_server):
    """``POST /faults`` with ``Content-Type: text/plain`` and ``Origin: https://evil.example``: 201 before."""
    reply = _admin(
        cli_server,
        "POST",
        "/faults",
        body=b'{"kind": "drop"}',
        Origin="https://evil.example",
        **{"Content-Type": "text/plain"},
    )
    assert reply.status == 403
    assert _fault_count(cli_server) == 0


@pytest.mark.choice("admin.origin")
def test_the_fake_s_own_origin_is_accepted(cli_server):
    own = cli_server.base_url
    for origin in (own, own.upper().replace("HTTP://", "http://"), own.replace("127.0.0.1", "localhost")):
        host = origin.split("//", 1)[1]
        reply = _admin(
            cli_server, "POST", "/faults", body=b'{"kind": "drop"}', Origin=origin, Host=host,
            **{"Content-Type": "application/json"},
        )  # fmt: skip
        assert reply.status == 201, (origin, reply.text)


@pytest.mark.choice("admin.origin")
@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_curl_style_requests_keep_working(cli_server):
    """No Origin, a JSON body: what curl, a CI script or a Java test sends."""
    a = cli_server.admin_url
    json_header = ["-H", "Content-Type: application/json"]

    def curl(*args: str) -> tuple[int, str]:
        out = subprocess.run(
            ["curl", "-s", "-w", "\n%{http_code}", *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        body, _, status = out.stdout.rpartition("\n")
        return int(status), body

    assert curl(f"{a}/health")[0] == 200
    status, body = curl("-X", "POST", f"{a}/faults", *json_header, "-d", '{"kind": "delay", "delay_ms": 1}')
    assert status == 201, body
    assert json.loads(body)["kind"] == "delay"
    assert curl("-X", "DELETE", f"{a}/faults", *json_header) == (200, '{\n  "cleared": 1\n}\n')
    assert curl("-X", "POST", f"{a}/reset", *json_header)[0] == 200
    assert curl("-H", f"Host: localhost:{a.split(':')[2].split('/')[0]}", f"{a}/clients")[0] == 200
    status, body = curl("-X", "POST", f"{a}/faults", "-d", '{"kind": "drop"}')  # curl -d: form-encoded
    assert status == 415
    assert "-H 'Content-Type: application/json'" in json.loads(body)["message"]


# --- callers that are not on this machine ------------------------------------------------------
@pytest.fixture(scope="module")
def token_server():
    server = CliServer(env={"FAKEPROJECTOR_ADMIN_TOKEN": ADMIN_TOKEN})
    try:
        yield server
    finally:
        server.cleanup()


@pytest.mark.choice("admin.loopback-host")
def test_with_an_admin_token_any_host_is_answered_with_the_token(token_server):
    port = token_server.base_url.rsplit(":", 1)[1]
    named = {"Host": f"fake:{port}"}
    assert _admin(token_server, "GET", "/health", **named).status == 401
    reply = _admin(token_server, "GET", "/health", Authorization=f"Bearer {ADMIN_TOKEN}", **named)
    assert reply.status == 200
    assert reply.json["url"] == f"http://fake:{port}/OpsProjectorWcfSvc/PwsProjectorServices.svc"


@pytest.mark.choice("admin.loopback-host")
def test_with_an_admin_token_the_dashboard_asks_the_browser_for_it(token_server):
    refused = _admin(token_server, "GET", "/dashboard")
    assert refused.status == 401
    assert refused.headers["www-authenticate"].startswith("Basic")
    basic = base64.b64encode(f"me:{ADMIN_TOKEN}".encode()).decode()
    assert _admin(token_server, "GET", "/dashboard", Authorization=f"Basic {basic}").status == 200
    wrong = base64.b64encode(b"me:guess").decode()
    assert _admin(token_server, "GET", "/dashboard", Authorization=f"Basic {wrong}").status == 401


# --- the dashboard's buttons -------------------------------------------------------------------
def _dashboard_form(browser: Browserish, server: CliServer) -> tuple[str, str]:
    """(form action, csrf token) of the dashboard's reset button."""
    page = browser.get(server.admin_url + "/dashboard")
    assert page.status == 200
    found = re.search(
        r'<form method="post" action="([^"]+)" class="inline"><input type="hidden" name="csrf" value="([^"]+)">'
        r'<input type="hidden" name="action" value="reset">',
        page.text,
    )
    assert found, page.text[:2000]
    return found.group(1).replace("&amp;", "&"), found.group(2)


@pytest.mark.choice("dashboard.csrf")
def test_a_dashboard_button_works_from_the_dashboard(cli_server):
    cli_server.admin("POST", "/faults", {"kind": "drop"})
    browser = Browserish()
    action, csrf = _dashboard_form(browser, cli_server)
    reply = browser.post(cli_server.base_url + action, {"csrf": csrf, "action": "clear_faults"})
    assert reply.status == 303
    assert reply.location.startswith("/_fakeprojector/dashboard?")
    assert _fault_count(cli_server) == 0


@pytest.mark.choice("dashboard.csrf")
def test_a_dashboard_button_without_its_browser_s_token_does_nothing(cli_server):
    cli_server.admin("POST", "/faults", {"kind": "drop"})
    mine = Browserish()
    action, csrf = _dashboard_form(mine, cli_server)
    url = cli_server.base_url + action
    for attempt in (
        request("POST", url, form={"csrf": csrf, "action": "clear_faults"}),  # no cookie: another browser
        Browserish().post(url, {"csrf": csrf, "action": "clear_faults"}),  # its own cookie, my token
        mine.post(url, {"csrf": "forged", "action": "clear_faults"}),
        mine.post(url, {"action": "reset"}),
    ):
        assert attempt.status == 403, attempt.text
        assert "reload the dashboard" in attempt.text
    cross = mine.post(
        url, {"csrf": csrf, "action": "clear_faults"}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status == 403
    assert _fault_count(cli_server) == 1


@pytest.mark.choice("dashboard.csrf")
def test_the_dashboard_cookie_is_strict_and_http_only(cli_server):
    page = Browserish().get(cli_server.admin_url + "/dashboard")
    [cookie] = [c for c in page.cookies if c.startswith("fakeprojector_dashboard=")]
    assert "SameSite=Strict" in cookie
    assert "HttpOnly" in cookie
    assert "Path=/_fakeprojector" in cookie


# --- secrets appear only in the answer that created them ---------------------------------------
@pytest.mark.choice("admin.secrets")
def test_secrets_only_in_the_answer_that_created_them(cli_server):
    _, client, _ = cli_server.admin(
        "POST", "/clients", {"client_secret": "Created-Secret-1", "redirect_uris": ["https://app/cb"]}
    )
    assert client["client_secret"] == "Created-Secret-1"
    _, user, _ = cli_server.admin(
        "POST", "/users", {"account": "SAMPLE", "username": "u2", "password": "Created-Password-2"}
    )
    assert user["password"] == "Created-Password-2"
    revoke(cli_server.url, secret="Created-Secret-1", client_id=client["client_id"])
    acquire(
        cli_server.url,
        client["client_id"],
        "Created-Secret-1",
        GrantType="refresh_token",
        RefreshToken=SAMPLE_TOKEN,
    )
    seen = [
        json.dumps(cli_server.admin("GET", path)[1])
        for path in (
            "/clients",
            f"/clients?client_id={client['client_id']}",
            "/users",
            "/requests",
            "/health",
        )
    ]
    browser = Browserish()
    seen += [browser.get(cli_server.admin_url + "/dashboard" + q).text for q in ("", "?tokens=full")]
    consent = browser.get(
        f"{cli_server.base_url}/oauth2authorize/SAMPLE?response_type=code&client_id={client['client_id']}&redirect_uri=https://app/cb"
    )
    seen.append(consent.text)
    assert "u2" in consent.text  # the hint names the user, not the password
    for text in seen:
        for secret in ("Created-Secret-1", "Created-Password-2", SAMPLE_SECRET, "sample-password"):
            assert secret not in text
