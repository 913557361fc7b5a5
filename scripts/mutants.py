#!/usr/bin/env python3
"""Mutation pass: plant plausible bugs one at a time and check that the suite catches each.

    .venv/bin/python scripts/mutants.py                  # every mutant (a few minutes)
    .venv/bin/python scripts/mutants.py --list           # name, file and description of each
    .venv/bin/python scripts/mutants.py --only pkce-dropped --only code-not-consumed

A mutant is one exact snippet of one file and its replacement. The checkout is copied once
to a temporary directory (the working tree is never touched); in the copy each mutant is
written, the fast part of the suite runs (``pytest -x`` over tests/unit, tests/contract,
tests/integration and tests/operations but its Java generator) with the copy first on the import path (``PYTHONPATH``, checked before
anything runs), and the file is put back. A mutant is *caught* when that run fails (or
times out) and *missed* when it passes; any missed mutant makes the exit status 1. The
unmutated copy must pass first, and every snippet must occur exactly once, or the pass
stops with status 2 before trying any mutant.

Not part of CI: it takes minutes. Run it after changing the rules or the tests, and add a
mutant for each bug a review finds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
# Not the snippet check: a planted mutant changes its own snippet, so that test would "catch" all.
SUITE = ["tests/unit", "tests/contract", "tests/integration", "tests/operations",
         "--ignore=tests/operations/test_generators.py", "--ignore=tests/unit/test_mutant_snippets.py"]  # fmt: skip
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", ".hypothesis", "results"
)


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    replacement: str
    description: str


def _m(name: str, path: str, original: str, replacement: str, description: str) -> Mutant:
    return Mutant(name, path, original, replacement, description)


RULES, STORE = "fakeprojector/rules.py", "fakeprojector/store.py"
JOURNAL, ASSERTIONS = "fakeprojector/journal.py", "fakeprojector/assertions.py"
FAULTS, BACKEND = "fakeprojector/faults.py", "fakeprojector/backend.py"
SESSIONS, STUBS = "fakeprojector/sessions.py", "fakeprojector/stubs.py"
SERVICE = "fakeprojector/soap/contract_service.py"

_USED = """    if code.used:
        store.revoke_tokens_of_code(code.code)
        raise errors.invalid_grant("code_used")
"""
_EXPIRED = """    if code.expires_ns is not None and store.clock.time_ns() >= code.expires_ns:
        raise errors.invalid_grant("code_expired")
"""
_REVOKE_SHAPE = """    error = _shape_error(REVOKE, missing, improper)
    if error:
        raise error
"""
_REVOKE_TYPE = """    if not _blank(req.token_type) and req.token_type != TOKEN_TYPE_REFRESH:
        raise OAuthError(errors.OAUTH_UNSUPPORTED_TOKEN_TYPE, {"TokenType": req.token_type or ""})
"""
_GRANT_TYPE = """    if req.grant_type not in (GRANT_CODE, GRANT_REFRESH_TOKEN):
        raise OAuthError(errors.OAUTH_UNSUPPORTED_GRANT_TYPE, {"GrantType": req.grant_type or ""})
"""
_GRANT_SHAPE = """    if req.grant_type == GRANT_CODE:
        missing = [n for n, v in (("Code", req.code), ("RedirectUri", req.redirect_uri)) if _blank(v)]
        improper: list[str] = []
    else:
        missing = [] if not _blank(req.refresh_token) else ["RefreshToken"]
        improper = [n for n, v in (("Code", req.code), ("CodeVerifier", req.code_verifier)) if not _blank(v)]
    error = _shape_error(ACQUIRE, missing, improper)
    if error:
        raise error
"""
_SECRET_OK = (
    "    secret_ok = hmac.compare_digest(expected, hashlib.sha256(client_secret.encode()).digest())\n"  # noqa: S105 - code, not a secret
)

MUTANTS: tuple[Mutant, ...] = (
    # --- rules.py: the check order ------------------------------------------------------------
    _m("code-expired-before-used", RULES, _USED + _EXPIRED, _EXPIRED + _USED,
       "a code replayed after it expired answers 'expired' and revokes nothing"),
    _m("revoke-token-type-before-shape", RULES, _REVOKE_SHAPE + _REVOKE_TYPE, _REVOKE_TYPE + _REVOKE_SHAPE,
       "revoke checks TokenType (50635) before the request shape (50632)"),
    _m("acquire-grant-type-after-shape", RULES, _GRANT_TYPE + _GRANT_SHAPE, _GRANT_SHAPE + _GRANT_TYPE,
       "acquire checks the grant-dependent shape before the grant type"),
    # --- rules.py: the code grant --------------------------------------------------------------
    _m("code-expiry-gt", RULES, "store.clock.time_ns() >= code.expires_ns", "store.clock.time_ns() > code.expires_ns",
       "a code is still good at exactly its lifetime"),
    _m("code-not-consumed", RULES, "    store.mark_code_used(code.code)\n", "",
       "a successful exchange does not consume the code"),
    _m("code-replay-no-revoke", RULES, _USED, _USED.replace("        store.revoke_tokens_of_code(code.code)\n", ""),
       "a replayed code fails but leaves what it issued alive"),
    _m("code-other-client", RULES, 'if code.client_id != client.client_id:\n        raise errors.invalid_grant("code_other_client")',
       'if False:\n        raise errors.invalid_grant("code_other_client")',
       "another client's code is exchanged"),
    _m("redirect-uri-unchecked", RULES, "if req.redirect_uri != code.redirect_uri:", "if False:",
       "the exchange ignores RedirectUri"),
    _m("pkce-dropped", RULES, "    if code.code_challenge:\n", "    if False:\n",
       "a code issued with a challenge needs no CodeVerifier"),
    _m("pkce-s256-as-plain", RULES, 'if code.code_challenge_method == "S256":', 'if code.code_challenge_method == "plain":',
       "S256 and plain swapped in the verifier check"),
    _m("code-remote-consumed", RULES, "        return AcquireOutcome(redirect_url=home)  # nothing consumed [doc]\n",
       "        store.mark_code_used(code.code)\n        return AcquireOutcome(redirect_url=home)\n",
       "a code answered with RedirectUrl is consumed at the wrong server"),
    # --- rules.py: the refresh grant -----------------------------------------------------------
    _m("refresh-revoked-accepted", RULES, 'if state == "revoked":', "if False:",
       "a revoked refresh token still refreshes"),
    _m("refresh-expired-accepted", RULES, 'if state == "expired":', "if False:",
       "an expired refresh token still refreshes"),
    _m("refresh-other-client", RULES,
       'if rt.client_id != client.client_id:\n        raise errors.invalid_grant("refresh_other_client")',
       'if False:\n        raise errors.invalid_grant("refresh_other_client")',
       "another client's refresh token refreshes"),
    _m("rotation-keeps-old", RULES, "        store.refresh_tokens[rt.token] = dataclasses.replace(rt, revoked=True)\n", "",
       "rotation issues a new refresh token without revoking the old one"),
    # --- rules.py: revoke ----------------------------------------------------------------------
    _m("revoke-does-nothing", RULES, "        store.revoke_refresh_token(rt.token)\n", "",
       "revoke answers Ok and revokes nothing"),
    _m("revoke-other-clients-token", RULES, "if rt is None or rt.client_id != client.client_id:", "if rt is None:",
       "a client can revoke another client's token"),
    _m("revoke-remote-revokes", RULES,
       "        home = store.remote_home(rt.account)\n        if home is not None:\n            return RevokeOutcome(redirect_url=home)\n",
       "", "a token on another server is revoked here instead of redirected"),
    _m("token-form-unchecked", RULES, 'if not _blank(req.token) and not is_refresh_token_form(req.token or ""):',
       "if False:", "a Token of the wrong form is accepted"),
    _m("token-type-case-insensitive", RULES, "req.token_type != TOKEN_TYPE_REFRESH",
       "req.token_type.lower() != TOKEN_TYPE_REFRESH", "TokenType compared without case"),
    _m("session-ticket-ignored", RULES, '    improper = [] if _blank(req.session_ticket) else ["SessionTicket"]\n',
       "    improper: list[str] = []\n", "revoke accepts a SessionTicket"),
    # --- rules.py: messages and the client -----------------------------------------------------
    _m("missing-names-reversed", RULES, '"Missing": ", ".join(missing)', '"Missing": ", ".join(reversed(missing))',
       "50632 lists missing names out of schema order"),
    _m("improper-names-unseparated", RULES, '"Improper": ", ".join(improper)', '"Improper": ",".join(improper)',
       "50632 joins improper names without the space"),
    _m("secret-case-insensitive", RULES, _SECRET_OK,
       "    secret_ok = client is not None and client.client_secret.lower() == client_secret.lower()\n",
       "the client secret is compared without case"),
    _m("secret-prefix", RULES, _SECRET_OK,
       "    secret_ok = client is not None and client_secret.startswith(client.client_secret)\n",
       "a secret with anything appended passes"),
    # --- store.py: lifetimes, cascades, refusals -----------------------------------------------
    _m("expiry-gt", STORE, "now_ns >= record.expires_ns", "now_ns > record.expires_ns",
       "tokens are still active at exactly their lifetime"),
    _m("refresh-lifetime-unit", STORE, "else now + round(lifetime * 1e9),", "else now + round(lifetime * 1e6),",
       "refresh-token lifetimes counted in milliseconds"),
    _m("refresh-lifetime-setting-ignored", STORE, "lifetime = self.settings.refresh_token_lifetime_seconds",
       "lifetime = None", "refresh_token_lifetime_seconds has no effect"),
    _m("access-lifetime-unit", STORE, "self.settings.access_token_lifetime_seconds * 1_000_000_000",
       "self.settings.access_token_lifetime_seconds * 1_000_000",
       "session tickets live 1,000 times shorter than ExpiresInSeconds"),
    _m("code-lifetime-unit", STORE, "expires_ns=now + round(self.settings.code_lifetime_seconds * 1e9),",
       "expires_ns=now + round(self.settings.code_lifetime_seconds * 1e10),",
       "codes issued from Python or the admin API live ten times too long"),
    _m("fixture-code-lifetime-unit", STORE, "lifetime_ns=round(self.settings.code_lifetime_seconds * 1e9)",
       "lifetime_ns=round(self.settings.code_lifetime_seconds * 1e10)",
       "fixture codes live ten times too long"),
    _m("redirect-uri-not-refused", STORE, "if client.redirect_uris and redirect_uri not in client.redirect_uris:",
       "if False:", "the store issues a code for a redirect URI the client never registered"),
    _m("revoke-no-cascade", STORE,
       "            for at in self.access_by_refresh.get(token, ()):\n                self.revoke_access_token(at)\n",
       "", "revoking a refresh token leaves its session tickets active"),
    # --- journal.py and assertions.py ----------------------------------------------------------
    _m("journal-redaction-off", JOURNAL, "(REDACTED if k in SECRET_FIELDS and v else v)", "v",
       "the journal keeps client secrets"),
    _m("journal-unbounded", JOURNAL, "deque(maxlen=max_entries or DEFAULT_MAX_ENTRIES)", "deque()",
       "the journal grows without bound"),
    _m("journal-system-time", JOURNAL, "datetime.fromtimestamp(self._clock.time(), tz=timezone.utc)",
       "datetime.fromtimestamp(time.time(), tz=timezone.utc)", "journal times ignore the fake's clock"),
    _m("assert-revoked-ignores-state", ASSERTIONS, 'if state == "active":', "if False:",
       "assert_revoked passes for a token that is still active"),
    _m("describe-newest-first", ASSERTIONS, "enumerate(entries[-limit:],", "enumerate(entries[-limit:][::-1],",
       "assert_called lists the calls made newest first"),
    _m("unknown-field-matches-nothing", ASSERTIONS, "wire = names.get(name)", "wire = names.get(name, name)",
       "a misspelt field name silently matches nothing instead of a TypeError"),
    # --- faults.py and backend.py --------------------------------------------------------------
    _m("fault-oldest-first", FAULTS, "for i in range(len(self._faults) - 1, -1, -1):",
       "for i in range(len(self._faults)):", "the oldest matching fault applies, not the newest"),
    _m("fault-times-not-counted", FAULTS, "                        fault.times -= 1\n", "",
       "a fault with times applies forever"),
    _m("fault-redirect-without-operation", FAULTS, ' and not (fault.kind == "redirect" and operation is None)', "",
       "a redirect fault answers a call that names no operation"),
    _m("reset-no-reseed", BACKEND, "        self.token_source.reseed(self.seed)\n", "",
       "reset does not restart a seeded token sequence"),
    _m("reset-keeps-faults", BACKEND, "        self.journal.clear()\n        self.faults.clear()\n",
       "        self.journal.clear()\n", "reset leaves injected faults active"),
    _m("reset-keeps-clock", BACKEND, "        self.clock.reset()\n        self.store.reset()\n",
       "        self.store.reset()\n", "reset leaves the clock frozen or moved"),
    # sessions and stubs on a loaded WSDL's operations (issue 16)
    _m("session-no-slide", STORE, "at = self.access_tokens[token] = dataclasses.replace(at, last_used_ns=now, expires_ns=moved)",
       "self.access_tokens[token] = at", "a successful call does not slide the idle timeout"),
    _m("session-max-lifetime-ignored", STORE, "at.issued_ns + s.max_lifetime_minutes * _NS_PER_MINUTE,",
       "at.issued_ns + 10**30,", "MaxLifetimeMinutes never ends a busy ticket"),
    _m("session-revoked-accepted", SESSIONS, 'if state != "active":', 'if state == "expired":',
       "a revoked ticket still opens every operation"),
    _m("session-other-server-accepted", SESSIONS, "if store.remote_home(at.account) is not None:", "if False:",
       "a ticket of an account on another server is accepted here"),
    _m("session-check-skipped", SERVICE, "if op.session_ticket and op.name != AUTHENTICATE:", "if False:",
       "loaded operations answer without checking the ticket"),
    _m("auth-password-unchecked", SESSIONS, "not hmac.compare_digest(expected, given)", "False",
       "PwsAuthenticate takes any password"),
    _m("stub-oldest-first", STUBS, "for i in range(len(self._stubs) - 1, -1, -1):", "for i in range(len(self._stubs)):",
       "the oldest matching stub answers instead of the newest"),
    _m("stub-times-not-counted", STUBS, "                        stub.times -= 1\n", "",
       "a stub with times answers for ever"),
    _m("reset-keeps-stubs", BACKEND, "        self.stubs.clear()\n        self._add_fixture_stubs()\n\n    def load_fixtures",
       "        self._add_fixture_stubs()\n\n    def load_fixtures", "reset leaves the stubs a test added"),
)  # fmt: skip


def _check_snippets(mutants: list[Mutant]) -> list[str]:
    problems = []
    for m in mutants:
        text = (ROOT / m.path).read_text(encoding="utf-8")
        found = text.count(m.original)
        if found != 1:
            problems.append(f"{m.name}: its snippet occurs {found} times in {m.path} (must be exactly once)")
    return problems


def _copy_checkout(into: Path) -> Path:
    copy = into / "checkout"
    shutil.copytree(ROOT, copy, symlinks=True, ignore=COPY_IGNORE)
    return copy


def _env(copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PROJECTOR_"))}
    env["PYTHONPATH"] = str(copy)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a mutant and its undo can share an mtime: no stale .pyc
    return env


def _check_import(copy: Path, env: dict[str, str]) -> None:
    """The copy's package and tests are what the runs import, not the checkout's."""
    probe = "import fakeprojector, fakeprojector.pytest_plugin, tests.support; print(fakeprojector.__file__); print(tests.support.__file__)"
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", probe], cwd=copy, env=env, capture_output=True, text=True, check=False
    )
    paths = done.stdout.split()
    if (
        done.returncode != 0
        or len(paths) != 2
        or not all(Path(p).resolve().is_relative_to(copy) for p in paths)
    ):
        raise SystemExit(f"mutants: the copy at {copy} is not what gets imported: {done.stdout}{done.stderr}")


def _run_suite(copy: Path, env: dict[str, str], timeout: float) -> tuple[str, str]:
    """``("passed" | "failed" | "timeout", first failing test or summary)``."""
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, *PYTEST, *SUITE],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "timeout", f"no result after {timeout:.0f} s"
    out = done.stdout + done.stderr
    if done.returncode == 0:
        return "passed", ""
    first = re.search(r"^(?:FAILED|ERROR) (\S+)", out, re.M)
    lines = out.strip().splitlines()
    return "failed", first.group(1) if first else (lines[-1] if lines else f"exit {done.returncode}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this mutant (repeatable)")
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds per run before a mutant counts as caught"
    )
    args = parser.parse_args(argv)

    mutants = list(MUTANTS)
    if args.only:
        known = {m.name for m in MUTANTS}
        unknown = [n for n in args.only if n not in known]
        if unknown:
            parser.error(f"no mutant {', '.join(unknown)}; --list shows them")
        mutants = [m for m in MUTANTS if m.name in args.only]
    if args.list:
        width = max(len(m.name) for m in MUTANTS)
        for m in mutants:
            print(f"{m.name:<{width}}  {m.path:<27}  {m.description}")
        return 0
    problems = _check_snippets(mutants)
    if problems:
        print("mutants: stale snippets, fix MUTANTS first:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fakeprojector-mutants-") as tmp:
        copy = _copy_checkout(Path(tmp))
        env = _env(copy)
        _check_import(copy, env)
        print(f"mutants: copy at {copy}; running: python {' '.join(PYTEST + SUITE)}", flush=True)
        outcome, detail = _run_suite(copy, env, args.timeout)
        if outcome != "passed":
            print(
                f"mutants: the unmutated copy does not pass ({outcome}: {detail}); stopping", file=sys.stderr
            )
            return 2
        missed = []
        for i, m in enumerate(mutants, 1):
            target = copy / m.path
            original = target.read_text(encoding="utf-8")
            target.write_text(original.replace(m.original, m.replacement, 1), encoding="utf-8")
            t0 = time.monotonic()
            try:
                outcome, detail = _run_suite(copy, env, args.timeout)
            finally:
                target.write_text(original, encoding="utf-8")
            verdict = "MISSED" if outcome == "passed" else "caught"
            if outcome == "passed":
                missed.append(m)
                detail = m.description
            elif outcome == "timeout":
                detail = f"(timeout) {detail}"
            print(
                f"[{i:>2}/{len(mutants)}] {verdict}  {m.name:<34} {time.monotonic() - t0:5.1f}s  {detail}",
                flush=True,
            )
    minutes = (time.monotonic() - started) / 60
    print(
        f"mutants: {len(mutants) - len(missed)} caught, {len(missed)} missed, of {len(mutants)} ({minutes:.1f} min)"
    )
    for m in missed:
        print(f"  missed: {m.name} ({m.path}): {m.description}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
