"""The suite can fail: pointed at a server that differs from the contract in one error text,
it reports exactly the tests that check that text, and passes the rest.

The wrong server is a tiny WSGI proxy in front of the target that rewrites one word of
50630's ``ErrorText`` (``Oauth2`` -> ``OAuth2``: the kind of slip a fake makes).
``fakeprojector contract-test --projector-url`` runs the shipped suite's ``test_revoke.py``
against it in a subprocess, the way a user checks a real endpoint, and exits with pytest's
status. It stays in the repository: it tests the suite, not a target.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import urllib.parse

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

RIGHT, WRONG = b"Invalid Oauth2 Client.", b"Invalid OAuth2 Client."
#: the tests of test_revoke.py that check 50630's text (every other one must still pass)
EXPECTED_FAILURES = {
    "test_invalid_client_is_50630[not-a-guid]",
    "test_invalid_client_is_50630[unknown-client]",
    "test_invalid_client_is_50630[wrong-secret]",
    "test_invalid_client_is_50630[secret-other-case]",
    "test_invalid_client_is_50630[secret-extended]",
    "test_wrong_secret_does_not_revoke",
    "test_check_order_shape_then_token_type_then_client",
}


def proxy_app(upstream: str, rewrite: tuple[bytes, bytes]):
    up = urllib.parse.urlsplit(upstream)

    @Request.application
    def app(request: Request) -> Response:
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=10)
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type", "soapaction")}
        try:
            conn.request(
                request.method, request.full_path.rstrip("?"), body=request.get_data(), headers=headers
            )
            resp = conn.getresponse()
            body, status, ctype = resp.read(), resp.status, resp.getheader("Content-Type")
        finally:
            conn.close()
        return Response(body.replace(*rewrite), status=status, content_type=ctype)

    return app


@pytest.fixture
def wrong_server(target):
    if not target.is_fake:
        pytest.skip("fake_only: the wrong server is a proxy in front of the suite's own fake")
    server = make_server("127.0.0.1", 0, proxy_app(target.url, (RIGHT, WRONG)), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    path = urllib.parse.urlsplit(target.url).path
    yield target, f"http://127.0.0.1:{server.server_port}{path}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.mark.fake_only
def test_the_suite_catches_a_wrong_error_text(wrong_server):
    target, url = wrong_server
    env = {
        **os.environ,
        "PROJECTOR_CLIENT_ID": target.client_id,
        "PROJECTOR_CLIENT_SECRET": target.client_secret,
        "PROJECTOR_REFRESH_TOKEN": target.refresh_token,
    }
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fakeprojector",
            "contract-test",
            "--projector-url",
            url,
            "-q",
            "-rfs",
            "-p",
            "no:randomly",
            "-k",
            "test_revoke.py",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout + result.stderr
    failed = set(re.findall(r"^FAILED \S*test_revoke\.py::(\S+)", out, re.M))
    assert result.returncode == 1, out
    assert failed == EXPECTED_FAILURES, out
    assert "Invalid OAuth2 Client." in out  # the report shows the difference
    summary = re.search(r"(\d+) failed, (\d+) passed, (\d+) skipped", out)
    assert summary, out
    assert int(summary[2]) > 20, out  # the rest passed
    assert int(summary[3]) > 0, out  # and the fake-only ones skipped
