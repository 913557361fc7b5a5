"""Connections are kept alive when that is safe, and never outlive the fake."""

from __future__ import annotations

import http.client
import socket
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


def _head(sock: socket.socket) -> bytes:
    """Bytes up to the end of one answer's head (the blank line), read as they come."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, data
        data += chunk
    return data


@pytest.mark.choice("wire.keep-alive")
def test_expect_100_continue_gets_its_interim_answer_before_the_body_and_each_answer_arrives_whole(
    fake_projector,
):
    """.NET's HttpWebRequest (WCF) sends ``Expect: 100-continue`` and holds the body until the
    ``100 Continue`` comes (or ~350 ms pass): the fake must send it at once, not held back with
    the answer's head; then the answer (head and body together) and the next call on the connection."""
    request = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{fake_projector.port}\r\n"
        f'Content-Type: text/xml; charset=utf-8\r\nSOAPAction: "{ACTION}"\r\n'
        f"Content-Length: {len(BODY)}\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", fake_projector.port), timeout=5) as sock:
        for _ in range(2):  # twice on one connection
            sock.sendall(request)
            sock.settimeout(0.3)  # well before any client would give up waiting and send anyway
            assert _head(sock).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.settimeout(5)
            sock.sendall(BODY)
            head, _, body = _head(sock).partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
            length = int(
                next(
                    line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
                ).split(b":")[1]
            )
            while len(body) < length:
                body += sock.recv(4096)
            assert b"<Status>Ok</Status>" in body or b">Ok<" in body
    assert len(fake_projector.requests) == 2
