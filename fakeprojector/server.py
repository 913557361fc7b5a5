"""``FakeProjector``: a live fake on a real loopback port, driven from Python.

Binds synchronously (port 0 lets the OS choose; ``url`` tells the real one), then serves
from a daemon thread (pytest-httpserver's pattern). ``stop()`` shuts down and joins.
The methods mirror the fixtures format and the admin API: ``add_client``,
``add_refresh_token``, ``issue_authorization_code``, ``token_state``, ``reset``...
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from werkzeug.serving import BaseWSGIServer

from fakeprojector import assertions, options, serving
from fakeprojector.admin import AdminAPI
from fakeprojector.app import ADMIN_PREFIX, DEFAULT_MAX_BODY, FakeProjectorApp
from fakeprojector.clock import AdjustableClock, TokenSource
from fakeprojector.contract import SERVICE_PATH
from fakeprojector.faults import Fault, FaultInjector
from fakeprojector.fixtures import FixturesSource
from fakeprojector.journal import Journal, JournalEntry
from fakeprojector.records import AccessToken, Account, Client, RefreshToken, TokenState
from fakeprojector.settings import Settings
from fakeprojector.store import Store

log = logging.getLogger("fakeprojector")
LOOPBACK = "127.0.0.1"


class ServerError(RuntimeError):
    """Raised by :meth:`FakeProjector.check` when request handling failed inside the fake."""


class FakeProjector:
    """A fake Projector PWS on ``http://127.0.0.1:<port>``.

    ``fixtures``: a path, a dict, or a list of them (default: the packaged fixtures with the
    vendor's sample client and token). ``settings``: overrides of :class:`Settings`.
    ``seed`` makes generated tokens repeatable. ``stall_timeout`` (30 s) closes a connection
    that stalls mid-request or idles between requests. Use as a context manager, or call
    :meth:`start` / :meth:`stop`.
    """

    def __init__(
        self,
        fixtures: FixturesSource | Sequence[FixturesSource] = None,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        settings: dict[str, Any] | None = None,
        seed: int | str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        admin_token: str | None = None,
        journal_size: int | None = None,
        stall_timeout: float = serving.STALL_TIMEOUT,
    ) -> None:
        # every option checked before anything is built or bound (OptionError: a ValueError)
        host = options.text("host", host) or LOOPBACK
        port = options.whole("port", port, 0, options.MAX_PORT)
        max_body = options.whole("max_body", max_body, 1, options.MAX_BODY_LIMIT)
        if journal_size is not None:
            journal_size = options.whole("journal_size", journal_size, 1, 10_000_000)
        stall_timeout = options.positive_seconds("stall_timeout", stall_timeout)
        admin_token = options.text("admin_token", admin_token, optional=True)
        seed = options.seed(seed)
        if settings is not None and not isinstance(settings, dict):
            raise options.OptionError(
                "settings", f"must be a dict of settings, not {type(settings).__name__}"
            )
        self.clock = AdjustableClock()
        self.seed = seed
        self.token_source = TokenSource(seed)
        self.store = Store(fixtures, clock=self.clock, tokens=self.token_source, settings=settings)
        self.journal = Journal(journal_size) if journal_size else Journal()
        self.host, self._port = host, port
        self.admin_token = admin_token
        self.stall_timeout = stall_timeout
        self.app = FakeProjectorApp(self.store, journal=self.journal, max_body=max_body)
        #: Fault injection: the admin API's ``/faults``, and ``add_fault()`` below.
        self.faults = FaultInjector(self.store.clock)
        self.app.hooks = self.faults
        self.app.admin = AdminAPI(self, token=self.admin_token)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeProjector:
        if self._server is not None:
            raise RuntimeError("this FakeProjector is already running")
        server = serving.serve(self.host, self._port, self.app, self.stall_timeout)
        if self.host not in (LOOPBACK, "localhost", "::1"):
            log.warning("fakeprojector is listening on %s: reachable beyond this machine", self.host)
        self._server = server
        self.store.base_url = self.base_url
        self._thread = threading.Thread(
            target=server.serve_forever, name=f"fakeprojector:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        serving.close(server, thread)
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> FakeProjector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses -------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("not started: call start() or use 'with FakeProjector() as fp'")
        return int(self._server.port)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: what ``RedirectUrl`` and ``home_url`` compare with."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The service URL (``.../OpsProjectorWcfSvc/PwsProjectorServices.svc``)."""
        return self.base_url + SERVICE_PATH

    @property
    def wsdl_url(self) -> str:
        return self.url + "?wsdl"

    @property
    def admin_url(self) -> str:
        return self.base_url + ADMIN_PREFIX + "/"

    # --- state -----------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the loaded fixtures; empties the journal, clears faults, real time again,
        and restarts a seeded token sequence, so every test of a seeded fake sees the same tokens."""
        self.token_source.reseed(self.seed)
        self.store.reset()
        self.journal.clear()
        self.clock.reset()
        self.faults.clear()

    def load_fixtures(self, fixtures: FixturesSource | Sequence[FixturesSource]) -> None:
        """Replace the fixtures and reset to them."""
        self.store.load(fixtures)
        self.reset()

    def configure(self, **settings: Any) -> Settings:
        """Change behaviour settings until the next reset (``rotate_refresh_tokens=True``...)."""
        return self.store.configure(**settings)

    @property
    def settings(self) -> Settings:
        return self.store.settings

    def add_account(self, code: str, home_url: str | None = None) -> Account:
        """An account; with ``home_url`` it lives on another server (calls get ``RedirectUrl``)."""
        return self.store.add_account(code, home_url)

    def add_client(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        name: str = "",
        redirect_uris: Sequence[str] = (),
    ) -> Client:
        """Register a client app; id and secret are generated when absent."""
        return self.store.add_client(client_id, client_secret, name, redirect_uris)

    def clients(self) -> list[Client]:
        with self.store.lock:
            return list(self.store.clients.values())

    def add_refresh_token(
        self,
        client_id: str,
        account: str | None = None,
        token: str | None = None,
        revoked: bool = False,
        expires_in_seconds: float | None = None,
    ) -> RefreshToken:
        """Issue a refresh token for ``client_id`` as if the user had consented earlier."""
        return self.store.add_refresh_token(client_id, account, token, revoked, expires_in_seconds)

    def add_access_token(
        self,
        client_id: str,
        refresh_token: str | None = None,
        account: str | None = None,
        token: str | None = None,
    ) -> AccessToken:
        return self.store.add_access_token(client_id, refresh_token, account, token)

    def issue_authorization_code(
        self,
        client_id: str,
        redirect_uri: str,
        account: str | None = None,
        code_challenge: str | None = None,
        code_challenge_method: str | None = None,
        code: str | None = None,
    ) -> str:
        """A fresh authorization code, as if the user had approved the consent page."""
        return self.store.add_authorization_code(
            client_id, redirect_uri, account, code_challenge, code_challenge_method, code
        ).code

    def token_state(self, token: str) -> TokenState | None:
        """``"active"``, ``"revoked"``, ``"expired"`` or ``None`` for an unknown refresh token."""
        return self.store.refresh_token_state(token)

    def access_token_state(self, token: str) -> TokenState | None:
        """The same for an access token (session ticket)."""
        return self.store.access_token_state(token)

    # --- fault injection (fakeprojector.faults; the admin API's /faults) -------------
    #: ``self.faults`` is the :class:`~fakeprojector.faults.FaultInjector`; it reads like
    #: a list of the active faults (``list(fp.faults)``, ``len(fp.faults)``).
    def add_fault(
        self, kind: str, operation: str | None = None, times: int | None = None, **params: Any
    ) -> Fault:
        """Make the next ``times`` calls of ``operation`` (all when ``None``; ``times=None``:
        until cleared) misbehave: ``kind`` is ``delay`` (``delay_ms``, ``delay_max_ms``),
        ``http_status`` (``status``; ``body`` ``html``: the front end's page, ``empty``, or your own text with ``content_type``), ``soap_fault``
        (``error_number``, ``error_code``, ``error_text``; default 10016), ``drop`` or
        ``redirect`` (``redirect_url``). The most recently added matching fault applies."""
        return self.faults.add(kind, operation, times, **params)

    def remove_fault(self, fault_id: int) -> bool:
        """Remove one fault by its ``id``; ``False`` when it is not (or no longer) active."""
        return self.faults.remove(fault_id)

    def clear_faults(self) -> int:
        """Remove every fault; returns how many were active."""
        return self.faults.clear()

    # --- what happened ---------------------------------------------------------------
    @property
    def requests(self) -> list[JournalEntry]:
        """The journal of SOAP calls, oldest first."""
        return self.journal.entries()

    def calls(
        self, operation: str | None = None, status: str | None = None, **fields: Any
    ) -> list[JournalEntry]:
        """Journal entries of ``operation`` whose fields match (``token=``, ``client_id=``...)."""
        return assertions.matching(self.requests, operation, status, **fields)

    def assert_called(
        self, operation: str, count: int | None = None, status: str | None = None, **fields: Any
    ) -> list[JournalEntry]:
        """Assert calls were made (``count``: exactly that many); the failure lists the calls made."""
        return assertions.assert_called(self.requests, operation, count, status, **fields)

    def assert_revoked(self, token: str, count: int = 1) -> JournalEntry:
        """Exactly ``count`` revoke calls of ``token`` reached the fake, and the token is not active."""
        found = assertions.assert_called(self.requests, "PwsRevokeOauth2RefreshToken", count, token=token)
        state = self.token_state(token)
        if state == "active":
            raise AssertionError(
                f"{token[:8]}... was sent to PwsRevokeOauth2RefreshToken but is still active (another client's token?)"
            )
        return found[-1]

    def check(self) -> None:
        """Raise :class:`ServerError` if handling a request failed inside the fake."""
        if self.app.errors:
            errors = list(self.app.errors)
            self.app.errors.clear()
            raise ServerError(
                f"{len(errors)} request(s) failed inside fakeprojector: {errors[0]!r}"
            ) from errors[0]
