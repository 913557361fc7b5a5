#!/usr/bin/env python3
"""Rewrite the golden responses (fakeprojector/data/envelopes/<Operation>/<case>.response.xml,
package data read through fakeprojector.envelopes) from what the fake answers.

Run it on purpose, after a deliberate change of behaviour, and review the diff:

    .venv/bin/python scripts/regen_envelopes.py            # rewrite every response
    .venv/bin/python scripts/regen_envelopes.py --check    # only report the files that differ

Each case of the envelopes' cases.json is replayed against a fresh FakeProjector on the
contract fixtures (reset before each case, tokens from a fixed seed so that reruns give the
same bytes). The timestamp becomes the vendor's example instant and the fake's base
URL (in RestServiceAuthority/SoapServiceAuthority) becomes http://127.0.0.1:8080; every
other byte is the fake's. The requests are hand-written and never rewritten. The tests never
run this: the contract suite's test_envelopes.py only compares.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package (and its data), not an installed one

from fakeprojector import FakeProjector, envelopes  # noqa: E402
from fakeprojector.contract_suite.golden import canonical, for_file, replay  # noqa: E402

#: the token seed: a name kept from the envelopes' first home, as changing it changes every
#: generated token in the files
SEED = "fixtures/envelopes"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a response differs")
    args = parser.parse_args(argv)
    if Path(envelopes.__file__).resolve().parent.parent != ROOT:
        print(
            f"regen_envelopes: fakeprojector comes from {envelopes.__file__}, not this checkout",
            file=sys.stderr,
        )
        return 2
    cases = envelopes.all_cases()
    differ: list[str] = []
    with FakeProjector(envelopes.fixtures(), seed=SEED) as fake:
        for case in cases:
            fake.reset()
            fake.token_source.reseed(SEED)
            answer = replay(fake.url, case, fake.clock.advance)
            fake.check()
            if answer.status != 200:
                print(f"{case.id}: HTTP {answer.status}: {answer.body[:200]!r}", file=sys.stderr)
                return 2
            new = for_file(answer.body, fake.base_url) + b"\n"
            path = case.path("response")
            old = path.read_bytes() if path.exists() else None
            if old == new:
                continue
            request = case.load("request")
            same = old is not None and canonical(old, request) == canonical(new, request)
            differ.append(f"{path.relative_to(ROOT)}{' (only masked values)' if same else ''}")
            if not args.check:
                path.write_bytes(new)
    orphans = sorted(
        str(p.relative_to(ROOT))
        for p in envelopes.DIRECTORY.glob("*/*.response.xml")
        if p not in {c.path("response") for c in cases}
    )
    for line in differ:
        print(("differs: " if args.check else "wrote: ") + line)
    for line in orphans:
        print(f"not in cases.json: {line}")
    print(f"{len(cases)} cases, {len(differ)} {'differ' if args.check else 'rewritten'}")
    return 1 if args.check and (differ or orphans) else 0


if __name__ == "__main__":
    sys.exit(main())
