"""Connections are kept alive when that is safe, and never outlive the fake."""

from __future__ import annotations

import http.client
import threading

import pytest

from fakeprojector import FakeProjector
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, envelope

PATH = "/OpsProjectorWcfSvc/PwsProjectorServices.svc"
ACTION = "http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsRevokeOauth2RefreshToken"
BODY = envelope(
    "PwsRevokeOauth2RefreshToken",
    [("ClientIdentifier", SAMPLE_CLIENT), ("ClientSecret", SAMPLE_SECRET), ("Token", SAMPLE_TOKEN)],
)


def _post(conn, content_type="text/xml; charset=utf-8", headers=None):
    conn.request("POST", PATH, BODY, {"Content-Type": content_type, "SOAPAction": ACTION, **(headers or {})})
    response = conn.getresponse()
    response.read()
    return response


@pytest.mark.choice("wire.keep-alive")
def test_one_connection_serves_many_calls_and_closes_when_the_body_was_not_read(fake_projector):
    conn = http.client.HTTPConnection("127.0.0.1", fake_projector.port, timeout=5)
    try:
        first = _post(conn)
        sock = conn.sock
        assert first.status == 200
        assert first.getheader("Connection") is None
        for _ in range(3):
            assert _post(conn).status == 200
            assert conn.sock is sock  # the same TCP connection
        refused = _post(conn, content_type="application/json")  # answered without reading the body
        assert refused.status == 415
        assert refused.getheader("Connection") == "close"
        assert _post(conn, headers={"Connection": "close"}).status == 200
    finally:
        conn.close()
    assert len(fake_projector.requests) == 6


def test_stop_cuts_kept_alive_connections_and_leaves_no_thread():
    before = set(threading.enumerate())
    with FakeProjector() as fp:
        conns = [http.client.HTTPConnection("127.0.0.1", fp.port, timeout=5) for _ in range(4)]
        for conn in conns:
            assert _post(conn).status == 200
    for conn in conns:
        conn.close()
    new = [t for t in threading.enumerate() if t not in before]
    for thread in new:
        thread.join(timeout=5)  # handler threads end as soon as their socket is cut
    assert [t.name for t in new if t.is_alive()] == []
