"""What hostile requests cost the fake, and whether the cost stays linear (issue 7).

    .venv/bin/python benchmarks/hostile_cost.py            # everything, ~20 s
    .venv/bin/python benchmarks/hostile_cost.py --cycles 0 # skip the 1,000 start/stop cycles

1. Within the default 64 KiB limit: the most namespace declarations / attributes /
   unknown elements / nesting a request can carry, and entity bombs, each answered through
   the whole WSGI app in-process (median of several runs, milliseconds).
2. Scaling: the same shapes with the limit raised (``max_body``) to 8 MiB, doubling ``n``;
   the time per item should stay flat (linear total cost), not double (quadratic).
3. Over HTTP: the largest hostile request within the limit, end to end.
4. Lifecycle: 1,000 start/stop cycles of ``FakeProjector``: time, and the file descriptors
   and threads before and after.

The suite (``tests/hostile/``) asserts only generous hang guards; the numbers live here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.test import Client

from fakeprojector import FakeProjector
from fakeprojector.app import DEFAULT_MAX_BODY, FakeProjectorApp
from fakeprojector.store import Store

PATH = "/OpsProjectorWcfSvc/PwsProjectorServices.svc"
ACTION = '"http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsRevokeOauth2RefreshToken"'
CLIENT = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
SECRET = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"  # noqa: S105 - the vendor's published sample
TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"  # noqa: S105 - the vendor's published sample
FIELDS = f"<req:ClientIdentifier>{CLIENT}</req:ClientIdentifier><req:ClientSecret>{SECRET}</req:ClientSecret>"


def envelope(
    fields: str = FIELDS + f"<req:Token>{TOKEN}</req:Token>", attrs: str = "", prolog: str = ""
) -> bytes:
    return (
        f'{prolog}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:pws="http://projectorpsa.com/PwsProjectorServices/" '
        f'xmlns:req="http://projectorpsa.com/DataContracts/Requests/"{attrs}>'
        "<soapenv:Body><pws:PwsRevokeOauth2RefreshToken><pws:serviceRequest>"
        f"{fields}</pws:serviceRequest></pws:PwsRevokeOauth2RefreshToken></soapenv:Body></soapenv:Envelope>"
    ).encode()


def _name(i: int) -> str:
    """Short distinct names (a, b, ..., ba, bb, ...): the most items per byte."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = letters[r] + out
    return out


SHAPES: dict[str, Callable[[int], bytes]] = {
    "namespace declarations": lambda n: envelope(attrs="".join(f' xmlns:n{_name(i)}="u"' for i in range(n))),
    "attributes": lambda n: envelope(
        FIELDS + "<req:Token " + " ".join(f'{_name(i)}=""' for i in range(n)) + f">{TOKEN}</req:Token>"
    ),
    "unknown sibling elements": lambda n: envelope("<x/>" * n + FIELDS + f"<req:Token>{TOKEN}</req:Token>"),
    "nesting (refused past 256)": lambda n: envelope(
        FIELDS + "<req:Token>" + "<a>" * n + "</a>" * n + "</req:Token>"
    ),
}

BOMBS = {
    "billion laughs": envelope(
        FIELDS + "<req:Token>&l9;</req:Token>",
        prolog='<!DOCTYPE soapenv:Envelope [<!ENTITY l0 "lol">'
        + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
        + "]>",
    ),
    "quadratic blow-up": envelope(
        FIELDS + "<req:Token>" + "&a;" * 10_000 + "</req:Token>",
        prolog=f'<!DOCTYPE soapenv:Envelope [<!ENTITY a "{"A" * 20_000}">]>',
    ),
    "external DTD (file)": envelope(prolog='<!DOCTYPE soapenv:Envelope SYSTEM "file:///dev/stdin">'),
}


def timed(call: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``call`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def post(client: Client, body: bytes) -> int:
    response = client.post(
        PATH, data=body, headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": ACTION}
    )
    return response.status_code


def largest_within(shape: Callable[[int], bytes], limit: int) -> int:
    lo, hi = 0, 1
    while len(shape(hi)) <= limit:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if len(shape(mid)) <= limit else (lo, mid)
    return lo


def within_limit() -> None:
    client = Client(FakeProjectorApp(Store()))
    print(
        f"1. Within the default limit ({DEFAULT_MAX_BODY:,} bytes), whole WSGI app in-process, median of 5:"
    )
    print(f"   {'shape':28} {'n':>7} {'bytes':>7} {'HTTP':>5} {'ms':>8}")
    for name, shape in SHAPES.items():
        n = largest_within(shape, DEFAULT_MAX_BODY)
        if name.startswith("nesting"):
            n = min(n, 4000)
        body = shape(n)
        status = post(client, body)
        print(
            f"   {name:28} {n:>7,} {len(body):>7,} {status:>5} {timed(lambda b=body: post(client, b)):>8.2f}"
        )
    for name, body in BOMBS.items():
        status = post(client, body)
        print(
            f"   {name:28} {'':>7} {len(body):>7,} {status:>5} {timed(lambda b=body: post(client, b)):>8.2f}"
        )
    baseline = envelope()
    print(
        f"   {'(the vendor sample)':28} {'':>7} {len(baseline):>7,} {post(client, baseline):>5} {timed(lambda: post(client, baseline), 50):>8.2f}"
    )


def scaling() -> None:
    client = Client(FakeProjectorApp(Store(), max_body=8 * 1024 * 1024))
    print("\n2. Scaling, limit raised to 8 MiB (microseconds per item; flat = linear):")
    sizes = (10_000, 20_000, 40_000, 80_000, 160_000)
    print(f"   {'shape':28} " + " ".join(f"{n:>9,}" for n in sizes) + "   total ms at the largest")
    for name, shape in SHAPES.items():
        if name.startswith("nesting"):
            continue
        per_item, last = [], 0.0
        for n in sizes:
            body = shape(n)
            assert post(client, body) == 200, name
            last = timed(lambda b=body: post(client, b), 3)
            per_item.append(last * 1000 / n)
        print(f"   {name:28} " + " ".join(f"{u:>9.3f}" for u in per_item) + f"   {last:>8.1f}")


def over_http() -> None:
    import http.client

    print("\n3. Over HTTP (loopback, threaded dev server), median of 5:")
    with FakeProjector() as fp:
        for name, shape in SHAPES.items():
            n = largest_within(shape, DEFAULT_MAX_BODY)
            if name.startswith("nesting"):
                n = min(n, 4000)
            body = shape(n)

            def send(b: bytes = body) -> int:
                conn = http.client.HTTPConnection("127.0.0.1", fp.port, timeout=10)
                try:
                    conn.request(
                        "POST",
                        PATH,
                        body=b,
                        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": ACTION},
                    )
                    resp = conn.getresponse()
                    resp.read()
                    return resp.status
                finally:
                    conn.close()

            status = send()
            print(f"   {name:28} n={n:<7,} HTTP {status}  {timed(send):8.2f} ms")


def cycles(n: int) -> None:
    def fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    FakeProjector().start().stop()
    before = (fds(), threading.active_count())
    start = time.perf_counter()
    for _ in range(n):
        FakeProjector().start().stop()
    seconds = time.perf_counter() - start
    after = (fds(), threading.active_count())
    print(
        f"\n4. {n:,} start/stop cycles: {seconds:.2f} s ({seconds / n * 1000:.2f} ms each); fds {before[0]} -> {after[0]}, threads {before[1]} -> {after[1]}"
    )
    if after != before:
        raise SystemExit("LEAK: file descriptors or threads left behind")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=1000, help="start/stop cycles (0: skip)")
    args = parser.parse_args()
    within_limit()
    scaling()
    over_http()
    if args.cycles:
        cycles(args.cycles)


if __name__ == "__main__":
    main()
