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

#: Settings each taking a plain ``--flag VALUE`` (the option name is the setting's, dashed).
_VALUE_SETTINGS = (
    "code_lifetime_seconds",
    "access_token_lifetime_seconds",
    "timeout_minutes",
    "max_lifetime_minutes",
    "refresh_token_lifetime_seconds",
    "token_type",
    "error_style",
)
#: On/off settings: ``--flag`` / ``--no-flag``; absent leaves the fixtures' value.
_SWITCH_SETTINGS = ("strict_soap_action", "rotate_refresh_tokens", "auto_approve")


def _settings_from(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line; they override the fixtures' ``settings``."""
    settings: dict[str, Any] = {}
    for name in (*_VALUE_SETTINGS, *_SWITCH_SETTINGS):
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    return settings


_DESCRIPTION = """\
A high-fidelity fake of Projector PSA's SOAP (WCF) OAuth2 service: PwsRevokeOauth2RefreshToken
and PwsAcquireOauth2Token on /OpsProjectorWcfSvc/PwsProjectorServices.svc, its WSDL, and a JSON
admin API to set it up, inspect it and inject faults. Clients in any language point at the
service URL (WSDL: the service URL + ?wsdl).
"""

_EPILOG = """\
examples:
  fakeprojector serve --port 8080
  fakeprojector serve --port 0 --fixtures base.json --fixtures mine.json --ready-file /tmp/fp.json
  fakeprojector check-fixtures mine.json

Run 'fakeprojector serve --help' for every option of the server.
"""

_SERVE_EPILOG = """\
output:
  The first line of stdout is the service URL, printed once connections are accepted.
  stderr gets one log line per SOAP call (operation, status, error numbers, HTTP status,
  duration, injected fault); client secrets are never logged.

admin API (JSON, under <base URL>/_fakeprojector/):
  GET health | POST reset | GET, POST settings | GET, POST accounts | GET, POST clients
  POST refresh-tokens | GET refresh-tokens/{token} | GET access-tokens/{token}
  POST authorization-codes | GET, DELETE requests
  GET, POST, DELETE faults | GET, DELETE faults/{id}
  Loopback callers only, unless --admin-token is set: then 'Authorization: Bearer TOKEN'.

exit status:
  0 stopped by Ctrl-C or SIGTERM; 2 bad fixtures, settings or options, or the port is taken.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fakeprojector",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"fakeprojector {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="run the fake as a local HTTP server (SOAP endpoint, WSDL, admin API)",
        description="Serve the fake SOAP service, its WSDL and the admin API until Ctrl-C or SIGTERM.\n"
        "The first line of stdout is the service URL.",
        epilog=_SERVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    net = serve.add_argument_group("server")
    net.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1, loopback only; 0.0.0.0 for a container, with a warning)",
    )
    net.add_argument(
        "--port", type=int, default=8080, help="port to bind; 0 picks a free one (default: 8080)"
    )
    net.add_argument(
        "--ready-file",
        metavar="PATH",
        help="once serving, write JSON {url, wsdl_url, admin_url, pid} here (atomically); removed on a clean stop",
    )
    net.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="stderr log level; info logs one line per SOAP call (default: info)",
    )
    net.add_argument(
        "--max-body",
        type=int,
        default=None,
        metavar="BYTES",
        help="largest request body, else HTTP 413 (default: 65536, WCF's maxReceivedMessageSize)",
    )
    net.add_argument(
        "--journal-size",
        type=int,
        default=None,
        metavar="N",
        help="keep the last N SOAP calls in the request journal (default: 10000)",
    )
    net.add_argument(
        "--admin-token",
        default=os.environ.get("FAKEPROJECTOR_ADMIN_TOKEN") or None,
        metavar="TOKEN",
        help="require 'Authorization: Bearer TOKEN' on the admin API and answer any caller "
        "(default: $FAKEPROJECTOR_ADMIN_TOKEN, which keeps the token out of 'ps'; unset: loopback callers only, no token)",
    )

    state = serve.add_argument_group("state")
    state.add_argument(
        "--fixtures",
        action="append",
        metavar="FILE",
        help="fixtures JSON file; repeat to merge several in order (default: the packaged fixtures with the vendor's sample client and token)",
    )
    state.add_argument("--seed", help="make generated tokens, codes, client ids and secrets repeatable")

    behaviour = serve.add_argument_group(
        "behaviour",
        "Switchable choices of the contract; each overrides the fixtures' 'settings'\n(see the README's Settings).",
    )
    behaviour.add_argument(
        "--error-style",
        choices=["inband", "fault"],
        help="OAuth errors as in-band PwsMessage with HTTP 200 (inband, documented; the default) or as HTTP 500 SOAP Faults with a PwsFault detail (fault)",
    )
    behaviour.add_argument(
        "--strict-soap-action",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="answer a request without SOAPAction with WCF's ActionNotSupported fault, as real WCF does (default: off, dispatch on the body element)",
    )
    behaviour.add_argument(
        "--rotate-refresh-tokens",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="on refresh, issue a new refresh token and revoke the old one (default: off)",
    )
    behaviour.add_argument(
        "--auto-approve",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the consent page /oauth2authorize/{account} redirects with a code at once, without sign-in (headless tests; default: off)",
    )
    behaviour.add_argument(
        "--code-lifetime-seconds", type=float, metavar="S", help="authorization code lifetime (default: 60)"
    )
    behaviour.add_argument(
        "--access-token-lifetime-seconds",
        type=int,
        metavar="S",
        help="ExpiresInSeconds, and the session ticket's lifetime (default: 3600)",
    )
    behaviour.add_argument(
        "--timeout-minutes",
        type=int,
        metavar="M",
        help="TimeoutMinutes returned by PwsAcquireOauth2Token (default: 60)",
    )
    behaviour.add_argument(
        "--max-lifetime-minutes",
        type=int,
        metavar="M",
        help="MaxLifetimeMinutes returned by PwsAcquireOauth2Token (default: 1440)",
    )
    behaviour.add_argument(
        "--refresh-token-lifetime-seconds",
        type=float,
        metavar="S",
        help="refresh token lifetime (default: none, they never expire)",
    )
    behaviour.add_argument(
        "--token-type", help="TokenType returned by PwsAcquireOauth2Token (default: projector_session_ticket)"
    )

    check = sub.add_parser(
        "check-fixtures",
        help="validate fixtures files and exit",
        description="Validate fixtures files, each alone and (when several) merged in order as "
        "'serve --fixtures A --fixtures B' would. Prints 'ok: ...' per valid file on stdout and "
        "'invalid: FILE: entry: field: problem' on stderr.",
        epilog="exit status: 0 when every file is valid, 2 otherwise.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="fixtures JSON file(s)")
    return parser


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def serve(args: argparse.Namespace) -> int:
    from fakeprojector.server import FakeProjector

    _configure_logging(args.log_level)
    kwargs: dict[str, Any] = {}
    if args.max_body is not None:
        kwargs["max_body"] = args.max_body
    if args.journal_size is not None:
        kwargs["journal_size"] = args.journal_size
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
        print(
            f"fakeprojector: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr
        )
        return 2
    except SystemExit:  # werkzeug's make_server prints why it cannot bind, then exits 1
        print(f"fakeprojector: cannot listen on {args.host}:{args.port}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if args.ready_file:  # before the URL line: whoever reads that line may read the file next
        ready = {"url": fake.url, "wsdl_url": fake.wsdl_url, "admin_url": fake.admin_url, "pid": os.getpid()}
        tmp = Path(args.ready_file + ".tmp")
        tmp.write_text(json.dumps(ready), encoding="utf-8")
        tmp.replace(args.ready_file)
    print(fake.url, flush=True)
    logging.getLogger("fakeprojector").info(
        "serving %s (WSDL %s, admin %s) on fixtures %s",
        fake.url,
        fake.wsdl_url,
        fake.admin_url,
        ", ".join(fake.store.fixtures.sources),
    )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        fake.stop()
        if args.ready_file:
            Path(args.ready_file).unlink(missing_ok=True)
        logging.getLogger("fakeprojector").info("stopped")
    return 0


def _summary(f: Any) -> str:
    return (
        f"{len(f.clients)} clients, {len(f.refresh_tokens)} refresh tokens, "
        f"{len(f.authorization_codes)} authorization codes, {len(f.accounts)} accounts, {len(f.users)} users"
    )


def check_fixtures(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            f = load_fixtures(name)
        except FixtureError as exc:
            print(f"invalid: {exc}", file=sys.stderr)
            status = 2
            continue
        print(f"ok: {name}: {_summary(f)}")
    if status == 0 and len(args.files) > 1:  # ids defined twice across files show only merged
        try:
            merged = load_fixtures(list(args.files))
        except FixtureError as exc:
            print(f"invalid: merged in order: {exc}", file=sys.stderr)
            return 2
        print(f"ok: merged: {_summary(merged)}")
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
