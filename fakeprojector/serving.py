"""The HTTP server under a fake: werkzeug's threaded server, with keep-alive that is safe.

werkzeug's development server answers every request with ``Connection: close``, because
Python's ``http.server`` cannot drain an unread body before the next request line. Real
SOAP clients (WCF, JAX-WS, zeep's requests session) reuse connections, so the fake keeps
a connection open when that is safe: the request was HTTP/1.1 without ``Connection:
close``, and its body was read whole (or it had none). A request whose body the app did
not read (a 413 decided from ``Content-Length``, a 415) or a chunked one still closes.

A connection that stalls for ``timeout`` seconds (mid-request, or idle between requests)
is closed, so slow or silent clients cannot pin threads; :func:`close` also cuts the open
connections, so ``stop()`` leaves no handler thread waiting on a socket.
"""

from __future__ import annotations

import logging
import socket
import threading
from http import HTTPStatus
from typing import IO, Any

from werkzeug.serving import (
    BaseWSGIServer,
    ThreadedWSGIServer,
    WSGIRequestHandler,
    get_sockaddr,
    select_address_family,
)

log = logging.getLogger("fakeprojector")

#: Seconds a connection may stall mid-request or sit idle between keep-alive requests [choice].
STALL_TIMEOUT = 30.0


class _ConnectionInput:
    """The connection's read side: counts the body bytes the app read, and once the answer
    is known to keep the connection alive, refuses werkzeug's after-answer drain (a blocking
    read that would swallow the client's next request)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0
        self.keep_alive = False

    def next_request(self) -> None:
        self.count = 0
        self.keep_alive = False

    def read(self, size: int = -1) -> bytes:
        if self.keep_alive:
            return b""  # werkzeug's drain: the body was read whole, nothing is left to drain
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self.count += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        n = self._stream.readinto(buffer) or 0  # type: ignore[attr-defined]
        self.count += n
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class Handler(WSGIRequestHandler):
    """werkzeug's handler, quiet (the app logs one line per SOAP call), keeping connections
    alive when the request body was read whole."""

    timeout = STALL_TIMEOUT
    rfile: Any
    _length: int | None = None
    _server_named = False

    def setup(self) -> None:
        super().setup()
        # http.server writes the headers and the body in two sends; on a kept-alive
        # connection Nagle's algorithm would hold the second for the client's delayed ACK (40 ms).
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not TCP (a Unix socket): nothing to tune
            pass
        self.rfile = _ConnectionInput(self.rfile)
        if isinstance(self.server, Server):
            self.server.track(self.connection)

    def finish(self) -> None:
        if isinstance(self.server, Server):
            self.server.untrack(self.connection)
        super().finish()

    def make_environ(self) -> Any:
        self.rfile.next_request()  # the request line and headers are read: count the body only
        environ = super().make_environ()
        self._length = None
        if not environ.get("wsgi.input_terminated"):  # a chunked body always closes
            try:
                self._length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                self._length = None
        return environ

    def send_response(self, code: int, message: str | None = None) -> None:
        """http.server's, with IIS's reason phrase (``500 Internal Server Error``, not
        werkzeug's ``500 INTERNAL SERVER ERROR``) and the ``Server`` header held back until
        the app's own headers are known (an injected front-end page names IIS there)."""
        try:
            message = HTTPStatus(code).phrase
        except ValueError:
            pass
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())
        self._server_named = False

    def end_headers(self) -> None:
        if not self._server_named:
            super().send_header("Server", self.version_string())
        super().end_headers()

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "server":
            self._server_named = True
        if keyword.lower() == "connection" and value.lower() == "close":
            if self._length is not None and self.rfile.count == self._length and not self.close_connection:
                self.rfile.keep_alive = True
                return  # the body was read whole: keep the HTTP/1.1 connection for the next request
        super().send_header(keyword, value)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        # http.server's messages quote the raw request line, which may carry a token or a
        # secret (a malformed request, bytes past a body): log the numbers only.
        numbers = [a for a in args if isinstance(a, int)]
        log.debug("http: connection-level error %s", numbers[0] if numbers else "")


class Server(ThreadedWSGIServer):
    """werkzeug's threaded server that knows its open connections, so :func:`close` can cut them."""

    def __init__(self, host: str, port: int, app: Any, handler: type[Handler], fd: int) -> None:
        super().__init__(host, port, app, handler=handler, fd=fd)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def cut_connections(self) -> None:
        """Shut down every open connection, so no handler thread waits on a socket."""
        with self._connections_lock:
            open_connections = list(self._connections)
        for conn in open_connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(host: str, port: int, app: Any, stall_timeout: float = STALL_TIMEOUT) -> Server:
    """Bind now (port 0: the OS picks) and return the server; run ``serve_forever`` yourself.

    ``stall_timeout``: seconds a connection may stall mid-request or idle between requests.
    """
    handler = (
        Handler
        if stall_timeout == Handler.timeout
        else type("Handler", (Handler,), {"timeout": stall_timeout})
    )
    # Bind here rather than in make_server: werkzeug prints a bind error and calls
    # sys.exit(1), which a library must not do; ours raises the OSError to the caller.
    family = select_address_family(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server does
        sock.bind(get_sockaddr(host, port, family))
        sock.listen(BaseWSGIServer.request_queue_size)  # werkzeug's backlog (128), not socketserver's 5
        server = Server(host, port, app, handler, sock.fileno())
    finally:
        sock.close()  # the server holds its own duplicate of the descriptor
    return server


def close(server: Server, thread: threading.Thread | None) -> None:
    """Stop accepting, cut open connections, and wait for the serving thread."""
    try:  # wake serve_forever's select now rather than at its next 0.5 s poll (Linux)
        server.socket.shutdown(socket.SHUT_RDWR)
    except OSError:  # other systems refuse it on a listening socket: just wait
        pass
    server.shutdown()
    server.server_close()
    server.cut_connections()
    if thread is not None:
        thread.join(timeout=10)
