"""Many clients at once over HTTP: codes issued, exchanged (some raced), refreshed and
revoked from 16 threads; afterwards the store is exactly consistent, no answer was a
5xx, and nothing deadlocked (every call and the whole run are bounded by timeouts)."""

from __future__ import annotations

import http.client
import json
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from tests.support.soapclient import acquire, revoke

THREADS = 16
CALL_TIMEOUT = 10.0
RUN_TIMEOUT = 60.0
CALLBACK = "https://app.example/callback"
RACED, REVOKED, KEPT = 16, 24, 24  # codes exchanged twice at once; refresh tokens revoked; kept


def _admin_post(fake: Any, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=CALL_TIMEOUT)
    try:
        conn.request(
            "POST",
            "/_fakeprojector" + path,
            body=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 201, body
        return json.loads(body)
    finally:
        conn.close()


def _run_all(tasks: list[Any]) -> list[Any]:
    """Run the callables on THREADS threads at once; every result, in task order."""
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(t) for t in tasks]
        _done, pending = wait(futures, timeout=RUN_TIMEOUT)
        assert not pending, f"{len(pending)} calls still running after {RUN_TIMEOUT} s: a deadlock?"
        return [f.result() for f in futures]


def _outcome(answer: Any) -> str:
    assert answer.status < 500, answer.body
    assert answer.status == 200, answer.body
    if answer.status_text == "Ok":
        return "Ok"
    (message,) = answer.messages()
    return str(message["ErrorNumber"])


def test_concurrent_issue_exchange_refresh_revoke_leave_the_store_exact(fake_projector_factory):
    fake = fake_projector_factory(seed=7)
    url = fake.url
    owner = fake.add_client(client_secret="owner-secret-0123456789", redirect_uris=[CALLBACK])
    other = fake.add_client(client_secret="other-secret-0123456789", redirect_uris=[CALLBACK])
    start = fake.store.counts()
    rng = random.Random(7)  # noqa: S311 - a repeatable shuffle, not a secret

    # 1. Codes issued over the admin API, all at once.
    total = RACED + REVOKED + KEPT
    issued = _run_all(
        [
            lambda: _admin_post(
                fake, "/authorization-codes", {"client_id": owner.client_id, "redirect_uri": CALLBACK}
            )
        ]
        * total
    )
    codes = [c["code"] for c in issued]
    assert len(set(codes)) == total

    # 2. Exchanges: the first RACED codes are sent twice at the same time.
    def exchange(code: str) -> Any:
        return lambda: (
            code,
            acquire(
                url,
                owner.client_id,
                "owner-secret-0123456789",
                Code=code,
                GrantType="code",
                RedirectUri=CALLBACK,
            ),
        )

    tasks = [exchange(c) for c in codes] + [exchange(c) for c in codes[:RACED]]
    rng.shuffle(tasks)
    results = _run_all(tasks)
    by_code: dict[str, list[str]] = {}
    refresh_of: dict[str, str] = {}
    for code, answer in results:
        outcome = _outcome(answer)
        by_code.setdefault(code, []).append(outcome)
        if outcome == "Ok":
            refresh_of[code] = answer.field("RefreshToken")
    for code in codes:
        assert by_code[code].count("Ok") == 1, (code, by_code[code])  # exactly one success per code
    for code in codes[:RACED]:
        assert sorted(by_code[code]) == ["50631", "Ok"]  # the loser is a replay
        assert fake.token_state(refresh_of[code]) == "revoked"  # ... which revokes the winner's tokens
    assert all(fake.store.codes[c].used for c in codes)

    # 3. Refreshes and revokes at once; another client tries to revoke the kept tokens.
    to_revoke = [refresh_of[c] for c in codes[RACED : RACED + REVOKED]]
    to_keep = [refresh_of[c] for c in codes[RACED + REVOKED :]]

    def refresh(token: str) -> Any:
        return lambda: (
            "refresh",
            token,
            acquire(
                url, owner.client_id, "owner-secret-0123456789", GrantType="refresh_token", RefreshToken=token
            ),
        )

    def revoke_as(client: Any, secret: str, token: str) -> Any:
        return lambda: ("revoke", token, revoke(url, token, client.client_id, secret, timeout=CALL_TIMEOUT))

    tasks = []
    for token in to_revoke + to_keep:
        tasks += [refresh(token), refresh(token)]
    tasks += [revoke_as(owner, "owner-secret-0123456789", t) for t in to_revoke]
    tasks += [revoke_as(other, "other-secret-0123456789", t) for t in to_keep]
    rng.shuffle(tasks)
    results = _run_all(tasks)
    outcomes = Counter()
    refreshed_ok = 0
    for kind, token, answer in results:
        outcome = _outcome(answer)
        outcomes[kind, token in to_keep, outcome] += 1
        if kind == "refresh" and outcome == "Ok":
            refreshed_ok += 1
    assert outcomes["revoke", False, "Ok"] == REVOKED
    assert outcomes["revoke", True, "Ok"] == KEPT  # success answered (RFC 7009), nothing changed
    assert outcomes["refresh", True, "Ok"] == 2 * KEPT
    assert outcomes["refresh", False, "Ok"] + outcomes["refresh", False, "50631"] == 2 * REVOKED

    # 4. The store, exactly.
    for token in to_revoke:
        assert fake.token_state(token) == "revoked"
    for token in to_keep:
        assert fake.token_state(token) == "active"
    store = fake.store
    for at in list(store.access_tokens.values()):
        if at.refresh_token in set(to_revoke) | {refresh_of[c] for c in codes[:RACED]}:
            assert fake.access_token_state(at.token) == "revoked"
    end = store.counts()
    assert end["authorization_codes"] == start["authorization_codes"] + total
    assert end["refresh_tokens"] == start["refresh_tokens"] + total
    assert end["refresh_tokens_active"] == start["refresh_tokens_active"] + KEPT
    assert end["access_tokens"] == start["access_tokens"] + total + refreshed_ok
    assert end["access_tokens_active"] == start["access_tokens_active"] + KEPT + 2 * KEPT
    soap_calls = (total + RACED) + 2 * (REVOKED + KEPT) + REVOKED + KEPT
    assert len(fake.journal) == soap_calls
    assert all(e.http_status == 200 for e in fake.requests)
