"""The access rules' pieces (fakeprojector/access.py): which Host names are loopback, which
Origin is the server's own. The rules themselves are tested over HTTP in
tests/integration/test_admin_safety.py."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from fakeprojector.access import loopback_host, same_origin


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("localhost:8080", True),
        ("LocalHost.:80", True),
        ("127.0.0.1", True),
        ("127.1.2.3:9", True),
        ("[::1]", True),
        ("[::1]:8080", True),
        ("[::ffff:127.0.0.1]:1", True),
        ("evil.example", False),
        ("evil.example:8080", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
        ("10.0.0.1", False),
        ("[::2]:80", False),
        ("[::1", False),
        ("[::1]x", False),
        ("localhost:http", False),
        ("", False),
    ],
)
def test_loopback_host(host, loopback):
    assert loopback_host(host) is loopback


def _request(host: str, scheme: str = "http") -> Request:
    return Request(EnvironBuilder(base_url=f"{scheme}://{host}/").get_environ())


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("http://127.0.0.1:8080", "127.0.0.1:8080", True),
        ("HTTP://LOCALHOST:8080", "localhost:8080", True),
        ("http://localhost", "localhost:80", True),
        ("http://localhost:80", "localhost", True),
        ("http://127.0.0.1:8081", "127.0.0.1:8080", False),
        ("https://127.0.0.1:8080", "127.0.0.1:8080", False),
        ("http://localhost:8080", "127.0.0.1:8080", False),
        ("null", "127.0.0.1:8080", False),
        ("http://127.0.0.1:8080/path", "127.0.0.1:8080", False),
        ("http://127.0.0.1:99999", "127.0.0.1:8080", False),
    ],
)
def test_same_origin(origin, host, same):
    assert same_origin(origin, _request(host)) is same
