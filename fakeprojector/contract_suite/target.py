"""Which endpoint the suite checks, and with which credentials: checked the same way by the
pytest plugin (a usage error) and by ``fakeprojector contract-test`` (one line, exit status 2).

Free of pytest, so the command line can check its options before pytest is even imported.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: the environment variables a real endpoint's credentials come from
CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN = (
    "PROJECTOR_CLIENT_ID",
    "PROJECTOR_CLIENT_SECRET",
    "PROJECTOR_REFRESH_TOKEN",
)
#: the environment variable ``--projector-url`` defaults to
URL = "PROJECTOR_URL"


@dataclass
class Target:
    """Where the suite sends its requests, and with which credentials.

    ``fake`` is the FakeProjector handle (``None`` against a real endpoint): fake-only tests
    use it to freeze the clock, add state or change settings. ``refresh_token`` follows
    rotation: a test that gets a new refresh token back stores it here.
    """

    url: str
    client_id: str
    client_secret: str
    refresh_token: str | None
    fake: Any = None

    @property
    def is_fake(self) -> bool:
        return self.fake is not None

    @property
    def base_url(self) -> str:
        scheme, rest = self.url.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0]}"


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a service URL, or ``None``: an http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be the service's http(s) URL (https://HOST/OpsProjectorWcfSvc/PwsProjectorServices.svc), not {url!r}"
    try:
        parts.port  # noqa: B018 - raises on a port out of range or not a number
    except ValueError:
        return f"has a bad port: {url!r}"
    return None


def real_target(url: str, environ: Mapping[str, str]) -> Target:
    """The real endpoint at ``url`` with the credentials of ``environ``; ``ValueError`` (one
    line naming what is missing) for a bad URL or missing credentials."""
    problem = url_problem(url)
    if problem:
        raise ValueError(f"--projector-url: {problem}")
    client_id, secret = environ.get(CLIENT_ID, ""), environ.get(CLIENT_SECRET, "")
    if not client_id or not secret:
        raise ValueError(
            f"--projector-url needs {CLIENT_ID} and {CLIENT_SECRET} in the environment "
            f"(and a disposable {REFRESH_TOKEN} for the token lifecycle tests)"
        )
    return Target(url.split("?", 1)[0], client_id, secret, environ.get(REFRESH_TOKEN) or None)
