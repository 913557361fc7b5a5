"""The golden envelopes of ``fixtures/envelopes/``: their cases, how to replay one, and how
to compare answers with volatile values masked.

Shared by ``test_envelopes.py`` (which keeps the files in step with the fake) and
``scripts/regen_envelopes.py`` (which rewrites the responses, on purpose only). Nothing here
imports fakeprojector: a case is replayed over HTTP against any URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tests.support.paths import ENVELOPES
from tests.support.soapclient import RSP, Answer, post

#: what the files say in place of the volatile values
GOLDEN_TIMESTAMP = "2021-12-08T16:19:04.5684513Z"
GOLDEN_BASE_URL = "http://127.0.0.1:8080"
MASK = "*masked*"
COM = "http://projectorpsa.com/CommonServices/"
REQ = "http://projectorpsa.com/DataContracts/Requests/"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)


@dataclass(frozen=True)
class Case:
    operation: str
    case: str
    behaviour: str
    description: str
    before: tuple[str, ...] = ()
    advance_seconds: float = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.operation}/{self.case}"

    @property
    def request_path(self) -> Path:
        return ENVELOPES / self.operation / f"{self.case}.request.xml"

    @property
    def response_path(self) -> Path:
        return ENVELOPES / self.operation / f"{self.case}.response.xml"


def load_cases() -> list[Case]:
    data = json.loads((ENVELOPES / "cases.json").read_text())
    cases = []
    for raw in data["cases"]:
        raw = dict(raw)
        known = {k: raw.pop(k) for k in ("operation", "case", "behaviour", "description")}
        before = tuple(raw.pop("before", ()))
        advance = float(raw.pop("advance_seconds", 0))
        cases.append(Case(**known, before=before, advance_seconds=advance, extra=raw))
    return cases


def replay(url: str, case: Case, advance: Callable[[float], None] | None = None) -> Answer:
    """Send ``case``'s setup requests, move the clock when it says so, then its request."""
    for prior in case.before:
        operation, _, name = prior.partition("/")
        answer = post(url, (ENVELOPES / operation / f"{name}.request.xml").read_bytes(), action=operation)
        assert answer.status == 200, (prior, answer.body)
    if case.advance_seconds:
        if advance is None:
            raise RuntimeError(f"{case.id} needs the clock moved: only a fake can do that")
        advance(case.advance_seconds)
    return post(url, case.request_path.read_bytes(), action=case.operation)


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
    return etree.tostring(root, method="c14n")
