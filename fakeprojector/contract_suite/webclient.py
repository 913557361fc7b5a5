"""A tiny HTTP client for the browser half's tests: forms in, JSON or HTML out, redirects not
followed, cookies kept like a browser's (one jar per :class:`Browserish`).

Like :mod:`.soapclient` it uses none of fakeprojector's code.
"""

from __future__ import annotations

import http.client
import http.cookies
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: list[str] = field(default_factory=list)

    @property
    def json(self) -> Any:
        assert self.headers.get("content-type", "").startswith("application/json"), (
            self.status,
            self.headers,
            self.body,
        )
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def location(self) -> str | None:
        return self.headers.get("location")

    def redirect_params(self) -> dict[str, str]:
        """The query of the ``Location`` this answer redirects to (one value per name)."""
        assert self.status in (301, 302, 303, 307), (self.status, self.body[:300])
        assert self.location
        return dict(
            urllib.parse.parse_qsl(urllib.parse.urlsplit(self.location).query, keep_blank_values=True)
        )

    def hidden(self, name: str) -> str:
        """The value of a hidden input of the page."""
        found = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', self.text)
        assert found, f"no hidden input {name} in {self.text[-800:]}"
        return found.group(1)


def request(
    method: str,
    url: str,
    *,
    form: dict[str, Any] | list[tuple[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10,
) -> Reply:
    parts = urllib.parse.urlsplit(url)
    conn_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_type(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    hdrs = dict(headers or {})
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        cookies = resp.headers.get_all("Set-Cookie") or []
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read(), cookies)
    finally:
        conn.close()


def post_form(url: str, form: dict[str, Any] | list[tuple[str, Any]], **kw: Any) -> Reply:
    return request("POST", url, form=form, **kw)


class Browserish:
    """Keeps the cookies a server sets (name=value only) and sends them back, as a browser would."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, url: str, **kw: Any) -> Reply:
        headers = {"Accept": "text/html", **kw.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reply = request(method, url, headers=headers, **kw)
        for raw in reply.cookies:
            jar = http.cookies.SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return reply

    def get(self, url: str, **kw: Any) -> Reply:
        return self._send("GET", url, **kw)

    def post(self, url: str, form: dict[str, Any], **kw: Any) -> Reply:
        return self._send("POST", url, form=form, **kw)
