"""The hostile corpus over real sockets: a clear answer in bounded time, nothing leaked,
and the fake still serves the vendor's sample request afterwards.

Also here: the entity and DTD cases never reach the network or the file system (a canary
listener must see no connection), and a stalled, half-sent request ties up only its own
connection.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
from lxml import etree

from tests.hostile.corpus import CASES, LIMIT, PATH, REVOKE_HEADERS, SAMPLE, Case, envelope
from tests.hostile.rawhttp import exchange, request_bytes
from tests.support.soapclient import ENV, SAMPLE_TOKEN, revoke

DEADLINE = 5.0  # seconds; every case answers in milliseconds, this only catches hangs
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def test_corpus_is_large_and_named_uniquely():
    names = [c.name for c in CASES]
    assert len(names) >= 50
    assert len(set(names)) == len(names)
    oversized = [c.name for c in CASES if c.raw is None and len(c.body) > LIMIT and c.status != 413]
    assert not oversized, "these would be refused for size, not for what they test"


def _send(port: int, case: Case):
    if case.raw is not None:
        data = case.raw
    else:
        data = request_bytes(
            case.method, case.path, case.headers, case.body, content_length=case.content_length
        )
    return exchange(port, data, timeout=DEADLINE, half_close=case.half_close)


def _check(case: Case, answer) -> None:
    assert answer.status == case.status, (answer.status, answer.body[:500])
    assert not answer.leaks(), answer.body[:2000]
    if case.fault is not None or case.outcome is not None:
        assert answer.headers.get("content-type") == "text/xml; charset=utf-8"
        doc = etree.fromstring(answer.body, _STRICT)  # the answer is well-formed XML
    if case.fault is not None:
        fault = doc.find(f"{{{ENV}}}Body/{{{ENV}}}Fault")
        assert fault is not None, answer.body
        assert fault.findtext("faultcode") == case.fault
        if case.says is not None:
            assert case.says in (fault.findtext("faultstring") or ""), answer.body
    elif case.outcome is not None:
        status = doc.findtext(".//{http://projectorpsa.com/CommonServices/}Status")
        assert status == case.outcome, answer.body
        numbers = [int(n) for n in doc.xpath("//*[local-name()='ErrorNumber']/text()")]
        assert numbers == ([case.error_number] if case.error_number else []), answer.body
    elif case.says is not None:
        assert case.says.encode() in answer.body, answer.body[:500]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_request_gets_a_clear_answer_and_the_fake_survives(fake_projector, case):
    answer = _send(fake_projector.port, case)
    _check(case, answer)
    after = revoke(fake_projector.url, timeout=DEADLINE)
    assert after.status == 200, after.body
    assert after.status_text == "Ok", after.body


def test_oversized_content_length_is_refused_before_the_body_is_read(fake_projector):
    """The 413 arrives while the client is still holding back the whole body."""
    head = request_bytes("POST", PATH, REVOKE_HEADERS, b"", content_length=False)
    head = head[:-2] + f"Content-Length: {LIMIT + 1}\r\n\r\n".encode()
    answer = exchange(fake_projector.port, head, timeout=DEADLINE)
    assert answer.status == 413
    assert fake_projector.requests[-1].http_status == 413


@pytest.mark.choice("wire.body-limit")
def test_chunked_body_is_cut_as_soon_as_it_crosses_the_limit(fake_projector):
    """The client sends chunks and never the final one: the 413 comes anyway."""
    head = request_bytes(
        "POST", PATH, (*REVOKE_HEADERS, ("Transfer-Encoding", "chunked")), content_length=False
    )
    chunk = b"2000\r\n" + b" " * 0x2000 + b"\r\n"
    with socket.create_connection(("127.0.0.1", fake_projector.port), timeout=DEADLINE) as sock:
        sock.sendall(head)
        sent = 0
        sock.settimeout(0.05)
        answer = b""
        while sent <= 4 * LIMIT and not answer:
            sock.sendall(chunk)
            sent += 0x2000
            try:
                answer = sock.recv(65536)
            except TimeoutError:
                pass
        sock.settimeout(DEADLINE)
        while b"</s:Envelope>" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent <= LIMIT + 2 * 0x2000  # answered at the limit, not after the stream ended


class _Canary:
    """A TCP listener that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.mark.parametrize(
    ("prolog", "token"),
    [
        ('<!DOCTYPE soapenv:Envelope [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/e">]>', "&xxe;"),
        ('<!DOCTYPE soapenv:Envelope [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p"> %p;]>', SAMPLE_TOKEN),
        ('<!DOCTYPE soapenv:Envelope SYSTEM "http://127.0.0.1:{port}/d.dtd">', SAMPLE_TOKEN),
        ('<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:{port}/s.xsl"?>', SAMPLE_TOKEN),
        (
            "",
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="http://127.0.0.1:{port}/i" parse="text"/>',
        ),
    ],
    ids=["entity", "parameter-entity", "external-dtd", "stylesheet", "xinclude"],
)
def test_entities_and_includes_never_reach_the_network(fake_projector, prolog, token):
    canary = _Canary()
    try:
        fields = (
            "<req:ClientIdentifier>24748faf-e239-d132-167a-6e4d3e1bd0fb</req:ClientIdentifier>"
            f"<req:ClientSecret>x</req:ClientSecret><req:Token>{token.format(port=canary.port)}</req:Token>"
        )
        body = envelope(fields, prolog=prolog.format(port=canary.port)).encode()
        answer = exchange(
            fake_projector.port, request_bytes("POST", PATH, REVOKE_HEADERS, body), timeout=DEADLINE
        )
        assert answer.status in (200, 500)
        time.sleep(0.05)
        assert canary.hits == 0
    finally:
        canary.close()


def test_a_stalled_half_sent_request_ties_up_only_its_own_connection(fake_projector):
    """Slowloris-ish: clients that stop mid-header and mid-body; others are still served."""
    port = fake_projector.port
    stalled = []
    try:
        for partial in (
            b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty",
            request_bytes("POST", PATH, REVOKE_HEADERS, b"", content_length=False)[:-2]
            + f"Content-Length: {len(SAMPLE)}\r\n\r\n".encode()
            + SAMPLE[:100],
        ):
            for _ in range(4):
                sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
                sock.sendall(partial)
                stalled.append(sock)
        for _ in range(3):
            answer = revoke(fake_projector.url, timeout=DEADLINE)
            assert answer.status == 200
            assert answer.status_text == "Ok"
    finally:
        for sock in stalled:
            sock.close()
    # The abandoned requests are not the fake's failures (check() runs at teardown).
    after = revoke(fake_projector.url, timeout=DEADLINE)
    assert after.status == 200


def test_a_byte_at_a_time_request_is_still_answered(fake_projector):
    data = request_bytes("POST", PATH, REVOKE_HEADERS, SAMPLE)
    pieces = [data[i : i + 64] for i in range(0, len(data), 64)]
    answer = exchange(fake_projector.port, pieces, pause=0.002, timeout=DEADLINE)
    assert answer.status == 200
    assert fake_projector.token_state(SAMPLE_TOKEN) == "revoked"


def test_a_local_external_dtd_is_never_opened(fake_projector, tmp_path):
    """libxml2 opens local external subsets even with load_dtd off; a FIFO would block
    that open until a writer came, so a hang here means the file was opened."""
    fifo = tmp_path / "dtd.fifo"
    os.mkfifo(fifo)
    try:
        body = envelope(prolog=f'<!DOCTYPE soapenv:Envelope SYSTEM "file://{fifo}">').encode()
        answer = exchange(
            fake_projector.port, request_bytes("POST", PATH, REVOKE_HEADERS, body), timeout=DEADLINE
        )
        assert answer.status == 500
        assert b"DTD is prohibited" in answer.body
    finally:
        try:  # release a parser blocked in open(), should the check above have failed
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass


@pytest.mark.choice("wire.stall-timeout")
def test_a_stalled_connection_is_closed_by_the_server(fake_projector_factory):
    """Slowloris bound: a request stalled mid-body is dropped after the handler timeout
    (30 s by default; shortened here), answered with a 400 Client fault if still possible."""
    fake = fake_projector_factory(stall_timeout=0.3)
    head = request_bytes("POST", PATH, REVOKE_HEADERS, b"", content_length=False)[:-2]
    partial = head + f"Content-Length: {len(SAMPLE)}\r\n\r\n".encode() + SAMPLE[:50]
    started = time.monotonic()
    answer = exchange(fake.port, partial, timeout=DEADLINE)
    assert answer.status == 400
    assert b"incomplete" in answer.body
    assert time.monotonic() - started < DEADLINE
    with socket.create_connection(("127.0.0.1", fake.port), timeout=DEADLINE) as sock:
        sock.sendall(b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n")  # stalls mid-header
        sock.settimeout(DEADLINE)
        assert sock.recv(65536) == b""  # the server hung up


def _case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


@pytest.mark.choice("wire.truncated-body")
@pytest.mark.parametrize(
    "name", ["content-length-longer-than-body", "chunked-bad-chunk-size", "chunked-missing-terminator"]
)
def test_a_truncated_or_badly_framed_body_is_a_400_client_fault(fake_projector, name):
    answer = _send(fake_projector.port, _case(name))
    assert answer.status == 400
    _check(_case(name), answer)


@pytest.mark.choice("wire.fault-text-sanitised")
@pytest.mark.parametrize(
    "name", ["control-characters-in-soapaction-header", "control-characters-in-content-type"]
)
def test_control_characters_echoed_in_a_fault_become_replacement_characters(fake_projector, name):
    answer = _send(fake_projector.port, _case(name))
    assert "\ufffd".encode() in answer.body
    _check(_case(name), answer)
