"""Cost stays linear: tens of thousands of namespace declarations, attributes or elements
are answered in milliseconds. The bound asserted (2 s) is only a hang guard; the measured
numbers are in ``benchmarks/hostile_cost.py`` (tens of milliseconds for 160,000 items)."""

from __future__ import annotations

import pytest

from tests.hostile.corpus import CI, CS, PATH, REVOKE_HEADERS, TK, envelope
from tests.hostile.rawhttp import exchange, request_bytes
from tests.support.soapclient import SAMPLE_TOKEN

HANG_GUARD = 2.0  # seconds


def _names(n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, r = divmod(i - 1, 26)
            name = letters[r] + name
        out.append(name)
    return out


SHAPES = {
    "namespace-declarations": lambda n: envelope(attrs="".join(f' xmlns:n{p}="u"' for p in _names(n))),
    "attributes": lambda n: envelope(
        CI + CS + "<req:Token " + " ".join(f'{a}=""' for a in _names(n)) + f">{SAMPLE_TOKEN}</req:Token>"
    ),
    "unknown-elements": lambda n: envelope("<x/>" * n + CI + CS + TK),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    ("n", "max_body"), [(4_000, None), (50_000, 1 << 20)], ids=["4k-default-limit", "50k-1MiB-limit"]
)
def test_many_items_are_answered_fast(fake_projector_factory, shape, n, max_body):
    fake = fake_projector_factory(**({"max_body": max_body} if max_body else {}))
    body = SHAPES[shape](n).encode()
    assert len(body) <= (max_body or 65_536)
    answer = exchange(fake.port, request_bytes("POST", PATH, REVOKE_HEADERS, body), timeout=HANG_GUARD)
    assert answer.status == 200
    assert b'<Status xmlns="http://projectorpsa.com/CommonServices/">Ok</Status>' in answer.body
