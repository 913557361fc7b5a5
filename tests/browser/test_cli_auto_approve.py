"""``fakeprojector serve --auto-approve``: the consent page of the standalone server redirects
at once (no browser needed: plain HTTP, redirects not followed)."""

from __future__ import annotations

import urllib.parse

from tests.support.cliserver import CliServer
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, acquire
from tests.support.webclient import request

CALLBACK = "http://127.0.0.1:8765/callback"  # registered for the vendor sample client


def test_serve_auto_approve_then_exchange_over_rest():
    srv = CliServer("--log-level", "warning", "--auto-approve")
    try:
        query = urllib.parse.urlencode(
            {"response_type": "code", "client_id": SAMPLE_CLIENT, "redirect_uri": CALLBACK, "state": "cli"}
        )
        reply = request("GET", f"{srv.base_url}/oauth2authorize/SAMPLE?{query}")
        params = reply.redirect_params()
        assert reply.location.startswith(CALLBACK + "?")
        assert params["state"] == "cli"
        answer = acquire(
            srv.url, SAMPLE_CLIENT, SAMPLE_SECRET, GrantType="code", Code=params["code"], RedirectUri=CALLBACK
        )
        assert answer.status_text == "Ok", answer.body
    finally:
        srv.cleanup()


def test_serve_without_auto_approve_shows_the_sign_in_form(cli_server):
    query = urllib.parse.urlencode(
        {"response_type": "code", "client_id": SAMPLE_CLIENT, "redirect_uri": CALLBACK}
    )
    reply = request("GET", f"{cli_server.base_url}/oauth2authorize/SAMPLE?{query}")
    assert reply.status == 200
    assert 'name="form_token"' in reply.text
