"""Headless Chromium for the end-to-end tests, and a tiny client app to redirect to.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, or ``$FAKEPROJECTOR_CHROMIUM``)
driven by Playwright for Python with ``executable_path``; Playwright's own browser download
is never used. Without either, every test here skips and says which one is missing.
"""

from __future__ import annotations

import os
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

#: The flags the machine notes prescribe: headless, no sandbox (root in CI), and nothing
#: that reaches out to Google's hosts from a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("FAKEPROJECTOR_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(
            "browser tests need Playwright for Python: pip install -e '.[browser]' (make test installs it)"
        )
    path = chromium_path()
    if path is None:
        pytest.skip("browser tests need Chromium: apt-get install chromium (or set FAKEPROJECTOR_CHROMIUM)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies) and page per test."""
    context = browser.new_context()
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


class ClientApp:
    """A client app's redirect target on 127.0.0.1: records the query of each ``GET /callback``."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        app = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                if parts.path != "/callback":  # Chromium asks for /favicon.ico too
                    self.send_error(404)
                    return
                app.received.append(dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)))
                body = (
                    b"<!DOCTYPE html><title>client app</title><h1 id='done'>Client app got the callback</h1>"
                )
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def client_app() -> Iterator[ClientApp]:
    app = ClientApp()
    try:
        yield app
    finally:
        app.stop()
