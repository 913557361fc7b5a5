"""Replaying the golden envelopes (:mod:`fakeprojector.envelopes`) against a target, and
comparing answers with the volatile values masked.

Shared by ``test_envelopes.py`` (which keeps the files in step with the fake) and
``scripts/regen_envelopes.py`` (which rewrites the responses, on purpose only). A case is
replayed over HTTP against any URL; nothing here uses the fake's code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from fakeprojector import envelopes
from fakeprojector.contract_suite.soapclient import RSP, Answer, post
from fakeprojector.envelopes import Case

#: what the files say in place of the volatile values
GOLDEN_TIMESTAMP = "2021-12-08T16:19:04.5684513Z"
GOLDEN_BASE_URL = "http://127.0.0.1:8080"
MASK = "*masked*"
COM = "http://projectorpsa.com/CommonServices/"
REQ = "http://projectorpsa.com/DataContracts/Requests/"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)


def replay(url: str, case: Case, advance: Callable[[float], None] | None = None) -> Answer:
    """Send ``case``'s setup requests, move the clock when it says so, then its request."""
    for prior in case.before:
        operation, _, name = prior.partition("/")
        answer = post(url, envelopes.load(operation, name, "request"), action=operation)
        assert answer.status == 200, (prior, answer.body)
    if case.advance_seconds:
        if advance is None:
            raise RuntimeError(f"{case.id} needs the clock moved: only a fake can do that")
        advance(case.advance_seconds)
    return post(url, case.load("request"), action=case.operation)


def for_file(body: bytes, base_url: str) -> bytes:
    """A live answer as the golden file stores it: the timestamp and the fake's own base URL
    (in the service authorities) replaced by fixed values; every other byte as answered."""
    text = body.decode("utf-8")
    text = re.sub(r"(<ServerTimestampUtc\b[^>]*>)[^<]*(</)", rf"\g<1>{GOLDEN_TIMESTAMP}\g<2>", text)
    text = re.sub(
        rf"(<a:(?:Rest|Soap)ServiceAuthority>){re.escape(base_url)}(</)",
        rf"\g<1>{GOLDEN_BASE_URL}\g<2>",
        text,
    )
    return text.encode("utf-8")


def canonical(response: bytes, request: bytes) -> bytes:
    """C14N of a response with the generated values masked: ``ServerTimestampUtc``,
    ``AccessToken``, and ``RefreshToken`` unless it is the one the request sent."""
    sent = etree.fromstring(request, _PARSER).findtext(f".//{{{REQ}}}RefreshToken")
    root = etree.fromstring(response, _PARSER)
    for el in root.iter(f"{{{COM}}}ServerTimestampUtc"):
        el.text = MASK
    for name in ("AccessToken", "RefreshToken"):
        for el in root.iter(f"{{{RSP}}}{name}"):
            if el.text and not (name == "RefreshToken" and el.text == sent):
                el.text = MASK
    return bytes(etree.tostring(root, method="c14n"))
