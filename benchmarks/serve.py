"""Serve one app on one HTTP server in this process, for the HTTP benchmarks (a subprocess).

    python benchmarks/serve.py SERVER APP      SERVER: werkzeug | waitress | cheroot
                                               APP: fake (FakeProjector's app) | static (floor.static_app)

Prints the bound port on the first line of stdout, then serves on 127.0.0.1 until SIGTERM.
``werkzeug`` with ``fake`` is exactly what ``FakeProjector.start()`` runs; every other
combination uses the same server settings, so fake and static differ only in the app.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

SERVERS = ("werkzeug", "waitress", "cheroot")
THREADS = 8  # worker threads for the pool-based servers (werkzeug starts one per connection)


def available(server: str) -> bool:
    """Whether ``server`` can be imported here (waitress and cheroot are optional)."""
    try:
        __import__(server)
    except ImportError:
        return False
    return True


def _app(kind: str) -> Any:
    if kind == "static":
        from floor import static_app

        return static_app
    from fakeprojector import FakeProjector

    return FakeProjector().app


def main() -> None:
    server_kind, app_kind = sys.argv[1], sys.argv[2]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    logging.getLogger("waitress").setLevel(logging.ERROR)  # "Task queue depth" warnings under load
    if server_kind == "werkzeug":
        if app_kind == "fake":
            from fakeprojector import FakeProjector

            fake = FakeProjector().start()
            print(fake.port, flush=True)
            stop.wait()
            fake.stop()
            return
        from fakeprojector import serving

        wz = serving.serve("127.0.0.1", 0, _app(app_kind))
        threading.Thread(target=wz.serve_forever, daemon=True).start()
        print(wz.port, flush=True)
        stop.wait()
        wz.shutdown()
    elif server_kind == "waitress":
        from waitress.server import create_server

        ws: Any = create_server(_app(app_kind), host="127.0.0.1", port=0, threads=THREADS)
        threading.Thread(target=ws.run, daemon=True).start()
        print(ws.effective_port, flush=True)
        stop.wait()
        ws.close()
    elif server_kind == "cheroot":
        from cheroot import wsgi

        cs = wsgi.Server(("127.0.0.1", 0), _app(app_kind), numthreads=THREADS)
        cs.prepare()
        threading.Thread(target=cs.serve, daemon=True).start()
        print(cs.bind_addr[1], flush=True)
        stop.wait()
        cs.stop()
    else:
        raise SystemExit(f"unknown server {server_kind!r}: one of {', '.join(SERVERS)}")


if __name__ == "__main__":
    main()
