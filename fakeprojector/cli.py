"""``fakeprojector`` on the command line: ``serve`` a fake, ``check-fixtures`` a file.

``serve`` prints the service URL as the first line of stdout, flushed, once it accepts
connections (scripts read it to learn a ``--port 0`` choice); Ctrl-C and SIGTERM stop it
cleanly with exit status 0. Bad fixtures or settings fail at start with exit status 2
and a message naming the file, entry and field.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fakeprojector import __version__
from fakeprojector.fixtures import DEFAULT_FIXTURES, FixtureError, load_fixtures


def _settings_from(args: argparse.Namespace) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if args.error_style:
        settings["error_style"] = args.error_style
    if args.strict_soap_action:
        settings["strict_soap_action"] = True
    if args.rotate_refresh_tokens:
        settings["rotate_refresh_tokens"] = True
    for name in ("code_lifetime_seconds", "access_token_lifetime_seconds", "refresh_token_lifetime_seconds", "token_type"):
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    return settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fakeprojector",
        description="A high-fidelity fake of Projector PSA's SOAP OAuth2 operations "
        "(PwsRevokeOauth2RefreshToken, PwsAcquireOauth2Token).",
    )
    parser.add_argument("--version", action="version", version=f"fakeprojector {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="run the fake as a local HTTP server",
        description="Serve the fake SOAP service, its WSDL and the admin API until Ctrl-C or SIGTERM. "
        "The first line of stdout is the service URL.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=int, default=8080, help="port to bind; 0 picks a free one (default: 8080)")
    serve.add_argument(
        "--fixtures",
        action="append",
        metavar="FILE",
        help="fixtures JSON file; repeat to merge several (default: the packaged fixtures with the vendor's sample client)",
    )
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"], help="stderr log level (default: info)")
    serve.add_argument("--ready-file", metavar="PATH", help="write JSON {url, wsdl_url, admin_url, pid} here once serving")
    serve.add_argument("--seed", help="make generated tokens and codes repeatable")
    serve.add_argument(
        "--error-style",
        choices=["inband", "fault"],
        help="OAuth errors as in-band PwsMessage with HTTP 200 (default, as documented) or as SOAP Faults with a PwsFault detail",
    )
    serve.add_argument(
        "--strict-soap-action",
        action="store_true",
        help="answer a request without SOAPAction with WCF's ActionNotSupported fault (default: dispatch on the body element)",
    )
    serve.add_argument("--rotate-refresh-tokens", action="store_true", help="issue a new refresh token on each refresh and revoke the old one")
    serve.add_argument("--code-lifetime-seconds", type=float, help="authorization code lifetime (default: 60)")
    serve.add_argument("--access-token-lifetime-seconds", type=int, help="ExpiresInSeconds of access tokens (default: 3600)")
    serve.add_argument("--refresh-token-lifetime-seconds", type=float, help="refresh token lifetime (default: none, never expire)")
    serve.add_argument("--token-type", help="TokenType returned by PwsAcquireOauth2Token (default: projector_session_ticket)")
    serve.add_argument("--max-body", type=int, default=None, help="largest request body in bytes, else HTTP 413 (default: 65536)")
    serve.add_argument("--admin-token", default=os.environ.get("FAKEPROJECTOR_ADMIN_TOKEN"), help="require this bearer token on the admin API (default: $FAKEPROJECTOR_ADMIN_TOKEN; unset: loopback callers only)")

    check = sub.add_parser("check-fixtures", help="validate fixtures files and exit", description="Validate fixtures files; exit 0 when valid, 2 otherwise.")
    check.add_argument("files", nargs="+", metavar="FILE")
    return parser


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=getattr(logging, level.upper()), stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def serve(args: argparse.Namespace) -> int:
    from fakeprojector.server import FakeProjector

    _configure_logging(args.log_level)
    kwargs: dict[str, Any] = {}
    if args.max_body is not None:
        kwargs["max_body"] = args.max_body
    try:
        fake = FakeProjector(
            args.fixtures or None,
            host=args.host,
            port=args.port,
            settings=_settings_from(args),
            seed=args.seed,
            admin_token=args.admin_token,
            **kwargs,
        )
        fake.start()
    except (FixtureError, ValueError) as exc:
        print(f"fakeprojector: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"fakeprojector: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(fake.url, flush=True)
    logging.getLogger("fakeprojector").info(
        "serving %s (WSDL %s, admin %s) on fixtures %s", fake.url, fake.wsdl_url, fake.admin_url, ", ".join(fake.store.fixtures.sources)
    )
    if args.ready_file:
        ready = {"url": fake.url, "wsdl_url": fake.wsdl_url, "admin_url": fake.admin_url, "pid": os.getpid()}
        tmp = Path(args.ready_file + ".tmp")
        tmp.write_text(json.dumps(ready), encoding="utf-8")
        tmp.replace(args.ready_file)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        fake.stop()
        logging.getLogger("fakeprojector").info("stopped")
    return 0


def check_fixtures(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            f = load_fixtures(name)
        except FixtureError as exc:
            print(f"invalid: {exc}", file=sys.stderr)
            status = 2
            continue
        print(
            f"ok: {name}: {len(f.clients)} clients, {len(f.refresh_tokens)} refresh tokens, "
            f"{len(f.authorization_codes)} authorization codes, {len(f.accounts)} accounts, {len(f.users)} users"
        )
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "check-fixtures":
        return check_fixtures(args)
    parser.print_help()
    return 2


__all__ = ["DEFAULT_FIXTURES", "main"]
