"""``fakeprojector`` on the command line: ``serve`` a fake, ``wait`` for one, ``check-fixtures`` a
file (and a WSDL), ``wsdl-save`` a live service's metadata, ``contract-test`` an endpoint (the
shipped contract suite; other arguments go to pytest).

``serve`` prints the service URL as the first line of stdout, flushed, once it accepts
connections (scripts read it to learn a ``--port 0`` choice); Ctrl-C and SIGTERM stop it
cleanly with exit status 0. Bad fixtures or settings fail at start with exit status 2
and a message naming the file, entry and field. ``wait`` (:mod:`fakeprojector.waiting`)
waits for a server with a deadline, for CI scripts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from fakeprojector import __version__, options, waiting
from fakeprojector.contract_suite import target
from fakeprojector.fixtures import DEFAULT_FIXTURES, FixtureError, load_fixtures
from fakeprojector.settings import SettingsError, specs
from fakeprojector.stubs import check_fixture_stubs


def _settings_from(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line; they override the fixtures' ``settings``."""
    return {name: getattr(args, name) for name in specs() if getattr(args, name) is not None}


def _add_setting_flags(group: argparse._ArgumentGroup) -> None:
    """One flag per setting, generated from :mod:`fakeprojector.settings` (name, type, help)."""
    for spec in specs().values():
        default = "none" if spec.default is None else str(spec.default).lower()
        help_text = f"{spec.help} (default: {default})"
        if spec.kind == "bool":
            group.add_argument(spec.flag, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif spec.kind == "choice":
            group.add_argument(spec.flag, choices=spec.choices, default=None, help=help_text)
        else:
            kind = {"int": int, "float": float, "optional_float": float, "str": str}[spec.kind]
            group.add_argument(spec.flag, type=kind, metavar=spec.metavar, default=None, help=help_text)


_DESCRIPTION = """\
A high-fidelity fake of Projector PSA's SOAP (WCF) OAuth2 service: PwsRevokeOauth2RefreshToken
and PwsAcquireOauth2Token on /OpsProjectorWcfSvc/PwsProjectorServices.svc, its WSDL, and a JSON
admin API to set it up, inspect it and inject faults. Clients in any language point at the
service URL (WSDL: the service URL + ?wsdl).
"""

_EPILOG = """\
examples:
  fakeprojector serve --port 8080
  fakeprojector serve --port 0 --fixtures base.json --fixtures mine.json --ready-file /tmp/fp.json &
  URL=$(fakeprojector wait --ready-file /tmp/fp.json --pid $!)
  fakeprojector serve --tls --port 8443
  fakeprojector serve --wsdl contract/PwsProjectorServices.wsdl
  fakeprojector check-fixtures mine.json
  fakeprojector check-fixtures --wsdl contract/PwsProjectorServices.wsdl mine.json
  fakeprojector wsdl-save https://secure.projectorpsa.com/OpsProjectorWcfSvc/PwsProjectorServices.svc contract/
  fakeprojector contract-test -q
  fakeprojector contract-test --projector-url https://HOST/OpsProjectorWcfSvc/PwsProjectorServices.svc

Run 'fakeprojector serve --help' for every option of the server.
"""

_CONTRACT_EPILOG = f"""\
Any other argument goes to pytest as it is (-q, -x, -k EXPR, -m "not choice", -n 2 with
pytest-xdist...); 'python -m pytest --help' lists them. The suite runs with its own pytest
configuration (warnings are errors), not the current project's.

target:
  Without --projector-url the suite starts a fake on the contract fixtures. With it, the same
  tests run against that endpoint with the credentials in {target.CLIENT_ID} and
  {target.CLIENT_SECRET}, and a disposable {target.REFRESH_TOKEN} (used up) for the token
  lifecycle tests; tests marked fake_only skip. Run without -n so the order holds.

exit status:
  pytest's: 0 all passed, 1 some failed, 5 none selected...; 2 a bad option, missing
  credentials, or pytest not installed (pip install 'fakeprojector[contract]').
"""

_SERVE_EPILOG = """\
output:
  The first line of stdout is the service URL, printed once connections are accepted;
  with --tls, the second is 'CA certificate: PATH', the file clients trust.
  stderr gets one log line per SOAP call (operation, status, error numbers, HTTP status,
  duration, injected fault); client secrets are never logged.

admin API (JSON, under <base URL>/_fakeprojector/; OpenAPI 3 at openapi.json):
  GET health | POST reset | GET, POST settings | GET, POST clock | GET, POST accounts
  GET, POST clients | GET, POST users | GET, POST refresh-tokens | GET refresh-tokens/{token}
  GET, POST access-tokens | GET access-tokens/{token} | GET, POST authorization-codes
  GET, DELETE requests | GET, POST, DELETE faults | GET, DELETE faults/{id}
  GET, POST, DELETE stubs | GET, DELETE stubs/{id} (operations of --wsdl)
  POST and DELETE need 'Content-Type: application/json'. Without --admin-token: loopback
  callers addressing localhost, 127.0.0.1 or [::1] only; with it: 'Authorization: Bearer TOKEN'.
  The dashboard: <base URL>/_fakeprojector/dashboard.

exit status:
  0 stopped by Ctrl-C or SIGTERM; 2 bad fixtures, settings or options, or the port is taken.
"""

_WAIT_EPILOG = """\
what counts as up:
  any HTTP answer to a GET of the URL, whatever its status; redirects are not followed,
  proxies not used. A certificate that does not verify fails at once.

examples:
  fakeprojector serve --port 0 --ready-file /tmp/fp.json & URL=$(fakeprojector wait --ready-file /tmp/fp.json --pid $!)
  fakeprojector wait http://127.0.0.1:8080/ --timeout 60
  fakeprojector wait https://127.0.0.1:8443/ --ca-file ca.pem

output:
  stdout: the URL that answered (with --ready-file, the service URL in it).
  stderr: on failure, one line saying why.

exit status:
  0 the server answers; 1 the deadline passed, the server process exited, or its certificate
  does not verify; 2 bad options.
"""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``fakeprojector serve: argument --port: invalid int
    value: 'x' (see --help)`` and exit status 2, without the usage block before it."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fakeprojector",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"fakeprojector {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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
        help="once serving, write JSON {url, wsdl_url, admin_url, pid, ca_file} here (atomically); removed on a clean stop",
    )
    net.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a certificate made at start for localhost, 127.0.0.1 and ::1, signed by "
        "a CA made at start, whose certificate is written to a file (printed, and ca_file in the "
        "ready file); needs the 'cryptography' package: pip install 'fakeprojector[tls]'",
    )
    net.add_argument(
        "--tls-cert",
        metavar="PEM",
        help="serve HTTPS with this certificate (chain) instead; implies --tls",
    )
    net.add_argument(
        "--tls-key",
        metavar="PEM",
        help="the private key of --tls-cert (unencrypted; default: in the --tls-cert file)",
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
    state.add_argument(
        "--wsdl",
        metavar="PATH",
        help="also answer every operation of this WSDL (schemas inline, beside it, or a saved bundle's "
        "?xsd=xsdN files in its folder): real session tickets, generated answers, stubs (default: none)",
    )

    behaviour = serve.add_argument_group(
        "behaviour",
        "Switchable choices of the contract; each overrides the fixtures' 'settings'\n(see docs/fixtures-and-settings.md).",
    )
    _add_setting_flags(behaviour)

    wait = sub.add_parser(
        "wait",
        help="wait until a server answers, with a deadline (for CI scripts)",
        description="Wait until URL (or the server of a 'serve --ready-file') answers an HTTP GET, "
        "at most --timeout seconds; stop at once when the server process (--pid) has exited.",
        epilog=_WAIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    wait.add_argument("url", nargs="?", metavar="URL", help="the URL to try (or give --ready-file)")
    wait.add_argument(
        "--ready-file",
        metavar="PATH",
        help="wait for the ready file of 'serve --ready-file PATH', then for its URL (its ca_file trusted)",
    )
    wait.add_argument(
        "--timeout", type=float, default=30.0, metavar="SECONDS", help="the deadline (default: 30)"
    )
    wait.add_argument(
        "--pid",
        type=int,
        metavar="PID",
        help="the server's process ($! after 'serve ... &'): stop when it exits",
    )
    wait.add_argument(
        "--ca-file", metavar="PEM", help="trust this CA certificate for https:// (default: the system's CAs)"
    )

    check = sub.add_parser(
        "check-fixtures",
        help="validate fixtures files (and a WSDL) and exit",
        description="Validate fixtures files, each alone and (when several) merged in order as "
        "'serve --fixtures A --fixtures B' would, and with --wsdl the WSDL and the files' stubs "
        "against it. Prints 'ok: ...' per valid file on stdout and "
        "'invalid: FILE: entry: field: problem' on stderr.",
        epilog="exit status: 0 when everything is valid, 2 otherwise.",
    )
    check.add_argument("files", nargs="*", metavar="FILE", help="fixtures JSON file(s)")
    check.add_argument("--wsdl", metavar="PATH", help="a WSDL to load, and to check the files' stubs against")

    save = sub.add_parser(
        "wsdl-save",
        help="save a live service's ?wsdl and its ?xsd=xsdN schemas for --wsdl",
        description="Fetch URL?wsdl and every schema it imports (?xsd=xsdN, transitively) and write them "
        "into DIR with local schemaLocations: 'serve --wsdl DIR/<Service>.wsdl' then works offline.",
        epilog="exit status: 0 when saved, 2 when the metadata cannot be fetched, read or written.",
    )
    save.add_argument("url", metavar="URL", help="the service address (.../PwsProjectorServices.svc)")
    save.add_argument("folder", metavar="DIR", help="where to write the files (created when missing)")

    contract = sub.add_parser(
        "contract-test",
        help="run the contract suite (pytest) against a fake it starts, or your own endpoint",
        description="Run the contract suite shipped with fakeprojector: every documented behaviour of the "
        "OAuth2 operations, checked over raw HTTP.",
        epilog=_CONTRACT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # a pytest option must never be taken for a prefix of ours
    )
    contract.add_argument(
        "--projector-url",
        metavar="URL",
        default=os.environ.get(target.URL) or None,
        help=f"the service URL to check (https://HOST/OpsProjectorWcfSvc/PwsProjectorServices.svc; default: "
        f"${target.URL}, else a fake)",
    )
    return parser


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


#: Ctrl-C and ``kill``: either stops the server cleanly with exit status 0.
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
_SIGWAIT = hasattr(signal, "pthread_sigmask") and hasattr(signal, "sigwait")


def _block_stop_signals() -> set[int | signal.Signals]:
    """Hold SIGINT and SIGTERM pending instead of running a handler (POSIX).

    No Python handler runs, so none can take a lock: a handler that set a
    ``threading.Event`` deadlocked when a second signal landed while the main thread held
    the event's lock (its own wait, or the first handler's ``set``). Blocked here before
    the server's threads start, the mask is inherited by all of them, and
    :func:`_wait_for_stop_signal` takes the first signal with ``sigwait``; later ones stay
    pending and change nothing.
    """
    if _SIGWAIT:
        return signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    return set()


def _restore_signals(mask: set[int | signal.Signals]) -> None:
    """Undo :func:`_block_stop_signals` (a start that failed, in a process that goes on)."""
    if _SIGWAIT:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _wait_for_stop_signal() -> None:
    """Block until SIGINT or SIGTERM. Without ``sigwait`` (Windows) a handler only sets a
    flag, which takes no lock, and the main thread polls it."""
    if _SIGWAIT:
        signal.sigwait(STOP_SIGNALS)
        return
    stopping: list[int] = []
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda signum, frame: stopping.append(signum))
    while not stopping:
        time.sleep(0.1)


def _usage_error(message: str) -> int:
    """One line on stderr, exit status 2: a bad option, setting, file or port."""
    print(f"fakeprojector: {message}", file=sys.stderr)
    return 2


def serve(args: argparse.Namespace) -> int:
    from fakeprojector.server import FakeProjector

    _configure_logging(args.log_level)
    kwargs: dict[str, Any] = {}
    if args.max_body is not None:
        kwargs["max_body"] = args.max_body
    if args.journal_size is not None:
        kwargs["journal_size"] = args.journal_size
    try:
        ready_file = options.writable_file("ready_file", args.ready_file) if args.ready_file else None
        fake = FakeProjector(
            args.fixtures or None,
            host=args.host,
            port=args.port,
            settings=_settings_from(args),
            seed=args.seed,
            admin_token=args.admin_token,
            wsdl=args.wsdl,
            tls=args.tls,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            **kwargs,
        )
    except options.OptionError as exc:  # name the flag as it was typed
        return _usage_error(f"{exc.flag}: {exc.problem}")
    except SettingsError as exc:
        return _usage_error(f"--{exc.setting.replace('_', '-')}: {exc.problem}")
    except FixtureError as exc:
        return _usage_error(f"--fixtures: {exc}")
    except ValueError as exc:  # the WSDL engine's ContractError: file, element and problem
        return _usage_error(f"--wsdl: {exc}")
    previous_mask = _block_stop_signals()  # before any thread exists, so every thread inherits it
    try:
        fake.start()
    except OSError as exc:
        _restore_signals(previous_mask)
        return _usage_error(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    if ready_file is not None:  # before the URL line: whoever reads that line may read the file next
        ready = {
            "url": fake.url,
            "wsdl_url": fake.wsdl_url,
            "admin_url": fake.admin_url,
            "pid": os.getpid(),
            "ca_file": fake.ca_file,
        }
        tmp = ready_file.with_name(ready_file.name + ".tmp")
        try:
            tmp.write_text(json.dumps(ready), encoding="utf-8")
            tmp.replace(ready_file)
        except OSError as exc:  # the folder went away or filled up since the check
            fake.stop()
            _restore_signals(previous_mask)
            return _usage_error(f"--ready-file: cannot write {ready_file}: {exc.strerror or exc}")
    print(fake.url, flush=True)
    if fake.ca_file is not None:
        print(f"CA certificate: {fake.ca_file}", flush=True)
    logging.getLogger("fakeprojector").info(
        "serving %s (WSDL %s, admin %s) on fixtures %s%s%s",
        fake.url,
        fake.wsdl_url,
        fake.admin_url,
        ", ".join(fake.fixture_sources),
        f", and every operation of {fake.wsdl}" if fake.wsdl is not None else "",
        f"; clients trust the CA certificate {fake.ca_file}" if fake.ca_file else "",
    )
    try:
        _wait_for_stop_signal()
    finally:
        fake.stop()
        if ready_file is not None:
            ready_file.unlink(missing_ok=True)
        logging.getLogger("fakeprojector").info("stopped")
    return 0


def wait(args: argparse.Namespace) -> int:
    """``fakeprojector wait``: 0 and the URL on stdout once it answers; 1 and the reason on
    stderr when it will not (deadline, server exited, certificate); 2 for bad options."""
    try:
        if (args.url is None) == (args.ready_file is None):
            raise options.OptionError("url", "give the server's URL or --ready-file PATH (one of them)")
        url = waiting.check_url(args.url) if args.url is not None else None
        timeout = waiting.check_timeout(args.timeout)
        pid = waiting.check_pid(args.pid) if args.pid is not None else None
        if args.ca_file is not None:
            waiting.client_context(args.ca_file)
    except options.OptionError as exc:
        return _usage_error(f"{'URL' if exc.option == 'url' else exc.flag}: {exc.problem}")
    try:
        answered = waiting.wait(
            url=url,
            ready_file=Path(args.ready_file) if args.ready_file is not None else None,
            timeout=timeout,
            pid=pid,
            ca_file=args.ca_file,
        )
    except waiting.WaitFailed as exc:
        print(f"fakeprojector wait: {exc}", file=sys.stderr)
        return 1
    print(answered, flush=True)
    return 0


def _summary(f: Any) -> str:
    return (
        f"{len(f.clients)} clients, {len(f.refresh_tokens)} refresh tokens, "
        f"{len(f.authorization_codes)} authorization codes, {len(f.accounts)} accounts, {len(f.users)} users"
        + (f", {len(f.stubs)} stubs" if f.stubs else "")
    )


def check_fixtures(args: argparse.Namespace) -> int:
    if not args.files and not args.wsdl:
        return _usage_error("check-fixtures: give fixtures files, --wsdl PATH, or both (see --help)")
    contract = None
    if args.wsdl:
        from fakeprojector.soap.contract_service import load_service  # only with --wsdl

        try:
            contract = load_service(args.wsdl)
        except ValueError as exc:
            print(f"invalid: {exc}", file=sys.stderr)
            return 2
        types = len(contract.contract.types)
        print(
            f"ok: {args.wsdl}: {len(contract.contract.operations)} operations, {types} types, "
            f"{len(contract.contract.schemas)} schema documents"
        )
    status = 0
    for name in args.files:
        try:
            f = load_fixtures(name)
            if contract is not None:
                check_fixture_stubs(f, contract)
        except FixtureError as exc:
            print(f"invalid: {exc}", file=sys.stderr)
            status = 2
            continue
        unchecked = " (stubs not checked: give --wsdl)" if f.stubs and contract is None else ""
        print(f"ok: {name}: {_summary(f)}{unchecked}")
    if status == 0 and len(args.files) > 1:  # ids defined twice across files show only merged
        try:
            merged = load_fixtures(list(args.files))
        except FixtureError as exc:
            print(f"invalid: merged in order: {exc}", file=sys.stderr)
            return 2
        print(f"ok: merged: {_summary(merged)}")
    return status


def wsdl_save(args: argparse.Namespace) -> int:
    from fakeprojector.wsdl.save import SaveError, save

    try:
        saved = save(args.url, args.folder)
    except SaveError as exc:
        return _usage_error(f"wsdl-save: {exc}")
    print(f"saved: {saved.wsdl} and {len(saved.schemas)} schema documents beside it")
    return 0


def contract_test(args: argparse.Namespace, pytest_args: Sequence[str]) -> int:
    if args.projector_url:
        try:  # checked here too, so a bad option is one line and exit status 2, not pytest's 4
            target.real_target(args.projector_url, os.environ)
        except ValueError as exc:
            return _usage_error(f"contract-test: {exc}")
    if importlib.util.find_spec("pytest") is None:
        return _usage_error("contract-test needs pytest: pip install 'fakeprojector[contract]'")
    from fakeprojector.contract_suite import runner

    return runner.run(args.projector_url, pytest_args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        # contract-test hands what it does not know to pytest; every other command refuses it
        args, rest = parser.parse_known_args(argv)
        if rest and args.command != "contract-test":
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        if args.command == "serve":
            return serve(args)
        if args.command == "wait":
            return wait(args)
        if args.command == "check-fixtures":
            return check_fixtures(args)
        if args.command == "wsdl-save":
            return wsdl_save(args)
        if args.command == "contract-test":
            return contract_test(args, rest)
    except KeyboardInterrupt:  # Ctrl-C before the server blocks it: no traceback
        return 130
    parser.print_help()
    return 2


__all__ = ["DEFAULT_FIXTURES", "main"]
