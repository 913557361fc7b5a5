"""``FakeProjector``: a :class:`~fakeprojector.backend.FakeBackend` on a real loopback port.

Binds synchronously (port 0 lets the OS choose; ``url`` tells the real one), then serves
from a daemon thread (pytest-httpserver's pattern). ``stop()`` shuts down and joins.
Everything else (``add_client``, ``add_refresh_token``, ``issue_authorization_code``,
``token_state``, ``reset``, the journal and faults...) is the backend's.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fakeprojector import options, serving
from fakeprojector import tls as tls_setup
from fakeprojector.app import DEFAULT_MAX_BODY, FakeProjectorApp
from fakeprojector.backend import FakeBackend, ServerError
from fakeprojector.contract import SERVICE_PATH
from fakeprojector.fixtures import FixturesSource
from fakeprojector.urls import ADMIN_PREFIX

if TYPE_CHECKING:
    from fakeprojector.soap.contract_service import ContractService

log = logging.getLogger("fakeprojector")
LOOPBACK = "127.0.0.1"


class FakeProjector(FakeBackend):
    """A fake Projector PWS on ``http://127.0.0.1:<port>`` (``https://`` with TLS).

    ``fixtures``: a path, a dict, or a list of them (default: the packaged fixtures with the
    vendor's sample client and token). ``settings``: overrides of :class:`Settings`.
    ``seed`` makes generated tokens repeatable. ``stall_timeout`` (30 s) closes a connection
    that stalls mid-request or idles between requests. ``tls=True`` serves HTTPS with a
    certificate made at the first start (trust :attr:`ca_file`); ``tls_cert``/``tls_key``
    serve it with your own PEM files. Use as a context manager, or call :meth:`start` /
    :meth:`stop`. Every option is checked here, before anything is bound: a bad one is a
    ``ValueError`` naming it.

    ``wsdl``: a WSDL file (its schemas inline, beside it, or a saved WCF bundle's
    ``?xsd=xsdN`` files in its folder): every operation of it is answered too, with real
    session tickets, generated answers and :meth:`stub`. A WSDL that cannot be used is a
    ``ValueError`` naming the file, the element and the problem.
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
        wsdl: str | os.PathLike[str] | None = None,
        tls: bool = False,
        tls_cert: str | os.PathLike[str] | None = None,
        tls_key: str | os.PathLike[str] | None = None,
    ) -> None:
        host = options.text("host", host) or LOOPBACK
        port = options.whole("port", port, 0, options.MAX_PORT)
        max_body = options.whole("max_body", max_body, 1, options.MAX_BODY_LIMIT)
        if journal_size is not None:
            journal_size = options.whole("journal_size", journal_size, 1, 10_000_000)
        stall_timeout = options.positive_seconds("stall_timeout", stall_timeout)
        admin_token = options.text("admin_token", admin_token, optional=True)
        seed = options.seed(seed)
        self._tls = tls_setup.Tls(tls, tls_cert, tls_key)
        if settings is not None and not isinstance(settings, dict):
            raise options.OptionError(
                "settings", f"must be a dict of settings, not {type(settings).__name__}"
            )
        loaded = _load_wsdl(wsdl) if wsdl is not None else None
        super().__init__(fixtures, settings=settings, seed=seed, journal_size=journal_size, contract=loaded)
        self.wsdl: Path | None = loaded.contract.path if loaded is not None else None
        self.host, self._port = host, port
        self.admin_token = admin_token
        self.stall_timeout = stall_timeout
        self.app = FakeProjectorApp(self, max_body=max_body, admin_token=admin_token)
        self._server: serving.Server | None = None
        self._thread: threading.Thread | None = None

    def load_wsdl(
        self,
        wsdl: str | os.PathLike[str] | None,
        fixtures: FixturesSource | Sequence[FixturesSource] = None,
    ) -> None:
        """Serve the operations of ``wsdl`` from now on (``None``: only the OAuth ones) and
        its metadata, with ``fixtures`` (default: the loaded ones), and reset. Loaded once
        per process per file; the fixtures' stubs are checked against it first: a bad WSDL
        or stub changes nothing."""
        loaded = _load_wsdl(wsdl) if wsdl is not None else None
        self.attach_contract(loaded, fixtures)
        self.wsdl = loaded.contract.path if loaded is not None else None

    @staticmethod
    def check_wsdl(wsdl: str | os.PathLike[str]) -> int:
        """Load ``wsdl`` (cached for the fakes of this process) and return how many operations
        it has; a ``ValueError`` names the file, the element and the problem."""
        return len(_load_wsdl(wsdl).contract.operations)

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeProjector:
        if self._server is not None:
            raise RuntimeError("this FakeProjector is already running")
        context = self._tls.start()
        try:
            server = serving.serve(self.host, self._port, self.app, self.stall_timeout, context)
        except BaseException:
            self._tls.stop()
            raise
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
        self._tls.stop()

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
    def tls(self) -> bool:
        """Whether this fake serves HTTPS."""
        return self._tls.enabled

    @property
    def ca_file(self) -> str | None:
        """The CA certificate (PEM) a client trusts to call this fake over HTTPS, while it runs
        with a generated certificate (``tls=True``); ``None`` without TLS or with your own."""
        if self._tls.generated and self._server is None:
            raise RuntimeError("not started: the CA file is written at start()")
        return str(self._tls.ca_file) if self._tls.ca_file is not None else None

    @property
    def base_url(self) -> str:
        """``http(s)://127.0.0.1:<port>``: what ``RedirectUrl`` and ``home_url`` compare with."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self._tls.scheme}://{host}:{self.port}"

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


def _load_wsdl(wsdl: str | os.PathLike[str]) -> ContractService:
    if not isinstance(wsdl, (str, os.PathLike)) or not str(wsdl):
        raise options.OptionError("wsdl", f"must be the path of a WSDL file, not {wsdl!r}")
    from fakeprojector.soap.contract_service import load_service  # only a fake with a WSDL pays for it

    return load_service(wsdl)


__all__ = ["FakeProjector", "ServerError"]
