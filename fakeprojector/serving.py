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

With an ``ssl_context`` the server speaks HTTPS, and the TLS handshake happens in each
connection's own thread, under the same stall timeout (werkzeug's own TLS wraps the listening
socket, so its ``accept`` would run every handshake in the one accepting thread: a client
that stalls mid-handshake would block every other). A connection whose first bytes are plain
HTTP gets a plain-text 400 saying the port speaks HTTPS, then is closed, as nginx does.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
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
#: The first byte of a TLS record carrying a handshake (a ClientHello).
TLS_HANDSHAKE = 0x16
#: What plain HTTP sent to an HTTPS port gets, before the connection closes.
PLAIN_HTTP_ANSWER = (
    b"HTTP/1.1 400 Bad Request\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\n"
    b"Connection: close\r\n\r\n%s"
)
PLAIN_HTTP_TEXT = b"This port speaks HTTPS only: send the request again to the https:// URL.\n"


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


class _ConnectionOutput:
    """The connection's write side, sending an answer's head and body in one ``sendall``:
    http.server writes the status line and headers, werkzeug then the body and flushes; on a
    socket with ``TCP_NODELAY`` that was two segments and two system calls per answer. The
    head is held (:meth:`hold`) until the next flush, which every path through http.server and
    werkzeug reaches after an answer (and after each chunk of a streamed one); a write with
    nothing held (``100 Continue``, which must go at once) is sent at once."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._pending: list[bytes] = []

    def hold(self, data: bytes) -> None:
        self._pending.append(data)

    def write(self, data: bytes) -> int:
        if not self._pending:
            return int(self._stream.write(data))
        self._pending.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            self._stream.write(data)
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class Handler(WSGIRequestHandler):
    """werkzeug's handler, quiet (the app logs one line per SOAP call), keeping connections
    alive when the request body was read whole."""

    timeout = STALL_TIMEOUT
    rfile: Any
    wfile: Any
    _length: int | None = None
    _server_named = False
    _refused = False

    def setup(self) -> None:
        context = getattr(self.server, "ssl_context", None)
        if context is not None:
            tls = self._start_tls(context)
            if tls is None:
                self._refused = True  # nothing more to do: no streams, no tracking
                return
            self.request = tls
        super().setup()
        # An answer goes out in one send (_ConnectionOutput), but a streamed one or an interim
        # 100 Continue does not; on a kept-alive connection Nagle's algorithm would hold a
        # second small send for the client's delayed ACK (40 ms).
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not TCP (a Unix socket): nothing to tune
            pass
        self.rfile = _ConnectionInput(self.rfile)
        self.wfile = _ConnectionOutput(self.wfile)
        if isinstance(self.server, Server):
            self.server.track(self.connection)

    def _start_tls(self, context: ssl.SSLContext) -> ssl.SSLSocket | None:
        """The connection after a TLS handshake, or ``None`` when there is none to serve: the
        client sent plain HTTP (answered with a 400 here) or something else, stalled past the
        stall timeout, closed, or failed the handshake (logged at debug level, without its
        bytes). Tracked meanwhile, so ``stop()`` cuts a stalled handshake too."""
        sock: socket.socket = self.request
        server = self.server if isinstance(self.server, Server) else None
        sock.settimeout(self.timeout)
        if server is not None:
            server.track(sock)
        try:
            first = sock.recv(1, socket.MSG_PEEK)
            if first and first[0] != TLS_HANDSHAKE and first.isalpha():  # a request line: GET, POST...
                _refuse_plain_http(sock)
            if not first or first[0] != TLS_HANDSHAKE:
                return None
            tls = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        except OSError as exc:
            log.debug("https: no connection to serve: %s", type(exc).__name__)
            return None
        finally:
            if server is not None:
                server.untrack(sock)
        if server is not None:
            server.track(tls)
        try:
            tls.do_handshake()
        except OSError as exc:  # ssl.SSLError, a timeout, a reset: this connection only
            log.debug("https: handshake failed: %s", getattr(exc, "reason", None) or type(exc).__name__)
            if server is not None:
                server.untrack(tls)
            tls.close()
            return None
        return tls

    def handle(self) -> None:
        if not self._refused:  # the connection got its answer (or nothing) in setup
            super().handle()

    def finish(self) -> None:
        if self._refused:
            return
        if isinstance(self.server, Server):
            self.server.untrack(self.connection)
        try:
            super().finish()
        finally:
            if isinstance(self.request, ssl.SSLSocket):
                # socketserver closes the socket it accepted, which the TLS wrapper took over
                self.request.close()

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

    def flush_headers(self) -> None:
        """Hold the head for the body's write (one send per answer, see :class:`_ConnectionOutput`)."""
        buffered = getattr(self, "_headers_buffer", None)
        if buffered and isinstance(self.wfile, _ConnectionOutput):
            self.wfile.hold(b"".join(buffered))
            self._headers_buffer: list[bytes] = []
        else:
            super().flush_headers()

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "server":
            self._server_named = True
        if keyword.lower() == "connection" and value.lower() == "close":
            if self._length is not None and self.rfile.count == self._length and not self.close_connection:
                self.rfile.keep_alive = True
                return  # the body was read whole: keep the HTTP/1.1 connection for the next request
        super().send_header(keyword, value)

    def handle_expect_100(self) -> bool:
        """Leave ``Expect: 100-continue`` to werkzeug, which sends ``HTTP/1.1 100 Continue``
        before the app reads the body; http.server's own would send a second interim answer,
        the first one carrying a ``Server`` header, which IIS's does not."""
        return True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        # http.server's messages quote the raw request line, which may carry a token or a
        # secret (a malformed request, bytes past a body): log the numbers only.
        numbers = [a for a in args if isinstance(a, int)]
        log.debug("http: connection-level error %s", numbers[0] if numbers else "")


def _refuse_plain_http(sock: socket.socket) -> None:
    """Answer plain HTTP on the HTTPS port with a 400, then close without a reset: stop
    sending, and read what the client sent (briefly) so that unread bytes do not turn the
    close into a TCP reset that could destroy the answer before the client reads it."""
    sock.sendall(PLAIN_HTTP_ANSWER % (len(PLAIN_HTTP_TEXT), PLAIN_HTTP_TEXT))
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(0.5)
    deadline = time.monotonic() + 2.0
    drained = 0
    while time.monotonic() < deadline and drained < 1 << 20:
        data = sock.recv(65536)
        if not data:
            break
        drained += len(data)


class Server(ThreadedWSGIServer):
    """werkzeug's threaded server that knows its open connections, so :func:`close` can cut them."""

    def __init__(
        self,
        host: str,
        port: int,
        app: Any,
        handler: type[Handler],
        fd: int,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(host, port, app, handler=handler, fd=fd)
        # kept here rather than given to werkzeug, which would wrap the listening socket
        # (see the module's docstring); werkzeug reads it for wsgi.url_scheme = "https"
        self.ssl_context = ssl_context
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


def serve(
    host: str,
    port: int,
    app: Any,
    stall_timeout: float = STALL_TIMEOUT,
    ssl_context: ssl.SSLContext | None = None,
) -> Server:
    """Bind now (port 0: the OS picks) and return the server; run ``serve_forever`` yourself.

    ``stall_timeout``: seconds a connection may stall mid-request, mid-handshake or idle
    between requests. ``ssl_context``: serve HTTPS with it.
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
        server = Server(host, port, app, handler, sock.fileno(), ssl_context)
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
