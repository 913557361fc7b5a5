"""What every benchmark shares: the vendor's sample revoke, a WSGI caller, timing helpers.

The envelope is the vendor's documented sample request (the same one ``tests/support/soapclient.py``
builds), sent with its quoted SOAPAction, so every number here is for a real, successful
``PwsRevokeOauth2RefreshToken`` answered ``Status`` ``Ok``.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

SERVICE_PATH = "/OpsProjectorWcfSvc/PwsProjectorServices.svc"
REVOKE_ACTION = (
    '"http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsRevokeOauth2RefreshToken"'
)
SAMPLE_CLIENT = "24748faf-e239-d132-167a-6e4d3e1bd0fb"
SAMPLE_SECRET = "r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB"  # noqa: S105 - the vendor's published sample
SAMPLE_TOKEN = "E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA"  # noqa: S105 - the vendor's published sample


def revoke_envelope(
    token: str = SAMPLE_TOKEN, client_id: str = SAMPLE_CLIENT, secret: str = SAMPLE_SECRET
) -> bytes:
    """The vendor's sample revoke request, as its documentation writes it."""
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:pws="http://projectorpsa.com/PwsProjectorServices/" '
        'xmlns:req="http://projectorpsa.com/DataContracts/Requests/">'
        "<soapenv:Header/><soapenv:Body><pws:PwsRevokeOauth2RefreshToken><pws:serviceRequest>"
        f"<req:ClientIdentifier>{client_id}</req:ClientIdentifier>"
        f"<req:ClientSecret>{secret}</req:ClientSecret>"
        f"<req:Token>{token}</req:Token>"
        "</pws:serviceRequest></pws:PwsRevokeOauth2RefreshToken></soapenv:Body></soapenv:Envelope>"
    ).encode()


REVOKE_BODY = revoke_envelope()
REVOKE_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": REVOKE_ACTION}


def wsgi_environ(body: bytes = REVOKE_BODY) -> dict[str, Any]:
    """A WSGI environ of the revoke POST as a server would build it (fresh input stream)."""
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": SERVICE_PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8080",
        "CONTENT_TYPE": REVOKE_HEADERS["Content-Type"],
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_SOAPACTION": REVOKE_ACTION,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def wsgi_caller(
    app: Callable[..., Iterable[bytes]], body: bytes = REVOKE_BODY
) -> Callable[[], tuple[str, bytes]]:
    """A function making one in-process call of ``app`` (no socket) and returning status and body."""
    template = wsgi_environ(body)

    def call() -> tuple[str, bytes]:
        environ = dict(template)
        environ["wsgi.input"] = io.BytesIO(body)
        status: list[str] = []

        def start_response(s: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            status.append(s)

        out = app(environ, start_response)
        data = b"".join(out)
        close = getattr(out, "close", None)
        if close is not None:
            close()
        return status[0], data

    return call


def per_call_us(fn: Callable[[], Any], n: int, repeats: int = 5) -> dict[str, float]:
    """Time ``n`` calls ``repeats`` times; per-call microseconds: best and median of the repeats."""
    fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - start) / n * 1e6)
    return {
        "best_us": round(min(runs), 2),
        "median_us": round(statistics.median(runs), 2),
        "calls": n,
        "repeats": repeats,
    }


def rss_kib() -> int:
    """This process's resident set size in KiB (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
